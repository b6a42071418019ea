"""Embedded default: SQLite, file e-mail, file-system Celery broker, a secret key under var/.

DEBUG is on, so this module refuses to serve any host but the loopback addresses."""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import ALLOWED_HOSTS, VAR_DIR, env_bool, secret_key_from_file

LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]", "testserver"}

DEBUG = env_bool("DEBUG", True)
if DEBUG and not set(ALLOWED_HOSTS) <= LOOPBACK_HOSTS:
    raise ImproperlyConfigured(
        "dsar.settings.local runs with DEBUG on, which shows internals to anyone who can reach "
        "it: ALLOWED_HOSTS may only name loopback addresses "
        f"({', '.join(sorted(LOOPBACK_HOSTS))}). Serve other hosts with dsar.settings.production."
    )

SECRET_KEY = os.environ.get("SECRET_KEY") or secret_key_from_file(VAR_DIR / "secret.key")
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", str(VAR_DIR / "mail"))
# Passkeys on http://127.0.0.1 (browsers treat the loopback address as a secure context).
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = DEBUG

VAR_DIR.mkdir(parents=True, exist_ok=True)
DSAR_DEMO_ALLOWED = True
