"""The background-work mechanism (dsar/core/work.py) on each kind of work: claims and leases,
the sweep that re-publishes lost or abandoned work, retries, and what people see."""

import datetime
import smtplib
from unittest import mock

import pytest
from django.core import mail
from django.db import OperationalError
from django.urls import reverse
from django.utils import timezone

from dsar.core import chaos
from dsar.core.work import kind_get, work_claim, work_overview, work_select, work_sweep
from dsar.letters import registry, services
from dsar.letters.models import Document, LetterRequest
from dsar.reminders.models import Notification, Reminder, ReminderPreference
from dsar.reminders.services import digest_due_at, reminder_deliver, reminders_sweep
from dsar.rules.models import ClosureDay, RecomputeRun
from dsar.rules.services import recompute_run_execute
from tests.conftest import sign_in_with_second_factor
from tests.factories import CaseFactory, ProceedingFactory, UserFactory
from tests.letters.factories import make_proceeding, sample_inputs
from tests.reminders.factories import ClockFactory, in_days

pytestmark = pytest.mark.django_db

FOIA = registry.letter_spec("foia-access")
LETTER = kind_get("letter")
RECOMPUTE = kind_get("recompute")


def ago(seconds: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(seconds=seconds)


def waiting_letter(user, **fields) -> LetterRequest:
    proceeding = make_proceeding(user)
    letter_request = services.letter_request_create(
        user=user,
        proceeding=proceeding,
        code="foia-access",
        language="en",
        inputs=sample_inputs(FOIA),
    )
    LetterRequest.objects.filter(pk=letter_request.pk).update(**fields)
    return letter_request


def test_every_kind_of_background_work_is_registered():
    from dsar.core.work import KINDS

    assert set(KINDS) == {"letter", "recompute", "reminder", "digest", "reading", "export"}


def test_a_letter_whose_message_was_lost_is_published_again_and_rendered_once(user):
    letter_request = waiting_letter(user, enqueued_at=ago(3600))
    fresh = waiting_letter(user, enqueued_at=timezone.now())
    assert work_select(kind=LETTER) == [letter_request.pk]  # the fresh one is not stale yet
    assert work_select(kind=LETTER) == []  # marked published: a second sweep does not repeat it
    LetterRequest.objects.filter(pk=letter_request.pk).update(enqueued_at=ago(3600))
    assert work_sweep()["letter"] == 1  # eager Celery in tests: rendered now
    letter_request.refresh_from_db()
    assert letter_request.status == "ready"
    assert Document.objects.filter(kind="letter").count() == 1
    assert LetterRequest.objects.get(pk=fresh.pk).status == "pending"


def test_a_letter_claimed_by_a_dead_worker_is_taken_over_after_its_lease(user):
    letter_request = waiting_letter(user)
    lease = work_claim(kind=LETTER, pk=letter_request.pk)
    assert lease is not None
    assert work_claim(kind=LETTER, pk=letter_request.pk) is None  # a live claim is respected
    assert work_select(kind=LETTER) == []
    LetterRequest.objects.filter(pk=letter_request.pk).update(lease_until=ago(1))
    assert work_select(kind=LETTER) == [letter_request.pk]
    assert services.letter_request_render(letter_request_id=letter_request.pk).status == "ready"
    assert LetterRequest.objects.get(pk=letter_request.pk).attempts == 2


def test_a_render_whose_lease_was_taken_over_stores_nothing(user, monkeypatch):
    letter_request = waiting_letter(user)
    real = services.html_to_pdf

    def slow_render(html):
        # While this worker renders, its lease expires and another worker claims the request.
        LetterRequest.objects.filter(pk=letter_request.pk).update(lease_until=ago(1))
        assert work_claim(kind=LETTER, pk=letter_request.pk) is not None
        return real(html)

    monkeypatch.setattr(services, "html_to_pdf", slow_render)
    result = services.letter_request_render(letter_request_id=letter_request.pk)
    assert result.status == "rendering" and result.document is None
    assert Document.objects.count() == 0


def test_a_database_error_puts_the_render_back_with_a_backoff(user, monkeypatch):
    letter_request = waiting_letter(user)

    def locked(html):
        raise OperationalError("database is locked")

    monkeypatch.setattr(services, "html_to_pdf", locked)
    result = services.letter_request_render(letter_request_id=letter_request.pk)
    assert result.status == "pending" and result.lease_until is None
    assert result.not_before > timezone.now() and "database is locked" in result.error
    assert work_select(kind=LETTER) == []  # backing off
    LetterRequest.objects.filter(pk=letter_request.pk).update(not_before=ago(1))
    assert work_select(kind=LETTER) == [letter_request.pk]


def test_a_render_that_keeps_killing_its_worker_fails_visibly(user):
    letter_request = waiting_letter(user)
    LetterRequest.objects.filter(pk=letter_request.pk).update(
        status="rendering", lease_until=ago(1), attempts=services.MAX_RENDER_ATTEMPTS
    )
    result = services.letter_request_render(letter_request_id=letter_request.pk)
    assert result.status == "failed" and "interrupted" in result.error


@pytest.mark.parametrize("language", ["en", "es"])
def test_a_failed_render_shows_its_reason_and_can_be_tried_again(
    client, user, monkeypatch, language, django_capture_on_commit_callbacks
):
    letter_request = waiting_letter(user)
    monkeypatch.setattr(services, "html_to_pdf", lambda html: 1 / 0)
    services.letter_request_render(letter_request_id=letter_request.pk)
    monkeypatch.undo()
    client.force_login(user)
    client.cookies["django_language"] = language
    page = client.get(
        reverse("letters:letter_request", args=[letter_request.pk]),
        HTTP_ACCEPT_LANGUAGE=language,
    ).content.decode()
    assert "ZeroDivisionError" in page
    assert ("Try again" if language == "en" else "Intentar de nuevo") in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("letters:letter_request_retry", args=[letter_request.pk]))
    assert response.status_code == 302
    letter_request.refresh_from_db()
    assert letter_request.status == "ready" and letter_request.attempts == 1  # eager
    again = client.post(reverse("letters:letter_request_retry", args=[letter_request.pk]))
    assert again.status_code == 302
    assert LetterRequest.objects.get(pk=letter_request.pk).status == "ready"


