"""The proceeding state machine, as data.

Each event kind lists the statuses it may be recorded in and the status it leads to (``None``
keeps the current status). Guards that need more than the current status (one extension per
proceeding, a pause must be open before it can end) live in ``check_transition``.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from dsar.core.exceptions import ApplicationError

from .models import EventKind as K
from .models import ProceedingStatus as S

WAITING = (S.FILED, S.IN_PROGRESS, S.AWAITING_REQUESTER)
ACTIVE = (S.DRAFT, *WAITING, S.DETERMINED, S.APPEALED)


@dataclass(frozen=True)
class Transition:
    allowed_from: tuple[str, ...]
    to: str | None
    needs_outcome: bool = False


TRANSITIONS: dict[str, Transition] = {
    K.FILED: Transition((S.DRAFT,), S.FILED),
    K.RECEIVED: Transition((S.FILED, S.IN_PROGRESS), S.IN_PROGRESS),
    K.ACKNOWLEDGED: Transition((S.FILED, S.IN_PROGRESS), S.IN_PROGRESS),
    K.INFO_REQUESTED: Transition((S.FILED, S.IN_PROGRESS), S.AWAITING_REQUESTER),
    K.INFO_PROVIDED: Transition((S.AWAITING_REQUESTER,), S.IN_PROGRESS),
    K.FEE_NOTICE: Transition((S.FILED, S.IN_PROGRESS), S.AWAITING_REQUESTER),
    K.FEE_RESOLVED: Transition((S.AWAITING_REQUESTER,), S.IN_PROGRESS),
    K.EXTENSION_NOTICE: Transition((*WAITING, S.APPEALED), None),
    K.DETERMINATION: Transition(WAITING, S.DETERMINED, needs_outcome=True),
    K.APPEAL_FILED: Transition((S.DETERMINED,), S.APPEALED),
    K.APPEAL_DECIDED: Transition((S.APPEALED,), S.CLOSED, needs_outcome=True),
    K.CLOSED: Transition((S.DETERMINED, S.APPEALED), S.CLOSED),
    K.WITHDRAWN: Transition(ACTIVE, S.WITHDRAWN),
    K.NOTE: Transition(tuple(S.values), None),
}

# Which open pause an ending event closes.
PAUSE_PAIRS = {K.INFO_PROVIDED: K.INFO_REQUESTED, K.FEE_RESOLVED: K.FEE_NOTICE}

REFUSALS = {
    K.APPEAL_FILED: _("An appeal can only be filed after the agency's determination."),
    K.APPEAL_DECIDED: _("An appeal decision can only be recorded after an appeal was filed."),
    K.FILED: _("This request has already been filed."),
    K.INFO_PROVIDED: _("The agency has not asked for information, so there is nothing to answer."),
    K.FEE_RESOLVED: _("There is no open fee notice to resolve."),
    K.DETERMINATION: _(
        "A determination can only be recorded once the request has been filed "
        "and is still awaiting a decision."
    ),
}


def allowed_events(status: str) -> list[str]:
    return [kind for kind, t in TRANSITIONS.items() if status in t.allowed_from]


def check_transition(
    *, status: str, kind: str, outcome: str, open_pause: str | None, has_extension: bool
) -> str:
    """Return the status after ``kind``, or raise ApplicationError explaining the refusal."""
    transition = TRANSITIONS.get(kind)
    if transition is None:
        raise ApplicationError(_("Unknown kind of event."), field="kind")
    if status not in transition.allowed_from:
        message = REFUSALS.get(kind) or _(
            "“%(event)s” cannot be recorded while the proceeding is “%(status)s”."
        ) % {"event": K(kind).label, "status": S(status).label}
        raise ApplicationError(str(message), field="kind")
    if kind in PAUSE_PAIRS and open_pause != PAUSE_PAIRS[kind]:
        raise ApplicationError(str(REFUSALS[kind]), field="kind")
    if kind in (K.INFO_REQUESTED, K.FEE_NOTICE) and open_pause:
        raise ApplicationError(
            _("The clock is already paused; record the answer to the earlier request first."),
            field="kind",
        )
    if kind == K.EXTENSION_NOTICE and has_extension:
        raise ApplicationError(_("An extension has already been recorded."), field="kind")
    if transition.needs_outcome and not outcome:
        raise ApplicationError(_("Choose the outcome of the decision."), field="outcome")
    if not transition.needs_outcome and outcome:
        raise ApplicationError(_("Only a decision has an outcome."), field="outcome")
    return transition.to or status
