"""Every transition of DESIGN.md's table: allowed, refused by its guard, refused by role,
and the event it writes."""

from datetime import timedelta

import pytest
from django.utils import timezone

from problems import workflow
from problems.models import (
    ActivityKind,
    CancellationKind,
    EventKind,
    ProblemEvent,
    RestorationOutcome,
    State,
)
from tests import factories

pytestmark = pytest.mark.django_db


def last_event(problem):
    return problem.events.order_by("-created_at", "-id").first()


def clear(problem, actor):
    return workflow.problem_clear(
        problem, actor=actor, outcome=RestorationOutcome.RESTORED, summary="Line card replaced."
    )


# --- create ---------------------------------------------------------------------------------
def test_create_sets_targets_from_the_policy_and_writes_the_event(problem, policy):
    assert problem.state == State.OPEN
    assert problem.sla_policy == policy
    assert problem.respond_by == problem.created_at + timedelta(hours=1)
    assert problem.restore_by == problem.created_at + timedelta(hours=8)
    assert problem.jeopardy_at == problem.created_at + timedelta(hours=6)
    assert problem.escalation_due_at == problem.jeopardy_at  # level 1 is due at jeopardy
    assert problem.team.name == "Broadband support"  # the category's default team
    event = problem.events.get()
    assert (event.kind, event.from_state, event.to_state, event.actor_label) == (
        EventKind.CREATED,
        "",
        State.OPEN,
        "alice",
    )


def test_a_tier_policy_wins_over_the_any_tier_policy(make_problem, company_a, policy):
    company_a.tier = "platinum"
    company_a.save()
    platinum = factories.SLAPolicyFactory(
        customer_tier="platinum", restoration_time=timedelta(hours=2)
    )
    assert make_problem().sla_policy == platinum


def test_create_matches_known_errors(make_problem):
    known_error = factories.KnownErrorFactory()
    problem = make_problem(
        title="Connection drops every night",
        description="Our internet connection drops every night; the router reconnects.",
    )
    assert problem.known_error == known_error
    matched = problem.events.get(kind=EventKind.KNOWN_ERROR_MATCHED)
    assert not matched.is_public  # diagnosis is for the desk
    assert matched.data["matches"][0]["known_error_id"] == known_error.pk


def test_a_contact_reports_only_for_their_own_company(carla, company_b, broadband_category):
    problem = workflow.problem_create(
        actor=carla, title="Slow", description="Very slow.", category=broadband_category
    )
    assert problem.customer == carla.customer and problem.reported_by == carla
    with pytest.raises(workflow.NotPermitted):
        workflow.problem_create(actor=carla, title="x", description="y", customer=company_b)


def test_staff_may_leave_the_customer_to_be_identified(alice, company_a):
    problem = workflow.problem_create(actor=alice, title="Alarm storm", description="From NOC.")
    assert problem.customer is None
    workflow.problem_update(problem, actor=alice, customer=company_a)
    problem.refresh_from_db()
    assert problem.customer == company_a
    assert last_event(problem).data["changes"]["customer"] == [None, company_a.pk]


def test_someone_without_a_role_cannot_report(olga):
    with pytest.raises(workflow.NotPermitted):
        workflow.problem_create(actor=olga, title="x", description="y")
    assert not ProblemEvent.objects.exists()


def test_create_refuses_an_empty_title(alice):
    with pytest.raises(workflow.InvalidInput):
        workflow.problem_create(actor=alice, title=" ", description="y")


# --- assign ---------------------------------------------------------------------------------
def test_assign_to_an_agent_of_the_team(problem, alice):
    problem = workflow.problem_assign(problem, actor=alice, assignee=alice)
    assert problem.state == State.ASSIGNED and problem.assignee == alice
    assert problem.responded_at is not None
    event = last_event(problem)
    assert (event.kind, event.from_state, event.to_state) == ("assigned", "open", "assigned")


def test_assign_refuses_an_agent_of_another_team(problem, alice, bob):
    with pytest.raises(workflow.TransitionRefused, match="member of the problem's team"):
        workflow.problem_assign(problem, actor=alice, assignee=bob)
    problem.refresh_from_db()
    assert problem.state == State.OPEN and problem.assignee is None
    assert problem.events.count() == 1


