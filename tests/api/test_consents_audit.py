"""Client consents and the audit log through the API: the same access rules as the pages, every
refusal a JSON error that stores nothing."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.test import APIClient

from dsar.accounts import services as account_services
from dsar.accounts.models import ClientConsent
from dsar.audit.models import AuditEntry
from dsar.audit.services import Action, audit_record
from dsar.cases import services as case_services
from tests.factories import CaseFactory, MembershipFactory, RegimeFactory, days_ago

pytestmark = pytest.mark.django_db

SCOPE = "Access to my records at the border authority"


def _consent(user, case, **extra):
    return account_services.consent_record(
        user=user,
        case=case,
        scope=extra.pop("scope", SCOPE),
        regimes=[RegimeFactory()],
        signed_on=days_ago(10),
        **extra,
    )


def _upload(user, case, name="consent.txt"):
    return case_services.document_upload(
        user=user, case=case, upload=SimpleUploadedFile(name, b"signed by the client")
    )


def _body(**overrides) -> dict:
    return {"scope": SCOPE, "regimes": ["us-foia"], "signed_on": str(days_ago(3)), **overrides}


def _url(case) -> str:
    return reverse("api:case-consents", args=[case.pk])


def _revoke_url(consent) -> str:
    return reverse("api:consent-revoke", args=[consent.pk])


def test_record_list_and_revoke_a_consent(api, user):
    RegimeFactory()
    RegimeFactory(code="eu-gdpr", name="GDPR", country="EU")
    case = CaseFactory(owner=user)
    document = _upload(user, case)
    response = api.post(
        _url(case),
        _body(regimes=["eu-gdpr", "us-foia", "eu-gdpr"], document=document.pk),
        format="json",
    )
    assert response.status_code == 201, response.json()
    created = response.json()
    assert created["case"] == case.pk and created["document"] == document.pk
    assert sorted(created["regimes"]) == ["eu-gdpr", "us-foia"]
    assert created["state"] == "valid" and created["revoked_at"] is None

    listed = api.get(_url(case)).json()
    assert [c["id"] for c in listed] == [created["id"]] and listed[0]["scope"] == SCOPE

    response = api.post(_revoke_url(ClientConsent.objects.get()))
    assert response.status_code == 200, response.json()
    assert response.json()["state"] == "revoked" and response.json()["revoked_at"]
    # A second revocation is refused by the consent's state, and changes nothing.
    revoked_at = ClientConsent.objects.get().revoked_at
    response = api.post(_revoke_url(ClientConsent.objects.get()))
    assert response.status_code == 409
    assert response.json()["detail"] == "This consent was already revoked."
    assert ClientConsent.objects.get().revoked_at == revoked_at
    assert AuditEntry.objects.filter(action=Action.CONSENT_REVOKE).count() == 1


def test_a_stranger_cannot_list_record_or_revoke_anothers_consents(api, other_user):
    case = CaseFactory(owner=other_user)
    consent = _consent(other_user, case)
    response = api.get(_url(case))
    assert response.status_code == 404
    assert SCOPE not in response.content.decode()
    assert api.post(_url(case), _body(), format="json").status_code == 404
    response = api.post(_revoke_url(consent))
    assert response.status_code == 404
    assert SCOPE not in response.content.decode()
    consent.refresh_from_db()
    assert consent.revoked_at is None and ClientConsent.objects.count() == 1


def test_a_viewer_may_list_but_not_record_or_revoke(api, user, other_user):
    membership = MembershipFactory(user=user, role="viewer")
    MembershipFactory(user=other_user, organization=membership.organization, role="admin")
    case = CaseFactory(owner=other_user, organization=membership.organization)
    consent = _consent(other_user, case)
    response = api.get(_url(case))
    assert response.status_code == 200 and [c["id"] for c in response.json()] == [consent.pk]
    response = api.post(_url(case), _body(), format="json")
    assert response.status_code == 403 and response.json()["detail"]
    assert api.post(_revoke_url(consent)).status_code == 403
    consent.refresh_from_db()
    assert consent.revoked_at is None and ClientConsent.objects.count() == 1


def test_a_read_only_token_cannot_record_or_revoke(user):
    RegimeFactory()
    case = CaseFactory(owner=user)
    consent = _consent(user, case)
    _row, secret = account_services.api_token_create(user=user, name="ro", read_only=True)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert client.get(_url(case)).status_code == 200
    assert client.post(_url(case), _body(), format="json").status_code == 403
    assert client.post(_revoke_url(consent)).status_code == 403
    consent.refresh_from_db()
    assert consent.revoked_at is None and ClientConsent.objects.count() == 1


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"regimes": ["us-foia", "no-such-regime"]}, "regimes.1"),
        ({"regimes": []}, "regimes"),
        ({"regimes": "us-foia"}, "regimes"),
        ({"scope": "  "}, "scope"),
        ({"signed_on": str(days_ago(-2))}, "signed_on"),
        ({"expires_on": str(days_ago(30))}, "expires_on"),
        ({"document": 10**12}, "document"),
    ],
)
def test_bad_input_is_refused_on_its_field_and_stores_nothing(api, user, overrides, field):
    RegimeFactory()
    case = CaseFactory(owner=user)
    response = api.post(_url(case), _body(**overrides), format="json")
    assert response.status_code == 400, response.json()
    assert field in response.json()["errors"], response.json()
    assert not ClientConsent.objects.exists()
    assert not AuditEntry.objects.filter(action=Action.CONSENT).exists()


def test_the_signed_copy_must_be_a_document_of_the_same_case(api, user, other_user):
    RegimeFactory()
    case, other_case = CaseFactory(owner=user), CaseFactory(owner=user)
    theirs = CaseFactory(owner=other_user)
    for document in (_upload(user, other_case), _upload(other_user, theirs)):
        response = api.post(_url(case), _body(document=document.pk), format="json")
        assert response.status_code == 400
        assert response.json()["errors"] == {"document": ["No such document in this case."]}
    assert not ClientConsent.objects.exists()


def test_audit_log_lists_only_the_callers_entries_newest_first(api, user, other_user):
    mine, theirs = CaseFactory(owner=user), CaseFactory(owner=other_user)
    audit_record(actor=user, action=Action.VIEW, case=mine, detail="first")
    audit_record(actor=other_user, action=Action.CHANGE, case=mine, detail="done to my case")
    audit_record(actor=user, action=Action.CHANGE, case=mine, detail="last")
    audit_record(actor=other_user, action=Action.VIEW, case=theirs, detail="not mine")
    audit_record(actor=None, action=Action.DELETE, case=theirs, detail="not mine either")
    response = api.get(reverse("api:audit-list"))
    assert response.status_code == 200
    body = response.json()
    assert [e["detail"] for e in body["results"]] == ["last", "done to my case", "first"]
    assert body["count"] == 3
    assert {e["case"] for e in body["results"]} == {mine.pk}
    assert body["results"][1]["actor_email"] == other_user.email
    filtered = api.get(reverse("api:audit-list"), {"action": "view"}).json()
    assert [e["detail"] for e in filtered["results"]] == ["first"]
    assert api.get(reverse("api:audit-list"), {"case": theirs.pk}).json()["count"] == 0


def test_a_cases_audit_trail_is_for_its_owner_and_administrators(api, user, other_user):
    membership = MembershipFactory(user=user, role="advocate")
    MembershipFactory(user=other_user, organization=membership.organization, role="admin")
    shared = CaseFactory(owner=other_user, organization=membership.organization)
    private = CaseFactory(owner=other_user)
    mine = CaseFactory(owner=user)
    for case in (shared, private, mine):
        audit_record(actor=other_user, action=Action.CHANGE, case=case, detail=f"c{case.pk}")
    # An advocate reads the case but not its trail; a stranger does not even see the case.
    assert api.get(reverse("api:case-audit", args=[shared.pk])).status_code == 403
    response = api.get(reverse("api:case-audit", args=[private.pk]))
    assert response.status_code == 404 and f"c{private.pk}" not in response.content.decode()
    body = api.get(reverse("api:case-audit", args=[mine.pk])).json()
    assert [e["detail"] for e in body["results"]] == [f"c{mine.pk}"]


def test_consent_and_audit_lists_query_count_does_not_grow(
    api, user, django_assert_max_num_queries
):
    case = CaseFactory(owner=user)
    for _i in range(10):
        _consent(user, case)
    for _i in range(30):
        audit_record(actor=user, action=Action.VIEW, case=case)
    with django_assert_max_num_queries(6):
        assert len(api.get(_url(case)).json()) == 10
    with django_assert_max_num_queries(6):
        assert len(api.get(reverse("api:audit-list")).json()["results"]) == 40
    with django_assert_max_num_queries(6):
        assert api.get(reverse("api:case-audit", args=[case.pk])).json()["count"] == 40
