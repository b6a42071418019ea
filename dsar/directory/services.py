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

    regimes: dict[str, Regime] = {}
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

    agencies: dict[str, Agency] = {}
    for entry in data.get("agencies", []):
        agencies[entry["code"]], _ = Agency.objects.update_or_create(
            code=entry["code"],
            defaults={
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

    channels: dict[str, Channel] = {}
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
