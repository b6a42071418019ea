"""Only the owner of a case, or an administrator of the organization holding it, changes who
sees it; the owner is told of every change."""

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from dsar.audit.models import AuditEntry
from dsar.cases import services
from dsar.cases.models import Case
from dsar.core.exceptions import ApplicationError
from dsar.reminders.models import Notification
from tests.factories import CaseFactory, MembershipFactory, OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db

PASSPORT = b"%PDF-1.4\n% passport copy of Ana Maria Perez, passport G12345678\n%%EOF\n"


@pytest.fixture
def shared_case():
    """Owner A shares a case with clinic X, where B is an advocate; B also runs clinic Y."""
    owner = UserFactory(email="owner@example.org")
    clinic_x = OrganizationFactory(name="Clinic X")
    MembershipFactory(organization=clinic_x, user=owner, role="admin")
    advocate = UserFactory(email="advocate@example.org")
    MembershipFactory(organization=clinic_x, user=advocate, role="advocate")
    clinic_y = OrganizationFactory(name="Clinic Y")
    MembershipFactory(organization=clinic_y, user=advocate, role="admin")
    case = CaseFactory(owner=owner, organization=clinic_x)
    document = services.document_upload(
        user=owner,
        case=case,
        upload=SimpleUploadedFile("passport.pdf", PASSPORT, content_type="application/pdf"),
    )
    return {
        "owner": owner,
        "advocate": advocate,
        "clinic_x": clinic_x,
        "clinic_y": clinic_y,
        "case": case,
        "document": document,
    }


def test_an_advocate_cannot_move_a_shared_case_to_their_own_organization(client, shared_case):
    """The re-sharing leak: the advocate moves the case to a clinic of their own, adds an
    outsider there, and the outsider downloads the passport copy."""
    case, advocate = shared_case["case"], shared_case["advocate"]
    with pytest.raises(ApplicationError, match="owner or the administrators"):
        services.case_update(user=advocate, case=case, organization=shared_case["clinic_y"])
    case.refresh_from_db()
    assert case.organization == shared_case["clinic_x"]

    outsider = UserFactory(email="outsider@example.org")
    MembershipFactory(organization=shared_case["clinic_y"], user=outsider, role="viewer")
    client.force_login(outsider)
    url = reverse("letters:document_download", args=[shared_case["document"].pk])
    assert client.get(url).status_code == 404
    assert client.get(case.get_absolute_url()).status_code == 404


def test_the_edit_form_cannot_move_a_case_either(client, shared_case):
    case, advocate = shared_case["case"], shared_case["advocate"]
    client.force_login(advocate)
    client.post(
        reverse("cases:case_edit", args=[case.pk]),
        {
            "title": case.title,
            "subject_name": case.subject_name,
            "subject_us_status": "none",
            "organization": shared_case["clinic_y"].pk,
        },
    )
    case.refresh_from_db()
    assert case.organization == shared_case["clinic_x"]
    assert client.get(reverse("cases:case_sharing", args=[case.pk])).status_code == 403
    response = client.post(
        reverse("cases:case_sharing", args=[case.pk]),
        {"organization": shared_case["clinic_y"].pk},
    )
    assert response.status_code == 403
    case.refresh_from_db()
    assert case.organization == shared_case["clinic_x"]


def test_a_viewer_reads_but_cannot_edit_or_reshare(client, shared_case):
    viewer = UserFactory()
    MembershipFactory(organization=shared_case["clinic_x"], user=viewer, role="viewer")
    case = shared_case["case"]
    client.force_login(viewer)
    assert client.get(case.get_absolute_url()).status_code == 200
    assert client.get(reverse("cases:case_edit", args=[case.pk])).status_code == 403
    assert client.get(reverse("cases:case_sharing", args=[case.pk])).status_code == 403
    with pytest.raises(ApplicationError):
        services.case_change_sharing(user=viewer, case=case, organization=None)


def test_the_owner_moves_the_case_and_is_told(
    client, shared_case, django_capture_on_commit_callbacks
):
    owner, case = shared_case["owner"], shared_case["case"]
    clinic_z = OrganizationFactory(name="Clinic Z")
    MembershipFactory(organization=clinic_z, user=owner, role="viewer")
    client.force_login(owner)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("cases:case_sharing", args=[case.pk]), {"organization": clinic_z.pk}
        )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.organization == clinic_z
    notice = Notification.objects.get(user=owner)
    assert "Clinic X → Clinic Z" in notice.body
    assert [m.to for m in mail.outbox] == [["owner@example.org"]]
    assert "Clinic Z" in mail.outbox[0].body
    entry = AuditEntry.objects.get(case_id=case.pk, action="share")
    assert entry.actor == owner and "Clinic X -> Clinic Z" in entry.detail


def test_an_organization_admin_hands_the_case_to_an_advocate_and_both_are_told(shared_case):
    case, advocate = shared_case["case"], shared_case["advocate"]
    admin = UserFactory(email="admin@example.org")
    MembershipFactory(organization=shared_case["clinic_x"], user=admin, role="admin")
    services.case_change_sharing(
        user=admin, case=case, organization=shared_case["clinic_x"], owner=advocate
    )
    case.refresh_from_db()
    assert case.owner == advocate
    assert Notification.objects.filter(user=shared_case["owner"]).count() == 1
    assert Notification.objects.filter(user=advocate).count() == 1


def test_a_case_is_handed_only_to_an_editor_of_its_organization(shared_case):
    case, owner = shared_case["case"], shared_case["owner"]
    stranger = UserFactory()
    viewer = UserFactory()
    MembershipFactory(organization=shared_case["clinic_x"], user=viewer, role="viewer")
    for new_owner in (stranger, viewer):
        with pytest.raises(ApplicationError, match="advocate or administrator"):
            services.case_change_sharing(
                user=owner, case=case, organization=shared_case["clinic_x"], owner=new_owner
            )
    with pytest.raises(ApplicationError, match="not a member"):
        services.case_change_sharing(user=owner, case=case, organization=shared_case["clinic_y"])
    assert Case.objects.get(pk=case.pk).owner == owner
    assert not Notification.objects.exists()
