"""The supervisor's boards."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse

from problems import workflow

pytestmark = pytest.mark.django_db
BOARD = reverse("desk:board")
WORKLOAD = reverse("desk:workload")


def lanes(response):
    return {lane.level: [p.title for p in lane.problems] for lane, _ in response.context["lanes"]}


def test_an_empty_board_says_all_is_calm(supervisor_client, problem):
    page = supervisor_client.get(BOARD).content.decode()
    assert "All calm" in page


def test_the_board_groups_by_escalation_level_soonest_breach_first(
    supervisor_client, make_problem, alice
):
    early = make_problem(title="Early")
    with time_machine.travel(early.created_at + timedelta(minutes=30)):
        late = make_problem(title="Late")
    quiet = make_problem(title="Quiet", description="Nothing urgent yet")
    with time_machine.travel(late.jeopardy_at + timedelta(minutes=1)):
        workflow.handle_problem_timers(early.pk)
        workflow.handle_problem_timers(late.pk)
    workflow.problem_escalate(late, actor=alice, reason="VIP", level=2)
    response = supervisor_client.get(BOARD)
    grouped = lanes(response)
    assert grouped[1] == ["Early"]  # in jeopardy: the policy escalates to level 1
    assert grouped[2] == ["Late"]
    assert all("Quiet" not in titles for titles in grouped.values())  # 8 h left
    page = response.content.decode()
    assert "Level 2" in page and "Breach:" in page
    assert quiet.reference not in page


def test_the_board_refreshes_itself(supervisor_client, problem):
    page = supervisor_client.get(BOARD).content.decode()
    assert 'id="board" hx-get="/desk/supervisor/jeopardy/" hx-trigger="every 60s' in page
    partial = supervisor_client.get(BOARD, headers={"HX-Request": "true"}).content.decode()
    assert partial.lstrip().startswith('<div id="board"') and "<html" not in partial


def test_problems_near_their_target_are_on_the_board(supervisor_client, make_problem):
    problem = make_problem(title="Near")
    with time_machine.travel(problem.restore_by - timedelta(hours=3)):
        response = supervisor_client.get(BOARD)
    assert lanes(response)[0] == ["Near"]


def test_workload_per_agent(supervisor_client, make_problem, alice, sue, broadband, voice, bob):
    for _ in range(3):
        workflow.problem_assign(make_problem(), actor=alice, assignee=alice)
    held = workflow.problem_assign(make_problem(), actor=alice, assignee=sue)
    workflow.problem_hold(held, actor=sue, reason="supplier")
    make_problem(title="Nobody's")
    response = supervisor_client.get(WORKLOAD)
    teams = {load.team.name: load for load in response.context["teams"]}
    broadband_load = teams["Broadband support"]
    assert broadband_load.unassigned == 1
    assert broadband_load.open == 5
    by_agent = {str(load.agent): load for load in broadband_load.agents}
    assert by_agent[str(alice)].open == 3 and by_agent[str(sue)].on_hold == 1
    assert broadband_load.agents[0].agent == alice  # busiest first
    assert teams["Voice"].agents[0].agent == bob and teams["Voice"].open == 0
    page = response.content.decode()
    assert f"?queue=open&assignee={alice.pk}&team={broadband.pk}" in page


def test_agents_cannot_open_the_boards(agent_client):
    assert agent_client.get(BOARD).status_code == 403
    assert agent_client.get(WORKLOAD).status_code == 403


def test_agents_do_not_see_the_supervisor_links(agent_client, supervisor_client):
    assert "Jeopardy board" not in agent_client.get(reverse("desk:queue")).content.decode()
    assert "Jeopardy board" in supervisor_client.get(reverse("desk:queue")).content.decode()
