"""In Spanish, nothing is left in English: every page, letter, e-mail and calendar feed is
rendered for a Spanish-speaking user and searched for the catalogue's English msgids and the
deadline engine's English rule texts; the catalogue itself has no untranslated or fuzzy entry."""

import html
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import translation

from dsar.cases.models import Case, Proceeding
from dsar.deadlines import rules as engine_rules
from dsar.letters import registry
from dsar.letters.context import prefill
from dsar.letters.models import LetterRequest
from dsar.letters.selectors import letter_fits, with_history
from dsar.letters.services import letter_html
from dsar.reminders.calendar import calendar_feed_render
from dsar.reminders.services import reminder_deliver, reminders_sweep

PO = Path(settings.BASE_DIR) / "dsar" / "locale" / "es" / "LC_MESSAGES" / "django.po"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\{.*?\}\}")


def _po_entries() -> list[tuple[str, str]]:
    text = PO.read_text(encoding="utf-8")
    entries = []
    for block in text.split("\n\n"):
        msgid = re.search(r'^msgid ((?:".*"\n?)+)', block, re.M)
        msgstr = re.search(r"^msgstr(?:\[0\])? ((?:\".*\"\n?)+)", block, re.M)
        if not msgid or not msgstr:
            continue

        def join(raw):
            return "".join(re.findall(r'"(.*)"', raw)).replace('\\"', '"').replace("\\n", " ")

        entries.append((join(msgid.group(1)), join(msgstr.group(1))))
    return entries


def english_fragments() -> set[str]:
    """Pieces of English text that must not appear in a Spanish rendering: every translated
    msgid (split at its placeholders) of at least two words that its translation does not
    contain, and the engine's English rule texts."""
    fragments = set()
    for msgid, msgstr in _po_entries():
        if not msgid or msgid == msgstr:
            continue
        for piece in PLACEHOLDER.split(msgid):
            piece = " ".join(piece.split()).strip(" .,:;—-()")
            if len(piece.split()) >= 2 and len(piece) >= 10 and piece not in msgstr:
                fragments.add(piece)
    for rule in engine_rules.RULES.values():
        if rule.consequence:
            fragments.add(rule.consequence.text[:60])
        if rule.note:
            fragments.add(rule.note[:50])
        if rule.starts_on.isascii():
            fragments.add(f"after {rule.starts_on}")
    fragments |= {"business days", "calendar days", "(VERIFIED)", "UNCONFIRMED-high"}
    return fragments


def visible_text(markup: str) -> str:
    """The text a reader sees, without the parts explicitly marked as English (lang="en":
    the directory's facts, recorded in English as the agencies publish them)."""
    markup = re.sub(r"(?is)<(script|style)\b.*?</\1>", " ", markup)
    markup = re.sub(r'(?is)<(\w+)\b[^>]*\blang="en"[^>]*>.*?</\1>', " ", markup)
    markup = re.sub(r"(?s)<[^>]+>", " ", markup)
    return " ".join(html.unescape(markup).split())


def assert_spanish(text: str, where: str, fragments: set[str]) -> None:
    leaks = sorted(f for f in fragments if f in text)
    assert not leaks, f"English left in {where}: {leaks[:8]}"


@pytest.fixture
def demo(db, django_db_blocker):
    from dsar.accounts.models import User
    from dsar.cases.demo import DEMO_EMAIL, demo_load

    demo_load()
    user = User.objects.get(email=DEMO_EMAIL)
    user.language = "es"
    user.save()
    return user


def test_catalogue_has_no_untranslated_or_fuzzy_entries():
    if not shutil.which("msgfmt"):
        pytest.skip("gettext (msgfmt) is not installed")
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(PO)],
        capture_output=True,
        text=True,
        check=True,
    )
    statistics = result.stderr.strip().splitlines()[-1]
    assert "untranslated" not in statistics and "fuzzy" not in statistics, statistics
    assert "translated messages" in statistics


