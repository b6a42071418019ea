"""What a letter template sees: the case, the proceeding, its events and clocks, the addressee,
the identity certification and the user's edited inputs. Pure reads, no writes."""

import hashlib
import json
import re
from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _

from dsar.cases.models import Case, Clock, Event, EventKind, Outcome, Proceeding
from dsar.deadlines import procedure
from dsar.rules.presentation import clock_label

from .citations import department_citation
from .registry import FIELDS, LetterSpec

PLACEHOLDER = re.compile(r"\[\[(.+?)\]\]")

MONTHS_ES = (
    "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre"
).split()
MONTHS_EN = (
    "January February March April May June July August September October November December"
).split()

DECLARATION_OUTSIDE_US = (
    "I declare under penalty of perjury under the laws of the United States of America "
    "that the foregoing is true and correct."
)
DECLARATION_INSIDE_US = "I declare under penalty of perjury that the foregoing is true and correct."

OGIS_ADDRESS = (
    "Office of Government Information Services (OGIS)\n"
    "National Archives and Records Administration\n"
    "8601 Adelphi Road – OGIS\n"
    "College Park, MD 20740-6001\n"
    "ogis@nara.gov"
)

OUTCOME_TEXT = {
    "en": {
        "granted": "granted the request in full",
        "partial": "granted the request only in part",
        "denied": "denied the request",
        "no_records": "stated that no responsive records were found",
        "referred": "referred the request to another agency",
    },
    "es": {
        "granted": "concedió la solicitud en su totalidad",
        "partial": "concedió la solicitud solo en parte",
        "denied": "negó la solicitud",
        "no_records": "indicó que no encontró registros",
        "referred": "remitió la solicitud a otra autoridad",
    },
}


US_STATUS_TEXT = {
    "en": {
        "citizen": "United States citizen",
        "lpr": "Lawful permanent resident of the United States",
        "none": "Foreign national{nationality}",
    },
    "es": {
        "citizen": "Ciudadano/a de los Estados Unidos",
        "lpr": "Residente permanente legal de los Estados Unidos",
        "none": "Extranjero/a{nationality}",
    },
}


def format_date(value: date | None, language: str) -> str:
    if not value:
        return ""
    if language == "es":
        return f"{value.day} de {MONTHS_ES[value.month - 1]} de {value.year}"
    return f"{MONTHS_EN[value.month - 1]} {value.day}, {value.year}"


def _channel_value(channel, *names: str) -> str:
    for name in names:
        value = getattr(channel, name, "")
        if value:
            return str(value)
    return ""


def _appeal_route_channels(agency) -> list:
    manager = getattr(agency, "appeal_routes", None)
    if manager is None:
        return []
    try:
        routes = list(manager.all())
    except Exception:  # noqa: BLE001
        return []
    return [
        route.channel
        for route in routes
        if getattr(route, "channel", None) is not None
        and _channel_value(route.channel, "kind") in ("postal", "post", "mail")
    ]


def _channels(agency) -> list:
    if agency is None:
        return []
    try:
        return list(agency.channels.all())
    except Exception:  # noqa: BLE001 - the directory may not be migrated yet
        return []


def addressee_channel(agency, purposes: tuple[str, ...] = ("request",)):
    """The directory's channel for sending this letter to the agency (or its department): a
    postal address for the first of ``purposes`` that has one, else an e-mail address; None
    when the directory has neither. An appeal never falls back to the address for requests:
    sending it there is a common way to lose the appeal window."""
    candidates = [agency, getattr(agency, "parent", None)]
    for kind in ("postal", "email"):
        for purpose in purposes:
            for candidate in candidates:
                matching = [
                    c
                    for c in _channels(candidate)
                    if c.kind == kind and c.purpose == purpose and c.value
                ]
                if purpose == "appeal" and kind == "postal":
                    matching += _appeal_route_channels(candidate) if candidate else []
                if matching:
                    return matching[0]
    return None


def addressee_text(agency, channel, language: str) -> str:
    """The addressee block: the agency's name, then the channel's address (or e-mail)."""
    if channel is None:
        return ""
    lines = [line.strip() for line in channel.value.splitlines() if line.strip()]
    name = agency_name(channel.agency, language)
    known = [n.casefold() for n in (name, channel.agency.abbreviation) if n]
    if not any(n in line.casefold() for n in known for line in lines[:2]):
        lines.insert(0, name)
    return "\n".join(lines)


