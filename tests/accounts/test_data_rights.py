"""Export everything of mine; delete a document, a case or my account; retention."""

import csv
import datetime
import io
import json
import zipfile
from pathlib import Path

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from dsar.accounts import services as account_services
from dsar.accounts.models import DATA_EXPORT, DataExport, Membership, User
from dsar.cases import services
from dsar.cases.models import Case
from dsar.core.exceptions import ApplicationError
from dsar.core.work import work_claim, work_sweep
from dsar.letters.models import Document
from dsar.reminders.models import Notification
from tests.factories import (
    CaseFactory,
    MembershipFactory,
    OrganizationFactory,
    ProceedingFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

SCAN = b"%PDF-1.4\n% scan of the agency letter for Ana\n%%EOF\n"


def _upload(user, case, content=SCAN, name="agency-letter.pdf"):
    return services.document_upload(user=user, case=case, upload=SimpleUploadedFile(name, content))


def test_export_contains_my_cases_as_json_and_csv_and_every_document(
    client, user, django_capture_on_commit_callbacks
):
    case = CaseFactory(owner=user, subject_passport_number="G12345678")
    ProceedingFactory(case=case, title="Request to CBP")
    document = _upload(user, case)
    not_mine = CaseFactory(title="Someone else's case")
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("data:export_request"))
    assert response.status_code == 302
    export = DataExport.objects.get(user=user)
    assert export.status == "ready", export.error
    page = client.get(reverse("data:my_data")).content.decode()
    assert reverse("data:export_download", args=[export.pk]) in page
    response = client.get(reverse("data:export_download", args=[export.pk]))
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    data = json.loads(archive.read("data.json"))
    assert [c["title"] for c in data["cases"]] == [case.title]
    assert data["cases"][0]["subject_passport_number"] == "G12345678"  # decrypted
    assert data["proceedings"][0]["title"] == "Request to CBP"
    rows = list(csv.DictReader(io.StringIO(archive.read("cases.csv").decode())))
    assert rows[0]["subject_name"] == case.subject_name
    assert archive.read(data["documents"][0]["path_in_export"]) == SCAN
    assert document.pk == data["documents"][0]["id"]
    assert not_mine.title not in json.dumps(data)
    assert json.loads(archive.read("account.json"))["email"] == user.email
    # nobody else downloads it
    client.force_login(UserFactory())
    assert client.get(reverse("data:export_download", args=[export.pk])).status_code == 404


def test_a_second_export_request_while_one_runs_returns_the_same_row(client, user):
    first = account_services.data_export_request(user=user)
    assert account_services.data_export_request(user=user).pk == first.pk
    client.force_login(user)
    fragment = client.get(reverse("data:export_status")).content.decode()
    assert 'hx-trigger="every 2s"' in fragment and "Waiting" in fragment


