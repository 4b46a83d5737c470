"""Every page reads a fixed number of queries, however many rows it shows."""

import itertools

import pytest
from django.urls import reverse

from problems import workflow
from tests import factories
from tests.support import bulk_problems, client_for, count_queries, png

pytestmark = pytest.mark.django_db


@pytest.fixture
def spread(broadband, voice, alice, bob, sue, company_a, company_b, broadband_category):
    """Rows of different customers, teams, assignees and categories (each a related row
    the page shows: a missing select_related would cost one query per row)."""
    customers = [company_a, company_b, factories.CustomerFactory(name="Cobalt", code="cobalt")]
    teams = [(broadband, alice), (voice, bob), (broadband, sue), (voice, None)]
    categories = [broadband_category, factories.CategoryFactory(name="Voice", slug="voice")]

    def make(count):
        combos = itertools.islice(
            itertools.cycle(itertools.product(customers, teams, categories)), count
        )
        for customer, (team, assignee), category in combos:
            bulk_problems(1, customer=customer, team=team, assignee=assignee, category=category)

    return make


def both(client, url, spread, extra):
    spread(10)
    few = count_queries(client, url)
    spread(extra)
    many = count_queries(client, url)
    return few, many


@pytest.mark.parametrize(
    "query",
    [
        "?queue=open&per_page=100",
        "?queue=all&per_page=100&sort=-restore_by",
        "?queue=open&per_page=100&q=problem&priority=3",
        "?queue=open&_export=csv",
    ],
)
def test_the_queue_with_10_and_with_200_rows(agent_client, spread, query):
    few, many = both(agent_client, reverse("desk:queue") + query, spread, 190)
    assert few == many


def test_the_htmx_refresh_with_10_and_with_200_rows(alice, spread):
    client = client_for(alice)
    url = reverse("desk:queue") + "?queue=open&per_page=100"
    spread(10)
    with_few = _htmx_count(client, url)
    spread(190)
    assert _htmx_count(client, url) == with_few


def _htmx_count(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, headers={"HX-Request": "true"}).status_code == 200
    return len(queries)


def test_the_boards_with_10_and_with_200_rows(supervisor_client, spread):
    assert len(set(both(supervisor_client, reverse("desk:board"), spread, 190))) == 1


def test_the_workload_with_10_and_with_200_rows(supervisor_client, spread):
    assert len(set(both(supervisor_client, reverse("desk:workload"), spread, 190))) == 1


def test_the_portal_list_with_10_and_with_200_rows(carla, spread):
    client = client_for(carla)
    assert len(set(both(client, reverse("portal:problems") + "?show=all", spread, 190))) == 1


def _grow_history(problem, alice, carla, times):
    for number in range(times):
        workflow.note_add(problem, actor=alice, body=f"note {number}", is_internal=number % 2 == 0)
        workflow.note_add(problem, actor=carla, body=f"customer note {number}")
        workflow.attachment_add(problem, actor=alice, upload=png())
        activity = workflow.activity_schedule(
            problem,
            actor=alice,
            kind="customer_education",
            summary=f"Call {number}",
            assignee=alice,
        )
        workflow.activity_cancel(activity, actor=alice, reason="done otherwise")


@pytest.mark.parametrize("area", ["desk", "portal"])
def test_the_problem_page_with_a_short_and_a_long_history(
    area, assigned, alice, carla, company_a, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    for number in range(3):
        watcher = factories.contact(f"watcher{number}", company_a)
        workflow.watchers_set(assigned, actor=alice, watchers=[watcher])
    client = client_for(alice if area == "desk" else carla)
    url = reverse(f"{area}:problem", args=[assigned.pk])
    _grow_history(assigned, alice, carla, 1)
    short = count_queries(client, url)
    _grow_history(assigned, alice, carla, 15)
    assert count_queries(client, url) == short