def addressee_help(spec: LetterSpec, proceeding: Proceeding) -> dict:
    """What the letter form tells the user about the addressee: the directory's channel with
    its verification status, or, when the directory has none, exactly where to find it."""
    from django.urls import reverse

    agency = proceeding.agency
    channel = None
    if not spec.extra.get("addressee"):
        channel = addressee_channel(agency, spec.extra.get("channel_purposes", ("request",)))
    return {
        "channel": channel,
        "agency": agency,
        "directory_url": reverse("directory:agency_detail", args=[agency.code]),
        "website": agency.website or getattr(agency.parent, "website", "") or "",
        "fixed": spec.extra.get("addressee", ""),
    }


def agency_name(agency, language: str) -> str:
    if agency is None:
        return ""
    if language == "es" and getattr(agency, "name_es", ""):
        return agency.name_es
    return agency.name


def tracking_numbers(proceeding: Proceeding, events: list[Event]) -> list[str]:
    numbers: list[str] = []
    raw = [p.strip() for p in re.split(r"[,;\n]", proceeding.tracking_numbers or "")]
    raw += [e.tracking_number.strip() for e in sorted(events, key=lambda e: e.occurred_on)]
    for number in raw:
        if number and number not in numbers:
            numbers.append(number)
    return numbers


def _first(events: list[Event], kind: str) -> Event | None:
    matching = sorted((e for e in events if e.kind == kind), key=lambda e: (e.occurred_on, e.pk))
    return matching[0] if matching else None


def _last(events: list[Event], kind: str) -> Event | None:
    matching = sorted((e for e in events if e.kind == kind), key=lambda e: (e.occurred_on, e.pk))
    return matching[-1] if matching else None


def late_clocks(proceeding: Proceeding, today: date | None = None) -> list[Clock]:
    """The agency's deadlines that ran out (the requester's own are not the agency's lateness)."""
    today = today or timezone.localdate()
    return [
        clock
        for clock in proceeding.clocks.all()
        if procedure.is_agency_late(clock.code, clock.state, clock.due_date, today)
    ]


def proceeding_facts(proceeding: Proceeding) -> dict:
    """Dates, numbers and outcomes of a proceeding (and, for an appeal, of what it appeals)."""
    events = list(proceeding.events.all())
    original = proceeding.parent if proceeding.parent_id else None
    original_events = list(original.events.all()) if original else []
    source_events = original_events + events
    determination = _last(events, EventKind.DETERMINATION) or _last(
        original_events, EventKind.DETERMINATION
    )
    appeal_decided = _last(events, EventKind.APPEAL_DECIDED)
    return {
        "events": events,
        "filed": _first(events, EventKind.FILED) or _first(original_events, EventKind.FILED),
        "received": _first(events, EventKind.RECEIVED),
        "acknowledged": _first(events, EventKind.ACKNOWLEDGED),
        "determination": determination,
        "appeal_filed": _last(events, EventKind.APPEAL_FILED),
        "appeal_decided": appeal_decided,
        "fee_notice": _last(source_events, EventKind.FEE_NOTICE),
        "tracking_numbers": tracking_numbers(proceeding, source_events),
        "original": original,
    }


def is_adverse(proceeding: Proceeding, facts: dict | None = None) -> bool:
    """Whether there is something to appeal: an adverse determination or a fee decision."""
    facts = facts or proceeding_facts(proceeding)
    determination = facts["determination"]
    return procedure.is_adverse(proceeding.outcome) or procedure.is_appealable(
        determination.outcome if determination else "",
        has_fee_notice=facts["fee_notice"] is not None,
    )


def is_final_refusal(proceeding: Proceeding, facts: dict | None = None) -> bool:
    facts = facts or proceeding_facts(proceeding)
    decided = facts["appeal_decided"]
    return procedure.is_adverse(proceeding.appeal_outcome) or bool(
        decided and procedure.is_adverse(decided.outcome)
    )


def default_signing_location(case: Case) -> str:
    return "inside_us" if case.subject_residence == "US" else "outside_us"


