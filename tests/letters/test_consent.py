"""A letter filed for a client needs a valid consent on file covering its regime, and refers
to it."""

import datetime

import pytest

from dsar.accounts.services import consent_record, consent_revoke
from dsar.core.exceptions import ApplicationError
from dsar.letters import registry, services
from tests.factories import RegimeFactory
from tests.letters.conftest import pdf_text
from tests.letters.factories import proceeding_for, sample_inputs

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_proceeding(user):
    spec = registry.letter_spec("gdpr-access")
    proceeding = proceeding_for(spec, user)
    proceeding.case.for_client = True
    proceeding.case.save()
    return spec, proceeding


def _request(spec, proceeding, user):
    return services.letter_request_create(
        user=user,
        proceeding=proceeding,
        code=spec.code,
        language="en",
        inputs=sample_inputs(spec),
    )


def _consent(user, case, regime, **extra):
    return consent_record(
        user=user,
        case=case,
        scope="Access to my records at the border authority",
        regimes=[regime],
        signed_on=extra.pop("signed_on", datetime.date(2026, 3, 2)),
        **extra,
    )


def test_a_client_letter_without_consent_is_refused(user, client_proceeding):
    spec, proceeding = client_proceeding
    with pytest.raises(ApplicationError, match="record the client's signed consent"):
        _request(spec, proceeding, user)


def test_a_consent_for_another_regime_or_expired_does_not_count(user, client_proceeding):
    spec, proceeding = client_proceeding
    other = RegimeFactory(code="us-foia")
    _consent(user, proceeding.case, other)
    _consent(
        user,
        proceeding.case,
        proceeding.regime,
        signed_on=datetime.date(2025, 1, 1),
        expires_on=datetime.date(2025, 12, 31),
    )
    with pytest.raises(ApplicationError, match="consent"):
        _request(spec, proceeding, user)


def test_the_letter_refers_to_the_consent_on_file(user, client_proceeding):
    spec, proceeding = client_proceeding
    _consent(user, proceeding.case, proceeding.regime)
    letter_request = services.letter_request_render(
        letter_request_id=_request(spec, proceeding, user).pk
    )
    assert letter_request.status == "ready", letter_request.error
    text = pdf_text(letter_request.document)
    assert "signed on March 2, 2026, is on file" in text
    assert "Access to my records at the border authority" in text


def test_a_revoked_consent_stops_the_rendering_with_a_clear_message(user, client_proceeding):
    spec, proceeding = client_proceeding
    consent = _consent(user, proceeding.case, proceeding.regime)
    letter_request = _request(spec, proceeding, user)
    consent_revoke(user=user, consent=consent)
    letter_request = services.letter_request_render(letter_request_id=letter_request.pk)
    assert letter_request.status == "failed"
    assert "consent it refers to is no longer valid" in letter_request.error


def test_a_personal_letter_needs_no_consent(user):
    spec = registry.letter_spec("gdpr-access")
    proceeding = proceeding_for(spec, user)
    assert _request(spec, proceeding, user).pk


def test_consent_needs_scope_regimes_and_a_past_date(user, client_proceeding):
    _spec, proceeding = client_proceeding
    with pytest.raises(ApplicationError, match="authorises"):
        consent_record(
            user=user,
            case=proceeding.case,
            scope=" ",
            regimes=[proceeding.regime],
            signed_on=datetime.date(2026, 1, 1),
        )
    with pytest.raises(ApplicationError, match="regime"):
        consent_record(
            user=user,
            case=proceeding.case,
            scope="x",
            regimes=[],
            signed_on=datetime.date(2026, 1, 1),
        )
    with pytest.raises(ApplicationError, match="expire before"):
        consent_record(
            user=user,
            case=proceeding.case,
            scope="x",
            regimes=[proceeding.regime],
            signed_on=datetime.date(2026, 1, 10),
            expires_on=datetime.date(2026, 1, 1),
        )
    assert not proceeding.case.consents.exists()


def test_the_consent_page_records_a_consent_with_its_signed_copy(client, user, client_proceeding):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    _spec, proceeding = client_proceeding
    client.force_login(user)
    response = client.post(
        reverse("cases:consent_create", args=[proceeding.case.pk]),
        {
            "scope": "All requests about my records",
            "regimes": [proceeding.regime.pk],
            "signed_on": "2026-02-01",
            "document": SimpleUploadedFile(
                "consent.pdf", b"%PDF-1.4\n%signed\n%%EOF\n", content_type="application/pdf"
            ),
        },
    )
    assert response.status_code == 302
    consent = proceeding.case.consents.get()
    assert consent.document.title == "Signed client consent"
    page = client.get(proceeding.case.get_absolute_url()).content.decode()
    assert "All requests about my records" in page