def test_assign_with_a_move_to_another_team(problem, alice, bob, voice):
    problem = workflow.problem_assign(problem, actor=alice, assignee=bob, team=voice)
    assert (problem.team, problem.assignee) == (voice, bob)


def test_assign_refuses_inactive_agents_and_customers(problem, alice, carla, broadband):
    broadband.members.add(carla)
    with pytest.raises(workflow.TransitionRefused):
        workflow.problem_assign(problem, actor=alice, assignee=carla)
    alice.is_active = False
    alice.save()
    sue = factories.agent("sue2", broadband)
    with pytest.raises(workflow.TransitionRefused):
        workflow.problem_assign(problem, actor=sue, assignee=alice)


def test_a_customer_cannot_assign(problem, carla, alice):
    with pytest.raises(workflow.NotPermitted):
        workflow.problem_assign(problem, actor=carla, assignee=alice)


def test_assign_keeps_a_problem_in_jeopardy(problem, alice, broadband, time_machine):
    time_machine.move_to(problem.jeopardy_at + timedelta(minutes=1))
    workflow.scan_timers()
    other = factories.agent("lena", broadband)
    problem = workflow.problem_assign(problem, actor=alice, assignee=other)
    assert problem.state == State.IN_JEOPARDY
    event = last_event(problem)
    assert (event.from_state, event.to_state) == (State.IN_JEOPARDY, State.IN_JEOPARDY)


def test_assign_refused_on_a_cleared_problem(assigned, alice):
    clear(assigned, alice)
    with pytest.raises(workflow.TransitionRefused, match="cleared cannot be assigned"):
        workflow.problem_assign(assigned, actor=alice, assignee=alice)


# --- replan ---------------------------------------------------------------------------------
@pytest.fixture
def in_jeopardy(assigned, time_machine):
    time_machine.move_to(assigned.jeopardy_at + timedelta(minutes=1), tick=False)
    workflow.scan_timers()
    assigned.refresh_from_db()
    assert assigned.state == State.IN_JEOPARDY
    return assigned


def test_a_supervisor_replans_a_problem_in_jeopardy(in_jeopardy, sue):
    new_target = timezone.now() + timedelta(hours=4)
    problem = workflow.problem_replan(
        in_jeopardy, actor=sue, restore_by=new_target, reason="Parts due"
    )
    assert problem.state == State.ASSIGNED
    assert problem.restore_by == new_target
    assert problem.jeopardy_at == timezone.now() + timedelta(hours=3)  # 75 % of the time left
    assert problem.escalation_level == 1  # escalation is not undone
    event = last_event(problem)
    assert (event.kind, event.from_state, event.to_state) == (
        "replanned",
        "in_jeopardy",
        "assigned",
    )
    assert event.message == "Parts due"


def test_replan_returns_an_unassigned_problem_to_open(problem, sue, time_machine):
    time_machine.move_to(problem.jeopardy_at + timedelta(minutes=1), tick=False)
    workflow.scan_timers()
    problem = workflow.problem_replan(
        problem, actor=sue, restore_by=timezone.now() + timedelta(hours=2), reason="Re-plan"
    )
    assert problem.state == State.OPEN


def test_an_agent_cannot_replan(in_jeopardy, alice):
    with pytest.raises(workflow.NotPermitted):
        workflow.problem_replan(
            in_jeopardy, actor=alice, restore_by=timezone.now() + timedelta(hours=4), reason="x"
        )


def test_replan_refuses_a_target_in_the_past(in_jeopardy, sue):
    with pytest.raises(workflow.InvalidInput):
        workflow.problem_replan(
            in_jeopardy, actor=sue, restore_by=timezone.now() - timedelta(minutes=5), reason="x"
        )


def test_replan_refused_when_not_in_jeopardy(assigned, sue):
    with pytest.raises(workflow.TransitionRefused, match="assigned cannot be re-planned"):
        workflow.problem_replan(
            assigned, actor=sue, restore_by=timezone.now() + timedelta(hours=9), reason="x"
        )


