"""allauth adapters: failed logins counted per (account, client address); second-factor secrets
encrypted at rest."""

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.internal.ratelimit import get_ip
from allauth.mfa.adapter import DefaultMFAAdapter
from django.http import HttpRequest

from dsar.core import crypto


class AccountAdapter(DefaultAccountAdapter):
    def _get_login_attempts_cache_key(self, request: HttpRequest, **credentials: Any) -> str:
        # allauth keys its per-account limit ("…/key" in ACCOUNT_RATE_LIMITS["login_failed"]) by
        # the e-mail address alone, so anyone typing wrong passwords locks the owner out. With
        # the client address in the key, wrong guesses only slow down the address they come
        # from; the per-address limits still bound how fast one address can guess at all.
        return f"{super()._get_login_attempts_cache_key(request, **credentials)}:{get_ip(request)}"


class MfaAdapter(DefaultMFAAdapter):
    """Authenticator-app secrets and the recovery-code seed are encrypted at rest with the same
    keys as the identity fields (allauth stores them in plain text by default)."""

    def encrypt(self, text: str) -> str:
        return crypto.encrypt(text)

    def decrypt(self, encrypted_text: str) -> str:
        if not encrypted_text.startswith(crypto.PREFIX):
            return encrypted_text  # written before encryption was turned on
        return crypto.decrypt(encrypted_text)
