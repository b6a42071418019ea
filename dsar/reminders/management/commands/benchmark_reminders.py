"""Benchmark of the reminder sweep on PostgreSQL.

Creates a throwaway database (``dsar_bench`` by default), migrates it, bulk-loads synthetic
proceedings with ``INSERT ... SELECT generate_series`` (1,000 of them with a reminder due, the rest
with clocks outside the reminder window, met, closed or long missed), runs the sweep with delivery
tasks enqueued to a queue of its own that nobody consumes (emptied and deleted afterwards; no other
queue is touched), prints the timings for each size, and drops the database unless ``--keep``.

The broker comes from the environment (``CELERY_BROKER_URL`` or ``REDIS_URL``, or ``--broker``);
without one, the benchmark starts its own ``redis-server`` on a free port and stops it.
"""

import os
import secrets
import socket
import statistics
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


FILLERS = {
    "bigint": "0",
    "integer": "0",
    "smallint": "0",
    "boolean": "false",
    "jsonb": "'{}'::jsonb",
    "date": "current_date",
    "timestamp with time zone": "now()",
}


def _insert_select(table: str, values: dict[str, str], start: int, stop: int) -> None:
    """INSERT INTO table SELECT ... FROM generate_series(start, stop) g, filling every NOT NULL
    column not given in ``values`` with a neutral value of its type."""
    with connection.cursor() as cur:
        cur.execute(
            "SELECT column_name, data_type FROM information_schema.columns "
            "WHERE table_name = %s AND is_nullable = 'NO' AND column_default IS NULL",
            [table],
        )
        columns = dict(values)
        for name, data_type in cur.fetchall():
            columns.setdefault(name, FILLERS.get(data_type, "''"))
        names = ", ".join(f'"{c}"' for c in columns)
        exprs = ", ".join(columns.values())
        cur.execute(
            f'INSERT INTO "{table}" ({names}) SELECT {exprs} '  # noqa: S608 - fixed identifiers
            f"FROM generate_series({int(start)}, {int(stop)}) AS g"
        )


