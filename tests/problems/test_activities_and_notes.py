"""Recovery activities (eTOM Correct & Recover), notes, watchers, workarounds, updates."""

import pytest

from problems import workflow
from problems.models import ActivityKind, ActivityStatus, EventKind, Priority

pytestmark = pytest.mark.django_db


def test_an_activity_from_schedule_to_outcome(assigned, alice, broadband):
    activity = workflow.activity_schedule(
        assigned,
        actor=alice,
        kind=ActivityKind.SUPPLIER_REQUEST,
        summary="Ask the wholesaler to repair the line",
        supplier_name="Northwind",
    )
    assert activity.status == ActivityStatus.SCHEDULED
    activity = workflow.activity_update(
        activity, actor=alice, start=True, external_reference="NW-1"
    )
    assert activity.status == ActivityStatus.IN_PROGRESS and activity.external_reference == "NW-1"
    activity = workflow.activity_complete(
        activity, actor=alice, outcome="workaround", notes="Rerouted"
    )
    assert (activity.status, activity.outcome) == (ActivityStatus.COMPLETED, "workaround")
    kinds = list(assigned.events.values_list("kind", flat=True))
    assert kinds[-3:] == ["activity_scheduled", "activity_updated", "activity_completed"]
    with pytest.raises(workflow.TransitionRefused, match="no longer running"):
        workflow.activity_complete(activity, actor=alice, outcome="restored")


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"kind": "magic", "summary": "x"}, "kind"),
        ({"kind": ActivityKind.CUSTOMER_EDUCATION, "summary": " "}, "what is to be done"),
        ({"kind": ActivityKind.SUPPLIER_REQUEST, "summary": "x"}, "supplier"),
    ],
)
def test_activity_input_is_checked(assigned, alice, fields, message):
    with pytest.raises(workflow.InvalidInput, match=message):
        workflow.activity_schedule(assigned, actor=alice, **fields)


def test_activities_need_an_active_problem_and_the_permission(assigned, alice, carla):
    with pytest.raises(workflow.NotPermitted):
        workflow.activity_schedule(assigned, actor=carla, kind="customer_education", summary="x")
    workflow.problem_clear(assigned, actor=alice, outcome="restored", summary="Fixed")
    with pytest.raises(workflow.TransitionRefused):
        workflow.activity_schedule(assigned, actor=alice, kind="customer_education", summary="x")


def test_a_cancelled_activity_no_longer_blocks_clearing(assigned, alice):
    activity = workflow.activity_schedule(
        assigned, actor=alice, kind="process_request", summary="x"
    )
    with pytest.raises(workflow.InvalidInput):
        workflow.activity_cancel(activity, actor=alice, reason="")
    workflow.activity_cancel(activity, actor=alice, reason="Not needed")
    assert (
        workflow.problem_clear(assigned, actor=alice, outcome="restored", summary="ok").state
        == "cleared"
    )


def test_notes_public_and_internal(problem, alice, carla):
    public = workflow.note_add(problem, actor=carla, body="Still down")
    internal = workflow.note_add(problem, actor=alice, body="Cabinet fault", is_internal=True)
    assert not public.is_internal and internal.is_internal
    events = problem.events.filter(kind=EventKind.NOTE).order_by("id")
    assert [e.is_public for e in events] == [True, False]
    with pytest.raises(workflow.NotPermitted):
        workflow.note_add(problem, actor=carla, body="x", is_internal=True)
    with pytest.raises(workflow.InvalidInput):
        workflow.note_add(problem, actor=alice, body="  ")


def test_another_company_cannot_add_notes(problem, dave):
    with pytest.raises(workflow.InvalidInput, match="No such problem"):
        workflow.note_add(problem, actor=dave, body="Hello")


def test_watchers_customer_manages_own_company_only(problem, carla, dave, alice, company_a):
    colleague = type(carla).objects.create(username="pia", email="pia@a.test", customer=company_a)
    workflow.watchers_set(problem, actor=alice, watchers=[alice])
    workflow.watchers_set(problem, actor=carla, watchers=[colleague])
    assert set(problem.watchers.all()) == {alice, colleague}  # staff watcher kept
    with pytest.raises(workflow.NotPermitted):
        workflow.watchers_set(problem, actor=carla, watchers=[dave])
    with pytest.raises(workflow.InvalidInput):
        workflow.watchers_set(problem, actor=alice, watchers=[dave])
    assert problem.events.filter(kind=EventKind.WATCHERS_CHANGED).count() == 2


def test_apply_a_known_error_workaround(problem, alice):
    from tests.factories import KnownErrorFactory

    known_error = KnownErrorFactory()
    problem = workflow.problem_apply_workaround(problem, actor=alice, known_error=known_error)
    assert problem.workaround_applied and problem.known_error == known_error
    assert problem.events.filter(kind=EventKind.WORKAROUND_APPLIED).exists()


def test_a_priority_change_reapplies_the_policy(problem, alice):
    from datetime import timedelta

    from tests.factories import SLAPolicyFactory

    SLAPolicyFactory(priority=Priority.CRITICAL, restoration_time=timedelta(hours=2))
    problem = workflow.problem_update(problem, actor=alice, priority=Priority.CRITICAL)
    assert problem.restore_by == problem.created_at + timedelta(hours=2)
    event = problem.events.latest("id")
    assert event.kind == EventKind.UPDATED and event.data["changes"]["priority"] == [3, 1]


def test_update_refuses_unknown_fields_and_closed_problems(problem, alice, carla):
    with pytest.raises(workflow.InvalidInput, match="state"):
        workflow.problem_update(problem, actor=alice, state="closed")
    with pytest.raises(workflow.NotPermitted):
        workflow.problem_update(problem, actor=carla, title="mine")
    workflow.problem_cancel(problem, actor=alice, kind="incorrect", reason="x")
    with pytest.raises(workflow.TransitionRefused):
        workflow.problem_update(problem, actor=alice, title="late")


def test_an_update_with_no_change_writes_nothing(problem, alice):
    workflow.problem_update(problem, actor=alice, title=problem.title)
    assert problem.events.count() == 1