# --- clear ----------------------------------------------------------------------------------
def test_clear_with_an_outcome_and_a_summary(assigned, alice, policy):
    problem = workflow.problem_clear(
        assigned,
        actor=alice,
        outcome=RestorationOutcome.WORKAROUND,
        summary="Rerouted.",
        root_cause="Cut fibre",
    )
    assert problem.state == State.CLEARED
    assert problem.confirm_by == problem.cleared_at + policy.confirmation_window
    assert problem.escalation_due_at is None
    event = last_event(problem)
    assert (event.kind, event.from_state, event.to_state) == ("cleared", "assigned", "cleared")
    assert event.data["outcome"] == "workaround" and event.data["root_cause"] == "Cut fibre"


@pytest.mark.parametrize(
    ("outcome", "summary"),
    [("", "Fixed"), ("unsuccessful", "Fixed"), ("restored", "  ")],
)
def test_clear_refused_without_a_restoration_outcome_and_summary(assigned, alice, outcome, summary):
    with pytest.raises(workflow.TransitionRefused, match="outcome and a resolution summary"):
        workflow.problem_clear(assigned, actor=alice, outcome=outcome, summary=summary)
    assigned.refresh_from_db()
    assert assigned.state == State.ASSIGNED


def test_clear_refused_while_an_activity_runs(assigned, alice):
    activity = workflow.activity_schedule(
        assigned, actor=alice, kind=ActivityKind.SERVICE_RESTORATION, summary="Replace card"
    )
    with pytest.raises(workflow.TransitionRefused, match="still scheduled or in progress"):
        clear(assigned, alice)
    workflow.activity_complete(activity, actor=alice, outcome="restored")
    assert clear(assigned, alice).state == State.CLEARED


def test_an_open_problem_cannot_be_cleared(problem, alice):
    with pytest.raises(workflow.TransitionRefused, match="open cannot be cleared"):
        clear(problem, alice)


def test_a_customer_cannot_clear(assigned, carla):
    with pytest.raises(workflow.NotPermitted):
        clear(assigned, carla)


# --- reopen ---------------------------------------------------------------------------------
@pytest.fixture
def cleared(assigned, alice):
    return clear(assigned, alice)


def test_the_customer_reopens_within_the_window(cleared, carla):
    problem = workflow.problem_reopen(cleared, actor=carla, reason="Down again")
    assert problem.state == State.ASSIGNED and problem.cleared_at is None
    event = last_event(problem)
    assert (event.kind, event.from_state, event.to_state, event.actor_label) == (
        "reopened",
        "cleared",
        "assigned",
        "carla",
    )


def test_reopen_refused_without_a_reason(cleared, carla):
    with pytest.raises(workflow.TransitionRefused, match="Give a reason"):
        workflow.problem_reopen(cleared, actor=carla, reason=" ")


def test_reopen_refused_after_the_window(cleared, carla, time_machine):
    time_machine.move_to(cleared.confirm_by + timedelta(seconds=1))
    with pytest.raises(workflow.TransitionRefused, match="confirmation window has passed"):
        workflow.problem_reopen(cleared, actor=carla, reason="Down again")


def test_another_company_cannot_reopen(cleared, dave):
    with pytest.raises(workflow.InvalidInput, match="No such problem"):
        workflow.problem_reopen(cleared, actor=dave, reason="Down again")


def test_an_agent_reopens_for_the_customer(cleared, alice):
    assert (
        workflow.problem_reopen(cleared, actor=alice, reason="Customer called").state == "assigned"
    )


# --- close ----------------------------------------------------------------------------------
def test_the_customer_confirms_and_closes(cleared, carla):
    problem = workflow.problem_close(cleared, actor=carla, confirmed=True)
    assert problem.state == State.CLOSED and problem.customer_confirmed_at is not None
    event = last_event(problem)
    assert (event.kind, event.from_state, event.to_state) == ("closed", "cleared", "closed")
    assert event.data == {"confirmed": True}


