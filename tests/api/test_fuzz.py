"""Schemathesis drives every operation of the published schema, in process, as a user who owns
data and as a second user: no server error, every response as documented, and nothing of the
first user's ever shown to the second."""

import json

import pytest
import schemathesis
from django.core import signals
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from dsar.accounts import services as account_services
from dsar.audit.services import Action, audit_record
from dsar.cases import services as case_services
from dsar.letters.models import LetterRequest
from dsar.reminders.models import Notification
from tests.factories import days_ago
from tests.letters.factories import make_case, make_proceeding

pytestmark = pytest.mark.django_db

MAX_EXAMPLES = 10
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
# Strings only the first user's data contains.
SECRETS = {
    "title": "Quokka-Wellington matter 7731",
    "subject_name": "Zebedee Quokka-Wellington",
    "subject_a_number": "A987654321",
    "subject_passport_number": "QW7731770",
    "notes": "umbrella-kumquat-notes",
}


@pytest.fixture
def wsgi_app():
    # As Django's test client does: a request ending must not close the test's connection.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield get_wsgi_application()
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def owner_data(user):
    case = make_case(user, **{k: v for k, v in SECRETS.items()})
    proceeding = make_proceeding(user, case=case)
    case_services.proceeding_record_event(
        user=user, proceeding=proceeding, kind="received", occurred_on=days_ago(50)
    )
    document = case_services.document_upload(
        user=user,
        case=case,
        proceeding=proceeding,
        title="umbrella-kumquat-upload",
        upload=SimpleUploadedFile("kumquat.txt", b"umbrella-kumquat file"),
    )
    letter = LetterRequest.objects.create(
        case=case, proceeding=proceeding, code="foia-access", language="en", inputs_hash="x" * 64
    )
    notification = Notification.objects.create(user=user, title="umbrella-kumquat-notice")
    consent = account_services.consent_record(
        user=user,
        case=case,
        scope="umbrella-kumquat-consent",
        regimes=[proceeding.regime],
        signed_on=days_ago(40),
        document=document,
    )
    # The audit log keeps no content; this entry is marked so a leak of it would be seen.
    audit_record(actor=user, action=Action.CHANGE, case=case, detail="umbrella-kumquat-audit")
    return {
        "cases": case.pk,
        "proceedings": proceeding.pk,
        "clocks": proceeding.clocks.first().pk,
        "documents": document.pk,
        "letters": letter.pk,
        "notifications": notification.pk,
        "consents": consent.pk,
    }


def _bearer(user) -> dict:
    _row, token = account_services.api_token_create(user=user, name="fuzz")
    return {"Authorization": f"Bearer {token}"}


def _resource(path: str) -> str:
    return path.removeprefix("/api/v1/").split("/")[0]


def _fuzz(operation, *, real_id, owner: dict, stranger: dict, leaks: list[str]) -> None:
    """Each generated request is sent as the owner, then (for an operation on one object) as
    the owner on their real object, then as the stranger, who must be refused and shown
    nothing of the owner's."""
    on_one_object = "{id}" in operation.path and real_id is not None

    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy())
    def fuzz(case):
        case.call_and_validate(headers=owner, checks=CHECKS)
        if on_one_object:
            case.path_parameters = {**case.path_parameters, "id": real_id}
            case.call_and_validate(headers=owner, checks=CHECKS)
        response = case.call_and_validate(headers=stranger, checks=CHECKS)
        if on_one_object:
            assert response.status_code in (400, 401, 403, 404, 429), (
                operation.label,
                response.status_code,
            )
        text = response.text if isinstance(response.text, str) else ""
        found = [secret for secret in (*SECRETS.values(), "umbrella-kumquat") if secret in text]
        if found:
            leaks.append(f"{operation.label}: {found} in {json.dumps(text)[:200]}")

    fuzz()


def test_every_operation_as_owner_and_as_stranger(wsgi_app, user, other_user, owner_data):
    schema = schemathesis.openapi.from_wsgi("/api/schema/", wsgi_app)
    owner, stranger = _bearer(user), _bearer(other_user)
    leaks: list[str] = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 30
    for operation in operations:
        _fuzz(
            operation,
            real_id=owner_data.get(_resource(operation.path)),
            owner=owner,
            stranger=stranger,
            leaks=leaks,
        )
    assert leaks == []
