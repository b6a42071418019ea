"""The proceeding state machine: the table lives in ``dsar.deadlines.procedure``; this module
turns its refusals into translated ``ApplicationError`` messages for the services."""

from django.utils.translation import gettext as _

from dsar.core.exceptions import ApplicationError, ConflictError
from dsar.deadlines import procedure

from .models import EventKind as K
from .models import ProceedingStatus as S

TRANSITIONS = procedure.TRANSITIONS
PAUSE_PAIRS = procedure.PAUSE_PAIRS


def allowed_events(status: str, regime: str = "") -> list[str]:
    return procedure.allowed_events(status, regime)


def check_transition(
    *,
    status: str,
    kind: str,
    outcome: str,
    open_pause: str | None,
    has_extension: bool,
    regime: str = "",
) -> str:
    """Return the status after ``kind``, or raise ApplicationError explaining the refusal."""
    try:
        return procedure.next_status(
            status=status,
            kind=kind,
            outcome=outcome,
            open_pause=open_pause,
            has_extension=has_extension,
            regime=regime,
        )
    except procedure.TransitionRefused as refused:
        params = dict(refused.params)
        if "event" in params and params["event"] in K.values:
            params["event"] = str(K(params["event"]).label)
        if "status" in params and params["status"] in S.values:
            params["status"] = str(S(params["status"]).label)
        message = _(refused.message) % params if params else _(refused.message)
        # A refusal of the event in the proceeding's state is a conflict; a bad input is not.
        error = ApplicationError if refused.field == "outcome" else ConflictError
        raise error(message, field=refused.field) from None
