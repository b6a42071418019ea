"""Encryption at rest for sensitive identity fields.

Keys never live in the database: they come from ``DSAR_FIELD_KEYS`` (comma-separated Fernet keys,
the first one encrypts, all of them decrypt, so a key can be rotated) or, for the embedded default,
from a key file under ``var/`` created on first use.
"""

from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models

PREFIX = "fernet:"


@lru_cache(maxsize=1)
def _fernet() -> MultiFernet:
    keys = list(settings.DSAR_FIELD_KEYS)
    if not keys:
        key_file = settings.DSAR_FIELD_KEY_FILE
        if not key_file.exists():
            if not settings.DEBUG:
                raise ImproperlyConfigured("Set DSAR_FIELD_KEYS: sensitive fields need a key.")
            key_file.parent.mkdir(parents=True, exist_ok=True)
            key_file.write_bytes(Fernet.generate_key())
            key_file.chmod(0o600)
        keys = [key_file.read_text().strip()]
    return MultiFernet([Fernet(k.encode() if isinstance(k, str) else k) for k in keys])


def encrypt(value: str) -> str:
    return PREFIX + _fernet().encrypt(value.encode("utf-8")).decode("ascii")


def decrypt(token: str) -> str:
    if not token.startswith(PREFIX):
        raise ValueError("value is not encrypted")
    try:
        return _fernet().decrypt(token[len(PREFIX) :].encode("ascii")).decode("utf-8")
    except InvalidToken as exc:  # wrong key: fail loudly rather than show ciphertext
        raise ImproperlyConfigured(
            "Cannot decrypt a sensitive field: wrong DSAR_FIELD_KEYS"
        ) from exc


class EncryptedTextField(models.TextField):
    """A text field stored encrypted; empty strings stay empty (nothing to hide)."""

    def from_db_value(self, value, expression, connection):
        if value in (None, ""):
            return value
        return decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value in (None, ""):
            return value
        return encrypt(str(value))
