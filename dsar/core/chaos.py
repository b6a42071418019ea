"""Fault injection for background work: the harness behind ``manage.py chaos`` and the fault
tests.

Everything it breaks is its own: a ``redis-server`` on a free port (restarted without
persistence, so every queued message is lost), an SMTP sink (aiosmtpd) that it stops for mail
outages, and real Celery workers and a beat started as subprocesses and killed with SIGKILL. Only
the database is shared: it is the configured one (the test database under pytest). Each scenario
seeds its own users, cases, letters, recomputations and reminders, and counts per kind of work:
due, done, duplicated (a second PDF or a second e-mail), lost (marked done without its side
effect, or vanished), stuck (not done when the scenario gave up) and seconds to recover.
"""

from __future__ import annotations

import contextlib
import datetime
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email import message_from_bytes
from pathlib import Path

from django.db import connection
from django.db.models import Count
from django.utils import timezone

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


@dataclass(frozen=True)
class Timing:
    """Lease, re-enqueue delay and sweep period of the work machinery, and the backoff of
    retries (the mail-outage scenario shortens it so the retry budget runs out quickly)."""

    lease: int
    reenqueue: int
    sweep: int
    retry_base: int
    retry_max: int

    @property
    def recovery_bound(self) -> int:
        """The worst delay the design allows after a fault."""
        return self.lease + self.reenqueue + self.sweep


PRODUCTION = Timing(
    lease=75, reenqueue=60, sweep=30, retry_base=2, retry_max=10
)  # the production lease, re-enqueue delay and sweep (dsar/settings/base.py)
FAST = Timing(lease=4, reenqueue=3, sweep=1, retry_base=1, retry_max=2)


@dataclass
class Result:
    scenario: str
    kind: str
    due: int = 0
    done: int = 0
    duplicated: int = 0
    lost: int = 0
    stuck: int = 0
    recover_s: float = 0.0
    note: str = ""
    extra: dict = field(default_factory=dict)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait(predicate: Callable[[], bool], timeout: float, step: float = 0.1) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return predicate()


# --- the services the harness owns -----------------------------------------------------------


