"""The desk queue: named queues with live counts, filters, sorting, paging, export, refresh."""

import csv
import io
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from problems import workflow
from problems.models import Priority, State
from tests import factories

pytestmark = pytest.mark.django_db
QUEUE = reverse("desk:queue")


@pytest.fixture
def desk(make_problem, alice, sue, bob, carla, dave, company_b, voice, broadband):
    """A small desk: Alice's, Sue's, unassigned, voice, cleared and closed problems."""
    mine = workflow.problem_assign(
        make_problem(title="Router reboots nightly", priority=Priority.HIGH),
        actor=alice,
        assignee=alice,
    )
    sues = workflow.problem_assign(
        make_problem(title="Slow evening speeds", description="Buffering video"),
        actor=alice,
        assignee=sue,
    )
    unassigned = make_problem(title="Phones dead at Borealis", customer=company_b, reported_by=dave)
    voice_problem = make_problem(title="One-way audio", team=voice)
    cleared = workflow.problem_clear(
        workflow.problem_assign(make_problem(title="E-mail bounces"), actor=alice, assignee=alice),
        actor=alice,
        outcome="restored",
        summary="SPF fixed",
    )
    workflow.problem_close(cleared, actor=alice, confirmed=True)
    waiting = workflow.problem_clear(
        workflow.problem_assign(make_problem(title="DNS fails"), actor=alice, assignee=alice),
        actor=alice,
        outcome="restored",
        summary="Resolver restarted",
    )
    return {
        "mine": mine,
        "sues": sues,
        "unassigned": unassigned,
        "voice": voice_problem,
        "closed": cleared,
        "cleared": waiting,
    }


def titles(response):
    return [row.record.title for row in response.context["table"].paginated_rows]


def test_named_queues_show_their_problems(agent_client, desk):
    def queue(slug):
        return set(titles(agent_client.get(QUEUE, {"queue": slug})))

    assert queue("mine") == {"Router reboots nightly"}
    assert queue("team") == {
        "Router reboots nightly",
        "Slow evening speeds",
        "Phones dead at Borealis",
    }
    assert queue("unassigned") == {"Phones dead at Borealis", "One-way audio"}
    assert queue("cleared") == {"DNS fails"}
    assert queue("open") == {
        "Router reboots nightly",
        "Slow evening speeds",
        "Phones dead at Borealis",
        "One-way audio",
    }
    assert "E-mail bounces" in queue("all")


def test_queue_tabs_show_live_counts(agent_client, desk):
    response = agent_client.get(QUEUE)
    counts = {q.slug: count for q, count in response.context["queues"]}
    assert counts == {
        "mine": 1,
        "team": 3,
        "unassigned": 2,
        "jeopardy": 0,
        "cleared": 1,
        "restored": None,
        "open": 4,
        "all": None,
    }
    page = response.content.decode()
    assert 'data-count="unassigned">2<' in page


def test_the_jeopardy_queue(agent_client, desk, policy):
    problem = desk["sues"]
    with time_machine.travel(problem.jeopardy_at + timedelta(minutes=1)):
        workflow.handle_problem_timers(problem.pk)
    response = agent_client.get(QUEUE, {"queue": "jeopardy"})
    assert titles(response) == ["Slow evening speeds"]
    assert 'data-count="jeopardy">1<' in response.content.decode()


def test_security_problems_stay_out_of_an_agents_queue_and_counts(
    agent_client, supervisor_client, desk, sam, security_category
):
    workflow.problem_create(
        actor=sam, title="Phishing", description="x", category=security_category
    )
    assert "Phishing" not in titles(agent_client.get(QUEUE, {"queue": "open"}))
    counts = {q.slug: c for q, c in agent_client.get(QUEUE).context["queues"]}
    assert counts["open"] == 4
    assert "Phishing" in titles(supervisor_client.get(QUEUE, {"queue": "open"}))


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"q": "reboots"}, {"Router reboots nightly"}),
        ({"q": "buffering"}, {"Slow evening speeds"}),  # the description
        ({"state": State.ASSIGNED}, {"Router reboots nightly", "Slow evening speeds"}),
        ({"priority": Priority.HIGH}, {"Router reboots nightly"}),
        (
            {"on_hold": "false"},
            {
                "Router reboots nightly",
                "Slow evening speeds",
                "Phones dead at Borealis",
                "One-way audio",
            },
        ),
        ({"escalation_level": "1"}, set()),
    ],
)
def test_filters(agent_client, desk, filters, expected):
    assert set(titles(agent_client.get(QUEUE, {"queue": "open", **filters}))) == expected


