"""The tables that put the state machine's transitions on buttons (problems.transitions)."""

import pytest

from problems.models import CustomerProblem
from problems.transitions import ACTIONS, OPERATIONS, PORTAL_ACTIONS, available_actions

pytestmark = pytest.mark.django_db


def human_transitions():
    return {
        transition.name
        for transition in CustomerProblem().get_all_state_transitions()
        if transition.custom.get("admin", True)
    }


def test_every_transition_people_take_has_a_form_and_a_workflow_call():
    assert set(ACTIONS) == human_transitions()


def test_the_portal_words_only_the_customers_own_transitions():
    assert set(PORTAL_ACTIONS) == {"close", "reopen", "cancel"}
    assert set(PORTAL_ACTIONS) <= human_transitions()


def test_operations_are_not_state_changes():
    assert not set(OPERATIONS) & human_transitions()


def test_available_actions_follow_the_state_machine(problem, alice, carla, dave):
    assert [a.name for a in available_actions(problem, alice)] == ["assign", "cancel", "escalate"]
    portal = available_actions(problem, carla, table=PORTAL_ACTIONS)
    assert [a.name for a in portal] == ["cancel"]
    assert portal[0].action.label == "Withdraw"
    assert available_actions(problem, dave, table=PORTAL_ACTIONS) == []