def test_only_someone_who_may_change_the_case_can_retry(client, user, other_user, monkeypatch):
    letter_request = waiting_letter(user)
    monkeypatch.setattr(services, "html_to_pdf", lambda html: 1 / 0)
    services.letter_request_render(letter_request_id=letter_request.pk)
    client.force_login(other_user)
    response = client.post(reverse("letters:letter_request_retry", args=[letter_request.pk]))
    assert response.status_code == 404
    assert LetterRequest.objects.get(pk=letter_request.pk).status == "failed"


@pytest.mark.django_db(transaction=True)
def test_broker_down_a_letter_request_and_a_closure_day_still_save(client, user):
    """No Redis listens on the port: the pages answer normally, the rows wait."""
    proceeding = make_proceeding(user)
    client.force_login(user)
    dead = f"redis://127.0.0.1:{chaos.free_port()}/0"
    with chaos.use_broker(dead):
        response = client.post(
            reverse("letters:letter_prepare", args=[proceeding.pk, "foia-access", "en"]),
            sample_inputs(FOIA),
        )
        assert response.status_code == 302
        assert "queued" in client.get(response["Location"]).content.decode()
        admin = UserFactory(is_staff=True, is_superuser=True)
        sign_in_with_second_factor(client, admin)  # the admin wants a second factor
        response = client.post(
            reverse("admin:rules_closureday_add"),
            {
                "country": "US",
                "subdivision": "",
                "date": "2026-12-24",
                "reason": "Closure",
                "status": "VERIFIED",
            },
        )
        assert response.status_code == 302
    assert ClosureDay.objects.count() == 1
    assert LetterRequest.objects.get().status == "pending"
    run = RecomputeRun.objects.get()
    assert run.status == "pending"
    # The broker is back (eager here): the sweep publishes what waited once it is stale.
    LetterRequest.objects.update(enqueued_at=ago(3600))
    RecomputeRun.objects.update(enqueued_at=ago(3600))
    work_sweep()
    assert LetterRequest.objects.get().status == "ready"
    assert RecomputeRun.objects.get().status == "done"


def test_a_recomputation_resumes_after_its_worker_died_and_stops_when_overtaken():
    for _ in range(5):
        ProceedingFactory()
    run = RecomputeRun.objects.create(reason="test", total=5)
    lease = work_claim(kind=RECOMPUTE, pk=run.pk)
    assert recompute_run_execute(run_id=run.pk).status == "running"  # someone else's claim
    RecomputeRun.objects.filter(pk=run.pk).update(lease_until=ago(1), last_id=0)
    assert lease is not None
    assert work_select(kind=RECOMPUTE) == [run.pk]
    done = recompute_run_execute(run_id=run.pk, batch_size=2)
    assert done.status == "done" and done.done == 5 and done.lease_until is None


