"""Secret tokens handed to users (in links and feed addresses) and stored only as digests.

A token is 32 random bytes; the database keeps its SHA-256, so a copy of the database (or a
leaked backup) cannot be turned back into working links. SHA-256 without a salt is enough here:
the input is random and long, so there is nothing to guess."""

import hashlib
import secrets


def token_new() -> str:
    return secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()
