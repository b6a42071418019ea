"""Key management: rotate the encryption key of every encrypted row and document."""

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from cryptography.fernet import Fernet
from django.apps import apps
from django.conf import settings
from django.db import connection, transaction

from dsar.core.exceptions import ApplicationError

from . import crypto


@dataclass
class RotationCount:
    label: str
    rows: int = 0
    reencrypted: int = 0


def encryption_key_add() -> str:
    """Embedded default only: put a new key first in the key file (it encrypts from now on; the
    old ones still decrypt until ``encryption_keys_drop_old``). Returns the key file's path."""
    if settings.DSAR_FIELD_KEYS or not settings.DSAR_FIELD_KEY_FILE:
        raise ApplicationError(
            "The keys come from DSAR_FIELD_KEYS: put a new key (python -c 'from "
            "cryptography.fernet import Fernet; print(Fernet.generate_key().decode())') first "
            "in DSAR_FIELD_KEYS on every process, restart them, then run rotate_keys."
        )
    key_file = Path(settings.DSAR_FIELD_KEY_FILE)
    keys = crypto.field_keys()
    crypto.write_key_file(key_file, [Fernet.generate_key().decode("ascii"), *keys])
    crypto.reset_key_cache()
    return str(key_file)


def encryption_keys_drop_old() -> int:
    """Embedded default only: keep just the current key in the key file, after a complete
    rotation. Returns how many keys were removed."""
    if settings.DSAR_FIELD_KEYS or not settings.DSAR_FIELD_KEY_FILE:
        raise ApplicationError(
            "The keys come from DSAR_FIELD_KEYS: remove the old keys there and restart."
        )
    keys = crypto.field_keys()
    crypto.write_key_file(Path(settings.DSAR_FIELD_KEY_FILE), keys[:1])
    crypto.reset_key_cache()
    return len(keys) - 1


def _encrypted_tables():
    for model in apps.get_models():
        meta = model._meta
        if meta.proxy or not meta.managed:
            continue
        columns = [f.column for f in crypto.encrypted_fields(model, local=True)]
        if columns:
            yield meta.label, meta.db_table, meta.pk.column, columns


def _rotate_batch(table: str, pk_column: str, columns: list[str], after, batch_size: int):
    """Re-encrypt one batch of rows under the current key; returns (last pk, rows, changed)."""
    qn = connection.ops.quote_name
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {qn(pk_column)}, {', '.join(qn(c) for c in columns)} "  # noqa: S608
                f"FROM {qn(table)} WHERE {qn(pk_column)} > %s "
                f"ORDER BY {qn(pk_column)} LIMIT %s{lock}",
                [after, batch_size],
            )
            rows = cursor.fetchall()
        changed = 0
        for pk, *values in rows:
            updates = {
                column: crypto.reencrypt(value)
                for column, value in zip(columns, values, strict=True)
                if value and not crypto.is_current(value)
            }
            if updates:
                changed += 1
                assignments = ", ".join(f"{qn(c)} = %s" for c in updates)
                with connection.cursor() as cursor:
                    cursor.execute(
                        f"UPDATE {qn(table)} SET {assignments} "  # noqa: S608
                        f"WHERE {qn(pk_column)} = %s",
                        [*updates.values(), pk],
                    )
    last = rows[-1][0] if rows else None
    return last, len(rows), changed


def encryption_keys_rotate(
    *, batch_size: int = 500, progress: Callable[[RotationCount], None] | None = None
) -> list[RotationCount]:
    """Re-encrypt every encrypted value under the current (first) key.

    Documents' files are not rewritten: each file's own data key lives in an encrypted column of
    its row, so re-encrypting the rows re-wraps every file key. Each batch commits on its own and
    rows already under the current key are skipped, so the rotation can be interrupted and run
    again, and running it twice changes nothing. A value no configured key can read stops it
    (fail closed) before that batch changes anything.
    """
    counts = []
    for label, table, pk_column, columns in _encrypted_tables():
        count = RotationCount(label=label)
        after = 0
        while True:
            last, rows, changed = _rotate_batch(table, pk_column, columns, after, batch_size)
            if last is None:
                break
            count.rows += rows
            count.reencrypted += changed
            after = last
        counts.append(count)
        if progress is not None:
            progress(count)
    return counts