class Command(BaseCommand):
    help = "Benchmark the reminder sweep at 100k and 1M proceedings (PostgreSQL, throwaway DB)."

    def add_arguments(self, parser):
        parser.add_argument("--proceedings", type=int, default=1_000_000)
        parser.add_argument("--due", type=int, default=1000)
        parser.add_argument(
            "--sizes",
            default="",
            help="Comma-separated sizes to measure (default: 100000 and --proceedings).",
        )
        parser.add_argument("--database", default="dsar_bench")
        parser.add_argument(
            "--broker",
            default=os.environ.get("CELERY_BROKER_URL") or os.environ.get("REDIS_URL") or "",
        )
        parser.add_argument("--queue", default="", help="internal: the benchmark's own queue")
        parser.add_argument("--repeat", type=int, default=9)
        parser.add_argument("--keep", action="store_true", help="Keep the database afterwards.")
        parser.add_argument("--inner", action="store_true", help=HIDDEN)

    def handle(self, *args, **opts):
        sizes = [int(s) for s in opts["sizes"].split(",") if s] or sorted(
            {min(100_000, opts["proceedings"]), opts["proceedings"]}
        )
        if opts["inner"]:
            return self._inner(sizes, opts)
        return self._outer(sizes, opts)

    # --- outer: create the throwaway database and run the measurement in it --------------------

    def _outer(self, sizes, opts):
        from dsar.core.benchdb import database_create, database_drop

        if not opts["database"].startswith("dsar_bench"):
            raise CommandError("The benchmark database name must start with 'dsar_bench'.")
        # Refuses to replace a database it did not create.
        bench_url = database_create(opts["database"], replace=True)
        broker, redis = opts["broker"], None
        if not broker:
            port = _free_port()
            redis = subprocess.Popen(
                ["redis-server", "--port", str(port), "--save", "", "--appendonly", "no"],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            broker = f"redis://127.0.0.1:{port}/0"
            time.sleep(0.5)
        queue = f"dsar-benchmark-{secrets.token_hex(4)}"
        self.stdout.write(f"broker {broker}, queue {queue} (no other queue is touched)")
        env = dict(
            os.environ,
            DATABASE_URL=bench_url,
            CELERY_BROKER_URL=broker,
            CELERY_TASK_ALWAYS_EAGER="false",
            DJANGO_SETTINGS_MODULE="dsar.settings.local",
        )
        manage = [sys.executable, str(settings.BASE_DIR / "manage.py")]
        try:
            self.stdout.write(f"migrating {opts['database']} ...")
            subprocess.run([*manage, "migrate", "-v0"], env=env, check=True)
            subprocess.run(
                [
                    *manage,
                    "benchmark_reminders",
                    "--inner",
                    "--sizes",
                    ",".join(map(str, sizes)),
                    "--due",
                    str(opts["due"]),
                    "--repeat",
                    str(opts["repeat"]),
                    "--broker",
                    broker,
                    "--queue",
                    queue,
                ],
                env=env,
                check=True,
            )
        finally:
            if redis is not None:
                redis.terminate()
                redis.wait(timeout=30)
            if not opts["keep"] and database_drop(opts["database"]):
                self.stdout.write(f"dropped {opts['database']}")

    # --- inner: load data and measure (runs inside the throwaway database) ---------------------

    def _inner(self, sizes, opts):
        from celery import current_app

        from dsar.reminders.models import Reminder
        from dsar.reminders.services import reminders_sweep
        from dsar.reminders.tasks import enqueue_deliveries

        if connection.vendor != "postgresql" or not connection.settings_dict["NAME"].startswith(
            "dsar_bench"
        ):
            raise CommandError("--inner runs only inside a dsar_bench* PostgreSQL database.")
        if not opts["queue"].startswith("dsar-benchmark-"):
            raise CommandError("--inner needs the benchmark's own --queue.")
        # Every delivery task goes to the benchmark's own queue, the only one it empties.
        current_app.conf.task_default_queue = opts["queue"]
        self.queue = opts["queue"]
        due = opts["due"]
        self._seed_reference()
        loaded = 0
        results = []
        for size in sorted(sizes):
            started = time.perf_counter()
            self._load(loaded + 1, size, due)
            loaded = size
            self.stdout.write(
                f"loaded {size:,} proceedings in {time.perf_counter() - started:.1f}s"
            )
            timings, select_timings, enqueue_timings, selected = [], [], [], 0
            for run in range(opts["repeat"] + 1):
                Reminder.objects.all().delete()
                self._purge(current_app)
                t0 = time.perf_counter()
                result = reminders_sweep()
                t1 = time.perf_counter()
                enqueue_deliveries(result.selected)
                t2 = time.perf_counter()
                selected = len(result.selected)
                if run == 0:
                    continue  # warm-up
                timings.append(t2 - t0)
                select_timings.append(t1 - t0)
                enqueue_timings.append(t2 - t1)
            self._purge(current_app)
            results.append((size, timings, select_timings))
            self.stdout.write(
                f"proceedings={size:,} due={due:,} selected+enqueued={selected:,} "
                f"sweep median={statistics.median(timings) * 1000:.0f} ms "
                f"(min {min(timings) * 1000:.0f} ms); select median "
                f"{statistics.median(select_timings) * 1000:.0f} ms, enqueue median "
                f"{statistics.median(enqueue_timings) * 1000:.0f} ms; {opts['repeat']} runs"
            )
        self._delete_queue(current_app)
        if len(results) > 1:
            (small, t_small, s_small), (big, t_big, s_big) = results[0], results[-1]
            self.stdout.write(
                f"ratio {big:,} vs {small:,} proceedings: whole sweep median "
                f"{statistics.median(t_big) / statistics.median(t_small):.2f}x, min "
                f"{min(t_big) / min(t_small):.2f}x; selection median "
                f"{statistics.median(s_big) / statistics.median(s_small):.2f}x, min "
                f"{min(s_big) / min(s_small):.2f}x"
            )

    def _purge(self, app) -> None:
        with app.connection_for_write() as conn:
            conn.default_channel.queue_purge(self.queue)

    def _delete_queue(self, app) -> None:
        with app.connection_for_write() as conn:
            conn.default_channel.queue_delete(self.queue)

    def _seed_reference(self) -> None:
        from dsar.directory.models import Agency, Regime

        with connection.cursor() as cur:
            cur.execute(
                "TRUNCATE reminders_reminder, reminders_notification, reminders_reminderpreference,"
                " cases_clock, cases_event, cases_proceeding, cases_case CASCADE"
            )
        regime = Regime.objects.filter(code="us-foia").first() or Regime.objects.create(
            code="us-foia", name="FOIA", country="US", citation="5 U.S.C. § 552"
        )
        agency = Agency.objects.first() or Agency.objects.create(
            code="bench", name="Bench agency", country="US"
        )
        self.regime_id, self.agency_id = regime.pk, agency.pk
        with connection.cursor() as cur:
            cur.execute("SELECT coalesce(max(id), 0) FROM accounts_user")
            base = cur.fetchone()[0]
        _insert_select(
            "accounts_user",
            {
                "id": f"{base} + g",
                "email": f"'bench' || ({base} + g) || '@example.org'",
                "password": "'!'",
                "is_active": "true",
                "language": "'en'",
            },
            1,
            1000,
        )
        self.user_base = base

    def _load(self, start: int, stop: int, due: int) -> None:
        """Proceedings start..stop, one case and one clock each. Proceedings 1..due have a clock
        due tomorrow; the others are outside the window (later, met, closed, or long missed)."""
        ub = self.user_base
        _insert_select(
            "cases_case",
            {
                "id": "g",
                "owner_id": f"{ub} + 1 + (g % 1000)",
                "title": "'Bench case ' || g",
                "status": "'open'",
                "subject_name": "'Bench'",
                "created_at": "now()",
                "updated_at": "now()",
            },
            start,
            stop,
        )
        _insert_select(
            "cases_proceeding",
            {
                "id": "g",
                "case_id": "g",
                "regime_id": str(self.regime_id),
                "agency_id": str(self.agency_id),
                "request_type": "'access'",
                "status": "'submitted'",
                "is_open": "(g % 10 <> 9)",
                "listed": "(g % 10 <> 9)",
                "owner_id": f"{ub} + 1 + (g % 1000)",
                "created_at": "now()",
                "updated_at": "now()",
            },
            start,
            stop,
        )
        _insert_select(
            "cases_clock",
            {
                "id": "g",
                "proceeding_id": "g",
                "code": "'us-foia-response'",
                "label": "'Agency must answer'",
                "citation": "'5 U.S.C. § 552(a)(6)(A)(i)'",
                "rule_status": "'VERIFIED'",
                "start_date": "current_date - 20",
                "due_date": f"""CASE
                    WHEN g <= {int(due)} THEN current_date + 1
                    WHEN g % 5 IN (0, 1, 2) THEN current_date + 9 + (g % 300)
                    ELSE current_date - 31 - (g % 700) END""",
                "state": f"""CASE
                    WHEN g <= {int(due)} THEN 'running'
                    WHEN g % 5 IN (0, 1, 2) THEN 'running'
                    WHEN g % 5 = 3 THEN 'met' ELSE 'missed' END""",
                "computed_at": "now()",
            },
            start,
            stop,
        )
        with connection.cursor() as cur:
            # Make the first `due` proceedings open so exactly `due` reminders are due.
            cur.execute(
                f"UPDATE cases_proceeding SET is_open = true, listed = true WHERE id <= {int(due)}"
            )
            for table in ("cases_case", "cases_proceeding", "cases_clock"):
                cur.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT max(id) FROM {table}))"
                )
        with connection.cursor() as cur:
            # Outside a transaction: settle the freshly loaded tables (visibility map,
            # statistics) so background autovacuum does not run during the measurement.
            cur.execute("VACUUM ANALYZE")


HIDDEN = "internal: run inside the benchmark database"
