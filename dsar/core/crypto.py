"""Encryption at rest: sensitive fields, and documents on disk.

Keys never live in the database or in the data folder. They come from ``DSAR_FIELD_KEYS``
(comma-separated Fernet keys: the first one encrypts, all of them decrypt, so a key can be
rotated) or, for the embedded default only, from a key file in ``DSAR_KEY_DIR`` (outside ``var/``),
created on first use, one key per line in the same order. Production reads only the environment.

Fields are stored as ``fernet:<token>``. Files use envelope encryption: each file has its own
random AES-256-GCM data key, kept on the document row in an encrypted field (so the master key
wraps it, and ``rotate_keys`` re-wraps it with the rows).

Decryption fails closed: a value that cannot be decrypted raises, it is never shown as ciphertext.
"""

import base64
import json
import logging
import os
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django import forms
from django.conf import settings
from django.core import validators
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.db import models
from django.db.models.lookups import Exact
from django.dispatch import receiver

logger = logging.getLogger(__name__)

PREFIX = "fernet:"
FILE_MAGIC = b"DSARENC1"
_NONCE_BYTES = 12


class DecryptionError(ImproperlyConfigured):
    """Stored data cannot be decrypted with the configured keys."""


# --- keys -------------------------------------------------------------------------------------


def _secure_dir(path: Path) -> None:
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    path.chmod(0o700)


def read_key_file(path: Path) -> list[str]:
    if not path.exists():
        return []
    return [line.strip() for line in path.read_text().splitlines() if line.strip()]


def write_key_file(path: Path, keys: list[str]) -> None:
    """Write keys atomically, readable by the owner only."""
    _secure_dir(path.parent)
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write("\n".join(keys) + "\n")
    tmp.chmod(0o600)
    tmp.replace(path)


def _create_key_file(path: Path, keys: list[str]) -> list[str]:
    """Create a key file unless another process just did (the web server and the worker may
    start together): the first one wins and everyone uses its keys."""
    _secure_dir(path.parent)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.new")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write("\n".join(keys) + "\n")
    try:
        os.link(tmp, path)  # fails if the file exists: never replaces a key in use
    except FileExistsError:
        pass
    finally:
        tmp.unlink()
    return read_key_file(path)


def _legacy_key_file() -> Path | None:
    legacy = getattr(settings, "DSAR_LEGACY_FIELD_KEY_FILE", None)
    return Path(legacy) if legacy else None


def field_keys() -> list[str]:
    """The configured Fernet keys, newest (encrypting) first."""
    keys = list(settings.DSAR_FIELD_KEYS)
    if keys:
        return keys
    key_file = settings.DSAR_FIELD_KEY_FILE
    if not key_file:
        raise ImproperlyConfigured("Set DSAR_FIELD_KEYS: sensitive fields need a key.")
    key_file = Path(key_file)
    keys = read_key_file(key_file)
    if keys:
        return keys
    legacy = _legacy_key_file()
    if legacy is not None and legacy.exists():
        # An older install kept its key next to the database: move it out of the data folder.
        keys = _create_key_file(key_file, read_key_file(legacy))
        legacy.unlink(missing_ok=True)
        logger.warning("Moved the field key from %s to %s", legacy, key_file)
        return keys
    return _create_key_file(key_file, [Fernet.generate_key().decode("ascii")])


def _key_source() -> tuple:
    """What the keys are read from: the settings' keys, or the key file and its modification
    time, so a process picks up a key file changed by ``rotate_keys --new-key``."""
    keys = tuple(settings.DSAR_FIELD_KEYS)
    if keys or not settings.DSAR_FIELD_KEY_FILE:
        return (keys, None, None)
    key_file = Path(settings.DSAR_FIELD_KEY_FILE)
    try:
        mtime = key_file.stat().st_mtime_ns
    except FileNotFoundError:
        mtime = None
    return ((), str(key_file), mtime)


@lru_cache(maxsize=4)
def _fernets(source: tuple) -> tuple[MultiFernet, Fernet]:
    keys = [Fernet(k.encode() if isinstance(k, str) else k) for k in field_keys()]
    return MultiFernet(keys), keys[0]


