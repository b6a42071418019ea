"""Citations that depend on the agency's department, as data: a component cites its own
department's FOIA regulations (a DHS component cites 6 CFR, a Justice component 28 CFR)."""

from __future__ import annotations

# Keyed by the code of the department at the top of the agency tree in the directory.
DEPARTMENT_CITATIONS: dict[str, dict[str, str]] = {
    "dhs": {
        "foia_regulations": "6 CFR Part 5",
        "expedite_due_process": "6 CFR 5.5(e)",
    },
    "doj": {
        "foia_regulations": "28 CFR Part 16",
        "expedite_due_process": "28 CFR 16.5(e)(1)(iii)",
    },
}


def department_code(agency) -> str:
    """The code of the agency's department (the top of its parent chain)."""
    seen = set()
    while agency is not None and getattr(agency, "parent_id", None) and agency.pk not in seen:
        seen.add(agency.pk)
        agency = agency.parent
    return getattr(agency, "code", "") or ""


def department_citation(agency, key: str) -> str:
    """The citation ``key`` for the agency's department, or "" when none is recorded."""
    return DEPARTMENT_CITATIONS.get(department_code(agency), {}).get(key, "")
