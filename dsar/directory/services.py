"""Writes to the directory: loading the maintained data file."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction

from dsar.directory.models import (
    Agency,
    AppealRoute,
    Channel,
    ChannelKind,
    ChannelPurpose,
    FactStatus,
    IdentityRequirement,
    RecordSystem,
    Regime,
)

DATA_DIR = Path(__file__).resolve().parent / "data"
DEFAULT_PATH = DATA_DIR / "directory.yaml"


class DirectoryDataError(ValueError):
    """The directory data file is inconsistent."""


def directory_read(path: Path | str | None = None) -> dict[str, Any]:
    with open(path or DEFAULT_PATH, encoding="utf-8") as handle:
        return yaml.safe_load(handle) or {}


def _fact(entry: dict, defaults: dict) -> dict:
    verified_on = entry.get("verified_on", defaults.get("verified_on"))
    if isinstance(verified_on, str):
        verified_on = datetime.date.fromisoformat(verified_on)
    return {
        "source": entry.get("source", ""),
        "verified_on": verified_on,
        "status": entry.get("status", FactStatus.UNCONFIRMED),
    }


def directory_validate(data: dict[str, Any]) -> list[str]:
    """Every problem found in the data file, as readable messages (empty list = valid)."""
    problems: list[str] = []
    statuses = set(FactStatus.values)
    regimes = {r.get("code") for r in data.get("regimes", [])}
    agencies = {a.get("code") for a in data.get("agencies", [])}
    channels: set[str] = set()
    codes_seen: dict[str, set[str]] = {}

    def check_fact(kind: str, entry: dict) -> None:
        code = entry.get("code")
        if not code:
            problems.append(f"{kind} without a code: {entry!r:.80}")
            return
        seen = codes_seen.setdefault(kind, set())
        if code in seen:
            problems.append(f"{kind} {code}: duplicate code")
        seen.add(code)
        if entry.get("status") not in statuses:
            problems.append(f"{kind} {code}: invalid status {entry.get('status')!r}")
        if not entry.get("source"):
            problems.append(f"{kind} {code}: no source")

    for regime in data.get("regimes", []):
        check_fact("regime", regime)
        for field in ("name", "country", "citation"):
            if not regime.get(field):
                problems.append(f"regime {regime.get('code')}: no {field}")
    for agency in data.get("agencies", []):
        check_fact("agency", agency)
        code = agency.get("code")
        if not agency.get("name") or not agency.get("country"):
            problems.append(f"agency {code}: no name or country")
        counting = agency.get("counting") or {}
        if counting and not counting.get("citation"):
            problems.append(f"agency {code}: a counting rule needs its citation")
        if counting.get("cutoff") and not counting.get("cutoff_timezone"):
            problems.append(f"agency {code}: a cut-off time needs its time zone")
        if agency.get("parent") and agency["parent"] not in agencies:
            problems.append(f"agency {code}: unknown parent {agency['parent']}")
        for regime in agency.get("regimes", []):
            if regime not in regimes:
                problems.append(f"agency {code}: unknown regime {regime}")
        for channel in agency.get("channels", []):
            check_fact("channel", channel)
            channels.add(channel.get("code"))
            if channel.get("kind") not in ChannelKind.values:
                problems.append(f"channel {channel.get('code')}: invalid kind")
            if channel.get("purpose") not in ChannelPurpose.values:
                problems.append(f"channel {channel.get('code')}: invalid purpose")
            if not str(channel.get("value") or "").strip():
                problems.append(f"channel {channel.get('code')}: no value")
        for requirement in agency.get("identity_requirements", []):
            check_fact("identity requirement", requirement)
            if not requirement.get("description") or not requirement.get("citation"):
                problems.append(f"identity requirement {requirement.get('code')}: incomplete")
    for agency in data.get("agencies", []):
        for route in agency.get("appeal_routes", []):
            check_fact("appeal route", route)
            rcode = route.get("code")
            if not route.get("description") or not route.get("citation"):
                problems.append(f"appeal route {rcode}: no description or citation")
            if route.get("regime") and route["regime"] not in regimes:
                problems.append(f"appeal route {rcode}: unknown regime {route['regime']}")
            if route.get("to_agency") and route["to_agency"] not in agencies:
                problems.append(f"appeal route {rcode}: unknown agency {route['to_agency']}")
            if route.get("channel") and route["channel"] not in channels:
                problems.append(f"appeal route {rcode}: unknown channel {route['channel']}")
    for system in data.get("record_systems", []):
        check_fact("record system", system)
        scode = system.get("code")
        if system.get("agency") not in agencies:
            problems.append(f"record system {scode}: unknown agency {system.get('agency')}")
        for channel in system.get("channels", []):
            if channel not in channels:
                problems.append(f"record system {scode}: unknown channel {channel}")
    return problems


@transaction.atomic
def directory_load(*, path: Path | str | None = None, apps=None) -> dict[str, int]:
    """Create or update every regime, agency, channel, identity requirement, appeal route and
    record system from the data file, by code. Safe to run any number of times.

    A data migration passes its historical ``apps`` so that the models match its schema."""
    if apps is not None:
        return _load(
            directory_read(path),
            models={name: apps.get_model("directory", name) for name in MODEL_NAMES},
        )
    return _load(
        directory_read(path),
        models={
            "Regime": Regime,
            "Agency": Agency,
            "Channel": Channel,
            "IdentityRequirement": IdentityRequirement,
            "AppealRoute": AppealRoute,
            "RecordSystem": RecordSystem,
        },
    )


MODEL_NAMES = ("Regime", "Agency", "Channel", "IdentityRequirement", "AppealRoute", "RecordSystem")


def _load(data: dict[str, Any], *, models: dict[str, Any]) -> dict[str, int]:
    Regime = models["Regime"]  # noqa: N806
    Agency = models["Agency"]  # noqa: N806
    Channel = models["Channel"]  # noqa: N806
    IdentityRequirement = models["IdentityRequirement"]  # noqa: N806
    AppealRoute = models["AppealRoute"]  # noqa: N806
    RecordSystem = models["RecordSystem"]  # noqa: N806
    problems = directory_validate(data)
    if problems:
        raise DirectoryDataError("; ".join(problems))
    defaults = data.get("defaults", {})
    counts = {"regimes": 0, "agencies": 0, "channels": 0, "identity_requirements": 0}
    counts.update({"appeal_routes": 0, "record_systems": 0})

    regimes: dict[str, Any] = {}
    for entry in data.get("regimes", []):
        regimes[entry["code"]], _ = Regime.objects.update_or_create(
            code=entry["code"],
            defaults={
                "name": entry["name"],
                "name_es": entry.get("name_es", ""),
                "country": entry["country"],
                "citation": entry.get("citation", ""),
                "description": (entry.get("description") or "").strip(),
                "position": entry.get("position", 100),
                **_fact(entry, defaults),
            },
        )
        counts["regimes"] += 1

    agencies: dict[str, Any] = {}
    # Counting rules exist from the migration that added them; earlier data migrations load
    # the directory without them.
    has_counting = any(f.name == "receipt_cutoff" for f in Agency._meta.get_fields())
    for entry in data.get("agencies", []):
        counting = entry.get("counting") or {}
        counting_fields = (
            {
                "receipt_is_day_one": bool(counting.get("receipt_is_day_one", False)),
                "receipt_cutoff": counting.get("cutoff", ""),
                "receipt_cutoff_timezone": counting.get("cutoff_timezone", ""),
                "counting_citation": counting.get("citation", ""),
            }
            if has_counting
            else {}
        )
        agencies[entry["code"]], _ = Agency.objects.update_or_create(
            code=entry["code"],
            defaults={
                **counting_fields,
                "name": entry["name"],
                "name_es": entry.get("name_es", ""),
                "abbreviation": entry.get("abbreviation", ""),
                "country": entry["country"],
                "subdivision": entry.get("subdivision", ""),
                "website": entry.get("website", ""),
                "description": (entry.get("description") or "").strip(),
                "contact_note": (entry.get("contact_note") or "").strip(),
                **_fact(entry, defaults),
            },
        )
        counts["agencies"] += 1

    channels: dict[str, Any] = {}
    for entry in data.get("agencies", []):
        agency = agencies[entry["code"]]
        parent = entry.get("parent")
        parent_id = agencies[parent].pk if parent else None
        if agency.parent_id != parent_id:
            agency.parent_id = parent_id
            agency.save(update_fields=["parent", "updated_at"])
        agency.regimes.set([regimes[code] for code in entry.get("regimes", [])])
        for index, channel in enumerate(entry.get("channels", [])):
            channels[channel["code"]], _ = Channel.objects.update_or_create(
                code=channel["code"],
                defaults={
                    "agency": agency,
                    "kind": channel["kind"],
                    "purpose": channel["purpose"],
                    "label": channel.get("label", ""),
                    "value": str(channel["value"]).strip(),
                    "note": (channel.get("note") or "").strip(),
                    "position": index,
                    **_fact(channel, defaults),
                },
            )
            counts["channels"] += 1
        for index, requirement in enumerate(entry.get("identity_requirements", [])):
            IdentityRequirement.objects.update_or_create(
                code=requirement["code"],
                defaults={
                    "agency": agency,
                    "description": requirement["description"].strip(),
                    "citation": requirement.get("citation", ""),
                    "position": index,
                    **_fact(requirement, defaults),
                },
            )
            counts["identity_requirements"] += 1
    for entry in data.get("agencies", []):
        agency = agencies[entry["code"]]
        for index, route in enumerate(entry.get("appeal_routes", [])):
            AppealRoute.objects.update_or_create(
                code=route["code"],
                defaults={
                    "agency": agency,
                    "regime": regimes.get(route.get("regime")),
                    "to_agency": agencies.get(route.get("to_agency")),
                    "channel": channels.get(route.get("channel")),
                    "description": route["description"].strip(),
                    "citation": route.get("citation", ""),
                    "position": index,
                    **_fact(route, defaults),
                },
            )
            counts["appeal_routes"] += 1

    for entry in data.get("record_systems", []):
        system, _ = RecordSystem.objects.update_or_create(
            code=entry["code"],
            defaults={
                "name": entry["name"],
                "name_es": entry.get("name_es", ""),
                "abbreviation": entry.get("abbreviation", ""),
                "agency": agencies[entry["agency"]],
                "biometrics": entry.get("biometrics", ""),
                "description": (entry.get("description") or "").strip(),
                "sorn": entry.get("sorn", ""),
                "exemptions": (entry.get("exemptions") or "").strip(),
                **_fact(entry, defaults),
            },
        )
        system.channels.set([channels[code] for code in entry.get("channels", [])])
        counts["record_systems"] += 1
    return counts


# --- saving a plan as a case -----------------------------------------------------------------

SUBJECT_FIELDS_FROM_CLIENT = (
    "subject_name",
    "subject_other_names",
    "subject_address",
    "subject_email",
    "subject_date_of_birth",
    "subject_place_of_birth",
    "subject_a_number",
    "subject_passport_number",
)


@transaction.atomic
def plan_case_create(
    *,
    user,
    situation_title: str,
    facts: dict,
    proposals: list[dict],
    client_case_id: int | None = None,
    client_name: str = "",
    client_address: str = "",
    client_email: str = "",
    for_myself: bool = False,
    title: str = "",
    client_date_of_birth=None,
):
    """A new case from a plan: its subject is the client (an existing one, picked through one
    of their cases, or a new one), or the user only when they say the case is about them; one
    draft proceeding per proposal, with its agency and record system. ``facts`` are the plan's
    answers (nationality, US status, residence, date, place, details)."""
    from django.utils.translation import gettext as _

    from dsar.cases.selectors import case_get
    from dsar.cases.services import case_create, proceeding_create
    from dsar.core.exceptions import ApplicationError
    from dsar.directory.templatetags.directory_tags import local_name

    if any(p["agency"] is None or p["regime"] is None for p in proposals):
        raise ApplicationError(_("The directory is not loaded; the plan cannot be saved."))
    subject: dict = {}
    if client_case_id:
        existing = case_get(user=user, case_id=client_case_id)
        subject = {name: getattr(existing, name) for name in SUBJECT_FIELDS_FROM_CLIENT}
    elif client_name.strip():
        subject = {"subject_name": " ".join(client_name.split())}
    elif for_myself:
        subject = {"subject_name": (getattr(user, "display_name", "") or user.email)[:200]}
    else:
        raise ApplicationError(
            _(
                "Whom is this case about? Pick a client, enter the new client's name, or tick "
                "that the case is about you."
            ),
            field="client_name",
        )
    if client_address.strip():
        subject["subject_address"] = client_address.strip()
    if client_email.strip():
        subject["subject_email"] = client_email.strip()
    if client_date_of_birth and client_date_of_birth >= datetime.date.today():
        raise ApplicationError(
            _("The date of birth must be in the past."), field="client_date_of_birth"
        )
    if client_date_of_birth:
        subject["subject_date_of_birth"] = client_date_of_birth.isoformat()
    name = subject.pop("subject_name")
    title = title.strip() or f"{situation_title} — {name}"
    # Why each proceeding applies goes into the case notes; each proceeding's description
    # says what is requested, which is what its letter asks for.
    plan_notes = "\n".join(
        f"- {p['regime'].name} — {p['agency'].abbreviation or p['agency'].name}: {p['why']} "
        f"({p['plan'].citation})"
        for p in proposals
    )
    notes = "\n\n".join(part for part in (facts.get("details") or "", plan_notes) if part)
    case = case_create(
        user=user,
        title=title[:200],
        subject_name=name,
        subject_nationality=facts.get("nationality", ""),
        subject_us_status=facts.get("us_status", "none"),
        subject_residence=facts.get("residence", ""),
        notes=notes,
        decision_date=facts.get("date"),
        decision_place=facts.get("place") or "",
        decision_description=facts.get("details") or "",
        **subject,
    )
    for item in proposals:
        planned = item["plan"]
        agency = item["agency"]
        description = _requested(planned.request_type, facts)
        proceeding_create(
            user=user,
            case=case,
            regime=item["regime"],
            request_type=planned.request_type,
            agency=agency,
            record_system=item["record_system"],
            title=f"{local_name(item['regime'])} — {agency.abbreviation or agency.name}"[:200],
            description=description,
        )
    return case


def _requested(request_type: str, facts: dict) -> str:
    """What a planned proceeding asks for, in the user's language."""
    from django.utils.formats import date_format
    from django.utils.translation import gettext as _

    when = ""
    if facts.get("date") and facts.get("place"):
        when = _(" on %(date)s at %(place)s") % {
            "date": date_format(facts["date"], "DATE_FORMAT"),
            "place": facts["place"],
        }
    elif facts.get("date"):
        when = _(" on %(date)s") % {"date": date_format(facts["date"], "DATE_FORMAT")}
    elif facts.get("place"):
        when = _(" at %(place)s") % {"place": facts["place"]}
    if request_type in ("amendment", "challenge"):
        return _(
            "Correction of the inaccurate records, and of any decision based on them, "
            "concerning the encounter%(when)s."
        ) % {"when": when}
    if request_type == "redress":
        return _(
            "Review and correction of the records that led to the screening or inspection"
            "%(when)s, so that it does not happen again."
        ) % {"when": when}
    if request_type == "automated-decision":
        return _(
            "An explanation of the automated decision%(when)s, the data and logic it used, and "
            "a review of it by a person."
        ) % {"when": when}
    return _(
        "All records of the encounter%(when)s and any other records held, including biometric "
        "data (face images, fingerprints), match results and scores, and the notes of any "
        "referral or inspection."
    ) % {"when": when}