def test_a_recomputation_that_loses_its_claim_stops_at_the_next_batch(monkeypatch):
    for _ in range(4):
        ProceedingFactory()
    run = RecomputeRun.objects.create(reason="test", total=4)
    from dsar.rules import services as rule_services

    real = rule_services.clocks_recompute_open

    def overtaken(**kwargs):
        RecomputeRun.objects.filter(pk=run.pk).update(lease_until=ago(-999))
        return real(**kwargs)

    monkeypatch.setattr(rule_services, "clocks_recompute_open", overtaken)
    result = recompute_run_execute(run_id=run.pk, batch_size=2)
    assert result.status == "running" and result.done == 0  # rolled back, left to the owner


def test_a_recomputation_failing_on_a_bug_is_shown_failed(monkeypatch):
    run = RecomputeRun.objects.create(reason="test")
    from dsar.rules import services as rule_services

    monkeypatch.setattr(rule_services, "rule_settings", lambda: 1 / 0)
    result = recompute_run_execute(run_id=run.pk)
    assert result.status == "failed" and "ZeroDivisionError" in result.error


def _failing_smtp(*args, **kwargs):
    raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


def test_a_mail_outage_longer_than_the_budget_is_shown_in_app_and_retried_when_mail_is_back():
    user = UserFactory()
    ReminderPreference.objects.create(user=user, in_app_enabled=False)
    ClockFactory(proceeding=ProceedingFactory(case=CaseFactory(owner=user)), due_date=in_days(1))
    reminder_id = reminders_sweep().selected[0]
    outcomes = []
    with (
        mock.patch("django.core.mail.EmailMultiAlternatives.send", side_effect=_failing_smtp),
        mock.patch("django.core.mail.backends.locmem.EmailBackend.open", side_effect=OSError),
    ):
        for _ in range(8):
            Reminder.objects.filter(pk=reminder_id).update(not_before=ago(1))
            outcomes.append(reminder_deliver(reminder_id=reminder_id))
            # While the mail server is down the sweep's probe fails: nothing is reset.
            reminders_sweep()
    assert outcomes[:4] == ["retry"] * 4 and outcomes[4:] == ["failed"] * 4
    reminder = Reminder.objects.get()
    assert reminder.status == "failed" and reminder.not_before is not None  # still retried
    notes = Notification.objects.filter(user=user, level="error")
    assert notes.count() == 1 and "could not e-mail" in notes.get().title  # once per outage
    # The mail server answers again: the next sweep's probe retries the reminder at once.
    Reminder.objects.filter(pk=reminder_id).update(
        not_before=timezone.now() + datetime.timedelta(hours=1)
    )
    selected = reminders_sweep().selected
    assert selected == [reminder_id]
    assert Reminder.objects.get().attempts == 0  # counted afresh for the next outage
    assert reminder_deliver(reminder_id=reminder_id) == "sent"
    assert len(mail.outbox) == 1


def test_a_refused_address_fails_for_good_and_is_shown_in_app():
    ClockFactory(due_date=in_days(1))
    reminder_id = reminders_sweep().selected[0]
    refused = smtplib.SMTPRecipientsRefused({"x@example.org": (550, b"no such user")})
    with mock.patch("django.core.mail.EmailMultiAlternatives.send", side_effect=refused):
        assert reminder_deliver(reminder_id=reminder_id) == "failed"
    reminder = Reminder.objects.get()
    assert reminder.status == "failed" and reminder.not_before is None
    assert reminders_sweep().selected == []
    assert Notification.objects.filter(level="error").count() == 1


def test_a_database_error_while_delivering_releases_the_reminder():
    ClockFactory(due_date=in_days(1))
    reminder_id = reminders_sweep().selected[0]
    with mock.patch(
        "dsar.reminders.services._still_relevant", side_effect=OperationalError("gone")
    ):
        assert reminder_deliver(reminder_id=reminder_id) == "retry"
    reminder = Reminder.objects.get()
    assert reminder.status == "pending" and reminder.lease_until is None
    assert reminder.not_before > timezone.now()


def test_an_overdue_digest_is_found_by_the_sweep_and_sent_once():
    owner = UserFactory()
    ReminderPreference.objects.create(user=owner, digest="daily")
    ClockFactory(proceeding=ProceedingFactory(case=CaseFactory(owner=owner)), due_date=in_days(1))
    assert reminder_deliver(reminder_id=reminders_sweep().selected[0]) == "digest"
    digest = kind_get("digest")
    assert work_select(kind=digest) == []  # joined after the last digest time: not overdue
    last = digest_due_at(frequency="daily", now=timezone.now())
    Reminder.objects.update(sent_at=last - datetime.timedelta(minutes=1))
    assert work_select(kind=digest) == [owner.pk]
    assert work_sweep()["digest"] == 1
    assert len(mail.outbox) == 1 and Reminder.objects.get().status == "sent"
    assert work_select(kind=digest) == []


