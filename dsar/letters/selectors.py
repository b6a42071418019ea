"""Reads for letters, always scoped to the requesting user."""

from django.db.models import prefetch_related_objects
from django.http import Http404

from dsar.cases.models import Proceeding
from dsar.cases.selectors import visible_cases
from dsar.deadlines import procedure

from . import registry
from .context import is_adverse, is_final_refusal, late_clocks, proceeding_facts
from .models import LetterRequest
from .registry import LetterSpec


def letter_fits(spec: LetterSpec, proceeding: Proceeding) -> bool:
    """Whether a letter applies to a proceeding: its regime, request type, the subject's
    status, and the proceeding's state (a status inquiry only once a clock is missed, an appeal
    only after an adverse determination…)."""
    if spec.code == registry.CASE_REPORT.code:
        return False
    if spec.regimes and proceeding.regime.code not in spec.regimes:
        return False
    if spec.request_types and proceeding.request_type not in spec.request_types:
        return False
    if spec.us_status and proceeding.case.subject_us_status not in spec.us_status:
        return False
    if spec.when == registry.ANY:
        return True
    if spec.when == registry.INITIAL:
        return procedure.is_undecided(proceeding.status)
    facts = proceeding_facts(proceeding)
    late = bool(late_clocks(proceeding)) and proceeding.is_open
    if spec.when == registry.LATE:
        return late
    if spec.when == registry.ADVERSE:
        return is_adverse(proceeding, facts)
    if spec.when == registry.ADVERSE_OR_LATE:
        return late or is_adverse(proceeding, facts)
    if spec.when == registry.FINAL_REFUSAL:
        return is_final_refusal(proceeding, facts)
    return False


def with_history(proceeding: Proceeding) -> Proceeding:
    """Load the events and clocks the letters read, once, instead of once per letter."""
    prefetch_related_objects([proceeding], "events", "clocks")
    if proceeding.parent is not None:
        prefetch_related_objects([proceeding.parent], "events")
    return proceeding


def letters_available(*, user, proceeding: Proceeding) -> list[LetterSpec]:
    # ``proceeding`` was fetched through ``proceeding_get(user=…)``, which scopes access.
    with_history(proceeding)
    return [spec for spec in registry.LETTERS if letter_fits(spec, proceeding)]


def letter_requests_for(*, user, proceeding: Proceeding) -> list[LetterRequest]:
    return list(
        LetterRequest.objects.filter(
            proceeding=proceeding, case__in=visible_cases(user)
        ).select_related("document")[:50]
    )


def letter_request_get(*, user, letter_request_id: int) -> LetterRequest:
    letter_request = (
        LetterRequest.objects.filter(pk=letter_request_id, case__in=visible_cases(user))
        .select_related("document", "proceeding", "case")
        .first()
    )
    if letter_request is None:
        raise Http404("No such letter")
    return letter_request


def letter_request_list(*, user):
    return (
        LetterRequest.objects.filter(case__in=visible_cases(user))
        .select_related("document")
        .order_by("-created_at", "-pk")
    )
