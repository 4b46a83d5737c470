"""The demo desk is believable: every state, real histories, the documented logins."""

import itertools

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.db.models import Count
from django.utils import timezone

from problems import workflow
from problems.models import ACTIVE_STATES, CustomerProblem, ProblemEvent, State, User

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(settings):
    call_command("seed_demo", problems=300, stdout=None)


def desk_problems():
    """The problems demo's own (the services demo adds problems about its outage)."""
    return CustomerProblem.objects.filter(service_id__isnull=True)


def test_every_state_with_histories_that_end_in_it(seeded):
    states = dict(desk_problems().values_list("state").annotate(n=Count("id")))
    assert set(states) == set(State.values)
    assert sum(states.values()) == 300
    for problem in CustomerProblem.objects.prefetch_related("events"):
        events = list(problem.events.all())
        assert events[0].kind == "created" and events[0].to_state == State.OPEN
        changes = [e for e in events if e.to_state]
        assert changes[-1].to_state == problem.state, problem.pk  # the log agrees with the state
        for before, after in itertools.pairwise(changes):
            assert after.from_state == before.to_state, problem.pk


def test_targets_and_escalations_are_consistent(seeded):
    now = timezone.now()
    assert CustomerProblem.objects.filter(state=State.IN_JEOPARDY, escalation_level=0).count() == 0
    waiting = CustomerProblem.objects.filter(state__in=ACTIVE_STATES, restore_by__isnull=True)
    assert not waiting.exists()
    # Exactly the few problems left for the timer are due; the scan takes them once.
    assert CustomerProblem.objects.timers_due(now).count() == 5
    assert workflow.scan_timers()["in_jeopardy"] == 5
    assert workflow.scan_timers()["due"] == 0


def test_the_documented_logins(seeded):
    for username in ("admin", "supervisor", "agent", "customer-a", "customer-b"):
        assert authenticate(username=username, password="demo"), username
    assert User.objects.get(username="admin").is_superuser
    assert User.objects.get(username="agent").teams.exists()
    a, b = User.objects.get(username="customer-a"), User.objects.get(username="customer-b")
    assert a.customer and b.customer and a.customer != b.customer


def test_running_again_adds_problems_but_not_people(seeded):
    users = User.objects.count()
    call_command("seed_demo", problems=10, stdout=None)
    assert User.objects.count() == users
    assert desk_problems().count() == 310
    total = CustomerProblem.objects.count()
    call_command("seed_demo", problems=10, if_empty=True, stdout=None)
    assert CustomerProblem.objects.count() == total


def test_notes_and_activities_are_in_the_timeline(seeded):
    assert ProblemEvent.objects.filter(kind="note").count() > 50
    assert ProblemEvent.objects.filter(kind="activity_completed").count() > 50
    assert ProblemEvent.objects.filter(kind="escalated").count() > 10


@pytest.mark.django_db(transaction=True)
def test_large_runs_on_postgresql_write_in_parallel(on_postgres, monkeypatch):
    if not on_postgres:
        pytest.skip("the parallel COPY path is PostgreSQL's")
    from problems.demo import seed

    monkeypatch.setattr(seed, "CHUNK", 4)
    call_command("seed_demo", problems=10, stdout=None)
    assert desk_problems().count() == 10
    assert CustomerProblem.objects.timers_due(timezone.now()).count() == 5
    for problem in CustomerProblem.objects.prefetch_related("events"):
        events = list(problem.events.all())
        assert events and [e for e in events if e.to_state][-1].to_state == problem.state
