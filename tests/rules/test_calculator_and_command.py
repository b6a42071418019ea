import json
import subprocess
import sys

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse


def run_deadline(*args):
    return subprocess.run(
        [sys.executable, "manage.py", "deadline", *args],
        capture_output=True,
        text=True,
        env={"DJANGO_SETTINGS_MODULE": "dsar.settings.test", "PATH": "/usr/bin:/bin"},
    )


@pytest.mark.django_db
def test_command_prints_json(capsys):
    call_command(
        "deadline", "us-foia-response", "2026-11-02", "--pause", "2026-11-05:2026-11-12", "--json"
    )
    data = json.loads(capsys.readouterr().out)
    assert data["clock"] == "us-foia-response"
    assert data["start"] == "2026-11-02" and data["due"] == "2026-12-08"
    assert data["citation"].startswith("5 U.S.C.")
    assert data["explanation"]["pauses"][0]["from"] == "2026-11-05"


@pytest.mark.django_db
def test_command_readable_output(capsys):
    call_command("deadline", "uk-gdpr-response", "2026-07-31", "--subdivision", "SCT")
    out = capsys.readouterr().out
    assert "2026-08-31" in out and "UK GDPR" in out


@pytest.mark.django_db
@pytest.mark.parametrize(
    "args,message",
    [
        (["us-foia-response", "2026-13-01"], "Malformed start date"),
        (["us-foia-response", "2026-01-05", "--pause", "2026-03-01:2026-03-05"], "outside"),
        (["us-foia-response", "2026-01-05", "--pause", "2026-01-09"], "FROM:TO"),
        (["eu-gdpr-response", "2026-01-05", "--country", "XX"], "No holiday calendar"),
    ],
)
def test_command_bad_input_exits_2(args, message):
    with pytest.raises(CommandError, match=message) as excinfo:
        call_command("deadline", *args)
    assert excinfo.value.returncode == 2


def test_unknown_code_exits_2_from_the_shell():
    result = run_deadline("nope", "2026-01-01")
    assert result.returncode == 2, result.stderr
    assert "Unknown clock code 'nope'" in result.stderr


@pytest.mark.django_db
def test_calculator_is_public_and_explains(client):
    response = client.get(
        reverse("rules:calculator"),
        {"clock": "us-foia-response", "start": "2026-06-19", "pause_0_from": "", "pause_0_to": ""},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="due-date"' in page and "2026-07-21" in page
    assert "Independence Day (observed)" in page
    assert "legal information, not legal advice" in page


@pytest.mark.django_db
def test_calculator_bad_input_is_explained(client):
    page = client.get(
        reverse("rules:calculator"),
        {
            "clock": "us-foia-response",
            "start": "2026-01-05",
            "pause_0_from": "2026-03-01",
            "pause_0_to": "2026-03-05",
        },
    ).content.decode()
    assert "outside the clock" in page and 'id="due-date"' not in page
    page = client.get(
        reverse("rules:calculator"), {"clock": "nope", "start": "yesterday"}
    ).content.decode()
    assert "Select a valid choice" in page and "Enter a valid date" in page
    page = client.get(
        reverse("rules:calculator"),
        {"clock": "us-foia-response", "start": "2026-01-05", "pause_0_from": "2026-01-07"},
    ).content.decode()
    assert "Give both dates of the pause." in page
