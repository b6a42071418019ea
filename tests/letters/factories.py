"""Builders for letter tests: proceedings in a given state, with events and clocks."""

import datetime

from django.utils import timezone

from dsar.cases.models import Clock, Event, Proceeding
from dsar.letters import registry
from dsar.letters.registry import FIELDS, LetterSpec
from tests.factories import (
    AgencyFactory,
    CaseFactory,
    ProceedingFactory,
    RecordSystemFactory,
    RegimeFactory,
)

REGIME_NAMES = {
    "us-foia": ("US Freedom of Information Act", "US", "5 U.S.C. § 552"),
    "us-privacy-act": ("US Privacy Act of 1974", "US", "5 U.S.C. § 552a"),
    "us-dhs-trip": ("DHS Traveler Redress Inquiry Program", "US", "49 U.S.C. § 44926"),
    "us-fbi-idhs": ("FBI Identity History Summary", "US", "28 CFR 16.30–16.34"),
    "eu-gdpr": ("General Data Protection Regulation", "EU", "Regulation (EU) 2016/679"),
    "eu-ees": ("EU Entry/Exit System", "EU", "Regulation (EU) 2017/2226"),
    "mx-arco": ("Derechos ARCO (México)", "MX", "LGPDPPSO 2025"),
    "co-habeas-data": ("Habeas data (Colombia)", "CO", "Ley 1581 de 2012"),
}


def ago(days: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days)


def make_case(owner, **overrides):
    fields = {
        "owner": owner,
        "subject_name": "Ana María Pérez",
        "subject_nationality": "MX",
        "subject_us_status": "none",
        "subject_residence": "MX",
        "subject_address": "Calle Falsa 123\nCol. Centro\n06000 Ciudad de México",
        "subject_email": "ana@example.org",
        "subject_date_of_birth": "1988-05-17",
        "subject_place_of_birth": "Puebla, México",
        "subject_passport_number": "G12345678",
        "subject_a_number": "A012345678",
        "decision_date": ago(100),
        "decision_place": "JFK International Airport, Terminal 4",
        "decision_description": "The face comparison kiosk did not match my face.",
        "decision_outcome": "Referred to secondary inspection",
    }
    fields.update(overrides)
    return CaseFactory(**fields)


def _event(proceeding, kind, days, **extra):
    return Event.objects.create(
        proceeding=proceeding,
        kind=kind,
        occurred_on=ago(days),
        status_before=proceeding.status,
        status_after=proceeding.status,
        **extra,
    )


def _clock(proceeding, code, label, start_days, due_days, state):
    return Clock.objects.create(
        proceeding=proceeding,
        code=code,
        label=label,
        start_date=ago(start_days),
        due_date=ago(due_days),
        state=state,
        citation="5 U.S.C. 552(a)(6)(A)(i)",
        rule_status="VERIFIED",
        computed_at=timezone.now(),
    )


def make_proceeding(
    owner=None, *, case=None, regime="us-foia", request_type="access", when="initial", **kw
) -> Proceeding:
    name, country, citation = REGIME_NAMES.get(regime, (regime, "US", ""))
    regime_obj = RegimeFactory(code=regime, name=name, country=country, citation=citation)
    # Not the directory's own "cbp": these tests decide which channels the agency has.
    agency = AgencyFactory(
        code="letters-test-cbp", name="U.S. Customs and Border Protection", abbreviation="CBP"
    )
    system = RecordSystemFactory(
        code="letters-test-tvs", name="Traveler Verification Service", agency=agency
    )
    case = case or make_case(owner)
    proceeding = ProceedingFactory(
        case=case,
        regime=regime_obj,
        agency=agency,
        record_system=system,
        request_type=request_type,
        title="TVS match records",
        description="All records of facial comparisons and the secondary referral.",
        status="in_progress",
        **kw,
    )
    _event(proceeding, "filed", 60, channel="portal")
    _event(proceeding, "acknowledged", 58, tracking_number="CBP-OT-2026-081234")
    if when == registry.LATE or when == registry.ADVERSE_OR_LATE:
        _clock(proceeding, "response", "Agency response due", 58, 28, Clock.State.MISSED)
    elif when in (registry.ADVERSE, registry.FINAL_REFUSAL):
        _event(
            proceeding,
            "determination",
            30,
            outcome="partial",
            exemptions="(b)(6), (b)(7)(C), (b)(7)(E)",
        )
        proceeding.status = "determined"
        proceeding.outcome = "partial"
        if when == registry.FINAL_REFUSAL:
            _event(proceeding, "appeal_decided", 5, outcome="denied")
            proceeding.appeal_outcome = "denied"
        proceeding.save()
    else:
        _clock(proceeding, "response", "Agency response due", 58, -10, Clock.State.RUNNING)
    return proceeding


def proceeding_for(spec: LetterSpec, owner) -> Proceeding:
    regime = spec.regimes[0] if spec.regimes else "us-foia"
    request_type = spec.request_types[0] if spec.request_types else "access"
    case = make_case(owner, subject_us_status="lpr" if spec.us_status else "none")
    return make_proceeding(case=case, regime=regime, request_type=request_type, when=spec.when)


SAMPLE = {
    "addressee_address": "FOIA Officer\n90 K Street NE\nWashington, DC 20229",
    "records_sought": "All records of facial comparisons at JFK.",
    "what_is_wrong": "The record attributes an arrest in 2011 to me.",
    "what_it_should_say": "No arrest record belongs to me.",
    "evidence": "Court certificate of no record.",
    "objection_grounds": "The match is wrong and keeps me from travelling.",
    "complaint_facts": "The controller did not answer my access request.",
    "appeal_reasons": "The search was too narrow.",
    "fee_limit": "25",
}


def sample_inputs(spec: LetterSpec, **overrides) -> dict:
    inputs = {}
    for name in spec.fields:
        f = FIELDS[name]
        if f.kind == "bool":
            inputs[name] = True
        elif f.kind == "choice":
            inputs[name] = f.choices[0][0]
        else:
            inputs[name] = SAMPLE.get(name, "")
    inputs.update(overrides)
    return inputs