def prefill(spec: LetterSpec, proceeding: Proceeding, language: str = "en") -> dict:
    """Initial values of the letter's editable fields, from the case and the proceeding."""
    case = proceeding.case
    values: dict = {}
    facts = proceeding_facts(proceeding)
    determination = facts["determination"]
    system = proceeding.record_system or case.decision_system
    for name in spec.fields:
        if name == "addressee_address":
            if spec.extra.get("addressee") == "ogis":
                values[name] = OGIS_ADDRESS
            elif spec.extra.get("addressee") == "dpa":
                values[name] = ""
            else:
                channel = addressee_channel(
                    proceeding.agency, spec.extra.get("channel_purposes", ("request",))
                )
                values[name] = addressee_text(proceeding.agency, channel, language)
        elif name == "records_sought":
            parts = [proceeding.description or proceeding.title]
            # The letters that print the system of records on their own line do not name it
            # a second time in the description.
            if system and not spec.extra.get("prints_record_system"):
                parts.append(f"{system.name}")
            values[name] = " — ".join(p for p in parts if p)
        elif name == "signing_location":
            values[name] = default_signing_location(case)
        elif name == "fee_choice":
            values[name] = "limit"
        elif name == "fee_limit":
            values[name] = "25"
        elif name == "contest_exemptions":
            values[name] = bool(determination and determination.exemptions)
        elif name == "contest_search":
            values[name] = bool(
                determination and determination.outcome in (Outcome.NO_RECORDS, Outcome.PARTIAL)
            )
        elif name == "contest_fees":
            values[name] = facts["fee_notice"] is not None
        elif name == "what_is_wrong" and case.decision_description:
            values[name] = case.decision_description
        elif name == "objection_grounds" and case.decision_description:
            values[name] = case.decision_description
        elif name == "complaint_facts" and proceeding.description:
            values[name] = proceeding.description
        elif FIELDS[name].kind == "bool":
            values[name] = False
        else:
            values[name] = ""
    return values


def clean_inputs(spec: LetterSpec, raw: dict) -> dict:
    cleaned: dict = {}
    for name in spec.fields:
        f = FIELDS[name]
        value = raw.get(name, False if f.kind == "bool" else "")
        if f.kind == "bool":
            cleaned[name] = bool(value) and value not in ("0", "false", "off")
        else:
            value = str(value or "").replace("\r\n", "\n").strip()
            if f.kind == "choice" and value not in {c[0] for c in f.choices}:
                value = f.choices[0][0]
            cleaned[name] = value
    return cleaned


def missing_inputs(spec: LetterSpec, proceeding: Proceeding | None, inputs: dict) -> list[str]:
    """Everything that blocks rendering, as messages the user can act on."""
    missing: list[str] = []
    for name in spec.fields:
        f = FIELDS[name]
        value = inputs.get(name)
        if f.required and not value:
            missing.append(str(f.label))
        if isinstance(value, str):
            for placeholder in PLACEHOLDER.findall(value):
                missing.append(f"{f.label}: [[{placeholder}]]")
    if inputs.get("expedite") and not inputs.get("expedite_explanation"):
        missing.append(str(FIELDS["expedite_explanation"].label))
    if inputs.get("fee_choice") == "waiver" and not inputs.get("fee_waiver_grounds"):
        missing.append(str(FIELDS["fee_waiver_grounds"].label))
    if inputs.get("fee_choice") == "limit" and "fee_limit" in spec.fields:
        if not re.fullmatch(r"\d{1,6}(\.\d{1,2})?", inputs.get("fee_limit", "")):
            missing.append(_("Fee limit (a number of US dollars)"))
    if proceeding is not None and spec.code != "case-report":
        case = proceeding.case
        if not case.subject_name:
            missing.append(_("The subject's full name (edit the case)"))
        needs_address = "signing_location" in spec.fields or spec.code in (
            "mx-arco",
            "co-consulta",
            "co-reclamo",
        )
        if needs_address and not (case.subject_address or case.subject_email):
            missing.append(_("The subject's postal address or e-mail (edit the case)"))
        if "date_of_birth" in spec.identifiers and "signing_location" in spec.fields:
            if not case.subject_date_of_birth:
                missing.append(_("The subject's date of birth (edit the case)"))
    return missing


def subject_data(case: Case, spec: LetterSpec, language: str) -> dict:
    """The subject's identity, with sensitive identifiers only where this letter needs them."""
    nationality = f" ({case.subject_nationality})" if case.subject_nationality else ""
    subject = {
        "name": case.subject_name,
        "other_names": case.subject_other_names,
        "address_lines": [line for line in (case.subject_address or "").splitlines() if line],
        "email": case.subject_email,
        "nationality": case.subject_nationality,
        "us_status": case.subject_us_status,
        "us_status_text": US_STATUS_TEXT.get(language, US_STATUS_TEXT["en"])
        .get(case.subject_us_status, "")
        .format(nationality=nationality),
    }
    if "," in (case.subject_address or "") and len(subject["address_lines"]) == 1:
        subject["address_lines"] = [p.strip() for p in case.subject_address.split(",")]
    if "date_of_birth" in spec.identifiers and case.subject_date_of_birth:
        subject["date_of_birth"] = _format_dob(case.subject_date_of_birth, language)
    if "place_of_birth" in spec.identifiers:
        subject["place_of_birth"] = case.subject_place_of_birth
    if "a_number" in spec.identifiers:
        subject["a_number"] = case.subject_a_number
    if "passport_number" in spec.identifiers:
        subject["passport_number"] = case.subject_passport_number
    return subject