def _fernet() -> MultiFernet:
    return _fernets(_key_source())[0]


def _primary() -> Fernet:
    return _fernets(_key_source())[1]


def reset_key_cache() -> None:
    _fernets.cache_clear()


@receiver(setting_changed)
def _keys_changed(*, setting, **kwargs):
    if setting in ("DSAR_FIELD_KEYS", "DSAR_FIELD_KEY_FILE"):
        reset_key_cache()


def search_key() -> bytes:
    """The key of the keyed-hash search index: ``DSAR_SEARCH_KEY``, or for the embedded default
    a file next to the field keys (outside the data folder)."""
    if settings.DSAR_SEARCH_KEY:
        return settings.DSAR_SEARCH_KEY.encode()
    key_file = settings.DSAR_SEARCH_KEY_FILE
    if not key_file:
        raise ImproperlyConfigured("Set DSAR_SEARCH_KEY: the search index needs a key.")
    key_file = Path(key_file)
    keys = read_key_file(key_file) or _create_key_file(
        key_file, [base64.urlsafe_b64encode(os.urandom(32)).decode("ascii")]
    )
    return keys[0].encode()


# --- fields -----------------------------------------------------------------------------------


def encrypt(value: str) -> str:
    return PREFIX + _fernet().encrypt(value.encode("utf-8")).decode("ascii")


def decrypt(token: str) -> str:
    if not token.startswith(PREFIX):
        raise DecryptionError("A sensitive field holds a value that is not encrypted.")
    try:
        return _fernet().decrypt(token[len(PREFIX) :].encode("ascii")).decode("utf-8")
    except InvalidToken as exc:  # wrong key: fail loudly rather than show ciphertext
        raise DecryptionError("Cannot decrypt a sensitive field: wrong DSAR_FIELD_KEYS") from exc


def is_current(token: str) -> bool:
    """Whether a stored value is already encrypted under the first (current) key."""
    try:
        _primary().decrypt(token[len(PREFIX) :].encode("ascii"))
    except InvalidToken:
        return False
    return True


def reencrypt(token: str) -> str:
    """The same value encrypted under the current key (raises if no key can read it)."""
    return encrypt(decrypt(token))


class EncryptedEmpty(Exact):
    """``field=""`` still works (an empty value is stored empty); comparing with any other value
    cannot, since each encryption is different: refuse it rather than match nothing."""

    def get_prep_lookup(self):
        if self.rhs not in ("", None):
            raise ValueError(
                f"{self.lhs.target.name} is encrypted: the database cannot compare its values."
            )
        return super().get_prep_lookup()


class EncryptedMixin:
    """Marks a field whose column holds ``fernet:`` tokens (found by ``rotate_keys``). Only
    ``isnull`` and ``exact`` with an empty value are allowed as lookups."""

    encrypted = True

    def get_lookup(self, lookup_name):
        if lookup_name == "exact":
            return EncryptedEmpty
        if lookup_name == "isnull":
            return super().get_lookup(lookup_name)
        return None

    def get_transform(self, lookup_name):
        return None


def encrypted_fields(model, *, local: bool = False) -> list:
    """The model's concrete fields stored encrypted (only its own table's with ``local``)."""
    meta = model._meta
    fields = meta.local_concrete_fields if local else meta.concrete_fields
    return [f for f in fields if getattr(f, "encrypted", False)]


class EncryptedTextField(EncryptedMixin, models.TextField):
    """A text field stored encrypted; empty strings stay empty (nothing to hide).

    The database cannot compare, order or search encrypted values: filter and order by other
    columns (or a keyed-hash index) instead.
    """

    def from_db_value(self, value, expression, connection):
        if value in (None, ""):
            return value
        return decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value in (None, ""):
            return value
        return encrypt(str(value))