def test_digest_times():
    monday = datetime.datetime(2026, 11, 23, 9, 0, tzinfo=datetime.UTC)
    assert digest_due_at(frequency="daily", now=monday).hour == 7
    early = monday.replace(hour=6)
    assert digest_due_at(frequency="daily", now=early).day == 22
    assert digest_due_at(frequency="weekly", now=early).day == 16


def test_background_work_page_lists_counts_ages_and_retries(
    client, user, django_capture_on_commit_callbacks
):
    letter_request = waiting_letter(user, enqueued_at=ago(3600))
    RecomputeRun.objects.create(reason="stuck", status="running", lease_until=ago(5))
    overview = {row["kind"].name: row for row in work_overview()}
    assert overview["letter"]["pending"] == 1 and overview["letter"]["stuck"] == 1
    assert overview["recompute"]["stuck"] == 1
    assert overview["letter"]["oldest_pending_seconds"] >= 0
    url = reverse("work_status")
    client.force_login(user)
    assert client.get(url).status_code == 302  # staff only
    admin = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin)
    assert client.get(url).status_code == 302  # the administration wants a second factor
    sign_in_with_second_factor(client, admin)
    page = client.get(url).content.decode()
    assert "Letter renders" in page and "Clock recomputations" in page
    assert url in client.get(reverse("admin:index")).content.decode()
    LetterRequest.objects.filter(pk=letter_request.pk).update(status="failed", error="Boom")
    assert "Boom" in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"kind": "letter", "pk": letter_request.pk})
    assert LetterRequest.objects.get(pk=letter_request.pk).status == "ready"


def test_every_background_task_retries_a_briefly_unreachable_database_and_has_time_limits():
    from django.db import OperationalError as DjangoOperationalError
    from django.utils.module_loading import import_string

    from dsar.core.work import KINDS, lease_seconds

    names = [kind.task for kind in KINDS.values()]
    names += [
        "dsar.core.tasks.sweep_work",
        "dsar.reminders.tasks.sweep_reminders",
        "dsar.reminders.tasks.send_digests",
        "dsar.rules.tasks.refresh_clock_states",
    ]
    for name in names:
        task = import_string(name)
        assert DjangoOperationalError in task.autoretry_for, name
        assert task.time_limit and task.retry_backoff_max <= 60, name
    # A claimed task finishes before its lease runs out (the recomputation renews its lease).
    for name in ("letter", "reminder", "digest"):
        assert import_string(KINDS[name].task).time_limit < lease_seconds(), name
    # Longer work claims a longer lease of its own.
    from dsar.accounts.services import EXPORT_LEASE_SECONDS
    from dsar.responses.services import LEASE_SECONDS as READING_LEASE_SECONDS

    assert import_string(KINDS["reading"].task).time_limit < READING_LEASE_SECONDS
    assert import_string(KINDS["export"].task).time_limit < EXPORT_LEASE_SECONDS


def test_chaos_forgives_one_resend_per_reminder_caught_in_the_smtp_window_and_no_other(db):
    from collections import Counter

    from dsar.reminders.models import Reminder

    seed = chaos.seed(cases=2, letters=False, reminders=True, runs=0)
    caught, other = list(Reminder.objects.filter(pk__in=seed.reminder_ids).order_by("pk"))[:2]

    class Sink:
        counts: Counter = Counter()

        def reminder_keys(self) -> Counter:
            return Counter(self.counts)

    sink = Sink()
    # A worker is killed after the mail server accepted ``caught`` and before its UPDATE.
    sink.counts = Counter({chaos._reminder_key(caught): 1})
    chaos.note_smtp_window(seed, sink)
    assert seed.smtp_window == {chaos._reminder_key(caught)}
    # After recovery each was sent twice: the first resend is the documented trade-off, the
    # second is a fault.
    Reminder.objects.filter(pk__in=seed.reminder_ids).update(status="sent")
    sink.counts = Counter({chaos._reminder_key(r): 1 for r in Reminder.objects.all()})
    sink.counts[chaos._reminder_key(caught)] = 2
    sink.counts[chaos._reminder_key(other)] = 2
    (result,) = chaos.count(seed, sink, "crash", 1.0)
    assert (result.duplicated, result.lost) == (1, 0)
    assert "SMTP window=1" in result.note
    chaos.cleanup(seed)