def _format_dob(value: str, language: str) -> str:
    try:
        return format_date(date.fromisoformat(value.strip()), language)
    except ValueError:
        return value


def decision_data(case: Case, language: str) -> dict | None:
    if not case.has_automated_decision:
        return None
    system = case.decision_system
    return {
        "date": format_date(case.decision_date, language),
        "place": case.decision_place,
        "system": system.name if system else case.decision_system_other,
        "system_agency": agency_name(system.agency, language) if system else "",
        "description": case.decision_description,
        "outcome": case.decision_outcome,
        "references": case.decision_references,
    }


def letter_context(
    *, spec: LetterSpec, proceeding: Proceeding, inputs: dict, language: str, consent=None
) -> dict:
    case = proceeding.case
    facts = proceeding_facts(proceeding)
    agency = proceeding.agency
    address = inputs.get("addressee_address") or ""
    determination = facts["determination"]
    late = late_clocks(proceeding)
    clocks = list(proceeding.clocks.all())
    conventions = procedure.regime_conventions(proceeding.regime.code)

    def event_date(event):
        return format_date(event.occurred_on, language) if event else ""

    signing = inputs.get("signing_location") or default_signing_location(case)
    return {
        "spec": spec,
        "doc_title": spec.title_es if language == "es" and spec.title_es else spec.title,
        "language": language,
        "inputs": inputs,
        "today": format_date(timezone.localdate(), language),
        "case": case,
        "proceeding": proceeding,
        "regime": proceeding.regime,
        "statute": conventions.statute_name(language),
        "statute_long": conventions.statute_name(language, long=True),
        "agency_name": agency_name(agency, language),
        "agency_abbreviation": agency.abbreviation,
        "parent_agency_name": agency_name(agency.parent, language) if agency.parent_id else "",
        "addressee_lines": [line.strip() for line in address.splitlines() if line.strip()],
        "record_system": proceeding.record_system,
        "subject": subject_data(case, spec, language),
        "decision": decision_data(case, language),
        "tracking_numbers": facts["tracking_numbers"],
        "filed_on": event_date(facts["filed"]),
        "received_on": event_date(facts["received"]),
        "determination": determination,
        "determination_on": event_date(determination),
        "determination_text": OUTCOME_TEXT.get(language, OUTCOME_TEXT["en"]).get(
            determination.outcome if determination else "", ""
        ),
        "exemptions": determination.exemptions if determination else "",
        "appeal_filed_on": event_date(facts["appeal_filed"]),
        "appeal_decided_on": event_date(facts["appeal_decided"]),
        "late_clocks": [
            {
                "label": clock_label(c.label),
                "due": format_date(c.due_date, language),
                "citation": c.citation,
                "start": format_date(c.start_date, language),
            }
            for c in late
        ],
        "clocks": clocks,
        "signing_outside_us": signing == "outside_us",
        "declaration": (
            DECLARATION_OUTSIDE_US if signing == "outside_us" else DECLARATION_INSIDE_US
        ),
        "advocate_name": inputs.get("advocate_name", ""),
        "advocate_organization": inputs.get("advocate_organization", ""),
        # Who files: the person themself, or a representative with the client's consent.
        "filer": "representative" if inputs.get("advocate_name") else "self",
        # The client's written consent on file (optional; shown when present).
        "consent": consent,
        "expedite_due_process_citation": department_citation(agency, "expedite_due_process"),
        "original": facts["original"],
    }


def _canonical(value) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def inputs_hash(
    *, spec: LetterSpec, language: str, inputs: dict, proceeding: Proceeding | None, case: Case
) -> str:
    """A hash of everything the letter prints except today's date: the edited inputs, the
    case and proceeding data it reads, and the template version."""
    derived: dict = {
        "subject": subject_data(case, spec, language),
        "decision": decision_data(case, language),
    }
    if proceeding is not None:
        facts = proceeding_facts(proceeding)
        derived["proceeding"] = {
            "agency": proceeding.agency_id,
            "regime": proceeding.regime_id,
            "system": proceeding.record_system_id,
            "title": proceeding.title,
            "status": proceeding.status,
            "events": sorted(
                (e.pk, str(e.occurred_on), e.kind, e.outcome, e.exemptions, e.tracking_number)
                for e in facts["events"]
            ),
            "tracking": facts["tracking_numbers"],
            "clocks": sorted((c.code, str(c.due_date), c.state) for c in proceeding.clocks.all()),
        }
    payload = {
        "code": spec.code,
        "language": language,
        "version": spec.version,
        "inputs": inputs,
        "derived": derived,
    }
    return hashlib.sha256(_canonical(payload).encode()).hexdigest()
