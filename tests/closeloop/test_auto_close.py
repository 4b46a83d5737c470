"""Beat closes cleared problems nobody answered within the confirmation window."""

from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from problems import tasks, workflow
from problems.models import EventKind, SatisfactionSurvey, State
from tests.closeloop.conftest import clear

pytestmark = pytest.mark.django_db


def test_a_problem_past_its_window_is_closed_with_an_event_saying_why(cleared):
    cleared.refresh_from_db()
    with time_machine.travel(cleared.confirm_by - timedelta(minutes=1)):
        assert workflow.close_unconfirmed() == 0
    with time_machine.travel(cleared.confirm_by + timedelta(minutes=1)):
        assert tasks.close_unconfirmed_problems() == 1
    cleared.refresh_from_db()
    assert cleared.state == State.CLOSED and cleared.customer_confirmed_at is None
    event = cleared.events.get(kind=EventKind.CLOSED)
    assert event.actor is None and event.actor_label == "confirmation timer"
    assert event.message == "Closed: the confirmation window passed without an answer."
    assert event.data["reason"] == "confirmation_window_passed"
    assert SatisfactionSurvey.objects.filter(problem=cleared).exists()


def test_running_it_twice_changes_nothing(cleared):
    cleared.refresh_from_db()
    with time_machine.travel(cleared.confirm_by + timedelta(hours=1)):
        assert workflow.close_unconfirmed() == 1
        events = cleared.events.count()
        assert workflow.close_unconfirmed() == 0
    assert cleared.events.count() == events
    assert SatisfactionSurvey.objects.filter(problem=cleared).count() == 1


def test_it_goes_in_batches_and_leaves_what_is_not_due(make_problem, alice):
    problems = []
    for _ in range(5):
        problem = workflow.problem_assign(make_problem(), actor=alice, assignee=alice)
        problems.append(clear(problem, alice))
    later = problems[-1]
    later.refresh_from_db()
    reopened = workflow.problem_reopen(problems[0], actor=alice, reason="Still broken.")
    assert reopened.state == State.ASSIGNED
    with time_machine.travel(later.confirm_by + timedelta(minutes=1)):
        assert workflow.close_unconfirmed(batch_size=2) == 4
    states = sorted(p.state for p in type(later).objects.filter(pk__in=[p.pk for p in problems]))
    assert states == [State.ASSIGNED] + [State.CLOSED] * 4


def test_the_due_problems_are_found_with_one_query(cleared):
    cleared.refresh_from_db()
    with (
        time_machine.travel(cleared.confirm_by - timedelta(days=1)),
        CaptureQueriesContext(connection) as queries,
    ):
        workflow.close_unconfirmed()
    assert len(queries) == 1
    assert "confirm_by" in queries[0]["sql"]


def test_closing_many_takes_a_fixed_number_of_queries(make_problem, alice, carla):
    def close_all(count):
        problems = [
            clear(workflow.problem_assign(make_problem(), actor=alice, assignee=alice), alice)
            for _ in range(count)
        ]
        latest = type(problems[0]).objects.get(pk=problems[-1].pk)
        with (
            time_machine.travel(latest.confirm_by + timedelta(minutes=1)),
            CaptureQueriesContext(connection) as queries,
        ):
            assert workflow.close_unconfirmed() == count
        return len(queries)

    assert close_all(2) == close_all(12)


def test_a_problem_reopened_meanwhile_is_left_alone(cleared, alice):
    cleared.refresh_from_db()
    workflow.problem_reopen(cleared, actor=alice, reason="Not fixed after all.")
    with time_machine.travel(cleared.confirm_by + timedelta(minutes=1)):
        assert workflow.problems_close_unconfirmed([cleared.pk], now=cleared.confirm_by) == []
    cleared.refresh_from_db()
    assert cleared.state == State.ASSIGNED


def test_the_beat_schedule_runs_both_scans(settings):
    tasks_scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "problems.tasks.close_unconfirmed_problems" in tasks_scheduled
    assert "problems.tasks.scan_surveys" in tasks_scheduled


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="PostgreSQL plans")
def test_the_scan_uses_its_partial_index(cleared):
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        cursor.execute(
            "EXPLAIN SELECT id FROM problems_customerproblem "
            "WHERE state = 'cleared' AND confirm_by <= now() ORDER BY confirm_by, id LIMIT 500"
        )
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "problem_confirm_due" in plan
