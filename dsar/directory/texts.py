"""The directory's prose in the reader's language.

`data/directory.yaml` records each fact in English, as the sources publish it; its Spanish text
is in `data/directory_es.yaml`, a list of ``{en, es}`` pairs keyed by the English text itself, so
a fact whose English changes shows in English (marked ``lang="en"``) until its translation is
updated — and the test over the directory names it. Addresses, URLs, citations and sources are
never translated."""

from functools import cache
from pathlib import Path

import yaml

DATA_DIR = Path(__file__).resolve().parent / "data"
TRANSLATED_KEYS = frozenset(
    {"description", "contact_note", "label", "note", "biometrics", "exemptions"}
)
CATALOGUES = {"es": DATA_DIR / "directory_es.yaml"}


@cache
def catalogue(language: str) -> dict[str, str]:
    path = CATALOGUES.get(language)
    if path is None or not path.exists():
        return {}
    entries = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    return {entry["en"]: entry["es"] for entry in entries}


def translate(text: str, language: str) -> str | None:
    """The text in ``language`` (``es``, ``es-MX``…), or None when there is none."""
    base = (language or "en").split("-")[0].lower()
    if base == "en":
        return text
    return catalogue(base).get(text)


def directory_texts(data: dict) -> list[str]:
    """Every translatable text of a parsed directory file, once each, in file order."""
    found: list[str] = []

    def walk(node) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key in TRANSLATED_KEYS and isinstance(value, str):
                    if value.strip() and value not in found:
                        found.append(value)
                else:
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(data)
    return found
