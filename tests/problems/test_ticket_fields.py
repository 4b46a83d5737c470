"""What the TMF API needs from the problems app: the reporter's severity, ticket type,
requested date and references (set only through the workflow), the event hook, and
deletion of a finished problem."""

import pytest
from django.contrib.auth.models import Permission
from django.db import transaction

from problems import workflow
from problems.models import Channel, CustomerProblem, EventKind, ProblemEvent, State
from problems.signals import event_recorded, problem_deleting

pytestmark = pytest.mark.django_db


def test_create_keeps_the_reporters_classification(make_problem):
    problem = make_problem(
        severity=" Urgent ",
        ticket_type="Bill dispute",
        channel=Channel.API,
        external_references={"attachment": [{"url": "https://files.example/1"}]},
    )
    assert (problem.severity, problem.ticket_type) == ("Urgent", "Bill dispute")
    created = problem.events.get(kind=EventKind.CREATED)
    assert (created.data["severity"], created.data["ticket_type"]) == ("Urgent", "Bill dispute")


def test_update_changes_them_with_an_event(make_problem, alice):
    problem = make_problem()
    workflow.problem_update(
        problem,
        actor=alice,
        severity="Minor",
        ticket_type="incident",
        channel=Channel.PHONE,
        external_references={"relatedEntity": [{"id": "bill-1"}]},
    )
    problem.refresh_from_db()
    assert (problem.severity, problem.channel) == ("Minor", Channel.PHONE)
    changes = problem.events.get(kind=EventKind.UPDATED).data["changes"]
    assert changes["external_references"] == [{}, {"relatedEntity": [{"id": "bill-1"}]}]


@pytest.mark.parametrize(
    "fields",
    [
        {"channel": "pigeon"},
        {"external_references": ["not", "a", "mapping"]},
        {"external_references": {"big": "x" * 70_000}},
    ],
)
def test_bad_values_are_refused(make_problem, fields):
    with pytest.raises(workflow.InvalidInput):
        make_problem(**fields)
    assert not CustomerProblem.objects.exists()


def test_every_event_is_announced_inside_its_transaction(make_problem, alice):
    seen = []

    def receiver(sender, event, **kwargs):
        seen.append((event.kind, transaction.get_connection().in_atomic_block))

    event_recorded.connect(receiver)
    try:
        problem = make_problem()
        workflow.problem_assign(problem, actor=alice, assignee=alice)
    finally:
        event_recorded.disconnect(receiver)
    assert seen == [(EventKind.CREATED, True), (EventKind.ASSIGNED, True)]


def test_a_failing_receiver_fails_the_operation(make_problem, alice):
    problem = make_problem()

    def receiver(sender, event, **kwargs):
        raise RuntimeError("outbox full")

    event_recorded.connect(receiver)
    try:
        with pytest.raises(RuntimeError):
            workflow.problem_assign(problem, actor=alice, assignee=alice)
    finally:
        event_recorded.disconnect(receiver)
    problem.refresh_from_db()
    assert problem.state == State.OPEN and problem.events.count() == 1


class TestDelete:
    @pytest.fixture
    def eraser(self, sue):
        sue.user_permissions.add(Permission.objects.get(codename="delete_customerproblem"))
        return type(sue).objects.get(pk=sue.pk)  # fresh permission cache

    def test_needs_the_permission(self, make_problem, alice):
        problem = make_problem()
        workflow.problem_cancel(problem, actor=alice, kind="incorrect", reason="test")
        with pytest.raises(workflow.NotPermitted):
            workflow.problem_delete(problem, actor=alice, reason="erase")

    def test_an_active_problem_is_refused(self, make_problem, eraser):
        with pytest.raises(workflow.TransitionRefused, match="cancel or close it first"):
            workflow.problem_delete(make_problem(), actor=eraser, reason="erase")

    def test_a_finished_problem_goes_with_its_history_after_it_is_announced(
        self, make_problem, alice, eraser
    ):
        problem = make_problem()
        workflow.problem_cancel(problem, actor=alice, kind="withdrawn", reason="customer asked")
        announced = []

        def receiver(sender, problem, actor, reason, **kwargs):
            announced.append((problem.pk, problem.events.count(), reason))

        problem_deleting.connect(receiver)
        try:
            workflow.problem_delete(problem, actor=eraser, reason="GDPR erasure")
        finally:
            problem_deleting.disconnect(receiver)
        assert announced == [(problem.pk, 2, "GDPR erasure")]
        assert not CustomerProblem.objects.filter(pk=problem.pk).exists()
        assert not ProblemEvent.objects.filter(problem_id=problem.pk).exists()

    def test_a_reason_is_needed(self, make_problem, eraser):
        with pytest.raises(workflow.InvalidInput):
            workflow.problem_delete(make_problem(), actor=eraser, reason=" ")
