import pytest

from dsar.cases.models import EventKind as K
from dsar.cases.models import ProceedingStatus as S
from dsar.cases.state_machine import TRANSITIONS, allowed_events, check_transition
from dsar.core.exceptions import ApplicationError
from dsar.deadlines import procedure


def move(status, kind, outcome="", open_pause=None, has_extension=False, regime="us-foia"):
    return check_transition(
        status=status,
        kind=kind,
        outcome=outcome,
        open_pause=open_pause,
        has_extension=has_extension,
        regime=regime,
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
    assert move(status, K.APPEAL_DECIDED, outcome="granted") == S.CLOSED
    # A final refusal leaves the proceeding open for what comes next: close, court.
    status = move(status, K.APPEAL_DECIDED, outcome="partial")
    assert status == S.FINAL
    assert move(status, K.LAWSUIT_FILED) == S.IN_COURT
    assert move(status, K.CLOSED) == S.CLOSED


def test_a_statement_of_disagreement_follows_a_final_privacy_act_refusal_only():
    assert move(S.FINAL, K.DISAGREEMENT_FILED, regime="us-privacy-act") == S.FINAL
    with pytest.raises(ApplicationError, match="does not exist under FOIA"):
        move(S.FINAL, K.DISAGREEMENT_FILED, regime="us-foia")
    with pytest.raises(ApplicationError, match="only follow a final refusal"):
        move(S.DETERMINED, K.DISAGREEMENT_FILED, regime="us-privacy-act")


def test_no_fee_notice_where_the_regime_has_no_fees():
    # GDPR Art. 12(5): requests are free; there is no fee pause to record.
    assert K.FEE_NOTICE not in allowed_events(S.IN_PROGRESS, "eu-gdpr")
    assert K.FEE_NOTICE in allowed_events(S.IN_PROGRESS, "us-foia")
    with pytest.raises(ApplicationError, match="does not exist under GDPR"):
        move(S.IN_PROGRESS, K.FEE_NOTICE, regime="eu-gdpr")


@pytest.mark.parametrize("regime", ["us-foia", "us-privacy-act", "eu-gdpr", "uk-gdpr", "mx-arco"])
def test_every_status_and_event_pair_follows_the_table(regime):
    """Walk every (status, event) pair: it is accepted exactly when the table allows it (and
    the regime has the event), and it leads where the table says."""
    conventions = procedure.regime_conventions(regime)
    for status in S.values:
        for kind in K.values:
            transition = procedure.TRANSITIONS[kind]
            allowed = status in transition.allowed_from and conventions.allows_event(kind)
            outcome = "denied" if transition.needs_outcome else ""
            pause = K.INFO_REQUESTED if kind == K.INFO_PROVIDED else None
            pause = K.FEE_NOTICE if kind == K.FEE_RESOLVED else pause
            if not allowed:
                with pytest.raises(ApplicationError):
                    move(status, kind, outcome=outcome, open_pause=pause, regime=regime)
                assert kind not in allowed_events(status, regime)
                continue
            after = move(status, kind, outcome=outcome, open_pause=pause, regime=regime)
            expected = transition.to_if_adverse or transition.to or status
            assert after == expected, (status, kind)
            assert kind in allowed_events(status, regime)
            assert procedure.is_open(after) == (after not in (S.CLOSED, S.WITHDRAWN))


def test_the_model_choices_are_the_procedure_table():
    assert tuple(S.values) == procedure.STATUSES
    assert tuple(K.values) == procedure.EVENT_KINDS


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


def test_a_remanded_appeal_sends_the_request_back_to_the_agency():
    after = move(S.APPEALED, K.APPEAL_DECIDED, outcome="remanded")
    assert after == S.IN_PROGRESS
    assert K.DETERMINATION in allowed_events(after)
    assert move(S.APPEALED, K.APPEAL_DECIDED, outcome="denied") == procedure.FINAL


def test_only_an_appeal_decision_can_be_remanded():
    with pytest.raises(ApplicationError, match="appeal decision"):
        move(S.IN_PROGRESS, K.DETERMINATION, outcome="remanded")
