"""Legal procedure, in one place: pure Python, no Django.

What every part of dsar asks about procedure is answered here, once:

- the proceeding statuses and event kinds, and the state machine (which event may be recorded
  in which status, and where it leads);
- each regime's conventions as data (``REGIMES``): statute name, whether it has fees, which
  pauses its law provides and whether they stop the clock, how extensions are sized, what can
  follow a final denial, and the clock plan (which clocks run, from which event, met by which);
- the predicates: open, undecided, needs attention, late, adverse, which event ends which pause,
  which clocks are appeal windows;
- ``derive_clocks``: a proceeding's clocks from plain event rows and the rule settings (a typed
  ``RuleSettings`` value), computed by the engine;
- ``eligibility``: why a person may not be entitled to a proceeding, with the citation.

Adding a regime or a pause type is one change to this data plus its tests.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any, NamedTuple

from .calendars import Closure, closure_date
from .engine import ClockError, ClockResult, Counting, Extension, Pause, compute
from .rules import RULES, Rule, get_rule


def _(text: str) -> str:
    """Marks a text for the translation catalogue; this module stays in English."""
    return text


# --- statuses and event kinds ---------------------------------------------------------------

DRAFT = "draft"
FILED = "filed"
IN_PROGRESS = "in_progress"
AWAITING_REQUESTER = "awaiting_requester"
DETERMINED = "determined"
APPEALED = "appealed"
FINAL = "final"  # a final denial: close, statement of disagreement, or court
IN_COURT = "in_court"
CLOSED = "closed"
WITHDRAWN = "withdrawn"
STATUSES = (
    DRAFT,
    FILED,
    IN_PROGRESS,
    AWAITING_REQUESTER,
    DETERMINED,
    APPEALED,
    FINAL,
    IN_COURT,
    CLOSED,
    WITHDRAWN,
)

E_FILED = "filed"
E_RECEIVED = "received"
E_ACKNOWLEDGED = "acknowledged"
E_INFO_REQUESTED = "info_requested"
E_INFO_PROVIDED = "info_provided"
E_FEE_NOTICE = "fee_notice"
E_FEE_RESOLVED = "fee_resolved"
E_EXTENSION = "extension_notice"
E_DETERMINATION = "determination"
E_APPEAL_FILED = "appeal_filed"
E_APPEAL_RECEIVED = "appeal_received"
E_APPEAL_DECIDED = "appeal_decided"
E_DISAGREEMENT = "disagreement_filed"
E_LAWSUIT = "lawsuit_filed"
E_CLOSED = "closed"
E_WITHDRAWN = "withdrawn"
E_NOTE = "note"
EVENT_KINDS = (
    E_FILED,
    E_RECEIVED,
    E_ACKNOWLEDGED,
    E_INFO_REQUESTED,
    E_INFO_PROVIDED,
    E_FEE_NOTICE,
    E_FEE_RESOLVED,
    E_EXTENSION,
    E_DETERMINATION,
    E_APPEAL_FILED,
    E_APPEAL_RECEIVED,
    E_APPEAL_DECIDED,
    E_DISAGREEMENT,
    E_LAWSUIT,
    E_CLOSED,
    E_WITHDRAWN,
    E_NOTE,
)

WAITING = (FILED, IN_PROGRESS, AWAITING_REQUESTER)
UNDECIDED = (DRAFT, *WAITING)
OPEN_STATUSES = (DRAFT, *WAITING, DETERMINED, APPEALED, FINAL, IN_COURT)

ADVERSE_OUTCOMES = frozenset({"partial", "denied", "no_records"})
# "remanded" is only an appeal decision's: the request goes back to the agency.
REMANDED = "remanded"
OUTCOMES = ("granted", "partial", "denied", "no_records", "referred", REMANDED)

# Clock states.
RUNNING = "running"
PAUSED = "paused"
MET = "met"
MISSED = "missed"
NO_LONGER = "closed"
ATTENTION_STATES = (RUNNING, PAUSED, MISSED)

# Which event ends which pause.
PAUSE_PAIRS: dict[str, str] = {E_INFO_PROVIDED: E_INFO_REQUESTED, E_FEE_RESOLVED: E_FEE_NOTICE}
PAUSE_ENDS: dict[str, str] = {start: end for end, start in PAUSE_PAIRS.items()}


def is_open(status: str) -> bool:
    return status in OPEN_STATUSES


def is_undecided(status: str) -> bool:
    return status in UNDECIDED


def is_adverse(outcome: str | None) -> bool:
    return (outcome or "") in ADVERSE_OUTCOMES


def is_appealable(outcome: str | None, *, has_fee_notice: bool = False) -> bool:
    """Something to appeal: an adverse outcome, or a fee decision (fee waiver denials are
    appealable, 32 CFR 1900.42(a))."""
    return is_adverse(outcome) or has_fee_notice


def needs_attention(state: str) -> bool:
    return state in ATTENTION_STATES


def is_late(state: str, due: date, today: date) -> bool:
    """A clock that ran out without being met (``missed``, or running past its date before the
    hourly refresh marked it)."""
    return state == MISSED or (state in (RUNNING, PAUSED) and due < today)


def is_agency_late(code: str, state: str, due: date, today: date) -> bool:
    """The agency missed one of its own deadlines (not the requester's appeal window)."""
    return is_late(state, due, today) and not is_requester_deadline(code)


def days_left(due: date, today: date) -> int:
    return (due - today).days


# --- the state machine ------------------------------------------------------------------------


@dataclass(frozen=True)
class Transition:
    allowed_from: tuple[str, ...]
    to: str | None  # None keeps the status
    needs_outcome: bool = False
    to_if_adverse: str | None = None  # where an adverse outcome leads instead


TRANSITIONS: dict[str, Transition] = {
    E_FILED: Transition((DRAFT,), FILED),
    E_RECEIVED: Transition((FILED, IN_PROGRESS), IN_PROGRESS),
    E_ACKNOWLEDGED: Transition((FILED, IN_PROGRESS), IN_PROGRESS),
    E_INFO_REQUESTED: Transition((FILED, IN_PROGRESS), AWAITING_REQUESTER),
    E_INFO_PROVIDED: Transition((AWAITING_REQUESTER,), IN_PROGRESS),
    E_FEE_NOTICE: Transition((FILED, IN_PROGRESS), AWAITING_REQUESTER),
    E_FEE_RESOLVED: Transition((AWAITING_REQUESTER,), IN_PROGRESS),
    E_EXTENSION: Transition((*WAITING, APPEALED), None),
    E_DETERMINATION: Transition(WAITING, DETERMINED, needs_outcome=True),
    E_APPEAL_FILED: Transition((DETERMINED,), APPEALED),
    E_APPEAL_RECEIVED: Transition((APPEALED,), None),
    E_APPEAL_DECIDED: Transition((APPEALED,), CLOSED, needs_outcome=True, to_if_adverse=FINAL),
    E_DISAGREEMENT: Transition((FINAL,), None),
    # Court: after a final denial, after a determination (expedited denials, Privacy Act access),
    # or while waiting once the agency missed its deadline (constructive exhaustion).
    E_LAWSUIT: Transition((*WAITING, DETERMINED, APPEALED, FINAL), IN_COURT),
    E_CLOSED: Transition((DETERMINED, APPEALED, FINAL, IN_COURT), CLOSED),
    E_WITHDRAWN: Transition((DRAFT, *WAITING, DETERMINED, APPEALED, FINAL, IN_COURT), WITHDRAWN),
    E_NOTE: Transition(STATUSES, None),
}

# Why an event is refused in a status (the generic message covers the rest).
REFUSALS: dict[str, str] = {
    E_APPEAL_FILED: _("An appeal can only be filed after the agency's determination."),
    E_APPEAL_RECEIVED: _("The agency's receipt of an appeal can only follow an appeal."),
    E_APPEAL_DECIDED: _("An appeal decision can only be recorded after an appeal was filed."),
    E_FILED: _("This request has already been filed."),
    E_INFO_PROVIDED: _("The agency has not asked for information, so there is nothing to answer."),
    E_FEE_RESOLVED: _("There is no open fee notice to resolve."),
    E_DETERMINATION: _(
        "A determination can only be recorded once the request has been filed "
        "and is still awaiting a decision."
    ),
    E_DISAGREEMENT: _("A statement of disagreement can only follow a final refusal."),
}


class TransitionRefused(ValueError):
    """The event cannot be recorded now; ``message`` is for the user, ``field`` the form
    field it concerns."""

    def __init__(self, message: str, field: str = "kind", params: dict[str, str] | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        self.params = params or {}


def allowed_events(status: str, regime: str = "") -> list[str]:
    conventions = regime_conventions(regime)
    return [
        kind
        for kind, t in TRANSITIONS.items()
        if status in t.allowed_from and conventions.allows_event(kind)
    ]


def next_status(
    *,
    status: str,
    kind: str,
    outcome: str,
    open_pause: str | None,
    has_extension: bool,
    regime: str = "",
) -> str:
    """The status after ``kind``, or ``TransitionRefused`` explaining the refusal."""
    transition = TRANSITIONS.get(kind)
    if transition is None:
        raise TransitionRefused(_("Unknown kind of event."))
    conventions = regime_conventions(regime)
    if not conventions.allows_event(kind):
        raise TransitionRefused(
            _("“%(event)s” does not exist under %(statute)s."),
            params={"event": kind, "statute": conventions.statute},
        )
    if status not in transition.allowed_from:
        if kind in REFUSALS:
            raise TransitionRefused(REFUSALS[kind])
        raise TransitionRefused(
            _("“%(event)s” cannot be recorded while the proceeding is “%(status)s”."),
            params={"event": kind, "status": status},
        )
    if kind in PAUSE_PAIRS and open_pause != PAUSE_PAIRS[kind]:
        raise TransitionRefused(REFUSALS[kind])
    if kind in PAUSE_ENDS and open_pause:
        raise TransitionRefused(
            _("The clock is already paused; record the answer to the earlier request first.")
        )
    if kind == E_EXTENSION and has_extension:
        raise TransitionRefused(_("An extension has already been recorded."))
    if transition.needs_outcome and not outcome:
        raise TransitionRefused(_("Choose the outcome of the decision."), field="outcome")
    if not transition.needs_outcome and outcome:
        raise TransitionRefused(_("Only a decision has an outcome."), field="outcome")
    if outcome == REMANDED:
        if kind != E_APPEAL_DECIDED:
            raise TransitionRefused(
                _("Only an appeal decision can send the request back to the agency."),
                field="outcome",
            )
        # The agency must search or decide again: the request is back with it, and its new
        # determination is recorded (and can be appealed) like the first one.
        return IN_PROGRESS
    if transition.to_if_adverse and is_adverse(outcome):
        return transition.to_if_adverse
    return transition.to or status


# --- regime conventions -----------------------------------------------------------------------

# Clock starts.
START_REQUEST = "request"  # received by the agency (or filed, estimated)
START_DETERMINATION = "determination"  # an adverse determination
START_APPEAL_FILED = "appeal_filed"  # the request for review (Privacy Act 552a(d)(3))
START_APPEAL_RECEIVED = "appeal_received"  # the agency's receipt (estimated from filing)
START_FINAL_DENIAL = "final_denial"  # an adverse appeal decision
START_EXHAUSTION = "exhaustion"  # adverse appeal decision, or the missed response deadline


class Facts(NamedTuple):
    """What the clock plan needs to know about a proceeding."""

    regime: str
    request_type: str
    status: str = DRAFT
    expedited: bool = False
    dhs: bool = False
    country: str = ""
    subdivision: str = ""
    counting: Counting | None = None


def _always(facts: Facts) -> bool:
    return True


@dataclass(frozen=True)
class ClockSpec:
    code: str
    starts: str
    met_by: tuple[str, ...]
    when: Callable[[Facts], bool] = _always
    dhs_variant: str = ""  # a code that replaces this one for DHS components


@dataclass(frozen=True)
class PauseRule:
    """A pause the regime's law provides (or may provide): started by ``starts``, ended by
    ``PAUSE_ENDS[starts]``. ``stops_clock`` None means UNCONFIRMED: recorded, and counted as a
    pause only if an administrator says so."""

    starts: str
    label: str
    citation: str
    status: str
    stops_clock: bool | None = True
    once: bool = False


@dataclass(frozen=True)
class RegimeConventions:
    code: str
    statute: str
    statute_es: str = ""
    statute_long: str = ""  # "of Regulation (EU) 2016/679 (GDPR)"
    statute_long_es: str = ""
    fees: bool = False
    pauses: tuple[PauseRule, ...] = ()
    extension: str = ""  # how the extension is sized: "fixed", "agency", "" (none)
    statement_of_disagreement: bool = False
    plan: Mapping[str, Sequence[ClockSpec]] = field(default_factory=dict)
    appeal_plan: Sequence[ClockSpec] = ()
    no_clock_reason: str = ""
    needs_member_state: bool = False
    suit_limit: str = ""  # the clock code of the time limit to sue
    citation: str = ""

    def statute_name(self, language: str = "en", *, long: bool = False) -> str:
        """The statute's name as a letter writes it ("UK GDPR"; "of Regulation (EU) 2016/679
        (GDPR)" in the long form), in English or Spanish."""
        spanish = language.startswith("es")
        if long:
            return (self.statute_long_es if spanish else self.statute_long) or self.statute_name(
                language
            )
        return (self.statute_es if spanish else self.statute) or self.statute

    def allows_event(self, kind: str) -> bool:
        if kind in (E_FEE_NOTICE, E_FEE_RESOLVED):
            return self.fees
        if kind == E_DISAGREEMENT:
            return self.statement_of_disagreement
        return True

    def pause_rule(self, starts: str) -> PauseRule | None:
        return next((p for p in self.pauses if p.starts == starts), None)

    def specs(self, request_type: str) -> list[ClockSpec]:
        if request_type == "appeal" and self.appeal_plan:
            return list(self.appeal_plan)
        return list(self.plan.get(request_type, self.plan.get("*", ())))


RESPONSE_MET = (E_DETERMINATION, E_WITHDRAWN)
FOIA_APPEAL_CLOCKS = (
    ClockSpec(
        "us-foia-appeal-window",
        START_DETERMINATION,
        (E_APPEAL_FILED, E_LAWSUIT),
        dhs_variant="us-dhs-foia-appeal-window",
    ),
    ClockSpec("us-foia-appeal-decision", START_APPEAL_RECEIVED, (E_APPEAL_DECIDED,)),
)
FOIA_SUIT = ClockSpec("us-foia-suit-limit", START_EXHAUSTION, (E_LAWSUIT,))
PA_SUIT = ClockSpec("us-pa-suit-limit", START_FINAL_DENIAL, (E_LAWSUIT,))

FOIA_PAUSES = (
    PauseRule(
        E_INFO_REQUESTED,
        _("One request for information (clock stopped until the reply)"),
        "5 U.S.C. 552(a)(6)(A)(ii)(I)",
        "VERIFIED",
        once=True,
    ),
    PauseRule(
        E_FEE_NOTICE,
        _("Fee clarification (clock stopped until resolved)"),
        "5 U.S.C. 552(a)(6)(A)(ii)(II)",
        "VERIFIED",
    ),
)


def _unconfirmed_pause(citation: str) -> tuple[PauseRule, ...]:
    return (
        PauseRule(
            E_INFO_REQUESTED,
            _("Request for identity proof or clarification"),
            citation,
            "UNCONFIRMED",
            stops_clock=None,
        ),
    )


def _expedited(facts: Facts) -> bool:
    return facts.expedited


REGIMES: dict[str, RegimeConventions] = {
    r.code: r
    for r in [
        RegimeConventions(
            "us-foia",
            "FOIA",
            "FOIA",
            fees=True,
            pauses=FOIA_PAUSES,
            extension="fixed",
            plan={
                "*": (
                    ClockSpec("us-foia-response", START_REQUEST, RESPONSE_MET),
                    ClockSpec(
                        "us-foia-expedited-decision", START_REQUEST, RESPONSE_MET, when=_expedited
                    ),
                    *FOIA_APPEAL_CLOCKS,
                    FOIA_SUIT,
                )
            },
            appeal_plan=(
                ClockSpec("us-foia-appeal-decision", START_REQUEST, RESPONSE_MET),
                FOIA_SUIT,
            ),
            suit_limit="us-foia-suit-limit",
            citation="5 U.S.C. 552",
        ),
        RegimeConventions(
            "us-privacy-act",
            "Privacy Act",
            "Ley de Privacidad (Privacy Act)",
            # Copying costs only (552a(f)(5)); access requests are processed under FOIA's clock,
            # with its tolling.
            fees=True,
            pauses=FOIA_PAUSES,
            extension="agency",
            statement_of_disagreement=True,
            plan={
                "amendment": (
                    ClockSpec(
                        "us-pa-amendment-ack",
                        START_REQUEST,
                        (E_ACKNOWLEDGED, E_DETERMINATION, E_WITHDRAWN),
                    ),
                    ClockSpec(
                        "us-pa-amendment-appeal-decision", START_APPEAL_FILED, (E_APPEAL_DECIDED,)
                    ),
                    PA_SUIT,
                ),
                # Access has no statutory deadline; agencies use the FOIA clock.
                "access": (
                    ClockSpec("us-foia-response", START_REQUEST, RESPONSE_MET),
                    ClockSpec(
                        "us-foia-appeal-window",
                        START_DETERMINATION,
                        (E_APPEAL_FILED, E_LAWSUIT),
                        dhs_variant="us-dhs-pa-appeal-window",
                    ),
                    ClockSpec(
                        "us-foia-appeal-decision", START_APPEAL_RECEIVED, (E_APPEAL_DECIDED,)
                    ),
                    PA_SUIT,
                ),
            },
            appeal_plan=(
                ClockSpec("us-pa-amendment-appeal-decision", START_REQUEST, RESPONSE_MET),
                PA_SUIT,
            ),
            suit_limit="us-pa-suit-limit",
            citation="5 U.S.C. 552a",
        ),
        RegimeConventions(
            "us-dhs-trip",
            "DHS TRIP",
            "DHS TRIP",
            no_clock_reason=_(
                "DHS TRIP has no statutory or regulatory response deadline; the final resolution "
                "letter states the next steps (for No Fly List cases, TSA's final order under 49 "
                "CFR 1560.205 can be reviewed in a court of appeals under 49 U.S.C. 46110)."
            ),
        ),
        RegimeConventions(
            "us-fbi-idhs",
            "28 CFR 16.30-16.34",
            fees=True,
            no_clock_reason=_(
                "FBI Identity History Summary challenges have no statutory response deadline "
                "(28 CFR 16.30-16.34)."
            ),
        ),
        RegimeConventions(
            "eu-gdpr",
            "GDPR",
            "RGPD",
            "of Regulation (EU) 2016/679 (GDPR)",
            "del Reglamento (UE) 2016/679 (RGPD)",
            pauses=_unconfirmed_pause("GDPR Art. 12(6)"),
            extension="fixed",
            needs_member_state=True,
            plan={"*": (ClockSpec("eu-gdpr-response", START_REQUEST, RESPONSE_MET),)},
            citation="GDPR Art. 12",
        ),
        RegimeConventions(
            "uk-gdpr",
            "UK GDPR",
            "UK GDPR",
            "UK GDPR",
            "del UK GDPR",
            pauses=(
                PauseRule(
                    E_INFO_REQUESTED,
                    _("Identity proof or clarification requested (clock stopped)"),
                    "UK GDPR Art. 12A, inserted by the Data (Use and Access) Act 2025 ss.75-79",
                    "VERIFIED-2ND",
                ),
            ),
            extension="fixed",
            plan={"*": (ClockSpec("uk-gdpr-response", START_REQUEST, RESPONSE_MET),)},
            citation="UK GDPR Art. 12, 12A",
        ),
        RegimeConventions(
            "eu-ees",
            "EES Regulation",
            "Reglamento SES",
            pauses=_unconfirmed_pause("Reg. (EU) 2017/2226 Art. 52"),
            needs_member_state=True,
            plan={"*": (ClockSpec("eu-ees-response", START_REQUEST, RESPONSE_MET),)},
        ),
        RegimeConventions(
            "eu-etias",
            "ETIAS Regulation",
            "Reglamento ETIAS",
            pauses=_unconfirmed_pause("Reg. (EU) 2018/1240 Art. 64"),
            needs_member_state=True,
            plan={"*": (ClockSpec("eu-etias-response", START_REQUEST, RESPONSE_MET),)},
        ),
        RegimeConventions(
            "mx-arco",
            "LGPDPPSO",
            "LGPDPPSO",
            fees=False,
            pauses=_unconfirmed_pause("LGPDPPSO (prevención)"),
            extension="fixed",
            plan={"*": (ClockSpec("mx-arco-response", START_REQUEST, RESPONSE_MET),)},
        ),
        RegimeConventions(
            "co-habeas-data",
            "Ley 1581 de 2012",
            "Ley 1581 de 2012",
            pauses=_unconfirmed_pause("Ley 1581 de 2012 Art. 15"),
            extension="fixed",
            plan={
                "access": (ClockSpec("co-habeas-data-consulta", START_REQUEST, RESPONSE_MET),),
                "*": (ClockSpec("co-habeas-data-reclamo", START_REQUEST, RESPONSE_MET),),
            },
        ),
        RegimeConventions(
            "br-lgpd",
            "LGPD",
            "LGPD",
            pauses=_unconfirmed_pause("Lei 13.709/2018 Art. 19"),
            plan={"*": (ClockSpec("br-lgpd-access", START_REQUEST, RESPONSE_MET),)},
        ),
        RegimeConventions(
            "ca-privacy-act",
            "Privacy Act (Canada)",
            "Privacy Act (Canadá)",
            pauses=_unconfirmed_pause("Privacy Act R.S.C. 1985 c. P-21"),
            extension="fixed",
            plan={"*": (ClockSpec("ca-privacy-act-response", START_REQUEST, RESPONSE_MET),)},
        ),
    ]
}
GENERIC = RegimeConventions("", "the applicable law", "la ley aplicable")


def regime_conventions(code: str) -> RegimeConventions:
    return REGIMES.get(code) or replace(GENERIC, code=code)


def clock_specs(regime: str, request_type: str) -> list[ClockSpec]:
    return regime_conventions(regime).specs(request_type)


def no_clock_reason(regime: str, request_type: str, country: str = "") -> str:
    """Why a proceeding has no statutory clock ("" when it has one)."""
    conventions = regime_conventions(regime)
    if conventions.no_clock_reason:
        return conventions.no_clock_reason
    if not conventions.specs(request_type):
        return _("No statutory deadline is recorded for this kind of request.")
    if conventions.needs_member_state and country.upper() in ("", "EU"):
        return _(
            "This deadline is counted on the public holidays of the Member State whose "
            "authority must answer. Set the proceeding's holiday calendar to that country."
        )
    return ""


APPEAL_WINDOWS = frozenset(
    code
    for conventions in REGIMES.values()
    for specs in conventions.plan.values()
    for spec in specs
    if spec.starts == START_DETERMINATION
    for code in (spec.code, spec.dhs_variant)
    if code
)
# The agency's main answer to a request (what agency statistics call "on time").
RESPONSE_CLOCKS = frozenset(
    spec.code
    for conventions in REGIMES.values()
    for specs in conventions.plan.values()
    for spec in specs
    if spec.starts == START_REQUEST and spec.met_by == RESPONSE_MET and spec.when is _always
)
SUIT_LIMITS = frozenset(c.suit_limit for c in REGIMES.values() if c.suit_limit)


def is_appeal_window(code: str) -> bool:
    return code in APPEAL_WINDOWS


def is_requester_deadline(code: str) -> bool:
    rule = RULES.get(code)
    return rule is not None and rule.party == "requester"


# --- rule settings ----------------------------------------------------------------------------


ClosureLookup = Callable[[str, str], tuple[Closure, ...]]


def _no_closures(country: str, subdivision: str) -> tuple[Closure, ...]:
    return ()


@dataclass(frozen=True)
class RuleSettings:
    """What administrators changed: rule overrides, closure days, and whether the UNCONFIRMED
    pauses stop a clock (by clock code). Read once and passed in."""

    overrides: Mapping[str, Rule] = field(default_factory=dict)
    closures: ClosureLookup = _no_closures
    pause_stops_clock: Mapping[str, bool] = field(default_factory=dict)

    def rule(self, code: str) -> Rule:
        return self.overrides.get(code) or get_rule(code)


# --- the clock plan ---------------------------------------------------------------------------


class EventRow(NamedTuple):
    """The few fields of an event the clocks depend on."""

    pk: int
    kind: str
    occurred_on: date
    outcome: str = ""
    first_received_on: date | None = None
    after_cutoff: bool = False
    extension_days: int | None = None
    extended_to: date | None = None


def _first(events: Iterable[Any], kinds: tuple[str, ...], on_or_after: date | None = None) -> Any:
    return next(
        (
            e
            for e in events
            if e.kind in kinds and (on_or_after is None or e.occurred_on >= on_or_after)
        ),
        None,
    )


def open_pause(events: Iterable[Any]) -> str | None:
    """The kind of the pause still open after these events (in date order), if any."""
    pause: str | None = None
    for event in events:
        if event.kind in PAUSE_ENDS:
            pause = event.kind
        elif event.kind in PAUSE_PAIRS:
            pause = None
    return pause


def pauses_between(
    events: Sequence[Any],
    after: date,
    before: date | None,
    stops: Callable[[str], bool] = lambda kind: True,
) -> tuple[list[Pause], bool]:
    """Closed pauses that start within [after, before), and whether one is still open. Only
    pauses for which ``stops(kind)`` is true count."""
    pauses: list[Pause] = []
    started: Any = None
    for event in events:
        if event.kind in PAUSE_ENDS and started is None:
            started = event
        elif started is not None and event.kind == PAUSE_ENDS[started.kind]:
            if (
                stops(started.kind)
                and started.occurred_on >= after
                and (before is None or started.occurred_on < before)
            ):
                pauses.append(Pause(started.occurred_on, event.occurred_on))
            started = None
    still_open = (
        started is not None
        and stops(started.kind)
        and started.occurred_on >= after
        and (before is None or started.occurred_on < before)
    )
    return pauses, still_open


@dataclass
class DerivedClock:
    code: str
    label: str
    start_date: date
    due_date: date
    state: str
    extended: bool
    met_on: date | None
    citation: str
    rule_status: str
    explanation: dict[str, Any]
    inputs: dict[str, Any]

    def as_row(self) -> dict[str, Any]:
        return dict(self.__dict__)


def _pause_stops(
    conventions: RegimeConventions, settings: RuleSettings, code: str
) -> Callable[[str], bool]:
    """Whether a pause of a kind stops this clock: per the regime's law, or, where that is
    UNCONFIRMED, per the administrators' setting for the clock (default: it does not)."""

    def stops(kind: str) -> bool:
        rule = conventions.pause_rule(kind)
        if rule is None:
            return False
        if rule.stops_clock is None:
            return settings.pause_stops_clock.get(code, False)
        return rule.stops_clock

    return stops


def derive_clocks(
    facts: Facts,
    events: Sequence[Any],
    *,
    today: date,
    settings: RuleSettings | None = None,
) -> list[DerivedClock]:
    """The clocks a proceeding should have, from its events (anything with the ``EventRow``
    fields). Raises ``ClockError`` when a date cannot be counted (no member state…)."""
    settings = settings or RuleSettings()
    conventions = regime_conventions(facts.regime)
    events = sorted(events, key=lambda e: (e.occurred_on, e.pk))
    filed = _first(events, (E_FILED,))
    if filed is None:
        return []
    received = _first(events, (E_RECEIVED,))
    determination = _first(events, (E_DETERMINATION,))
    appeal = _first(events, (E_APPEAL_FILED,))
    appeal_received = _first(events, (E_APPEAL_RECEIVED,))
    appeal_decided = _first(events, (E_APPEAL_DECIDED,))
    extensions = [e for e in events if e.kind == E_EXTENSION]
    # The final refusal: an adverse appeal decision, or, in an appeal filed as its own
    # proceeding, its adverse determination.
    final_denial = next(
        (
            e
            for e in (appeal_decided, determination if facts.request_type == "appeal" else None)
            if e is not None and is_adverse(e.outcome)
        ),
        None,
    )
    closures = settings.closures(facts.country, facts.subdivision)
    rows: list[DerivedClock] = []
    derived: dict[str, DerivedClock] = {}
    for spec in conventions.specs(facts.request_type):
        if not spec.when(facts):
            continue
        code = spec.dhs_variant if spec.dhs_variant and facts.dhs else spec.code
        rule = settings.rule(code)
        notes: list[str] = []
        start_event: Any
        first_received = None
        after_cutoff = False
        if spec.starts == START_REQUEST:
            start_event = received or filed
            if received is None:
                notes.append("assumed_receipt")
            else:
                first_received = getattr(received, "first_received_on", None)
                after_cutoff = bool(getattr(received, "after_cutoff", False))
        elif spec.starts == START_DETERMINATION:
            if determination is None or not is_adverse(determination.outcome):
                continue
            start_event = determination
        elif spec.starts == START_APPEAL_FILED:
            if appeal is None:
                continue
            start_event = appeal
        elif spec.starts == START_APPEAL_RECEIVED:
            if appeal is None:
                continue
            start_event = appeal_received or appeal
            if appeal_received is None:
                notes.append("estimated_from_filing")
            else:
                after_cutoff = bool(getattr(appeal_received, "after_cutoff", False))
        elif spec.starts == START_FINAL_DENIAL:
            if final_denial is None:
                continue
            start_event = final_denial
        else:  # START_EXHAUSTION
            if final_denial is not None:
                start_event = final_denial
            else:
                response = next(
                    (r for r in rows if r.inputs.get("start_kind") == START_REQUEST), None
                )
                if response is None or response.state != MISSED or determination is not None:
                    continue
                # Constructive exhaustion: the right to sue accrues when the deadline passes.
                start_event = EventRow(0, "constructive_exhaustion", response.due_date)
                notes.append("constructive_exhaustion")
        start = start_event.occurred_on
        met = _first(events, spec.met_by, on_or_after=start)
        pauses: list[Pause] = []
        paused_now = False
        extension: Extension | None = None
        if spec.starts == START_REQUEST:
            stops = _pause_stops(conventions, settings, code)
            pauses, paused_now = pauses_between(
                events, start, met.occurred_on if met else None, stops
            )
            # An extension notice before the appeal extends the response clock.
            notice = next(
                (e for e in extensions if appeal is None or e.occurred_on < appeal.occurred_on),
                None,
            )
        elif spec.starts in (START_APPEAL_FILED, START_APPEAL_RECEIVED):
            notice = next((e for e in extensions if e.occurred_on >= start), None)
        else:
            notice = None
        if notice is not None and (rule.extension or rule.extension_kind == "agency"):
            extension = Extension(
                getattr(notice, "extension_days", None), getattr(notice, "extended_to", None)
            )
        result: ClockResult = compute(
            rule,
            start,
            country=facts.country or None,
            subdivision=facts.subdivision,
            pauses=pauses,
            extension=extension,
            closures=closures,
            first_received=first_received,
            counting=facts.counting if spec.starts == START_REQUEST else None,
            after_cutoff=after_cutoff,
        )
        explanation = result.explanation
        for flag in notes:
            explanation[flag] = True
        if met is not None:
            state = NO_LONGER if met.kind == E_WITHDRAWN else MET
        elif facts.status in (CLOSED, WITHDRAWN):
            state = NO_LONGER
        elif paused_now:
            state = PAUSED
        elif result.due < today:
            state = MISSED
        else:
            state = RUNNING
        if (
            spec.starts == START_REQUEST
            and state == MISSED
            and conventions.suit_limit
            and determination is None
        ):
            explanation["may_sue"] = True
        inputs = {
            "country": facts.country,
            "subdivision": facts.subdivision,
            "rule": code,
            "start": start.isoformat(),
            "start_event": start_event.kind,
            "start_kind": spec.starts,
            "pauses": [[p.start.isoformat(), p.end.isoformat()] for p in pauses],
            "extended": result.extended,
            "extension": [
                extension.days,
                extension.until.isoformat() if extension.until else None,
            ]
            if extension
            else None,
            "first_received": first_received.isoformat() if first_received else None,
            "after_cutoff": after_cutoff,
            "counting": None,
            "closures": [closure_date(c).isoformat() for c in closures],
        }
        if facts.counting is not None and spec.starts == START_REQUEST:
            inputs["counting"] = [
                facts.counting.receipt_is_day_one,
                facts.counting.cutoff,
                facts.counting.cutoff_timezone,
            ]
        if notes:
            inputs["flags"] = notes
        clock = DerivedClock(
            code=code,
            label=rule.label,
            start_date=start,
            due_date=result.due,
            state=state,
            extended=result.extended,
            met_on=met.occurred_on if met else None,
            citation=rule.citation,
            rule_status=rule.status,
            explanation=explanation,
            inputs=inputs,
        )
        if code in derived:
            continue
        derived[code] = clock
        rows.append(clock)
    return rows


def next_deadline(clocks: Iterable[DerivedClock]) -> DerivedClock | None:
    """The clock that needs attention first."""
    return min(
        (c for c in clocks if needs_attention(c.state)), key=lambda c: c.due_date, default=None
    )


# --- eligibility ------------------------------------------------------------------------------


@dataclass(frozen=True)
class EligibilityWarning:
    reason: str
    citation: str
    status: str


EU_EEA_CH = frozenset(
    "AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE "
    "IS LI NO CH".split()
)


def eligibility(
    *,
    regime: str,
    agency_country: str = "",
    us_status: str = "none",
    nationality: str = "",
    present_in: str = "",
) -> list[EligibilityWarning]:
    """Why the person may not be entitled to this proceeding ([] when nothing is known against
    it). ``present_in`` is where the person is now (Canada's Privacy Act turns on presence)."""
    warnings: list[EligibilityWarning] = []
    nationality = (nationality or "").upper()
    present_in = (present_in or "").upper()
    agency_country = (agency_country or "").upper()
    if regime in ("us-foia", "us-privacy-act") and agency_country and agency_country != "US":
        warnings.append(
            EligibilityWarning(
                _(
                    "FOIA and the Privacy Act apply only to US federal agencies; this agency is "
                    "not one. Use the law of the agency's country."
                ),
                "5 U.S.C. 551(1), 552(f)(1)",
                "VERIFIED",
            )
        )
    if regime == "us-privacy-act" and us_status not in ("citizen", "lpr"):
        warnings.append(
            EligibilityWarning(
                _(
                    "The Privacy Act protects only US citizens and lawful permanent residents. "
                    "Request the records under FOIA, which is open to any person, and use DHS "
                    "TRIP for screening problems."
                ),
                "5 U.S.C. 552a(a)(2); 5 U.S.C. 552(a)(3)",
                "VERIFIED",
            )
        )
    if regime == "eu-ees" and nationality in EU_EEA_CH:
        warnings.append(
            EligibilityWarning(
                _(
                    "EU, EEA and Swiss nationals are not registered in the Entry/Exit System, "
                    "which records third-country nationals on short stays. Use the GDPR with the "
                    "border authority instead."
                ),
                "Reg. (EU) 2017/2226 Art. 2",
                "VERIFIED",
            )
        )
    if regime == "ca-privacy-act" and nationality != "CA" and present_in and present_in != "CA":
        warnings.append(
            EligibilityWarning(
                _(
                    "Canada's Privacy Act covers citizens, permanent residents and individuals "
                    "present in Canada; a foreign national outside Canada has no right of access "
                    "under it."
                ),
                "Privacy Act R.S.C. 1985 c. P-21 s.12; Privacy Act Extension Order No. 2",
                "VERIFIED",
            )
        )
    return warnings


__all__ = [
    "ClockError",
    "DerivedClock",
    "EventRow",
    "Facts",
    "RuleSettings",
    "derive_clocks",
    "eligibility",
    "next_status",
]
