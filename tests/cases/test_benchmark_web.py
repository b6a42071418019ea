"""A small run of ``benchmark_web`` end to end: it generates a throwaway database, serves it with
gunicorn at the production settings (with a Redis of its own), loads every page and reports.
The full run (10k and 1M proceedings) is the benchmark itself; this keeps it from rotting."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from dsar.core.benchdb import server_url
from tests.conftest import require_service

ROOT = Path(__file__).resolve().parents[2]
SCALE = 600  # dsar_web_600: a database name no other run uses


def _exists(name: str) -> bool:
    import psycopg

    from dsar.core.benchdb import database_url

    with psycopg.connect(database_url("postgres"), autocommit=True) as conn:
        row = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
    return row is not None


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the benchmark is PostgreSQL's")
def test_benchmark_web_runs_every_page_and_cleans_up():
    require_service("redis-server", bool(shutil.which("redis-server")))
    done = subprocess.run(
        [sys.executable, "manage.py", "benchmark_web", "--scales", str(SCALE)]
        + ["--clients", "2", "--requests", "1"],
        cwd=ROOT,
        env=dict(os.environ, BENCH_DATABASE_URL=server_url()),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:] + done.stdout[-2000:]
    lines = done.stdout.strip().splitlines()
    assert re.fullmatch(r"worst_ratio=\d+\.\d\d worst_growth=\d+\.\d\d", lines[-1])
    pages = [line for line in lines if re.match(r"^\w+\s+p50\s", line)]
    names = {line.split()[0] for line in pages}
    assert names == {"dashboard", "filter", "search_tracking", "search_name", "case_page"} | {
        "calendar"
    }
    assert all(line.rstrip().endswith("errors 0") for line in pages), pages
    assert not _exists(f"dsar_web_{SCALE}")  # dropped: it was the run's own
