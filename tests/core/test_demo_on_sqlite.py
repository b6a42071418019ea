"""The demo on the embedded default, as the README starts it: SQLite, local settings. The rest of
the suite runs on PostgreSQL, so this walks the pages a demo user opens first on SQLite itself
(the dashboard once failed there: SQLite allows no ORDER BY inside a UNION)."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

WALK = """
from django.test import Client
from dsar.accounts.models import User
from dsar.cases.models import Case
user = User.objects.get(email="demo@example.org")
client = Client(HTTP_HOST="127.0.0.1")
client.force_login(user)
case = Case.objects.filter(owner=user).order_by("pk").first()
urls = ["/cases/", "/cases/?q=Ramirez", "/cases/?overdue=on", "/cases/?page=2", "/cases/all/",
        "/cases/agenda/", "/cases/clients/", case.get_absolute_url(), "/organizations/",
        "/my-data/", "/my-data/audit/", "/api/v1/proceedings/", "/api/v1/cases/"]
for url in urls:
    print("STATUS", client.get(url).status_code, url)
"""


def test_the_demo_users_first_pages_answer_on_sqlite(tmp_path):
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "dsar.settings.local",
        "DEBUG": "0",
        "DSAR_VAR_DIR": str(tmp_path / "var"),
        "DSAR_KEY_DIR": str(tmp_path / "keys"),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }

    def manage(*args: str) -> str:
        done = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, done.stderr[-3000:]
        return done.stdout

    manage("migrate", "--noinput", "-v0")
    manage("demo")
    out = manage("shell", "-c", WALK)
    statuses = [line.split()[1:] for line in out.splitlines() if line.startswith("STATUS")]
    assert len(statuses) == 13
    assert all(code == "200" for code, _url in statuses), statuses