def test_the_system_closes_only_after_the_window(cleared, time_machine):
    with pytest.raises(workflow.TransitionRefused, match="confirms or its confirmation window"):
        workflow.problem_close(cleared, actor=workflow.SYSTEM, confirmed=False)
    time_machine.move_to(cleared.confirm_by + timedelta(seconds=1))
    problem = workflow.problem_close(cleared, actor=workflow.SYSTEM, confirmed=False)
    assert problem.state == State.CLOSED and problem.customer_confirmed_at is None
    assert last_event(problem).actor_label == "system"


def test_another_company_cannot_close(cleared, dave):
    with pytest.raises(workflow.InvalidInput):
        workflow.problem_close(cleared, actor=dave, confirmed=True)


def test_someone_without_a_role_cannot_close(cleared, olga):
    with pytest.raises(workflow.InvalidInput):  # cannot even see it
        workflow.problem_close(cleared, actor=olga, confirmed=True)


def test_closed_is_terminal(cleared, carla, alice):
    workflow.problem_close(cleared, actor=carla, confirmed=True)
    for attempt in (
        lambda: workflow.problem_reopen(cleared, actor=alice, reason="x"),
        lambda: workflow.problem_cancel(cleared, actor=alice, kind="incorrect", reason="x"),
        lambda: workflow.problem_assign(cleared, actor=alice, assignee=alice),
    ):
        with pytest.raises(workflow.TransitionRefused):
            attempt()


# --- cancel ---------------------------------------------------------------------------------
def test_the_customer_withdraws_an_open_problem(problem, carla):
    problem = workflow.problem_cancel(
        problem, actor=carla, kind=CancellationKind.WITHDRAWN, reason="Works again"
    )
    assert problem.state == State.CANCELLED and problem.cancelled_at is not None
    event = last_event(problem)
    assert (event.kind, event.from_state, event.to_state) == ("cancelled", "open", "cancelled")


def test_the_customer_cannot_withdraw_once_assigned(assigned, carla):
    with pytest.raises(workflow.NotPermitted):
        workflow.problem_cancel(assigned, actor=carla, kind="withdrawn", reason="Works again")


def test_an_agent_cancels_a_duplicate(make_problem, alice):
    original, duplicate = make_problem(), make_problem()
    with pytest.raises(workflow.TransitionRefused, match="of which problem"):
        workflow.problem_cancel(duplicate, actor=alice, kind="duplicate", reason="Same")
    problem = workflow.problem_cancel(
        duplicate, actor=alice, kind="duplicate", reason="Same", duplicate_of=original
    )
    assert problem.duplicate_of == original
    assert last_event(problem).data == {"kind": "duplicate", "duplicate_of": original.pk}


def test_cancel_refused_without_a_reason(problem, alice):
    with pytest.raises(workflow.TransitionRefused, match="Give a reason"):
        workflow.problem_cancel(problem, actor=alice, kind="incorrect", reason="")


def test_cancel_refused_on_a_cleared_problem(cleared, alice):
    with pytest.raises(workflow.TransitionRefused):
        workflow.problem_cancel(cleared, actor=alice, kind="incorrect", reason="x")


# --- security events ------------------------------------------------------------------------
def test_only_the_security_team_and_supervisors_act_on_security_problems(
    make_problem, security_category, alice, sam, sue
):
    problem = make_problem(actor=sam, category=security_category)
    with pytest.raises(workflow.InvalidInput, match="No such problem"):
        workflow.note_add(problem, actor=alice, body="Looking")
    workflow.note_add(problem, actor=sam, body="Looking", is_internal=True)
    workflow.note_add(problem, actor=sue, body="Watching", is_internal=True)


# --- the log --------------------------------------------------------------------------------
def test_events_are_append_only(problem):
    event = problem.events.get()
    event.message = "rewritten"
    with pytest.raises(Exception, match="append-only"):
        event.save()
    with pytest.raises(Exception, match="append-only"):
        event.delete()


def test_state_cannot_be_set_directly(problem):
    with pytest.raises(AttributeError):
        problem.state = State.CLOSED
