"""One problem and the service trouble reports behind it, by hand (an agent's judgement):
link it to a report, or undo a link that was wrong. The fan-out links many at once
(``problems.workflow.bulk``); these are its one-by-one counterparts for the desk.

A report is named by id and reference (``problems`` does not import ``services``): the
caller (the services app's desk view) has looked it up and checked that it exists.
"""

from django.db import transaction

from problems.models import EventKind, TroubleReportLink
from problems.models.problem import CustomerProblem
from problems.workflow._base import (
    Actor,
    InvalidInput,
    TransitionRefused,
    lock_problem,
    record_event,
    require_permission,
)
from problems.workflow.bulk import Outage, problems_link_trouble_report


def problem_link_trouble_report(
    problem: CustomerProblem, *, actor: Actor, outage: Outage
) -> CustomerProblem:
    """Link one customer problem to the service trouble report behind it: a public
    timeline entry, told to its notification list; later progress and the restoration of
    the report reach it like every linked problem.

    Guard: the problem is active and not yet linked to this report; staff need
    ``change_customerproblem``.
    """
    require_permission(actor, "problems.change_customerproblem", "link problems")
    with transaction.atomic():
        problem = lock_problem(problem, actor=actor)
        if not problem.is_active:
            raise TransitionRefused(
                f"{problem.reference} is {problem.get_state_display().lower()}: "
                "only an active problem is linked to a network fault."
            )
        if TroubleReportLink.objects.filter(
            problem=problem, trouble_report_id=outage.trouble_report_id
        ).exists():
            raise TransitionRefused(f"{problem.reference} is already linked to {outage.reference}.")
        problems_link_trouble_report(
            actor=actor,
            problem_ids=[problem.pk],
            outage=outage,
            message=f"Linked to network fault {outage.reference}"
            + (f" affecting {outage.service_label}" if outage.service_label else "")
            + ": we will keep you informed of its progress here.",
        )
    return problem


def problem_unlink_trouble_report(
    problem: CustomerProblem, *, actor: Actor, trouble_report_id: int, reason: str
) -> CustomerProblem:
    """Undo a link that was wrong (the customer's fault is another one): the link goes,
    and a public timeline entry says so (nobody is e-mailed about it); the report's
    progress and restoration no longer reach the problem.

    Guard: the problem is linked to the report; a reason; staff need
    ``change_customerproblem``.
    """
    require_permission(actor, "problems.change_customerproblem", "unlink problems")
    if not reason.strip():
        raise InvalidInput("Say why the problem is not caused by this fault.", field="reason")
    with transaction.atomic():
        problem = lock_problem(problem, actor=actor)
        link = (
            TroubleReportLink.objects.select_for_update()
            .filter(problem=problem, trouble_report_id=trouble_report_id)
            .first()
        )
        if link is None:
            raise TransitionRefused(f"{problem.reference} is not linked to that trouble report.")
        reference = link.trouble_report_reference
        link.delete()
        record_event(
            problem,
            actor=actor,
            kind=EventKind.TROUBLE_REPORT_UNLINKED,
            message=f"Not caused by network fault {reference}: {reason.strip()}",
            data={
                "trouble_report": trouble_report_id,
                "reference": reference,
                "service": link.service_id,
                "proactive": link.proactive,
            },
            notify=False,
        )
    return problem
