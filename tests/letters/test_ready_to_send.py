"""Letters ready to send: the addressee from the directory (or where to find it), the
department's own regulations cited, wording that follows who files, the system named once."""

import pytest
from django.template.loader import render_to_string

from dsar.directory.models import Channel
from dsar.letters import registry
from dsar.letters.context import letter_context, prefill
from dsar.letters.selectors import with_history
from tests.factories import AgencyFactory
from tests.letters.factories import make_proceeding, proceeding_for, sample_inputs

pytestmark = pytest.mark.django_db

FOIA = registry.letter_spec("foia-access")


def _html(proceeding, language="en", consent=None, **inputs):
    with_history(proceeding)
    context = letter_context(
        spec=FOIA,
        proceeding=proceeding,
        inputs=sample_inputs(FOIA, **inputs),
        language=language,
        consent=consent,
    )
    return " ".join(render_to_string(FOIA.template_name(language), context).split())


def _under(department_code: str, proceeding):
    department = AgencyFactory(code=department_code, name=department_code.upper())
    proceeding.agency.parent = department
    proceeding.agency.save()
    return proceeding


def test_addressee_comes_from_the_directory_channel_for_the_request_type(user):
    proceeding = make_proceeding(user)
    Channel.objects.create(
        code="t-appeal",
        agency=proceeding.agency,
        kind="postal",
        purpose="appeal",
        value="Appeals Officer\n1 Appeal Road",
        status="verified",
    )
    Channel.objects.create(
        code="t-request",
        agency=proceeding.agency,
        kind="postal",
        purpose="request",
        value="FOIA Office\n90 K St NE\nWashington, DC 20229",
        status="unconfirmed",
    )
    address = prefill(FOIA, proceeding)["addressee_address"]
    assert address.splitlines() == [
        "U.S. Customs and Border Protection",
        "FOIA Office",
        "90 K St NE",
        "Washington, DC 20229",
    ]
    appeal = prefill(registry.letter_spec("foia-appeal"), proceeding)["addressee_address"]
    assert "1 Appeal Road" in appeal


def test_without_an_address_the_form_says_where_to_find_it(client, user):
    proceeding = make_proceeding(user)
    proceeding.agency.website = "https://www.example.gov/foia"
    proceeding.agency.save()
    assert prefill(FOIA, proceeding)["addressee_address"] == ""
    client.force_login(user)
    page = client.get(f"/letters/proceeding/{proceeding.pk}/foia-access/en/").content.decode()
    assert "[[" not in page
    assert 'id="addressee-missing"' in page
    assert "https://www.example.gov/foia" in page
    assert f'href="/directory/agencies/{proceeding.agency.code}/"' in page


def test_the_address_shown_with_its_verification_status(client, user):
    proceeding = make_proceeding(user)
    Channel.objects.create(
        code="t-request",
        agency=proceeding.agency,
        kind="postal",
        purpose="request",
        value="FOIA Office\n90 K St NE",
        status="unconfirmed",
        note="Another page gives another address.",
    )
    client.force_login(user)
    page = client.get(f"/letters/proceeding/{proceeding.pk}/foia-access/en/").content.decode()
    assert 'id="addressee-status"' in page and "Unconfirmed" in page
    assert "This address is not confirmed" in page and "Another page gives" in page


@pytest.mark.parametrize(
    ("department", "cited", "not_cited"),
    [("dhs", "6 CFR 5.5(e)", "28 CFR 16.5"), ("doj", "28 CFR 16.5(e)(1)(iii)", "6 CFR 5.5")],
)
def test_expedited_processing_cites_the_agencys_own_department(user, department, cited, not_cited):
    proceeding = _under(department, make_proceeding(user))
    for language in ("en", "es"):
        html = _html(
            proceeding,
            language,
            expedite="due_process",
            expedite_explanation="A removal hearing is set for next month.",
        )
        assert cited in html and not_cited not in html


def test_a_representative_writes_about_the_client_with_consent_on_file(user):
    proceeding = make_proceeding(user)
    own = _html(proceeding)
    assert "request for my own records" in own and "my client" not in own
    filed = _html(
        proceeding,
        advocate_name="Rosa Díaz",
        consent="signed authorisation of 2 November 2026",
    )
    assert "records about my client, Ana María Pérez" in filed
    assert "my own records" not in filed and "records about me:" not in filed
    assert "Ana María Pérez's written consent to this request" in filed
    assert "(signed authorisation of 2 November 2026)" in filed
    spanish = _html(proceeding, "es", advocate_name="Rosa Díaz")
    assert "registros sobre mi cliente, Ana María Pérez" in spanish
    assert "Consta por escrito el consentimiento de Ana María Pérez" in spanish
    assert "mis propios registros" not in spanish


def test_the_record_system_is_named_once(user):
    proceeding = proceeding_for(FOIA, user)
    inputs = prefill(FOIA, proceeding)
    assert "Traveler Verification Service" not in inputs["records_sought"]
    html = _html(proceeding, records_sought=inputs["records_sought"])
    assert html.count("Traveler Verification Service") == 1


def test_other_letters_state_the_representation_once(user):
    spec = registry.letter_spec("gdpr-access")
    proceeding = proceeding_for(spec, user)
    with_history(proceeding)
    context = letter_context(
        spec=spec,
        proceeding=proceeding,
        inputs=sample_inputs(spec, advocate_name="Rosa Díaz"),
        language="en",
    )
    html = " ".join(render_to_string(spec.template_name("en"), context).split())
    assert html.count("I write as the representative of Ana María Pérez") == 1
