"""Benchmark of the pages a clinic uses all day, served as in production, at several sizes.

For each scale: a new database filled by ``generate_data``, gunicorn (4 sync workers,
production settings, loopback, a free port) with its own Redis for the cache, then 16
concurrent clients per page -- dashboard, a filter, search by tracking number and by name, a
case page with 200+ events, the calendar feed -- each client alternating the page with a
trivial view (the signed-in home page, which only redirects). Prints p50 and p95 per page,
the ratio of the page's p95 to the trivial view's p95 in the same run, queries per page, the
growth of p95 between the smallest and the largest scale, and EXPLAIN summaries of each
page's queries (flagging sequential scans of cases, proceedings, events or clocks). Ends with
one line ``worst_ratio=X worst_growth=Y`` (the growth is that of a page's p95 relative to the
trivial view, so that a machine busier during one scale than the other does not count as
growth; the raw p95 growth is printed beside it).

    python manage.py benchmark_web --scales 10000,1000000
    python manage.py benchmark_web --quick          # 10k and 100k, a few minutes
"""

import base64
import hashlib
import http.client
import json
import os
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import redis
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from dsar.core.benchdb import database_drop

PAGES = ["dashboard", "filter", "search_tracking", "search_name", "case_page", "calendar"]
WATCHED_TABLES = ("cases_case", "cases_proceeding", "cases_event", "cases_clock")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_port(port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise CommandError(f"nothing listens on port {port}")


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


class Command(BaseCommand):
    help = "Load-test the dashboard, filters, search, a big case page and the calendar feed."

    def add_arguments(self, parser):
        parser.add_argument("--scales", default="10000,1000000")
        parser.add_argument("--quick", action="store_true", help="10k and 100k, fewer requests")
        parser.add_argument("--clients", type=int, default=16)
        parser.add_argument("--requests", type=int, default=0, help="page requests per client")
        parser.add_argument("--heavy-users", type=int, default=1)
        parser.add_argument("--keep", action="store_true", help="keep the databases")
        parser.add_argument("--reuse", action="store_true", help=REUSE_HELP)
        parser.add_argument("--probe", action="store_true", help="internal")

    def handle(self, *args, **opts):
        if opts["probe"]:
            return self._probe()
        scales = [10_000, 100_000] if opts["quick"] else [int(s) for s in opts["scales"].split(",")]
        per_client = opts["requests"] or (6 if opts["quick"] else 12)
        env = dict(
            os.environ,
            DJANGO_SETTINGS_MODULE="dsar.settings.production",
            SECRET_KEY=secrets.token_urlsafe(40),
            # Synthetic data only: fixed keys let --reuse read a database a --keep run left.
            DSAR_FIELD_KEYS=BENCH_FIELD_KEY,
            DSAR_SEARCH_KEY="dsar-benchmark-search-key",
            SECURE_SSL_REDIRECT="false",
            ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
            LOG_LEVEL="WARNING",
        )
        env.pop("CELERY_BROKER_URL", None)
        env["STATIC_ROOT"] = tempfile.mkdtemp(prefix="dsar-bench-static-")
        # The production settings keep their cache in Redis: a redis-server of our own, on a
        # free port, emptied between scales and stopped at the end (never the shared one).
        from dsar.core.chaos import RedisServer

        redis_server = RedisServer()
        try:
            redis_server.start()
        except RuntimeError as error:
            raise CommandError(
                f"benchmark_web needs redis-server (the production settings cache in Redis): "
                f"{error}; install the redis-server package."
            ) from error
        try:
            env["REDIS_URL"] = redis_server.url
            subprocess.run(
                [sys.executable, str(settings.BASE_DIR / "manage.py"), "collectstatic"]
                + ["--noinput", "-v0"],
                env=dict(env, DATABASE_URL="sqlite://:memory:"),
                check=True,
            )
            results: dict[int, dict] = {}
            for scale in scales:
                results[scale] = self._scale(scale, env, opts, per_client)
        finally:
            redis_server.stop()
        self._report(scales, results)

    # --- one scale ------------------------------------------------------------------------

    def _scale(self, scale: int, base_env: dict, opts, per_client: int) -> dict:
        name = f"dsar_web_{scale}"
        manage = [sys.executable, str(settings.BASE_DIR / "manage.py")]
        users = max(200, scale // 50)
        from dsar.core.benchdb import database_url

        env = dict(base_env, DATABASE_URL=database_url(name))
        if not opts["reuse"]:
            self.stdout.write(f"\n== {scale:,} proceedings: generating data ...")
            t0 = time.perf_counter()
            subprocess.run(
                [
                    *manage,
                    "generate_data",
                    "--proceedings",
                    str(scale),
                    "--users",
                    str(users),
                    "--heavy-users",
                    str(opts["heavy_users"]),
                    "--database",
                    name,
                    "--replace",
                ],
                env=env,
                check=True,
            )
            self.stdout.write(f"generated in {time.perf_counter() - t0:.0f} s")
        redis.Redis.from_url(env["REDIS_URL"]).flushdb()  # our own Redis: a cold cache per scale
        probed = subprocess.run(
            [*manage, "benchmark_web", "--probe"], env=env, capture_output=True, text=True
        )
        if probed.returncode != 0:
            raise CommandError(f"the probe failed:\n{probed.stderr[-3000:]}")
        probe = json.loads(probed.stdout.strip().splitlines()[-1])
        port = _free_port()
        log = tempfile.NamedTemporaryFile(prefix="dsar-gunicorn-", suffix=".log", delete=False)
        gunicorn = subprocess.Popen(
            [
                str(Path(sys.executable).with_name("gunicorn")),
                "dsar.wsgi",
                "--workers",
                "4",
                "--worker-class",
                "sync",
                "--bind",
                f"127.0.0.1:{port}",
                "--timeout",
                "300",
            ],
            env=env,
            cwd=settings.BASE_DIR,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            _wait_port(port)
            measured = self._load(port, probe, opts["clients"], per_client)
        finally:
            gunicorn.send_signal(signal.SIGTERM)
            gunicorn.wait(timeout=60)
            if not opts["keep"]:
                database_drop(name)
        self.stdout.write(f"-- {scale:,} proceedings, heavy user sees {probe['visible']:,}")
        for page in PAGES:
            m = measured[page]
            self.stdout.write(
                f"{page:16} p50 {m['p50'] * 1000:7.0f} ms  p95 {m['p95'] * 1000:7.0f} ms  "
                f"trivial p95 {m['trivial_p95'] * 1000:5.0f} ms  ratio {m['ratio']:5.2f}x  "
                f"queries {probe['queries'][page]:3}  errors {m['errors']}"
            )
        self.stdout.write(f"calendar render without cache: {probe['calendar_cold_ms']:.0f} ms")
        for page in PAGES:
            self.stdout.write(f"explain {page}: {probe['explain'][page]}")
        return {"measured": measured, "probe": probe}

    def _load(self, port: int, probe: dict, clients: int, per_client: int) -> dict:
        cookie = f"sessionid={probe['session']}"
        out = {}
        for page in PAGES:
            url = probe["urls"][page]
            samples: list[float] = []
            trivial: list[float] = []
            errors = [0]
            lock = threading.Lock()

            def client(url=url, samples=samples, trivial=trivial, errors=errors, lock=lock):
                for _ in range(per_client):
                    for target, bucket, expect in ((url, samples, 200), ("/", trivial, 302)):
                        t0 = time.perf_counter()
                        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
                        try:
                            conn.request("GET", target, headers={"Cookie": cookie})
                            response = conn.getresponse()
                            response.read()
                            ok = response.status == expect
                        except OSError:
                            ok = False
                        finally:
                            conn.close()
                        elapsed = time.perf_counter() - t0
                        with lock:
                            bucket.append(elapsed)
                            if not ok:
                                errors[0] += 1

            # Warm each worker (imports, connections, the calendar cache) before measuring.
            for _ in range(8):
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
                conn.request("GET", url, headers={"Cookie": cookie})
                conn.getresponse().read()
                conn.close()
            threads = [threading.Thread(target=client) for _ in range(clients)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            p95, trivial_p95 = _percentile(samples, 0.95), _percentile(trivial, 0.95)
            out[page] = {
                "p50": statistics.median(samples),
                "p95": p95,
                "trivial_p50": statistics.median(trivial),
                "trivial_p95": trivial_p95,
                "ratio": p95 / trivial_p95,
                "errors": errors[0],
            }
        return out

    def _report(self, scales: list[int], results: dict) -> None:
        worst_ratio = max(results[s]["measured"][p]["ratio"] for s in scales for p in PAGES)
        worst_growth = 1.0
        first, last = scales[0], scales[-1]
        self.stdout.write(
            f"\ngrowth from {first:,} to {last:,} proceedings (p95, and p95 relative to the "
            "trivial view measured in the same run, which cancels the machine's load):"
        )
        for page in PAGES:
            small, big = results[first]["measured"][page], results[last]["measured"][page]
            raw = big["p95"] / small["p95"]
            relative = big["ratio"] / small["ratio"]
            queries = [results[s]["probe"]["queries"][page] for s in scales]
            if len(scales) > 1:
                worst_growth = max(worst_growth, relative)
            self.stdout.write(
                f"{page:16} p95 {raw:5.2f}x   relative {relative:5.2f}x   queries {queries}"
            )
        seq = [
            f"{page}@{s:,}"
            for s in scales
            for page in PAGES
            if "SEQ SCAN" in results[s]["probe"]["explain"][page]
        ]
        self.stdout.write(
            "sequential scans of cases/proceedings/events/clocks: " + (", ".join(seq) or "none")
        )
        # worst_growth: the largest growth of a page's p95 relative to the trivial view.
        self.stdout.write(f"worst_ratio={worst_ratio:.2f} worst_growth={worst_growth:.2f}")

    # --- probe: runs inside the benchmark database ----------------------------------------

    def _probe(self):
        from django.contrib.auth import get_user_model
        from django.db import connection
        from django.test import Client
        from django.test.utils import CaptureQueriesContext
        from django.urls import reverse

        from dsar.cases.models import Case, Event, Proceeding
        from dsar.cases.selectors import dashboard_proceedings
        from dsar.core.benchdb import MARK
        from dsar.reminders.calendar import calendar_feed_render
        from dsar.reminders.services import calendar_token_issue

        with connection.cursor() as cur:
            cur.execute(
                "SELECT shobj_description(oid, 'pg_database') FROM pg_database "
                "WHERE datname = current_database()"
            )
            if cur.fetchone()[0] != MARK:
                raise CommandError("--probe runs only in a benchmark database.")
        user = get_user_model().objects.get(email="heavy1@bench.example.org")
        visible = dashboard_proceedings(user=user)
        proceedings = list(visible[0:200])
        with_number = next(p for p in proceedings[50:] + proceedings if p.tracking_numbers)
        tracking = with_number.tracking_numbers.split(",")[0].strip()
        name = " ".join(proceedings[len(proceedings) // 2].case.subject_name.split()[:2])
        big_case = (
            Case.objects.filter(owner=user).order_by("pk").values_list("pk", flat=True).first()
        )
        events = Event.objects.filter(proceeding__case_id=big_case).count()
        regime = Proceeding.objects.filter(owner=user, listed=True).values_list(
            "regime__code", flat=True
        )[0]
        calendar_token = calendar_token_issue(user=user)  # stored hashed: a new one to subscribe
        dashboard = reverse("cases:dashboard")
        urls = {
            "dashboard": dashboard,
            "filter": f"{dashboard}?regime={regime}&overdue=on",
            "search_tracking": f"{dashboard}?q={_quote(tracking)}",
            "search_name": f"{dashboard}?q={_quote(name)}",
            "case_page": reverse("cases:case_detail", args=[big_case]),
            "calendar": reverse("reminders:calendar_feed", args=[calendar_token]),
        }
        client = Client()
        client.force_login(user)
        queries, explain = {}, {}
        from django.core.cache import cache

        for page, url in urls.items():
            client.get(url)  # warm
            cache.clear()  # count what a full render costs (the calendar is cached)
            with CaptureQueriesContext(connection) as ctx:
                response = client.get(url)
            if response.status_code != 200:
                raise CommandError(f"{url} answered {response.status_code}")
            queries[page] = len(ctx.captured_queries)
            explain[page] = _explain_summary([q["sql"] for q in ctx.captured_queries])
        cache.clear()
        t0 = time.perf_counter()
        calendar_feed_render(user=user)
        cold = (time.perf_counter() - t0) * 1000
        session = client.cookies[settings.SESSION_COOKIE_NAME].value
        print(  # noqa: T201 - the parent process reads this line
            json.dumps(
                {
                    "session": session,
                    "urls": urls,
                    "queries": queries,
                    "explain": explain,
                    "visible": visible.count(),
                    "case_events": events,
                    "calendar_cold_ms": cold,
                    "tracking": tracking,
                    "name": name,
                }
            )
        )


def _quote(value: str) -> str:
    from urllib.parse import quote_plus

    return quote_plus(value)


def _explain_summary(statements: list[str]) -> str:
    """For each SELECT: its execution time and the scans it uses; SEQ SCAN flags a sequential
    scan of one of the big tables."""
    from django.db import connection

    parts = []
    with connection.cursor() as cur:
        for sql in statements:
            if not sql.lstrip().upper().startswith(("SELECT", "(SELECT")):
                continue
            if "django_session" in sql or "accounts_user" in sql.split("WHERE")[0]:
                continue
            cur.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql)
            plan = cur.fetchone()[0][0]
            scans: list[str] = []
            _walk(plan["Plan"], scans)
            parts.append(f"{plan['Execution Time']:.1f}ms[{' '.join(scans) or '-'}]")
    return "; ".join(parts) or "-"


def _walk(node: dict, scans: list[str]) -> None:
    kind = node.get("Node Type", "")
    relation = node.get("Relation Name", "")
    if "Scan" in kind and relation:
        label = f"{kind.replace(' Scan', '').replace(' ', '')}:{relation.replace('cases_', '')}"
        if kind == "Seq Scan" and relation in WATCHED_TABLES:
            label = f"SEQ SCAN {relation}"
        if node.get("Index Name"):
            label += f"/{node['Index Name']}"
        if label not in scans:
            scans.append(label)
    for child in node.get("Plans", []):
        _walk(child, scans)


BENCH_FIELD_KEY = base64.urlsafe_b64encode(hashlib.sha256(b"dsar-benchmark-field-key").digest())
BENCH_FIELD_KEY = BENCH_FIELD_KEY.decode()


REUSE_HELP = "use the databases a previous --keep run left (dsar_web_<scale>)"
