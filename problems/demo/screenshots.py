"""Choose (and where needed, prepare through the workflow) the problems the screenshots
show: a busy problem for the desk, a cleared one for the customer to confirm."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Count

from problems import workflow
from problems.models import (
    ActivityKind,
    Category,
    Channel,
    CustomerProblem,
    RestorationOutcome,
    State,
    User,
)


def pick() -> dict[str, int]:
    agent = User.objects.get(username="agent")
    customer = User.objects.get(username="customer-a")
    busy = (
        CustomerProblem.objects.filter(
            state__in=[State.ASSIGNED, State.IN_JEOPARDY],
            team__members=agent,
            category__is_security=False,
        )
        .annotate(event_total=Count("events"))
        .order_by("-event_total", "pk")
        .first()
    )
    if busy is None:
        raise SystemExit("The demo data has no assigned broadband problem to show.")
    if not busy.activities.exists():
        workflow.activity_schedule(
            busy,
            actor=agent,
            kind=ActivityKind.SERVICE_RESTORATION,
            summary="Re-provision the line profile",
        )
    workflow.note_add(
        busy,
        actor=agent,
        body="Line tests clean at the exchange; checking the CPE next.",
        is_internal=True,
    )
    workflow.attachment_add(
        busy,
        actor=agent,
        upload=SimpleUploadedFile("line-test.log", b"sync 80/20 Mbit/s, SNR 6 dB, 14 CRC errors\n"),
        is_internal=True,
    )
    # A problem of the customer's company, cleared by the desk, waiting for them to confirm.
    problem = workflow.problem_create(
        actor=customer,
        title="Card payments fail at the Leeds shop",
        description="The card terminal says 'no connection' since the morning; cash works.",
        category=Category.objects.get(slug="broadband"),
        channel=Channel.PORTAL,
    )
    problem = workflow.problem_assign(problem, actor=agent, assignee=agent)
    workflow.note_add(
        problem,
        actor=agent,
        body="We are testing the line from the exchange and will call you back within the hour.",
    )
    problem = workflow.problem_clear(
        problem,
        actor=agent,
        outcome=RestorationOutcome.RESTORED,
        summary="A faulty port at the street cabinet was replaced; the terminal is online again.",
        root_cause="Port failure at the cabinet.",
    )
    return {"busy": busy.pk, "cleared": problem.pk}
