"""Keyed hashes (a blind index) for searching identifying fields that may be stored encrypted.

A value is normalised (names and titles: case-folded, accents removed, split into words;
references: upper-cased with spaces, dashes, dots and slashes removed) and hashed with
HMAC-SHA256 under a search key that never lives in the database. Equal words give equal
digests, so a search can find whole words and exact references through an index, without
decrypting anything. Prefixes and substrings cannot be found this way.

The key is ``DSAR_SEARCH_KEY`` (production: from the environment) or, for the embedded default,
a key file created on first use next to the field-encryption key file.
"""

import hashlib
import hmac
import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

from django.core.signals import setting_changed
from django.dispatch import receiver

from dsar.core.crypto import search_key

DIGEST_LENGTH = 32  # hex characters (128 bits)
_WORD = re.compile(r"[^\W_]+")
_REFERENCE_NOISE = re.compile(r"[\s\-./_]+")
_REFERENCE_SPLIT = re.compile(r"[,;\n]+")


@lru_cache(maxsize=1)
def _key() -> bytes:
    # One home for the key: ``DSAR_SEARCH_KEY``, or the embedded default's key file.
    return search_key()


@receiver(setting_changed)
def _search_key_changed(*, setting, **kwargs):
    if setting in ("DSAR_SEARCH_KEY", "DSAR_SEARCH_KEY_FILE"):
        _key.cache_clear()


def strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def words(text: str) -> list[str]:
    """The distinct words of a name or title, normalised, in order of first appearance."""
    seen: dict[str, None] = {}
    for word in _WORD.findall(strip_accents(text or "").casefold()):
        seen.setdefault(word, None)
    return list(seen)


def reference(text: str) -> str:
    """A tracking or reference number in one canonical form: ``2026-FOIA 00123`` and
    ``2026foia00123`` are the same reference."""
    return _REFERENCE_NOISE.sub("", strip_accents(text or "")).upper()


def references(text: str) -> list[str]:
    """The references in a field holding several (comma-, semicolon- or line-separated)."""
    seen: dict[str, None] = {}
    for part in _REFERENCE_SPLIT.split(text or ""):
        normalized = reference(part)
        if normalized:
            seen.setdefault(normalized, None)
    return list(seen)


def digest(kind: str, value: str) -> str:
    """The keyed hash of an already-normalised value of one kind ("name", "title", "ref")."""
    message = f"{kind}\x1f{value}".encode()
    return hmac.new(_key(), message, hashlib.sha256).hexdigest()[:DIGEST_LENGTH]


def word_digests(kind: str, text: str) -> list[str]:
    return [digest(kind, w) for w in words(text)]


def reference_digests(texts: Iterable[str]) -> list[str]:
    seen: dict[str, None] = {}
    for text in texts:
        for ref in references(text):
            seen.setdefault(digest("ref", ref), None)
    return list(seen)
