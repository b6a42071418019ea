"""System checks for the encryption keys: present, valid, and never inside the data folder."""

from pathlib import Path

from cryptography.fernet import Fernet
from django.conf import settings
from django.core.checks import Error, Tags, register


def _inside(path: Path, folder) -> bool:
    return bool(folder) and path.resolve().is_relative_to(Path(folder).resolve())


@register(Tags.security, deploy=False)
def check_field_keys(app_configs, **kwargs):
    errors = []
    keys = list(settings.DSAR_FIELD_KEYS)
    if not keys and not settings.DSAR_FIELD_KEY_FILE:
        errors.append(
            Error(
                "DSAR_FIELD_KEYS is not set: sensitive fields and documents need a key.",
                hint="Generate one with Fernet.generate_key() and set DSAR_FIELD_KEYS.",
                id="dsar.E001",
            )
        )
    for position, key in enumerate(keys, start=1):
        try:
            Fernet(key.encode() if isinstance(key, str) else key)
        except ValueError:
            errors.append(
                Error(
                    f"Key number {position} in DSAR_FIELD_KEYS is not a valid Fernet key.",
                    id="dsar.E002",
                )
            )
    data_folders = [getattr(settings, "VAR_DIR", None), settings.MEDIA_ROOT]
    for name in ("DSAR_FIELD_KEY_FILE", "DSAR_SEARCH_KEY_FILE"):
        key_file = getattr(settings, name, None)
        if key_file and any(_inside(Path(key_file), folder) for folder in data_folders):
            errors.append(
                Error(
                    f"{name} ({key_file}) is inside the data folder: a copy of the data would "
                    "carry its key.",
                    hint="Keep keys in DSAR_KEY_DIR, outside var/ and MEDIA_ROOT.",
                    id="dsar.E003",
                )
            )
    return errors
