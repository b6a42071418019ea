"""The embedded default: a web process and a worker writing one SQLite file at the same time
never answer "database is locked" (WAL, a busy timeout, IMMEDIATE transactions, and no PDF
rendering inside a transaction)."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _run(env: dict, code: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def test_web_and_worker_share_the_sqlite_file_without_database_is_locked(tmp_path):
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="dsar.settings.test",
        DATABASE_URL=f"sqlite:///{tmp_path / 'dsar.sqlite3'}",
        CELERY_TASK_ALWAYS_EAGER="false",
        CELERY_BROKER_URL="memory://",
    )
    migrate = subprocess.run(
        [sys.executable, "manage.py", "migrate", "-v0"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert migrate.returncode == 0, migrate.stderr
    seeded = _run(env, "from tests.core.sqlite_load import seed; seed(12)")
    out, _ = seeded.communicate(timeout=120)
    assert seeded.returncode == 0, out

    worker = _run(env, "from tests.core.sqlite_load import worker; worker()")
    web = _run(env, "from tests.core.sqlite_load import web; web(4)")
    web_out, _ = web.communicate(timeout=300)
    worker_out, _ = worker.communicate(timeout=300)
    assert "database is locked" not in web_out + worker_out
    assert web.returncode == 0, web_out
    assert worker.returncode == 0, worker_out
    assert "worker errors=0" in worker_out and "web errors=0" in web_out

    # Reports asked for after the worker's last pass are rendered by one more pass.
    final = _run(env, "from tests.core.sqlite_load import worker; worker()")
    final_out, _ = final.communicate(timeout=300)
    assert final.returncode == 0, final_out
    check = _run(
        env,
        "from dsar.letters.models import LetterRequest as L; from dsar.rules.models import "
        "RecomputeRun as R; print('left', L.objects.exclude(status='ready').count(), "
        "R.objects.exclude(status='done').count(), 'letters', L.objects.count())",
    )
    out, _ = check.communicate(timeout=60)
    assert "left 0 0 letters 24" in out, out
