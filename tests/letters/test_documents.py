"""Deleting a document, or a case with its documents, removes the files once committed."""

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.http import Http404

from dsar.cases import services as case_services
from dsar.letters import registry, services
from dsar.letters.models import Document, LetterRequest
from tests.factories import CaseFactory, MembershipFactory
from tests.letters.factories import proceeding_for, sample_inputs

pytestmark = pytest.mark.django_db


def _upload(user, case, text=b"agency letter"):
    return case_services.document_upload(
        user=user, case=case, upload=SimpleUploadedFile("letter.txt", text)
    )


def _exists(document) -> bool:
    return document.file.storage.exists(document.file.name)


def test_deleting_a_document_removes_its_file_on_commit(user, django_capture_on_commit_callbacks):
    document = _upload(user, CaseFactory(owner=user))
    assert _exists(document)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.document_delete(user=user, document_id=document.pk)
    assert _exists(document)  # not before the deletion is committed
    for callback in callbacks:
        callback()
    assert not _exists(document)
    assert not Document.objects.filter(pk=document.pk).exists()


def test_a_rolled_back_deletion_keeps_the_file(user, django_capture_on_commit_callbacks):
    document = _upload(user, CaseFactory(owner=user))
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            services.document_delete(user=user, document_id=document.pk)
            raise RuntimeError
    assert _exists(document) and Document.objects.filter(pk=document.pk).exists()


def test_only_editors_delete_documents(user, other_user, django_capture_on_commit_callbacks):
    membership = MembershipFactory(user=user, role="admin")
    viewer = MembershipFactory(organization=membership.organization, role="viewer").user
    case = CaseFactory(owner=user, organization=membership.organization)
    document = _upload(user, case)
    with pytest.raises(PermissionDenied):
        services.document_delete(user=viewer, document_id=document.pk)
    with pytest.raises(Http404):
        services.document_delete(user=other_user, document_id=document.pk)
    assert _exists(document) and Document.objects.filter(pk=document.pk).exists()


def test_deleting_a_generated_letter_removes_its_request(user, django_capture_on_commit_callbacks):
    spec = registry.letter_spec("foia-access")
    proceeding = proceeding_for(spec, user)
    letter_request = services.letter_request_create(
        user=user, proceeding=proceeding, code=spec.code, language="en", inputs=sample_inputs(spec)
    )
    letter_request = services.letter_request_render(letter_request_id=letter_request.pk)
    document = letter_request.document
    with django_capture_on_commit_callbacks(execute=True):
        services.document_delete(user=user, document_id=document.pk)
    assert not LetterRequest.objects.filter(pk=letter_request.pk).exists()
    assert not _exists(document)


def test_deleting_a_case_removes_every_file_of_it(user, django_capture_on_commit_callbacks):
    case = CaseFactory(owner=user)
    documents = [_upload(user, case, b"first"), _upload(user, case, b"second")]
    other = _upload(user, CaseFactory(owner=user), b"another case")
    with django_capture_on_commit_callbacks(execute=True):
        case.delete()
    assert not any(_exists(d) for d in documents)
    assert _exists(other)


def test_admin_history_and_deletion_keep_titles_out_of_the_log(
    client, user, django_capture_on_commit_callbacks
):
    from django.contrib.admin.models import LogEntry

    from dsar.cases.admin import CaseAdmin
    from dsar.cases.models import Case
    from tests.conftest import sign_in_with_second_factor
    from tests.factories import UserFactory

    admin_user = UserFactory(is_staff=True, is_superuser=True)
    case = CaseFactory(owner=user, title="Matter of Zyxwanda Quorblat")
    document = _upload(user, case)
    sign_in_with_second_factor(client, admin_user)  # the admin requires two factors of staff
    assert client.get("/admin/cases/case/?q=" + user.email).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/admin/letters/document/",
            {"action": "delete_selected", "_selected_action": [document.pk], "post": "yes"},
        )
    assert response.status_code == 302
    assert not Document.objects.filter(pk=document.pk).exists() and not _exists(document)

    class Request:
        pass

    request = Request()
    request.user = admin_user
    CaseAdmin(Case, None).log_change(request, case, [{"changed": {"fields": ["Title"]}}])
    reprs = list(LogEntry.objects.values_list("object_repr", flat=True))
    assert len(reprs) == 2
    assert not any("Quorblat" in r or "letter.txt" in r for r in reprs)
