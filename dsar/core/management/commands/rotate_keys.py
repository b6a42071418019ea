"""Re-encrypt every encrypted row (and re-wrap every document's data key) under the first key.

With DSAR_FIELD_KEYS (production): put the new key first, keep the old ones after it, restart
every process, run this command, then remove the old keys and restart again. With the embedded
default: ``--new-key`` adds a key to the key file first; ``--drop-old-keys`` removes the old ones
once every row is re-encrypted.
"""

from django.core.management.base import BaseCommand, CommandError

from dsar.core import services
from dsar.core.crypto import DecryptionError
from dsar.core.exceptions import ApplicationError


class Command(BaseCommand):
    help = "Re-encrypt every encrypted value and document key under the first (newest) key."

    def add_arguments(self, parser):
        parser.add_argument(
            "--new-key",
            action="store_true",
            help="Embedded default: generate a new key and put it first in the key file.",
        )
        parser.add_argument(
            "--drop-old-keys",
            action="store_true",
            help="Embedded default: after the rotation, remove every key but the first.",
        )
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args, new_key: bool, drop_old_keys: bool, batch_size: int, **options):
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        try:
            if new_key:
                path = services.encryption_key_add()
                self.stdout.write(f"New key added first in {path}.")
            counts = services.encryption_keys_rotate(
                batch_size=batch_size,
                progress=lambda c: self.stdout.write(
                    f"{c.label}: {c.rows} rows checked, {c.reencrypted} re-encrypted"
                ),
            )
            total = sum(c.reencrypted for c in counts)
            self.stdout.write(
                f"Done: {sum(c.rows for c in counts)} rows checked, {total} re-encrypted."
            )
            if drop_old_keys:
                dropped = services.encryption_keys_drop_old()
                self.stdout.write(f"Removed {dropped} old key(s) from the key file.")
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        except DecryptionError as exc:
            raise CommandError(
                f"Stopped: {exc} Add the key that can read it to the keys and run again."
            ) from exc