def test_filters_by_reference_team_assignee_customer_category_service(
    agent_client, desk, alice, voice, company_b, broadband_category
):
    def found(**filters):
        return set(titles(agent_client.get(QUEUE, {"queue": "open", **filters})))

    assert found(q=desk["voice"].reference) == {"One-way audio"}
    assert found(q=str(desk["voice"].pk)) == {"One-way audio"}
    assert found(team=voice.pk) == {"One-way audio"}
    assert found(assignee=alice.pk) == {"Router reboots nightly"}
    assert found(customer=company_b.pk) == {"Phones dead at Borealis"}
    assert len(found(category=broadband_category.pk)) == 4
    workflow.problem_update(desk["sues"], actor=alice, service_label="Fibre 500 at Leeds")
    assert found(service="fibre 500") == {"Slow evening speeds"}


def test_on_hold_filter_and_badge(agent_client, desk, alice):
    workflow.problem_hold(desk["sues"], actor=alice, reason="customer")
    response = agent_client.get(QUEUE, {"queue": "open", "on_hold": "true"})
    assert titles(response) == ["Slow evening speeds"]
    assert "on hold" in response.content.decode()
    assert "paused" in response.content.decode()


def test_filters_and_queue_combine(agent_client, desk):
    response = agent_client.get(QUEUE, {"queue": "unassigned", "q": "audio"})
    assert titles(response) == ["One-way audio"]


def test_an_empty_queue_says_so(agent_client, desk):
    page = agent_client.get(QUEUE, {"queue": "jeopardy"}).content.decode()
    assert "No problem is in jeopardy." in page
    page = agent_client.get(QUEUE, {"queue": "open", "q": "nothing like this"}).content.decode()
    assert "No problem matches these filters." in page


def test_sorting_by_title(agent_client, desk):
    by_title = titles(agent_client.get(QUEUE, {"queue": "open", "sort": "title"}))
    assert by_title == sorted(by_title)


def test_sorting_by_restoration_target(agent_client, make_problem, alice):
    for hours, title in ((3, "third"), (1, "first"), (2, "second")):
        with time_machine.travel(timezone.now() + timedelta(hours=hours)):
            make_problem(title=title)
    make_problem(title="no target", priority=Priority.LOW)  # no policy: the farthest target

    def order(sort):
        return titles(agent_client.get(QUEUE, {"queue": "open", "sort": sort}))

    assert order("restore_by") == ["first", "second", "third", "no target"]
    assert order("-restore_by") == ["no target", "third", "second", "first"]


def test_default_order_is_most_urgent_first(agent_client, make_problem):
    make_problem(title="no target", priority=Priority.LOW)  # no policy for low: last
    make_problem(title="reported now")
    with time_machine.travel(timezone.now() - timedelta(hours=3)):
        make_problem(title="reported 3 h ago")
    assert titles(agent_client.get(QUEUE, {"queue": "open"})) == [
        "reported 3 h ago",
        "reported now",
        "no target",
    ]


def test_pagination(agent_client, make_problem):
    for number in range(27):
        make_problem(title=f"Problem {number:02}")
    first = agent_client.get(QUEUE, {"queue": "open"})
    assert len(titles(first)) == 25
    second = agent_client.get(QUEUE, {"queue": "open", "page": 2})
    assert len(titles(second)) == 2
    bigger = agent_client.get(QUEUE, {"queue": "open", "per_page": 50})
    assert len(titles(bigger)) == 27


