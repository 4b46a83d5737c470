"""Who sees what: one place decides (problems.selectors)."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from problems import selectors

pytestmark = pytest.mark.django_db


@pytest.fixture
def problems(make_problem, sam, security_category, company_b, dave):
    return {
        "a": make_problem(),
        "b": make_problem(customer=company_b, reported_by=dave),
        "secret_a": make_problem(actor=sam, category=security_category),
    }


def visible(user, problems):
    seen = set(selectors.problems_visible_to(user).values_list("pk", flat=True))
    return {name for name, problem in problems.items() if problem.pk in seen}


def test_visibility_per_persona(problems, alice, sue, sam, carla, dave, olga):
    assert visible(alice, problems) == {"a", "b"}
    assert visible(sue, problems) == {"a", "b", "secret_a"}  # supervisor
    assert visible(sam, problems) == {"a", "b", "secret_a"}  # security team
    assert visible(carla, problems) == {"a"}  # own company, never security events
    assert visible(dave, problems) == {"b"}
    assert visible(olga, problems) == set()
    assert visible(AnonymousUser(), problems) == set()


def test_another_company_gets_404(problems, dave):
    with pytest.raises(Http404):
        selectors.problem_get_for_user(user=dave, pk=problems["a"].pk)


def test_customers_read_only_public_events(problems, alice, carla):
    from problems import workflow

    workflow.note_add(problems["a"], actor=alice, body="internal", is_internal=True)
    assert selectors.events_for(problems["a"], user=alice).count() == 2  # created, note
    assert all(e.is_public for e in selectors.events_for(problems["a"], user=carla))


def test_available_transitions_by_persona(problems, alice, carla, dave, sue):
    problem = problems["a"]
    assert {t.name for t in selectors.available_transitions(problem, alice)} == {"assign", "cancel"}
    assert {t.name for t in selectors.available_transitions(problem, carla)} == {"cancel"}
    assert selectors.available_transitions(problem, dave) == []


def test_team_agents_are_the_assignable_people(alice, sue, carla, broadband):
    broadband.members.add(carla)
    assert set(selectors.team_agents(broadband.pk)) == {alice, sue}