class EncryptedCharField(EncryptedTextField):
    """A one-line encrypted field: ``max_length`` (and ``choices``) are validated by forms,
    serializers and ``full_clean``, while the column is text (ciphertext is longer)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.max_length is not None:
            self.validators.append(validators.MaxLengthValidator(self.max_length))

    def formfield(self, **kwargs):
        if self.choices:
            return super().formfield(**kwargs)
        defaults = {"max_length": self.max_length, "widget": forms.TextInput}
        defaults.update(kwargs)
        return models.Field.formfield(self, form_class=forms.CharField, **defaults)


class EncryptedJSONField(EncryptedMixin, models.TextField):
    """A JSON value stored encrypted (as one token). Not editable in forms."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("editable", False)
        super().__init__(*args, **kwargs)

    def from_db_value(self, value, expression, connection):
        if value in (None, ""):
            return value
        return json.loads(decrypt(value))

    def to_python(self, value):
        if isinstance(value, str) and value:
            try:
                return json.loads(value)
            except ValueError:
                return value
        return value

    def get_prep_value(self, value):
        if value is None:
            return value
        return encrypt(json.dumps(value, sort_keys=True, default=str))

    def value_to_string(self, obj):
        return json.dumps(self.value_from_object(obj), sort_keys=True, default=str)


# --- files (envelope encryption) ----------------------------------------------------------------


def new_data_key() -> str:
    """A random AES-256 key for one file, base64 text (stored in an encrypted field)."""
    return base64.urlsafe_b64encode(AESGCM.generate_key(bit_length=256)).decode("ascii")


def seal(data: bytes, data_key: str) -> bytes:
    nonce = os.urandom(_NONCE_BYTES)
    aead = AESGCM(base64.urlsafe_b64decode(data_key))
    return FILE_MAGIC + nonce + aead.encrypt(nonce, data, FILE_MAGIC)


def unseal(blob: bytes, data_key: str) -> bytes:
    if not blob.startswith(FILE_MAGIC):
        raise DecryptionError("A stored document is not encrypted.")
    start = len(FILE_MAGIC)
    nonce = blob[start : start + _NONCE_BYTES]
    aead = AESGCM(base64.urlsafe_b64decode(data_key))
    try:
        return aead.decrypt(nonce, blob[start + _NONCE_BYTES :], FILE_MAGIC)
    except InvalidTag as exc:
        raise DecryptionError(
            "A stored document cannot be decrypted: wrong key or damaged."
        ) from exc


# --- migrations -------------------------------------------------------------------------------


def _raw_columns(connection, table: str, columns: list[str], *, decrypting: bool) -> None:
    qn = connection.ops.quote_name
    selected = ", ".join(qn(c) for c in columns)
    last = 0
    while True:  # in batches, so a large table is never held in memory at once
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT id, {selected} FROM {qn(table)} WHERE id > %s "  # noqa: S608
                "ORDER BY id LIMIT 1000",
                [last],
            )
            rows = cursor.fetchall()
        if not rows:
            return
        last = rows[-1][0]
        for pk, *values in rows:
            changes = {}
            for column, value in zip(columns, values, strict=True):
                if value in (None, ""):
                    continue
                if decrypting and value.startswith(PREFIX):
                    changes[column] = decrypt(value)
                elif not decrypting and not value.startswith(PREFIX):
                    changes[column] = encrypt(value)
            if changes:
                assignments = ", ".join(f"{qn(c)} = %s" for c in changes)
                with connection.cursor() as cursor:
                    cursor.execute(
                        f"UPDATE {qn(table)} SET {assignments} WHERE id = %s",  # noqa: S608
                        [*changes.values(), pk],
                    )


@contextmanager
def immediate_constraints(connection):
    """PostgreSQL refuses to alter a table with pending deferred-constraint checks, which rows
    updated earlier in the same migration leave behind: check them at once while updating."""
    postgres = connection.vendor == "postgresql"
    if postgres:
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    try:
        yield
    finally:
        if postgres:
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def encrypt_columns(connection, table: str, columns: list[str]) -> None:
    """Encrypt plaintext values already stored in ``columns`` (a data migration's forward step);
    values already encrypted are left alone, so running it twice changes nothing."""
    _raw_columns(connection, table, columns, decrypting=False)


def decrypt_columns(connection, table: str, columns: list[str]) -> None:
    """The reverse step: store the plaintext again."""
    _raw_columns(connection, table, columns, decrypting=True)
