"""The audit log records who viewed, changed, downloaded, exported or shared what, from which
address; it cannot be changed; the owner and the organization's administrators read it."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from dsar.audit.models import AppendOnlyError, AuditEntry
from dsar.cases import services
from tests.factories import CaseFactory, MembershipFactory, OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def case_with_document(user):
    case = CaseFactory(owner=user)
    document = services.document_upload(
        user=user,
        case=case,
        upload=SimpleUploadedFile("letter.pdf", b"%PDF-1.4\n%x\n%%EOF\n"),
    )
    return case, document


def test_viewing_downloading_and_changing_are_recorded_with_the_address(
    client, user, case_with_document
):
    case, document = case_with_document
    client.force_login(user)
    client.get(case.get_absolute_url(), REMOTE_ADDR="203.0.113.9")
    client.get(reverse("letters:document_download", args=[document.pk]), REMOTE_ADDR="203.0.113.9")
    services.case_update(user=user, case=case, title="New title", subject_name=case.subject_name)
    entries = list(AuditEntry.objects.filter(case_id=case.pk).order_by("pk"))
    assert [e.action for e in entries] == ["upload", "view", "download", "change"]
    assert entries[1].ip_address == "203.0.113.9" and entries[1].actor == user
    assert entries[2].document_id == document.pk
    assert entries[3].detail == "fields: title"  # field names, never values
    assert entries[3].ip_address is None  # outside a request


def test_the_log_is_append_only(user, case_with_document):
    entry = AuditEntry.objects.filter(case_id=case_with_document[0].pk).first()
    entry.detail = "rewritten"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.all().update(detail="x")
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.all().delete()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
def test_the_database_refuses_to_change_the_log(user, case_with_document):
    pk = AuditEntry.objects.filter(case_id=case_with_document[0].pk).first().pk
    for sql in (
        "UPDATE audit_auditentry SET detail = 'x' WHERE id = %s",
        "DELETE FROM audit_auditentry WHERE id = %s",
    ):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(sql, [pk])


def test_deleting_a_case_keeps_its_trail(user, case_with_document):
    case, _document = case_with_document
    services.case_delete(user=user, case=case)
    actions = list(AuditEntry.objects.filter(case_id=case.pk).values_list("action", flat=True))
    assert "delete" in actions and "upload" in actions


def test_the_case_log_is_shown_to_the_owner_and_the_organization_admins_only(client, user):
    clinic = OrganizationFactory()
    case = CaseFactory(owner=user, organization=clinic)
    admin, advocate, viewer, outsider = UserFactory(), UserFactory(), UserFactory(), UserFactory()
    MembershipFactory(organization=clinic, user=admin, role="admin")
    MembershipFactory(organization=clinic, user=advocate, role="advocate")
    MembershipFactory(organization=clinic, user=viewer, role="viewer")
    client.force_login(viewer)
    client.get(case.get_absolute_url(), REMOTE_ADDR="198.51.100.7")
    url = reverse("cases:case_audit", args=[case.pk])
    expected = {user: 200, admin: 200, advocate: 403, viewer: 403, outsider: 404}
    for person, status in expected.items():
        client.force_login(person)
        assert client.get(url).status_code == status
    client.force_login(admin)
    page = client.get(url).content.decode()
    assert viewer.email in page and "198.51.100.7" in page


def test_my_account_log_is_paginated_and_shows_what_others_did_to_my_cases(client, user):
    case = CaseFactory(owner=user)
    clinic = OrganizationFactory()
    case.organization = clinic
    case.save()
    colleague = UserFactory(email="colleague@example.org")
    MembershipFactory(organization=clinic, user=colleague, role="viewer")
    client.force_login(colleague)
    for _ in range(55):
        client.get(case.get_absolute_url())
    client.force_login(user)
    first = client.get(reverse("data:my_audit"))
    assert first.status_code == 200
    assert len(first.context["page"].object_list) == 50
    assert "colleague@example.org" in first.content.decode()
    assert "Page 1 of 2" in first.content.decode()
    client.force_login(UserFactory())
    assert "colleague@example.org" not in client.get(reverse("data:my_audit")).content.decode()


def test_my_log_names_a_case_no_longer_shared_with_me_by_number_only(client, user):
    clinic = OrganizationFactory()
    case = CaseFactory(owner=user, organization=clinic, title="Record of Ms Example")
    advocate = UserFactory()
    membership = MembershipFactory(organization=clinic, user=advocate, role="advocate")
    client.force_login(advocate)
    client.get(case.get_absolute_url())
    page = client.get(reverse("data:my_audit")).content.decode()
    assert "Record of Ms Example" in page
    membership.delete()
    page = client.get(reverse("data:my_audit")).content.decode()
    assert "Record of Ms Example" not in page
    assert f"case #{case.pk} (no longer shared with you)" in page
    client.force_login(user)
    assert "Record of Ms Example" in client.get(reverse("data:my_audit")).content.decode()
