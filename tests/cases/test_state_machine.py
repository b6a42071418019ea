import pytest

from dsar.cases.models import EventKind as K
from dsar.cases.models import ProceedingStatus as S
from dsar.cases.state_machine import TRANSITIONS, allowed_events, check_transition
from dsar.core.exceptions import ApplicationError


def move(status, kind, outcome="", open_pause=None, has_extension=False):
    return check_transition(
        status=status,
        kind=kind,
        outcome=outcome,
        open_pause=open_pause,
        has_extension=has_extension,
    )


def test_every_event_kind_has_a_transition():
    assert set(TRANSITIONS) == set(K.values)


def test_a_request_goes_from_draft_to_closed():
    status = move(S.DRAFT, K.FILED)
    assert status == S.FILED
    status = move(status, K.ACKNOWLEDGED)
    assert status == S.IN_PROGRESS
    status = move(status, K.INFO_REQUESTED)
    assert status == S.AWAITING_REQUESTER
    status = move(status, K.INFO_PROVIDED, open_pause=K.INFO_REQUESTED)
    assert status == S.IN_PROGRESS
    status = move(status, K.DETERMINATION, outcome="denied")
    assert status == S.DETERMINED
    status = move(status, K.APPEAL_FILED)
    assert status == S.APPEALED
    assert move(status, K.APPEAL_DECIDED, outcome="partial") == S.CLOSED


def test_appeal_decision_before_any_appeal_is_refused_with_a_clear_message():
    with pytest.raises(ApplicationError, match="after an appeal was filed"):
        move(S.DETERMINED, K.APPEAL_DECIDED, outcome="granted")


def test_appeal_before_a_determination_is_refused():
    with pytest.raises(ApplicationError, match="after the agency's determination"):
        move(S.IN_PROGRESS, K.APPEAL_FILED)


def test_nothing_but_filing_or_withdrawal_in_draft():
    assert set(allowed_events(S.DRAFT)) == {K.FILED, K.WITHDRAWN, K.NOTE}


def test_determination_needs_an_outcome_and_others_refuse_one():
    with pytest.raises(ApplicationError, match="outcome"):
        move(S.IN_PROGRESS, K.DETERMINATION)
    with pytest.raises(ApplicationError, match="Only a decision"):
        move(S.FILED, K.ACKNOWLEDGED, outcome="granted")


def test_a_second_pause_or_extension_is_refused():
    with pytest.raises(ApplicationError, match="already paused"):
        move(S.IN_PROGRESS, K.FEE_NOTICE, open_pause=K.INFO_REQUESTED)
    with pytest.raises(ApplicationError, match="already been recorded"):
        move(S.IN_PROGRESS, K.EXTENSION_NOTICE, has_extension=True)


def test_a_pause_can_only_be_ended_by_its_own_answer():
    with pytest.raises(ApplicationError, match="no open fee notice"):
        move(S.AWAITING_REQUESTER, K.FEE_RESOLVED, open_pause=K.INFO_REQUESTED)


def test_terminal_states_accept_only_notes():
    for status in (S.CLOSED, S.WITHDRAWN):
        assert allowed_events(status) == [K.NOTE]