@pytest.mark.django_db
def test_every_page_letter_email_and_feed_is_spanish(client, demo):
    # Words the users wrote themselves (the demo's English titles and notes) are theirs.
    user_text = " ".join(
        [
            *Case.objects.values_list("title", flat=True),
            *Case.objects.values_list("decision_description", flat=True),
            *Proceeding.objects.values_list("title", flat=True),
            *Proceeding.objects.values_list("description", flat=True),
        ]
    )
    fragments = {f for f in english_fragments() if f not in user_text}
    client.force_login(demo)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
    cases = list(Case.objects.filter(owner=demo).order_by("pk"))
    proceedings = list(
        Proceeding.objects.filter(case__in=cases).select_related("case", "regime", "agency")
    )
    from dsar.directory.models import Agency, RecordSystem

    agency = Agency.objects.get(code="cbp")
    system = RecordSystem.objects.get(code="ident-hart")
    # The planner's answers are posted (never put in a URL) and shown from the session's draft.
    answers = {
        "situation": "us-border-face-match",
        "nationality": "MX",
        "us_status": "none",
        "residence": "MX",
    }
    posted = client.post(reverse("planner:result"), answers)
    assert posted.status_code == 302 and posted["Location"] == reverse("planner:result")
    urls = [
        reverse("planner:plan"),
        reverse("planner:result"),
        reverse("rules:calculator"),
        reverse("rules:calculator") + "?clock=us-foia-response&start=2026-11-02",
        reverse("directory:index"),
        reverse("directory:agency_detail", args=[agency.code]),
        reverse("directory:system_detail", args=[system.code]),
        reverse("cases:dashboard"),
        reverse("cases:case_list"),
        reverse("cases:agenda"),
        reverse("cases:agenda") + "?days=30",
        reverse("cases:client_list"),
        reverse("reminders:notifications"),
        reverse("reminders:preferences"),
        reverse("accounts:organizations"),
        "/no-such-page/",
    ]
    for case in cases:
        urls += [
            reverse("cases:case_detail", args=[case.pk]),
            reverse("cases:client_detail", args=[case.pk]),
            reverse("cases:case_edit", args=[case.pk]),
            reverse("letters:case_report", args=[case.pk]),
        ]
    for proceeding in proceedings:
        urls += [
            reverse("cases:proceeding_detail", args=[proceeding.pk]),
            reverse("letters:proceeding_letters", args=[proceeding.pk]),
        ]
    for url in urls:
        response = client.get(url)
        assert response.status_code in (200, 404), url
        assert_spanish(visible_text(response.content.decode()), url, fragments)
    client.logout()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
    home = client.get(reverse("home"))
    assert_spanish(visible_text(home.content.decode()), "home", fragments)
    client.force_login(demo)

    # Every letter form and every letter with a Spanish version, for a proceeding it fits.
    for spec in registry.LETTERS:
        proceeding = next((p for p in proceedings if letter_fits(spec, with_history(p))), None)
        if proceeding is None or "es" not in spec.languages:
            continue
        url = reverse("letters:letter_prepare", args=[proceeding.pk, spec.code, "es"])
        response = client.get(url)
        assert response.status_code == 200, url
        assert_spanish(visible_text(response.content.decode()), url, fragments)
        letter_request = LetterRequest(
            case=proceeding.case,
            proceeding=proceeding,
            code=spec.code,
            language="es",
            inputs=prefill(spec, proceeding, "es"),
        )
        assert_spanish(visible_text(letter_html(letter_request)), spec.code, fragments)
    report = LetterRequest(case=cases[0], code=registry.CASE_REPORT.code, language="es")
    assert_spanish(visible_text(letter_html(report)), "case report", fragments)

    # Reminders by e-mail and in the notifications list, and the calendar feed.
    for reminder_id in reminders_sweep().selected:
        reminder_deliver(reminder_id=reminder_id)
    to_demo = [m for m in mail.outbox if m.to == [demo.email]]
    assert to_demo
    for message in to_demo:
        assert_spanish(message.subject + " " + message.body, "e-mail", fragments)
        assert_spanish(visible_text(message.alternatives[0][0]), "e-mail (HTML)", fragments)
    response = client.get(reverse("reminders:notifications"))
    assert_spanish(visible_text(response.content.decode()), "notifications", fragments)
    with translation.override("en"):
        feed = calendar_feed_render(user=demo).decode()
    assert_spanish(feed.replace("\r\n ", ""), "calendar feed", fragments)
