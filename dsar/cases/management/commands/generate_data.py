"""Fill a new PostgreSQL database with a synthetic caseload (see dsar/cases/synthetic.py).

    python manage.py generate_data --proceedings 1000000 --users 20000 --heavy-users 2

creates the database (``--database``, default ``dsar_gen_<proceedings>``), migrates it, writes
users, organizations, cases, proceedings, events, clocks and search terms with COPY from
``--parts`` processes, rebuilds the indexes and analyzes the tables. The heavy users' password
is printed at the end. It never drops a database it did not create.
"""

import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from dsar.core.benchdb import database_create

BIG_TABLES = ["cases_case", "cases_proceeding", "cases_event", "cases_clock", "cases_searchterm"]


class Command(BaseCommand):
    help = "Create a PostgreSQL database filled with a valid synthetic caseload, using COPY."

    def add_arguments(self, parser):
        parser.add_argument("--proceedings", type=int, required=True)
        parser.add_argument("--users", type=int, default=0, help="default: proceedings / 50")
        parser.add_argument("--heavy-users", type=int, default=1)
        parser.add_argument("--database", default="")
        parser.add_argument("--replace", action="store_true", help=REPLACE_HELP)
        parser.add_argument("--parts", type=int, default=os.cpu_count() or 2)
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--inner", action="store_true", help=INTERNAL)
        parser.add_argument("--part", type=int, default=-1, help=INTERNAL)

    def handle(self, *args, **opts):
        opts["users"] = opts["users"] or max(200, opts["proceedings"] // 50)
        if opts["part"] >= 0:
            return self._part(opts)
        if opts["inner"]:
            return self._inner(opts)
        return self._outer(opts)

    def _args(self, opts) -> list[str]:
        return [
            "--proceedings",
            str(opts["proceedings"]),
            "--users",
            str(opts["users"]),
            "--heavy-users",
            str(opts["heavy_users"]),
            "--parts",
            str(opts["parts"]),
            "--seed",
            str(opts["seed"]),
        ]

    def _outer(self, opts):
        name = opts["database"] or f"dsar_gen_{opts['proceedings']}"
        started = time.perf_counter()
        url = database_create(name, replace=opts["replace"])
        env = dict(os.environ, DATABASE_URL=url)
        manage = [sys.executable, str(settings.BASE_DIR / "manage.py")]
        subprocess.run([*manage, "migrate", "-v0"], env=env, check=True)
        subprocess.run(
            [*manage, "generate_data", "--inner", *self._args(opts)], env=env, check=True
        )
        self.stdout.write(
            f"database {name} ready in {time.perf_counter() - started:.0f} s: {url}\n"
            f"heavy users: heavy1@bench.example.org ... heavy{opts['heavy_users']}"
            f"@bench.example.org, password {self._password()}"
        )

    def _password(self) -> str:
        from dsar.cases.synthetic import HEAVY_PASSWORD

        return HEAVY_PASSWORD

    def _require_benchmark_database(self) -> None:
        from dsar.core.benchdb import MARK

        if connection.vendor != "postgresql":
            raise CommandError("generate_data writes to PostgreSQL only.")
        with connection.cursor() as cur:
            cur.execute(
                "SELECT shobj_description(oid, 'pg_database') FROM pg_database "
                "WHERE datname = current_database()"
            )
            if cur.fetchone()[0] != MARK:
                raise CommandError("--inner runs only in a database generate_data created.")

    def _inner(self, opts):
        from dsar.cases.synthetic import utc_now, world_for, write_people

        self._require_benchmark_database()
        t0 = time.perf_counter()
        world = world_for(users=opts["users"], heavy_users=opts["heavy_users"])
        write_people(world, now=utc_now())
        indexes = self._drop_indexes()
        self.stdout.write(
            f"{world.users:,} users, {world.organizations:,} organizations; writing "
            f"{opts['proceedings']:,} proceedings in {opts['parts']} parts ..."
        )
        manage = [sys.executable, str(settings.BASE_DIR / "manage.py")]
        workers = [
            subprocess.Popen([*manage, "generate_data", "--part", str(k), *self._args(opts)])
            for k in range(opts["parts"])
        ]
        failed = [w for w in workers if w.wait() != 0]
        if failed:
            raise CommandError("a part of the data generation failed")
        t1 = time.perf_counter()
        self.stdout.write(f"rows written in {t1 - t0:.0f} s; rebuilding {len(indexes)} indexes")
        self._create_indexes(indexes)
        with connection.cursor() as cur:
            for table in [*BIG_TABLES, "accounts_user", "accounts_organization"]:
                cur.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT coalesce(max(id), 1) FROM {table}))"
                )
            cur.execute(
                "SELECT setval(pg_get_serial_sequence('accounts_membership', 'id'), "
                "(SELECT coalesce(max(id), 1) FROM accounts_membership))"
            )
            cur.execute("VACUUM (ANALYZE)")
            cur.execute(
                "SELECT (SELECT count(*) FROM cases_case), (SELECT count(*) FROM cases_proceeding),"
                " (SELECT count(*) FROM cases_event), (SELECT count(*) FROM cases_clock),"
                " (SELECT count(*) FROM cases_searchterm)"
            )
            counts = cur.fetchone()
        self.stdout.write(
            "cases={:,} proceedings={:,} events={:,} clocks={:,} search_terms={:,}; ".format(
                *counts
            )
            + f"indexes and statistics in {time.perf_counter() - t1:.0f} s; "
            f"total {time.perf_counter() - t0:.0f} s"
        )

    def _drop_indexes(self) -> list[str]:
        """Drop the secondary indexes of the big tables (COPY into unindexed tables is several
        times faster); returns their definitions to recreate them."""
        with connection.cursor() as cur:
            cur.execute(
                "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) "
                "FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid "
                "WHERE t.relname = ANY(%s) AND NOT EXISTS "
                "(SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)",
                [BIG_TABLES],
            )
            indexes = cur.fetchall()
            for name, _definition in indexes:
                cur.execute(f"DROP INDEX {name}")
        return [definition for _name, definition in indexes]

    def _create_indexes(self, definitions: list[str]) -> None:
        import psycopg

        url = os.environ["DATABASE_URL"]

        def build(definition: str) -> None:
            with psycopg.connect(url, autocommit=True) as conn:
                conn.execute("SET maintenance_work_mem = '256MB'")
                conn.execute(definition)

        with ThreadPoolExecutor(max_workers=2) as pool:
            list(pool.map(build, definitions))

    def _part(self, opts):
        from dsar.cases.synthetic import generate_part, utc_now, world_for
        from dsar.rules.selectors import rule_settings

        self._require_benchmark_database()
        with connection.cursor() as cur:
            cur.execute("SET synchronous_commit = off")
            try:
                # Rows are generated consistent; skip per-row foreign-key triggers.
                cur.execute("SET session_replication_role = replica")
            except Exception:  # noqa: BLE001 - not a superuser: keep the checks
                connection.rollback() if not connection.get_autocommit() else None
        from django.utils import timezone

        world = world_for(users=opts["users"], heavy_users=opts["heavy_users"])
        started = time.perf_counter()
        last = [started]

        def progress(counts):
            now = time.perf_counter()
            if now - last[0] > 20:
                last[0] = now
                self.stdout.write(
                    f"  part {opts['part']}: {counts['proceedings']:,} proceedings "
                    f"({counts['proceedings'] / (now - started):,.0f}/s)"
                )

        counts = generate_part(
            world,
            part=opts["part"],
            parts=opts["parts"],
            proceedings=opts["proceedings"],
            seed=opts["seed"],
            today=timezone.localdate(),
            now=utc_now(),
            settings=rule_settings(),
            progress=progress,
        )
        self.stdout.write(
            f"  part {opts['part']} done: "
            + ", ".join(f"{k}={v:,}" for k, v in counts.items())
            + f" in {time.perf_counter() - started:.0f} s"
        )


INTERNAL = "internal"
REPLACE_HELP = "Recreate the database if an earlier run of this command created it."
