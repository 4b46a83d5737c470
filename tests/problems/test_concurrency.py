"""Two people act on one problem at the same moment: exactly one wins."""

import threading

import pytest
from django.db import connection, connections

from problems import workflow
from problems.models import CustomerProblem, EventKind, State

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]


@pytest.fixture(autouse=True)
def _needs_postgres(on_postgres):
    if not on_postgres:
        pytest.skip("row locks are a PostgreSQL matter; SQLite serialises every writer")


def race(*operations):
    """Run the operations in threads released together; return their results/errors."""
    barrier = threading.Barrier(len(operations))
    results = [None] * len(operations)

    def run(index, operation):
        try:
            barrier.wait()
            results[index] = operation()
        except Exception as error:
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, op)) for i, op in enumerate(operations)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


def test_clear_and_cancel_race_one_wins(assigned, alice, sue):
    results = race(
        lambda: workflow.problem_clear(assigned, actor=alice, outcome="restored", summary="Fixed"),
        lambda: workflow.problem_cancel(assigned, actor=sue, kind="incorrect", reason="Not ours"),
    )
    winners = [r for r in results if isinstance(r, CustomerProblem)]
    losers = [r for r in results if isinstance(r, workflow.WorkflowError)]
    assert len(winners) == 1 and len(losers) == 1, results
    assert isinstance(losers[0], workflow.TransitionRefused)
    assert "cannot be" in losers[0].message  # "A problem that is cleared cannot be cancelled."

    final = CustomerProblem.objects.get(pk=assigned.pk)
    assert final.state == winners[0].state
    changes = list(
        final.events.filter(kind__in=[EventKind.CLEARED, EventKind.CANCELLED]).values_list(
            "to_state", flat=True
        )
    )
    assert changes == [final.state]  # the log agrees: one change, the winner's


def test_two_agents_assign_at_once_both_apply_in_turn(problem, alice, sue):
    # Assign is allowed from assigned too: both succeed, one after the other, never lost.
    results = race(
        lambda: workflow.problem_assign(problem, actor=alice, assignee=alice),
        lambda: workflow.problem_assign(problem, actor=sue, assignee=sue),
    )
    assert all(isinstance(r, CustomerProblem) for r in results), results
    events = list(problem.events.filter(kind=EventKind.ASSIGNED).order_by("id"))
    assert [e.from_state for e in events] == [State.OPEN, State.ASSIGNED]
    final = CustomerProblem.objects.get(pk=problem.pk)
    assert final.assignee_id == events[-1].data["assignee"]


def test_a_stale_copy_cannot_overwrite_a_transition(problem, alice):
    stale = CustomerProblem.objects.get(pk=problem.pk)
    workflow.problem_assign(problem, actor=alice, assignee=alice)
    stale.title = "changed on a stale copy"
    with pytest.raises(Exception, match="state"):
        stale.save()  # ConcurrentTransitionMixin: the state moved under it
    assert connection.vendor == "postgresql"