def test_a_built_export_is_not_built_twice(user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        export = account_services.data_export_request(user=user)
    export.refresh_from_db()
    name = export.file.name
    again = account_services.data_export_build(export_id=export.pk)
    assert again.file.name == name and again.status == "ready"


def test_an_export_whose_message_was_lost_or_whose_worker_died_is_built_by_the_sweep(user):
    export = account_services.data_export_request(user=user)  # on_commit not run: "lost"
    assert work_sweep()["export"] == 0  # too fresh to be called lost
    DataExport.objects.filter(pk=export.pk).update(
        enqueued_at=timezone.now() - datetime.timedelta(hours=1)
    )
    assert work_sweep()["export"] == 1  # eager in tests: built now
    export.refresh_from_db()
    assert export.status == "ready" and export.attempts == 1

    second = DataExport.objects.create(user=UserFactory(), enqueued_at=timezone.now())
    lease = work_claim(kind=DATA_EXPORT, pk=second.pk)
    assert lease is not None
    assert account_services.data_export_build(export_id=second.pk).status == "running"
    DataExport.objects.filter(pk=second.pk).update(
        lease_until=timezone.now() - datetime.timedelta(seconds=1)  # the worker died
    )
    assert work_sweep()["export"] == 1
    second.refresh_from_db()
    assert second.status == "ready" and second.attempts == 2 and second.lease_until is None


def test_a_failed_export_is_shown_and_a_new_one_can_be_asked_for(
    client, user, monkeypatch, django_capture_on_commit_callbacks
):
    def broken(*, user, handle):
        raise ValueError("the archive could not be written")

    monkeypatch.setattr(account_services, "write_export_zip", broken)
    with django_capture_on_commit_callbacks(execute=True):
        export = account_services.data_export_request(user=user)
    export.refresh_from_db()
    assert export.status == "failed" and "could not be written" in export.error
    assert work_sweep()["export"] == 0  # not retried behind the person's back
    client.force_login(user)
    assert "Please try again." in client.get(reverse("data:export_status")).content.decode()
    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        again = account_services.data_export_request(user=user)
    assert again.pk != export.pk
    assert DataExport.objects.get(pk=again.pk).status == "ready"


@pytest.mark.django_db(transaction=True)
def test_broker_down_an_export_request_still_answers_and_waits(client):
    from dsar.core import chaos
    from tests.conftest import verified_user

    user = verified_user("exporter@example.org")
    client.force_login(user)
    with chaos.use_broker(f"redis://127.0.0.1:{chaos.free_port()}/0"):
        response = client.post(reverse("data:export_request"))
    assert response.status_code == 302
    export = DataExport.objects.get(user=user)
    assert export.status == "pending" and export.enqueued_at is None
    assert work_sweep()["export"] == 1  # the broker is back (eager): the first sweep builds it
    assert DataExport.objects.get(pk=export.pk).status == "ready"


def test_deleting_a_document_removes_its_file(client, user, django_capture_on_commit_callbacks):
    case = CaseFactory(owner=user)
    document = _upload(user, case)
    path = Path(document.file.path)
    assert path.exists()
    viewer = UserFactory()
    clinic = OrganizationFactory()
    MembershipFactory(organization=clinic, user=viewer, role="viewer")
    Case.objects.filter(pk=case.pk).update(organization=clinic)
    client.force_login(viewer)
    url = reverse("cases:document_delete", args=[document.pk])
    assert client.post(url).status_code == 403
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url)
    assert not Document.objects.filter(pk=document.pk).exists()
    assert not path.exists()


def test_deleting_a_case_removes_its_files_and_only_the_owner_or_admin_may(
    client, user, django_capture_on_commit_callbacks
):
    clinic = OrganizationFactory()
    case = CaseFactory(owner=user, organization=clinic)
    advocate = UserFactory()
    MembershipFactory(organization=clinic, user=advocate, role="advocate")
    path = Path(_upload(user, case).file.path)
    url = reverse("cases:case_delete", args=[case.pk])
    client.force_login(advocate)
    assert client.post(url, {"confirm": "on"}).status_code == 403
    client.force_login(user)
    assert client.post(url, {}).status_code == 200  # not confirmed: nothing deleted
    assert Case.objects.filter(pk=case.pk).exists()
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, {"confirm": "on"}).status_code == 302
    assert not Case.objects.filter(pk=case.pk).exists()
    assert not path.exists()


def test_a_wrong_password_deletes_nothing(client, user):
    CaseFactory(owner=user)
    client.force_login(user)
    response = client.post(reverse("data:account_delete"), {"password": "wrong"})
    assert "The password is not correct" in response.content.decode()
    assert User.objects.filter(pk=user.pk).exists() and Case.objects.filter(owner=user).exists()


