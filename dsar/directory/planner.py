"""The planner: from a person's situation to the proceedings open to them.

Situations, candidate routes and eligibility conditions are data (``data/planner.yaml``).
``plan`` is a pure function of its inputs and that data; it never proposes a route whose
eligibility conditions the person does not meet."""

from __future__ import annotations

import functools
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings

from dsar.directory.countries import is_country_code

PLANNER_PATH = Path(__file__).resolve().parent / "data" / "planner.yaml"
PLANNER_ES_PATH = Path(__file__).resolve().parent / "data" / "planner_es.yaml"
US_STATUSES = ("citizen", "lpr", "none")
REQUEST_TYPES = ("access", "amendment", "redress", "challenge", "automated-decision")
ELIGIBILITY_KEYS = (
    "us_status_in",
    "nationality_in",
    "nationality_not_in",
    "nationality_or_residence_in",
    "nationality_or_present_in",
    "screened_travelling_to_us",
)


class PlannerInputError(ValueError):
    """An unknown situation, country code or US status."""


@dataclass(frozen=True)
class PlannedProceeding:
    regime: str
    request_type: str
    agency: str
    record_system: str | None
    channel: str | None
    why: str
    citation: str
    caveat: str
    status: str
    why_es: str = ""
    caveat_es: str = ""

    @property
    def key(self) -> str:
        return f"{self.regime}/{self.request_type}/{self.agency}"

    def localized(self, language: str | None) -> tuple[str, str]:
        """(why, caveat) in the language, falling back to English."""
        if (language or "").startswith("es") and self.why_es:
            return self.why_es, self.caveat_es or self.caveat
        return self.why, self.caveat

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@functools.lru_cache(maxsize=4)
def _load(path: str) -> dict[str, Any]:
    with open(path, encoding="utf-8") as handle:
        return yaml.safe_load(handle) or {}


def planner_data() -> dict[str, Any]:
    return _load(str(PLANNER_PATH))


def planner_texts_es() -> dict[str, dict[str, dict[str, str]]]:
    return _load(str(PLANNER_ES_PATH))


def situations() -> dict[str, dict[str, Any]]:
    return planner_data()["situations"]


def situation_choices(language: str = "en") -> list[tuple[str, str]]:
    return [
        (code, (language == "es" and data.get("title_es")) or data["title"])
        for code, data in situations().items()
    ]


def country_list(name: str) -> frozenset[str]:
    """A named list of country codes; the Judicial Redress Act list can be overridden in
    settings (DIRECTORY_JUDICIAL_REDRESS_COUNTRIES) because it is unconfirmed."""
    if name == "judicial_redress_covered":
        override = getattr(settings, "DIRECTORY_JUDICIAL_REDRESS_COUNTRIES", None)
        if override is not None:
            return frozenset(code.upper() for code in override)
    return frozenset(planner_data()["lists"][name]["countries"])


def _codes(value: str | list[str]) -> frozenset[str]:
    return country_list(value) if isinstance(value, str) else frozenset(value)


def _eligible(
    conditions: dict[str, Any],
    *,
    nationality: str,
    us_status: str,
    residence: str,
    present_in: str = "",
    screened_us: bool = False,
) -> bool:
    if "us_status_in" in conditions and us_status not in conditions["us_status_in"]:
        return False
    if "nationality_in" in conditions and nationality not in _codes(conditions["nationality_in"]):
        return False
    if "nationality_not_in" in conditions and nationality in _codes(
        conditions["nationality_not_in"]
    ):
        return False
    if "nationality_or_residence_in" in conditions:
        allowed = _codes(conditions["nationality_or_residence_in"])
        if nationality not in allowed and residence not in allowed:
            return False
    if "nationality_or_present_in" in conditions:
        # Where the person is now, not where they live (Canada's Extension Order No. 2).
        allowed = _codes(conditions["nationality_or_present_in"])
        if nationality not in allowed and present_in not in allowed:
            return False
    if conditions.get("screened_travelling_to_us") and not screened_us:
        return False
    return True


def validate_inputs(
    situation: str, nationality: str, us_status: str, residence: str = "", present_in: str = ""
) -> tuple[str, str, str, str, str]:
    """Normalise the inputs or raise PlannerInputError with a readable message."""
    situation = (situation or "").strip()
    nationality = (nationality or "").strip().upper()
    us_status = (us_status or "none").strip().lower()
    residence = (residence or "").strip().upper()
    present_in = (present_in or "").strip().upper()
    if present_in and not is_country_code(present_in):
        raise PlannerInputError(
            f"Unknown country where the person is now '{present_in}': use a two-letter ISO 3166 "
            "code."
        )
    if situation not in situations():
        raise PlannerInputError(
            f"Unknown situation '{situation}'. Choose one of: {', '.join(situations())}."
        )
    if not is_country_code(nationality):
        raise PlannerInputError(
            f"Unknown nationality '{nationality}': use a two-letter ISO 3166 code such as MX."
        )
    if residence and not is_country_code(residence):
        raise PlannerInputError(
            f"Unknown country of residence '{residence}': use a two-letter ISO 3166 code."
        )
    if us_status not in US_STATUSES:
        raise PlannerInputError(
            f"Unknown US status '{us_status}'. Choose one of: {', '.join(US_STATUSES)}."
        )
    return situation, nationality, us_status, residence, present_in


def plan(
    situation: str,
    nationality: str,
    us_status: str = "none",
    residence: str = "",
    present_in: str = "",
    screened_us: bool = False,
) -> list[PlannedProceeding]:
    """The proceedings the person may start for ``situation``, in the data file's order.
    ``present_in`` is where the person is now; ``screened_us`` whether they were screened
    (delayed, sent to secondary, denied boarding) when travelling to the US."""
    situation, nationality, us_status, residence, present_in = validate_inputs(
        situation, nationality, us_status, residence, present_in
    )
    proposals = []
    spanish = planner_texts_es().get(situation) or {}
    for route in situations()[situation]["routes"]:
        if not _eligible(
            route.get("eligibility") or {},
            nationality=nationality,
            us_status=us_status,
            residence=residence,
            present_in=present_in,
            screened_us=screened_us,
        ):
            continue
        es = spanish.get(f"{route['regime']}/{route['request_type']}/{route['agency']}") or {}
        proposals.append(
            PlannedProceeding(
                regime=route["regime"],
                request_type=route["request_type"],
                agency=route["agency"],
                record_system=route.get("record_system"),
                channel=route.get("channel"),
                why=" ".join(route["why"].split()),
                citation=route["citation"],
                caveat=" ".join((route.get("caveat") or "").split()),
                status=route.get("status", "unconfirmed"),
                why_es=" ".join((es.get("why") or "").split()),
                caveat_es=" ".join((es.get("caveat") or "").split()),
            )
        )
    return proposals


def route_eligible(
    regime: str, request_type: str, *, nationality: str, us_status: str, residence: str = ""
) -> bool | None:
    """Whether the planner's data lets this person use ``regime``/``request_type`` on any route:
    None when the data has no route for it (no opinion), else True or False."""
    conditions = [
        route.get("eligibility") or {}
        for situation in situations().values()
        for route in situation["routes"]
        if route["regime"] == regime and route["request_type"] == request_type
    ]
    if not conditions:
        return None
    person = {
        "nationality": (nationality or "").upper(),
        "us_status": us_status or "none",
        "residence": (residence or "").upper(),
    }
    return any(_eligible(c, **person) for c in conditions)