class RedisServer:
    """A private redis-server without persistence: a restart loses every queued message."""

    def __init__(self, port: int | None = None):
        self.port = port or free_port()
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def ping(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def start(self) -> None:
        redis_server = shutil.which("redis-server")
        if redis_server is None:
            raise RuntimeError("redis-server is not installed")
        self.proc = subprocess.Popen(
            [
                redis_server,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        if not _wait(self.ping, 10):
            raise RuntimeError(f"redis-server did not start on port {self.port}")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=10)
        self.proc = None
        _wait(lambda: not self.ping(), 5)

    def restart(self) -> None:
        self.stop()
        self.start()


class SmtpSink:
    """An SMTP server that records every message it accepts; stop() is a mail outage."""

    def __init__(self, port: int | None = None):
        self.port = port or free_port()
        self.controller = None
        self.lock = threading.Lock()
        self.reminders: Counter = Counter()
        self.digests: Counter = Counter()
        self.messages = 0

    def _handler(self):
        sink = self

        class Handler:
            async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd API
                message = message_from_bytes(envelope.original_content or envelope.content)
                with sink.lock:
                    sink.messages += 1
                    if message["X-DSAR-Reminder"]:
                        sink.reminders[message["X-DSAR-Reminder"]] += 1
                    if message["X-DSAR-Digest"]:
                        sink.digests[message["X-DSAR-Digest"]] += 1
                return "250 OK"

        return Handler()

    def start(self) -> None:
        import logging

        from aiosmtpd.controller import Controller

        logging.getLogger("mail.log").setLevel(logging.WARNING)
        self.controller = Controller(self._handler(), hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def reminder_keys(self) -> Counter:
        with self.lock:
            return Counter(self.reminders)


def database_url() -> str:
    """The database this process uses (the test database under pytest), for the workers."""
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    user = s.get("USER") or ""
    password = f":{s['PASSWORD']}" if s.get("PASSWORD") else ""
    auth = f"{user}{password}@" if user else ""
    return f"postgres://{auth}{s.get('HOST') or '127.0.0.1'}:{s.get('PORT') or 5432}/{s['NAME']}"


@contextlib.contextmanager
def use_broker(url: str) -> Iterator[None]:
    """Point this process's Celery app at ``url`` (not eager), then restore it."""
    from dsar.celery import app
    from dsar.settings.base import broker_transport_options

    conf = app.conf
    previous = (conf.broker_url, conf.task_always_eager, conf.broker_transport_options)

    def reset() -> None:
        app._pool = None
        with contextlib.suppress(AttributeError, KeyError):
            app.__dict__["amqp"]._producer_pool = None

    conf.broker_url, conf.task_always_eager = url, False
    conf.broker_transport_options = broker_transport_options(url)
    reset()
    try:
        yield
    finally:
        conf.broker_url, conf.task_always_eager, conf.broker_transport_options = previous
        reset()


class Harness:
    """Owns a Redis, an SMTP sink, workers and a beat; stops them all on exit."""

    def __init__(self, *, timing: Timing, concurrency: int = 2, log: Callable = print):
        self.timing = timing
        self.concurrency = concurrency
        self.log = log
        self.redis = RedisServer()
        self.smtp = SmtpSink()
        self.workdir = Path(tempfile.mkdtemp(prefix="dsar-chaos-"))
        self.workers: dict[str, subprocess.Popen] = {}
        self.beat: subprocess.Popen | None = None
        self.generation = 0

    def __enter__(self) -> Harness:
        self.redis.start()
        self.smtp.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop_processes()
        self.redis.stop()
        self.smtp.stop()
        shutil.rmtree(self.workdir, ignore_errors=True)

    def env(self) -> dict:
        env = dict(os.environ)
        env.update(
            DJANGO_SETTINGS_MODULE=os.environ.get("DJANGO_SETTINGS_MODULE", "dsar.settings.local"),
            DATABASE_URL=database_url(),
            CELERY_BROKER_URL=self.redis.url,
            CELERY_TASK_ALWAYS_EAGER="false",
            EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=str(self.smtp.port),
            EMAIL_USE_TLS="false",
            EMAIL_HOST_USER="",
            EMAIL_HOST_PASSWORD="",
            EMAIL_TIMEOUT="5",
            DSAR_WORK_LEASE_SECONDS=str(self.timing.lease),
            DSAR_WORK_REENQUEUE_SECONDS=str(self.timing.reenqueue),
            DSAR_WORK_SWEEP_SECONDS=str(self.timing.sweep),
            DSAR_WORK_RETRY_BASE_SECONDS=str(self.timing.retry_base),
            DSAR_WORK_RETRY_MAX_SECONDS=str(self.timing.retry_max),
            DSAR_RECOMPUTE_BATCH_SIZE="20",
        )
        env.pop("DSAR_REMINDER_LEASE_SECONDS", None)
        return env

    def _spawn(self, args: list[str], name: str) -> subprocess.Popen:
        log = open(self.workdir / f"{name}.log", "ab")  # noqa: SIM115 - closed with the process
        return subprocess.Popen(
            [str(BIN / "celery"), "-A", "dsar", *args],
            cwd=ROOT,
            env=self.env(),
            start_new_session=True,
            stdout=log,
            stderr=subprocess.STDOUT,
        )

    def start_worker(self, name: str) -> None:
        self.generation += 1
        self.workers[name] = self._spawn(
            [
                "worker",
                "-l",
                "warning",
                "-P",
                "prefork",
                "--concurrency",
                str(self.concurrency),
                "-n",
                f"chaos-{name}-{self.generation}@%h",
                "--without-mingle",
                "--without-gossip",
            ],
            name,
        )

    def start_beat(self) -> None:
        self.beat = self._spawn(
            ["beat", "-l", "warning", "-s", str(self.workdir / "beat-schedule")], "beat"
        )

    def kill(self, name: str, sig: int = signal.SIGKILL) -> None:
        proc = self.workers.pop(name, None)
        if proc is not None and proc.poll() is None:
            os.killpg(proc.pid, sig)
            proc.wait(timeout=30)

    def stop_processes(self) -> None:
        for name in list(self.workers):
            self.kill(name, signal.SIGKILL)
        if self.beat is not None and self.beat.poll() is None:
            os.killpg(self.beat.pid, signal.SIGKILL)
            self.beat.wait(timeout=30)
        self.beat = None

    def start_all(self) -> None:
        self.start_worker("a")
        self.start_worker("b")
        self.start_beat()

    def deadline(self) -> float:
        """How long to wait for recovery before calling what is left stuck."""
        return 3 * self.timing.recovery_bound + 60


# --- seeding ---------------------------------------------------------------------------------


@dataclass
class Seed:
    tag: str
    user_id: int
    case_ids: list[int] = field(default_factory=list)
    letter_ids: list[int] = field(default_factory=list)
    run_ids: list[int] = field(default_factory=list)
    reminder_ids: list[int] = field(default_factory=list)
    started_at: datetime.datetime = field(default_factory=timezone.now)
    # Reminders caught in the documented SMTP window by a kill: the mail server had accepted
    # the e-mail but the row was not yet marked sent. Sending it again is the documented
    # trade-off (a possible duplicate over a possible loss); any other duplicate is a fault.
    smtp_window: set[str] = field(default_factory=set)


def note_smtp_window(seed_: Seed, sink: SmtpSink) -> None:
    """Call right after killing a worker: remember which unsent reminders the sink already
    received (the killed worker was between the mail server's answer and its UPDATE)."""
    from dsar.reminders.models import Reminder

    keys = sink.reminder_keys()
    for reminder in Reminder.objects.filter(pk__in=seed_.reminder_ids).exclude(status="sent"):
        if keys[_reminder_key(reminder)] >= 1:
            seed_.smtp_window.add(_reminder_key(reminder))


def _directory():
    from dsar.directory.models import Agency, Regime

    regime, _ = Regime.objects.get_or_create(
        code="us-foia",
        defaults={"name": "US Freedom of Information Act", "country": "US", "citation": "5 USC"},
    )
    agency, _ = Agency.objects.get_or_create(
        code="cbp",
        defaults={
            "name": "U.S. Customs and Border Protection",
            "abbreviation": "CBP",
            "country": "US",
        },
    )
    return regime, agency


def seed(*, cases: int, letters: bool = True, reminders: bool = True, runs: int = 0) -> Seed:
    """Cases filed with the FOIA clock running out within the week (so a reminder is due), a
    case report requested for each, and ``runs`` recomputations — all waiting, none enqueued."""
    from dsar.accounts.models import User
    from dsar.cases.models import Clock, RequestType
    from dsar.cases.services import case_create, proceeding_create, proceeding_record_event
    from dsar.letters import registry
    from dsar.letters.models import LetterRequest
    from dsar.reminders import conf
    from dsar.reminders.models import Reminder
    from dsar.reminders.services import _due_offset
    from dsar.rules.models import RecomputeRun

    tag = uuid.uuid4().hex[:10]
    user = User.objects.create_user(email=f"chaos-{tag}@example.invalid", password=None)
    result = Seed(tag=tag, user_id=user.pk)
    regime, agency = _directory()
    # Filed long enough ago that the answer is overdue: a "deadline passed" reminder is due.
    filed = timezone.localdate() - datetime.timedelta(days=40)
    for i in range(cases):
        case = case_create(user=user, title=f"Chaos {tag} #{i}", subject_name="Chaos Test")
        proceeding = proceeding_create(
            user=user, case=case, regime=regime, request_type=RequestType.ACCESS, agency=agency
        )
        proceeding_record_event(user=user, proceeding=proceeding, kind="filed", occurred_on=filed)
        result.case_ids.append(case.pk)
    now = timezone.now()
    if letters:
        LetterRequest.objects.bulk_create(
            LetterRequest(
                case_id=case_id,
                code=registry.CASE_REPORT.code,
                language="en",
                inputs={},
                inputs_hash=f"chaos-{tag}-{case_id}",
                created_by=user,
                enqueued_at=now,
            )
            for case_id in result.case_ids
        )
        result.letter_ids = list(
            LetterRequest.objects.filter(case_id__in=result.case_ids).values_list("pk", flat=True)
        )
    if runs:
        # Give the recomputations something to repair, so their work is visible: a proceeding
        # they skipped keeps no next deadline.
        from dsar.cases.models import Proceeding

        Proceeding.objects.filter(case_id__in=result.case_ids).update(
            next_due_on=None, clocks_computed_at=None
        )
    for _ in range(runs):
        result.run_ids.append(
            RecomputeRun.objects.create(reason=f"chaos {tag}", enqueued_at=now, total=0).pk
        )
    if reminders:
        # Only this seed's reminders (the beat's reminder sweep finds the same ones; the
        # uniqueness rule keeps one row each).
        today = timezone.localdate()
        rows = []
        for clock in Clock.objects.filter(proceeding__case_id__in=result.case_ids):
            due = _due_offset(
                code=clock.code,
                due_date=clock.due_date,
                state=clock.state,
                offsets=list(conf.DEFAULT_OFFSETS),
                today=today,
            )
            if due is not None:
                kind, offset = due
                rows.append(
                    Reminder(
                        recipient_id=user.pk,
                        clock=clock,
                        offset_days=offset,
                        due_date=clock.due_date,
                        kind=kind,
                        enqueued_at=now,
                    )
                )
        Reminder.objects.bulk_create(rows, ignore_conflicts=True)
        result.reminder_ids = list(
            Reminder.objects.filter(recipient_id=user.pk).values_list("pk", flat=True)
        )
    return result


def publish(seed_: Seed) -> None:
    """Publish every seeded item once, as the requests that created them would have."""
    from dsar.core.work import kind_get, work_publish

    work_publish(kind=kind_get("letter"), ids=seed_.letter_ids)
    work_publish(kind=kind_get("recompute"), ids=seed_.run_ids)
    work_publish(kind=kind_get("reminder"), ids=seed_.reminder_ids)


def cleanup(seed_: Seed) -> None:
    from dsar.accounts.models import User
    from dsar.cases.models import Case
    from dsar.rules.models import RecomputeRun

    Case.objects.filter(pk__in=seed_.case_ids).delete()
    RecomputeRun.objects.filter(pk__in=seed_.run_ids).delete()
    User.objects.filter(pk=seed_.user_id).delete()


# --- counting --------------------------------------------------------------------------------


def _reminder_key(reminder) -> str:
    return (
        f"{reminder.recipient_id}:{reminder.clock_id}:{reminder.offset_days}:"
        f"{reminder.due_date.isoformat()}"
    )


def progress(seed_: Seed, sink: SmtpSink) -> tuple[int, int]:
    """(done, due) over every kind of work of the seed."""
    from dsar.letters.models import LetterRequest
    from dsar.reminders.models import Reminder
    from dsar.rules.models import RecomputeRun

    done = LetterRequest.objects.filter(pk__in=seed_.letter_ids, status="ready").count()
    done += RecomputeRun.objects.filter(pk__in=seed_.run_ids, status="done").count()
    sent = Reminder.objects.filter(pk__in=seed_.reminder_ids, status="sent")
    done += sent.count()
    due = len(seed_.letter_ids) + len(seed_.run_ids) + len(seed_.reminder_ids)
    return done, due


def count(seed_: Seed, sink: SmtpSink, scenario: str, recover_s: float) -> list[Result]:
    from dsar.cases.models import Proceeding
    from dsar.letters.models import Document, LetterRequest
    from dsar.reminders.models import Reminder
    from dsar.rules.models import RecomputeRun

    results = []
    if seed_.letter_ids:
        requests = LetterRequest.objects.filter(pk__in=seed_.letter_ids)
        ready = requests.filter(status="ready")
        per_case = (
            Document.objects.filter(case_id__in=seed_.case_ids, kind=Document.Kind.REPORT)
            .values("case_id")
            .annotate(n=Count("pk"))
        )
        results.append(
            Result(
                scenario,
                "letters",
                due=len(seed_.letter_ids),
                done=ready.exclude(document=None).count(),
                duplicated=sum(max(row["n"] - 1, 0) for row in per_case),
                lost=len(seed_.letter_ids) - requests.count() + ready.filter(document=None).count(),
                stuck=requests.exclude(status="ready").count(),
                recover_s=recover_s,
            )
        )
    if seed_.run_ids:
        runs = RecomputeRun.objects.filter(pk__in=seed_.run_ids)
        done_runs = runs.filter(status="done")
        # A run that says done but skipped a proceeding lost work.
        skipped = Proceeding.objects.filter(
            case_id__in=seed_.case_ids, is_open=True, next_due_on=None
        ).count()
        results.append(
            Result(
                scenario,
                "recomputes",
                due=len(seed_.run_ids),
                done=done_runs.count(),
                lost=len(seed_.run_ids) - runs.count() + (skipped if done_runs.exists() else 0),
                stuck=runs.exclude(status="done").count(),
                recover_s=recover_s,
            )
        )
    if seed_.reminder_ids:
        rows = list(Reminder.objects.filter(pk__in=seed_.reminder_ids))
        keys = sink.reminder_keys()
        sent = [r for r in rows if r.status == "sent"]
        extra = {_reminder_key(r): max(keys[_reminder_key(r)] - 1, 0) for r in rows}
        in_window = sum(min(n, 1) for key, n in extra.items() if key in seed_.smtp_window)
        results.append(
            Result(
                scenario,
                "reminders",
                due=len(seed_.reminder_ids),
                done=sum(1 for r in sent if keys[_reminder_key(r)] >= 1),
                # At most one resend per reminder caught in the SMTP window is the documented
                # trade-off; every other extra e-mail counts as a duplicate.
                duplicated=sum(extra.values()) - in_window,
                note=f"resent after a kill in the SMTP window={in_window}" if in_window else "",
                lost=len(seed_.reminder_ids)
                - len(rows)
                + sum(1 for r in sent if keys[_reminder_key(r)] == 0),
                stuck=sum(1 for r in rows if r.status != "sent"),
                recover_s=recover_s,
            )
        )
    return results


def wait_done(harness: Harness, seed_: Seed, since: float) -> float:
    """Wait until every seeded item is done (or the deadline); seconds since ``since``."""
    _wait(lambda: _done(seed_, harness), harness.deadline(), step=0.5)
    return round(time.monotonic() - since, 1)


def _done(seed_: Seed, harness: Harness) -> bool:
    done, due = progress(seed_, harness.smtp)
    return done >= due


def _wait_fraction(harness: Harness, seed_: Seed, fraction: float, timeout: float) -> None:
    def reached() -> bool:
        done, due = progress(seed_, harness.smtp)
        return done >= fraction * due

    _wait(reached, timeout, step=0.2)


# --- scenarios -------------------------------------------------------------------------------


def scenario_crash(harness: Harness, *, cases: int, runs: int = 2) -> list[Result]:
    """Letters, recomputations and reminders; a worker killed (SIGKILL) at a quarter of the
    work, the other killed at half and Redis restarted without persistence at once (every queued
    message lost), then two sweeps at once. Recovery is counted from the Redis restart."""
    seed_ = seed(cases=cases, runs=runs)
    try:
        with use_broker(harness.redis.url):
            publish(seed_)
        harness.start_all()
        _wait_fraction(harness, seed_, 0.25, 120)
        harness.kill("a")
        note_smtp_window(seed_, harness.smtp)
        harness.start_worker("a")
        _wait_fraction(harness, seed_, 0.5, 120)
        harness.kill("b")
        note_smtp_window(seed_, harness.smtp)
        harness.redis.restart()
        restarted = time.monotonic()
        harness.start_worker("b")
        two_sweeps_at_once(harness)
        recover_s = wait_done(harness, seed_, restarted)
        harness.stop_processes()
        return count(seed_, harness.smtp, "kill -9 + redis restart", recover_s)
    finally:
        harness.stop_processes()
        cleanup(seed_)


def two_sweeps_at_once(harness: Harness) -> None:
    """Two sweeps racing (e.g. a second beat by mistake): they may publish a row twice, and the
    claim makes the second message a no-op."""
    from django.db import connections

    from dsar.core.work import work_sweep

    def sweep() -> None:
        try:
            work_sweep()
        finally:
            connections.close_all()

    with use_broker(harness.redis.url):
        threads = [threading.Thread(target=sweep) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)


def scenario_mail_outage(harness: Harness, *, cases: int) -> list[Result]:
    """Reminders while the mail server is down for longer than the retry budget: each reminder
    fails visibly (and in-app), then everything is sent once the mail server answers again."""
    from dsar.reminders import conf
    from dsar.reminders.models import Notification, Reminder

    seed_ = seed(cases=cases, letters=False)
    try:
        harness.smtp.stop()
        with use_broker(harness.redis.url):
            publish(seed_)
        harness.start_all()
        mine = Reminder.objects.filter(pk__in=seed_.reminder_ids)
        budget = sum(
            min(harness.timing.retry_base * 2**i, harness.timing.retry_max)
            for i in range(conf.MAX_ATTEMPTS)
        )
        exhausted = _wait(
            lambda: mine.filter(status="failed").count() == len(seed_.reminder_ids),
            budget + 5 * (harness.timing.sweep + 2) * conf.MAX_ATTEMPTS + 30,
            step=0.5,
        )
        notified = Notification.objects.filter(user_id=seed_.user_id, level="error").count()
        harness.smtp.start()
        back = time.monotonic()
        recover_s = wait_done(harness, seed_, back)
        harness.stop_processes()
        results = count(seed_, harness.smtp, "mail outage > retry budget", recover_s)
        results[
            0
        ].note = f"all failed before recovery={exhausted} shown in-app={notified}/{len(mine)}"
        results[0].extra = {"all_failed": exhausted, "in_app": notified}
        return results
    finally:
        harness.stop_processes()
        if harness.smtp.controller is None:
            harness.smtp.start()
        cleanup(seed_)


def request_work_through_services(seed_: Seed) -> int:
    """What users do while the broker is down: ask for letters, save a closure day (which
    starts a recomputation). Returns how many of these requests raised an error."""
    from dsar.accounts.models import User
    from dsar.cases.models import Case
    from dsar.letters.services import case_report_request
    from dsar.rules.services import recompute_run_start

    errors = 0
    user = User.objects.get(pk=seed_.user_id)
    for case in Case.objects.filter(pk__in=seed_.case_ids):
        try:
            seed_.letter_ids.append(case_report_request(user=user, case=case, language="es").pk)
        except Exception:  # noqa: BLE001 - counted: a request must never fail
            errors += 1
    try:
        seed_.run_ids.append(recompute_run_start(reason=f"chaos {seed_.tag}").pk)
    except Exception:  # noqa: BLE001
        errors += 1
    return errors


def scenario_broker_down(
    harness: Harness,
    *,
    cases: int,
    make_requests: Callable[[Seed], int] = request_work_through_services,
) -> list[Result]:
    """Letters and a recomputation requested while Redis is down: every request succeeds, the
    rows wait, and the sweep enqueues them once Redis is back."""
    seed_ = seed(cases=cases, letters=False, reminders=False)
    try:
        harness.redis.stop()
        with use_broker(harness.redis.url):
            errors = make_requests(seed_)
        harness.redis.start()
        back = time.monotonic()
        harness.start_all()
        recover_s = wait_done(harness, seed_, back)
        harness.stop_processes()
        results = count(seed_, harness.smtp, "broker down at request time", recover_s)
        for result in results:
            result.note = f"requests failed={errors}"
            result.extra = {"request_errors": errors}
        return results
    finally:
        harness.stop_processes()
        if not harness.redis.ping():
            harness.redis.start()
        cleanup(seed_)


def table(results: list[Result]) -> str:
    lines = [
        f"{'scenario':<30} {'kind':<11} {'due':>5} {'done':>5} {'dup':>4} {'lost':>4} "
        f"{'stuck':>5} {'recover_s':>9}  note"
    ]
    for r in results:
        lines.append(
            f"{r.scenario:<30} {r.kind:<11} {r.due:>5} {r.done:>5} {r.duplicated:>4} "
            f"{r.lost:>4} {r.stuck:>5} {r.recover_s:>9.1f}  {r.note}"
        )
    return "\n".join(lines)


def summary(results: list[Result]) -> str:
    return (
        f"lost={sum(r.lost for r in results)} "
        f"duplicated={sum(r.duplicated for r in results)} "
        f"stuck={sum(r.stuck for r in results)} "
        f"recover_s={int(round(max((r.recover_s for r in results), default=0)))}"
    )