def test_csv_export_holds_every_filtered_row(agent_client, make_problem, carla):
    for number in range(30):
        make_problem(title=f"Outage {number:02}")
    make_problem(title="Something else")
    response = agent_client.get(QUEUE, {"queue": "open", "q": "outage", "_export": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert len(rows) == 30  # not only the first page
    assert {row["Problem"] for row in rows} == {f"Outage {n:02}" for n in range(30)}
    first = rows[0]
    assert first["Reference"].startswith("PRB-")
    assert first["Customer"] == carla.customer.name
    assert first["State"] == "Open" and first["Priority"] == "Medium"
    assert first["To restore"]  # the target as a timestamp, not a coloured badge
    assert "<" not in response.content.decode()


def test_export_is_capped(agent_client, make_problem, settings):
    settings.DESK_EXPORT_MAX_ROWS = 2
    for number in range(3):
        make_problem(title=f"Outage {number}")
    response = agent_client.get(QUEUE, {"queue": "open", "_export": "csv"}, follow=True)
    assert "an export holds at most 2" in response.content.decode()


def test_xlsx_export(agent_client, desk):
    response = agent_client.get(QUEUE, {"queue": "open", "_export": "xlsx"})
    assert response.status_code == 200
    assert response.content[:2] == b"PK"


def test_htmx_refresh_returns_the_results_and_keeps_the_filters(agent_client, desk):
    response = agent_client.get(
        QUEUE, {"queue": "unassigned", "q": "audio"}, headers={"HX-Request": "true"}
    )
    page = response.content.decode()
    assert page.lstrip().startswith('<section id="queue-results"')
    assert "<html" not in page
    assert 'hx-get="/desk/?queue=unassigned&amp;q=audio"' in page
    assert 'hx-trigger="every 60s' in page
    assert titles(response) == ["One-way audio"]


def test_the_full_page_has_the_filter_form_and_refreshing_results(agent_client, desk, settings):
    settings.DESK_QUEUE_REFRESH_SECONDS = 15
    page = agent_client.get(QUEUE).content.decode()
    assert '<form id="queue-filters"' in page and 'hx-target="#queue-results"' in page
    assert 'hx-trigger="every 15s' in page
    for label in (
        "Search",
        "State",
        "Priority",
        "Team",
        "Assignee",
        "Customer",
        "Service",
        "Category",
        "Escalation",
        "On hold",
    ):
        assert f">{label}</label>" in page


def test_rows_show_time_left_with_a_colour_cue(agent_client, make_problem, policy):
    with time_machine.travel(timezone.now() - timedelta(hours=7)):
        late = make_problem(title="Late one")  # 8 h target: jeopardy passed, 1 h left
    with time_machine.travel(timezone.now() - timedelta(hours=9)):
        overdue = make_problem(title="Overdue one")
    fresh = make_problem(title="Fresh one")
    page = agent_client.get(QUEUE, {"queue": "open"}).content.decode()

    def row(problem):
        start = page.index(f'data-problem="{problem.pk}"')
        return page[start : page.index("</tr>", start)]

    assert "text-bg-success" in row(fresh) and "left" in row(fresh)
    assert "text-bg-danger" in row(late) and "passed" in row(late)  # jeopardy point
    assert "text-bg-warning" in row(late)  # restoration: still ahead, past jeopardy
    assert "overdue by" in row(overdue)


def test_a_bad_filter_value_is_reported_not_crashed(agent_client, desk):
    response = agent_client.get(QUEUE, {"queue": "open", "team": "999999"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()


def test_an_unknown_queue_falls_back_to_all_open(agent_client, desk):
    response = agent_client.get(QUEUE, {"queue": "nonsense"})
    assert response.context["queue"].slug == "open"


def test_team_filter_lists_only_active_teams(agent_client, desk):
    factories.TeamFactory(name="Disbanded", is_active=False)
    assert "Disbanded" not in agent_client.get(QUEUE).content.decode()


def test_export_links_carry_the_current_filters(agent_client, desk):
    page = agent_client.get(
        QUEUE, {"queue": "unassigned", "q": "audio", "page": 1}
    ).content.decode()
    assert 'href="?queue=unassigned&amp;q=audio&amp;_export=csv"' in page
    assert 'href="?queue=unassigned&amp;q=audio&amp;_export=xlsx"' in page


def test_pages_beyond_the_end_show_the_last_page(agent_client, desk):
    response = agent_client.get(QUEUE, {"queue": "open", "page": 99})
    assert response.status_code == 200 and len(titles(response)) == 4
    response = agent_client.get(QUEUE, {"queue": "open", "page": "x"})
    assert response.status_code == 200 and len(titles(response)) == 4