def test_deleting_my_account_hands_organization_cases_over_and_deletes_the_rest(
    client, user, django_capture_on_commit_callbacks
):
    clinic = OrganizationFactory(name="Clinic")
    MembershipFactory(organization=clinic, user=user, role="advocate")
    admin = UserFactory(email="admin@example.org")
    MembershipFactory(organization=clinic, user=admin, role="admin")
    org_case = CaseFactory(owner=user, organization=clinic)
    org_file = Path(_upload(user, org_case).file.path)
    personal = CaseFactory(owner=user)
    personal_file = Path(_upload(user, personal).file.path)
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("data:account_delete"), {"password": "correct horse battery"}
        )
    assert response.status_code == 302
    assert not User.objects.filter(pk=user.pk).exists()
    org_case.refresh_from_db()
    assert org_case.owner == admin and org_file.exists()
    assert not Case.objects.filter(pk=personal.pk).exists() and not personal_file.exists()
    assert Notification.objects.filter(user=admin, title__contains=org_case.title).exists()


def test_account_deletion_is_refused_when_an_organization_case_has_nobody_to_receive_it(user):
    clinic = OrganizationFactory()
    MembershipFactory(organization=clinic, user=user, role="admin")
    MembershipFactory(organization=clinic, role="viewer")
    CaseFactory(owner=user, organization=clinic)
    with pytest.raises(ApplicationError, match="last administrator"):
        account_services.account_delete(user=user, password="correct horse battery")
    lonely = OrganizationFactory()
    other = UserFactory()
    MembershipFactory(organization=lonely, user=other, role="advocate")
    CaseFactory(owner=other, organization=lonely)
    with pytest.raises(ApplicationError, match="Nobody else administers"):
        account_services.account_delete(user=other, password="correct horse battery")
    assert Case.objects.count() == 2 and Membership.objects.count() == 3


def test_retention_deletes_closed_personal_cases_after_the_chosen_period(
    user, django_capture_on_commit_callbacks
):
    account_services.retention_set(user=user, days=90)
    start = datetime.datetime(2026, 1, 10, 12, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False):
        old = CaseFactory(owner=user)
        old_file = Path(_upload(user, old).file.path)
        services.case_close(user=user, case=old)
        shared = CaseFactory(owner=user, organization=OrganizationFactory())
        services.case_close(user=user, case=shared)
        CaseFactory(owner=user)  # open: kept
        other_owner = CaseFactory()
        services.case_close(user=other_owner.owner, case=other_owner)  # no retention chosen
    with time_machine.travel(start + datetime.timedelta(days=60), tick=False):
        recent = CaseFactory(owner=user)
        services.case_close(user=user, case=recent)
    with time_machine.travel(start + datetime.timedelta(days=89), tick=False):
        assert account_services.data_rights_sweep()["cases_deleted"] == 0
    with time_machine.travel(start + datetime.timedelta(days=91), tick=False):
        out = io.StringIO()
        with django_capture_on_commit_callbacks(execute=True):
            call_command("apply_retention", stdout=out)
        assert "cases deleted: 1" in out.getvalue()
        assert account_services.data_rights_sweep(now=timezone.now())["cases_deleted"] == 0
    assert not Case.objects.filter(pk=old.pk).exists() and not old_file.exists()
    assert Case.objects.filter(owner=user).count() == 3


def test_retention_must_be_a_sensible_period(client, user):
    with pytest.raises(ApplicationError):
        account_services.retention_set(user=user, days=3)
    client.force_login(user)
    client.post(reverse("data:my_data"), {"form": "retention", "retention_days": "365"})
    user.refresh_from_db()
    assert user.retention_days == 365


def test_expired_exports_are_deleted_with_their_file(user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        export = account_services.data_export_request(user=user)
    export.refresh_from_db()
    path = Path(export.file.path)
    assert path.exists()
    with django_capture_on_commit_callbacks(execute=True):
        result = account_services.data_rights_sweep(now=timezone.now() + datetime.timedelta(days=8))
    assert result["exports_expired"] == 1
    assert not path.exists() and not DataExport.objects.exists()
