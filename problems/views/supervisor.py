"""The supervisor's boards: jeopardy and escalation, team workload."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from problems.queues import BOARD_HORIZON, BOARD_LIMIT, jeopardy_board, team_workload
from problems.views.access import supervisor_required
from problems.views.common import template_for

LEVEL_NAMES = {
    0: "Not escalated",
    1: "Level 1",
    2: "Level 2",
    3: "Level 3",
}


@supervisor_required
@require_GET
def board(request: HttpRequest) -> HttpResponse:
    lanes = jeopardy_board(request.user)
    context = {
        "lanes": [(lane, LEVEL_NAMES[lane.level]) for lane in lanes],
        "horizon_hours": int(BOARD_HORIZON.total_seconds() // 3600),
        "limit": BOARD_LIMIT,
        "total": sum(lane.total for lane in lanes),
        "refreshed_at": timezone.now(),
        "refresh_seconds": settings.DESK_QUEUE_REFRESH_SECONDS,
    }
    return render(request, template_for(request, "desk/board.html", "board"), context)


@supervisor_required
@require_GET
def workload(request: HttpRequest) -> HttpResponse:
    teams = team_workload(request.user)
    scale = max((load.busiest for load in teams), default=0) or 1
    context = {"teams": teams, "scale": scale, "now": timezone.now()}
    return render(request, "desk/workload.html", context)
