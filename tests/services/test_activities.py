"""Testing and recovery activities on trouble reports, by our staff or by a supplier."""

import pytest

from problems import workflow as problems_workflow
from services import workflow
from services.models import (
    ReportEventKind,
    ServiceNotification,
    TroubleActivityKind,
    TroubleActivityOutcome,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def report(subscribed, report_policy, nora):
    report = workflow.trouble_report_open(
        actor=nora, title="Fibre down", services=[subscribed.fibre]
    )
    return workflow.trouble_report_assign(report, actor=nora, assignee=nora)


def test_a_test_with_its_outcome(report, nora):
    test = workflow.trouble_activity_schedule(
        report, actor=nora, kind=TroubleActivityKind.TESTING, summary="OTDR trace on PON 1/1"
    )
    workflow.trouble_activity_update(test, actor=nora, start=True)
    with pytest.raises(problems_workflow.InvalidInput, match="fault found, no fault found"):
        workflow.trouble_activity_complete(
            test, actor=nora, outcome=TroubleActivityOutcome.RESTORED
        )
    done = workflow.trouble_activity_complete(
        test, actor=nora, outcome=TroubleActivityOutcome.FAULT_FOUND, notes="Break at 3.2 km"
    )
    assert done.status == "completed" and done.outcome == "fault_found"
    assert done.started_at and done.completed_at
    event = report.events.filter(kind=ReportEventKind.ACTIVITY_COMPLETED).get()
    assert event.message == "OTDR trace on PON 1/1: fault found. Break at 3.2 km"
    with pytest.raises(problems_workflow.TransitionRefused, match="no longer running"):
        workflow.trouble_activity_cancel(done, actor=nora, reason="x")


def test_a_recovery_addressed_to_a_supplier(
    report, nora, subscribed, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        activity = workflow.trouble_activity_schedule(
            report,
            actor=nora,
            kind=TroubleActivityKind.RECOVERY,
            summary="Repair the fibre break at Kirkstall Road",
            details="Break 3.2 km from the OLT.",
            supplier=subscribed.supplier,
        )
    # The supplier gets the request.
    request = ServiceNotification.objects.get(notice="supplier_request")
    assert request.email == "dispatch@fibreco.test" and request.status == "sent"
    message = next(m for m in mailoutbox if m.to == ["dispatch@fibreco.test"])
    assert report.reference in message.subject and "Kirkstall Road" in message.body
    # Their reference and status updates.
    activity = workflow.trouble_activity_update(
        activity, actor=nora, external_reference="FC-88123", supplier_status="Engineer dispatched"
    )
    activity = workflow.trouble_activity_update(
        activity, actor=nora, supplier_status="Splicing in progress", note="Called FibreCo"
    )
    assert (activity.external_reference, activity.supplier_status) == (
        "FC-88123",
        "Splicing in progress",
    )
    updates = report.events.filter(kind=ReportEventKind.ACTIVITY_UPDATED).order_by("id")
    assert [u.data["changes"] for u in updates] == [
        {"external_reference": "FC-88123", "supplier_status": "Engineer dispatched"},
        {"supplier_status": "Splicing in progress"},
    ]
    assert (
        updates.last().message
        == "Called FibreCo FibreCo Field Services says: Splicing in progress."
    )
    workflow.trouble_activity_complete(activity, actor=nora, outcome="restored")


def test_activities_are_guarded(report, nora, carla, subscribed):
    with pytest.raises(problems_workflow.InvalidInput):
        workflow.trouble_activity_schedule(report, actor=nora, kind="dance", summary="x")
    with pytest.raises(problems_workflow.InvalidInput):
        workflow.trouble_activity_schedule(report, actor=nora, kind="testing", summary=" ")
    with pytest.raises(problems_workflow.NotPermitted):
        workflow.trouble_activity_schedule(report, actor=carla, kind="testing", summary="x")
    subscribed.supplier.is_active = False
    subscribed.supplier.save()
    with pytest.raises(problems_workflow.InvalidInput, match="no longer an active supplier"):
        workflow.trouble_activity_schedule(
            report, actor=nora, kind="recovery", summary="x", supplier=subscribed.supplier
        )
    activity = workflow.trouble_activity_schedule(report, actor=nora, kind="testing", summary="x")
    with pytest.raises(problems_workflow.InvalidInput, match="Nothing to update"):
        workflow.trouble_activity_update(activity, actor=nora)
    workflow.trouble_report_cancel(report, actor=nora, reason="Duplicate")
    with pytest.raises(problems_workflow.TransitionRefused, match="active trouble reports only"):
        workflow.trouble_activity_schedule(report, actor=nora, kind="testing", summary="x")
