"""Throwaway PostgreSQL databases for the data generator and the benchmarks.

A database made here carries a comment saying so; only such a database is ever dropped, so a
benchmark can never remove a database someone else created."""

import os
import re
from urllib.parse import urlsplit, urlunsplit

from django.core.management.base import CommandError

MARK = "dsar benchmark database (safe to drop)"
_NAME = re.compile(r"^[a-z][a-z0-9_]{2,62}$")


def server_url() -> str:
    base = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("DATABASE_URL", "")
    if not base.startswith("postgres"):
        base = "postgres://postgres@127.0.0.1:5432/postgres"
    return base


def database_url(name: str) -> str:
    return urlunsplit(urlsplit(server_url())._replace(path="/" + name))


def _admin():
    import psycopg

    return psycopg.connect(database_url("postgres"), autocommit=True)


def _check_name(name: str) -> None:
    if not _NAME.match(name):
        raise CommandError(f"Invalid database name {name!r} (lower-case letters, digits, _).")


def database_create(name: str, *, replace: bool = False) -> str:
    """Create the database (replacing one this module created, if asked); return its URL."""
    _check_name(name)
    with _admin() as conn:
        row = conn.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
            [name],
        ).fetchone()
        if row is not None:
            if row[0] != MARK:
                raise CommandError(
                    f"Database {name} exists and was not created by dsar's benchmarks; "
                    "choose another name."
                )
            if not replace:
                raise CommandError(f"Database {name} exists; pass --replace to recreate it.")
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
        conn.execute(f"COMMENT ON DATABASE \"{name}\" IS '{MARK}'")
    return database_url(name)


def database_drop(name: str) -> bool:
    """Drop the database if this module created it; returns whether it did."""
    _check_name(name)
    with _admin() as conn:
        row = conn.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
            [name],
        ).fetchone()
        if row is None or row[0] != MARK:
            return False
        conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
    return True
