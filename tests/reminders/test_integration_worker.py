"""Integration: a real Celery worker on the real Redis broker and PostgreSQL.

Two sweeps run at once, the worker is killed (SIGKILL) in the middle of the batch, Redis is
restarted without persistence (every queued message is lost), the worker restarts, and sweeps keep
running until everything is delivered. Every due reminder must be e-mailed, and none twice — except
the documented at-least-once window (a worker killed between the mail server's acceptance and the
next UPDATE), which can only concern a reminder that was reclaimed after its lease expired.
"""

import email
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from django.db import connection

from dsar.reminders.models import Reminder
from tests.conftest import require_service
from tests.factories import CaseFactory, MembershipFactory, OrganizationFactory, ProceedingFactory

from .factories import ClockFactory, in_days

ROOT = Path(__file__).resolve().parents[2]
PYTHON = Path(sys.executable)
REDIS_DB = 11
BROKER = f"redis://127.0.0.1:6379/{REDIS_DB}"


def _redis_ok() -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url(BROKER, socket_timeout=1).ping())
    except Exception:  # noqa: BLE001
        return False


def _redis_restart() -> None:
    subprocess.run(["redis-cli", "-p", "6379", "shutdown", "nosave"], check=False)
    for _ in range(50):
        if not _redis_ok():
            break
        time.sleep(0.1)
    subprocess.run(
        [
            "redis-server",
            "--daemonize",
            "yes",
            "--bind",
            "127.0.0.1",
            "--port",
            "6379",
            "--save",
            "",
            "--appendonly",
            "no",
        ],
        check=True,
    )
    for _ in range(100):
        if _redis_ok():
            return
        time.sleep(0.1)
    raise AssertionError("Redis did not come back")


def _env(mail_dir: Path) -> dict:
    s = connection.settings_dict
    url = (
        f"postgres://{s['USER']}:{s['PASSWORD'] or ''}@{s['HOST'] or '127.0.0.1'}:"
        f"{s['PORT'] or 5432}/{s['NAME']}"
    )
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="dsar.settings.test",
        DATABASE_URL=url,
        CELERY_TASK_ALWAYS_EAGER="false",
        CELERY_BROKER_URL=BROKER,
        EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
        EMAIL_FILE_PATH=str(mail_dir),
        DSAR_REMINDER_LEASE_SECONDS="4",
        DSAR_REMINDER_REENQUEUE_SECONDS="3",
    )
    return env


def _worker(env: dict, name: str) -> subprocess.Popen:
    return subprocess.Popen(
        [
            str(PYTHON.parent / "celery"),
            "-A",
            "dsar",
            "worker",
            "-l",
            "warning",
            "-P",
            "prefork",
            "--concurrency",
            "4",
            "-n",
            f"{name}@%h",
            "--without-mingle",
            "--without-gossip",
            "--without-heartbeat",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _sweep(env: dict) -> subprocess.Popen:
    return subprocess.Popen(
        [str(PYTHON), "manage.py", "send_due_reminders", "--enqueue"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )


def _stop(proc: subprocess.Popen, sig=signal.SIGTERM) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, sig)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def _mail_keys(mail_dir: Path) -> Counter:
    keys: Counter = Counter()
    separator = "\n" + "-" * 79 + "\n"
    for path in mail_dir.glob("*.log"):
        for chunk in path.read_text().split(separator):
            if not chunk.strip():
                continue
            message = email.message_from_string(chunk.lstrip("\n"))
            if message["X-DSAR-Reminder"]:
                keys[message["X-DSAR-Reminder"]] += 1
    return keys


@pytest.mark.django_db(transaction=True)
def test_integration_worker_exactly_once_under_crashes(tmp_path):
    require_service("PostgreSQL", connection.vendor == "postgresql", "set DATABASE_URL")
    require_service("Redis", _redis_ok(), BROKER)
    import redis

    redis.Redis.from_url(BROKER).flushdb()
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    env = _env(mail_dir)

    org = OrganizationFactory()
    MembershipFactory(organization=org, role="admin")
    MembershipFactory(organization=org, role="advocate")
    MembershipFactory(organization=org, role="viewer")
    for i in range(80):
        case = CaseFactory(organization=org if i % 2 else None)
        due = in_days([1, 5, -2, 3][i % 4])
        code = "us-foia-appeal-window" if i % 4 == 3 else "us-foia-response"
        ClockFactory(proceeding=ProceedingFactory(case=case), code=code, due_date=due)

    worker = _worker(env, "remindersA")
    workers = [worker]
    try:
        # Two sweeps at once.
        sweeps = [_sweep(env), _sweep(env)]
        for sweep in sweeps:
            out, _ = sweep.communicate(timeout=120)
            assert sweep.returncode == 0, out
        expected = {
            f"{r.recipient_id}:{r.clock_id}:{r.offset_days}:{r.due_date.isoformat()}"
            for r in Reminder.objects.all()
        }
        assert len(expected) == 40 + 40 * 3  # private cases: owner; shared: owner+admin+advocate

        # Kill the worker mid-batch.
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and sum(_mail_keys(mail_dir).values()) < 10:
            time.sleep(0.02)
        _stop(worker, signal.SIGKILL)
        in_flight_at_kill = Reminder.objects.filter(status="sending").count()
        delivered_at_kill = sum(_mail_keys(mail_dir).values())

        # Restart Redis with no persistence: every queued message is gone.
        _redis_restart()
        worker = _worker(env, "remindersB")
        workers.append(worker)

        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            pair = [_sweep(env), _sweep(env)]
            for sweep in pair:
                sweep.communicate(timeout=120)
            if not Reminder.objects.exclude(status="sent").exists():
                break
            time.sleep(1)
    finally:
        for proc in workers:
            _stop(proc)
        try:
            redis.Redis.from_url(BROKER).flushdb()
        except Exception:  # noqa: BLE001
            pass

    statuses = Counter(Reminder.objects.values_list("status", flat=True))
    assert statuses == {"sent": len(expected)}, statuses
    keys = _mail_keys(mail_dir)
    assert set(keys) == expected, "every due reminder was e-mailed"
    duplicates = {k for k, n in keys.items() if n > 1}
    reclaimed = {
        f"{r.recipient_id}:{r.clock_id}:{r.offset_days}:{r.due_date.isoformat()}"
        for r in Reminder.objects.filter(attempts__gt=1)
    }
    # Only the documented window: a reminder in flight when its worker was SIGKILLed.
    assert duplicates <= reclaimed
    assert len(duplicates) <= in_flight_at_kill
    print(
        f"\nreminders={len(expected)} delivered_before_kill={delivered_at_kill} "
        f"in_flight_at_kill={in_flight_at_kill} reclaimed={len(reclaimed)} "
        f"duplicates={len(duplicates)}"
    )
