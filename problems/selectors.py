"""Reads. Who may see what is decided here, once (DESIGN.md; STYLE.md rule 3)."""

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from problems.models import (
    Attachment,
    CustomerProblem,
    EventKind,
    ProblemEvent,
    RecoveryActivity,
    TroubleReportLink,
    User,
)
from problems.models.problem import ProblemQuerySet
from problems.permissions import can_see_security_problems, is_agent


def problems_visible_to(user: Any) -> ProblemQuerySet:
    """Every problem the user may see.

    Staff see everything but security-event problems, which only supervisors and members
    of a security team see. A customer's contact sees their own company's problems that
    are not security events. Anyone else sees nothing.
    """
    problems = CustomerProblem.objects.all()
    if not user.is_authenticated or not user.is_active:
        return problems.none()
    if user.customer_id is not None:
        if not user.has_perm("problems.report_own_problem"):
            return problems.none()
        return problems.filter(customer_id=user.customer_id).not_restricted()
    if not is_agent(user):
        return problems.none()
    if can_see_security_problems(user):
        return problems
    return problems.not_restricted()


def can_see_problem(user: Any, problem: CustomerProblem) -> bool:
    return problems_visible_to(user).filter(pk=problem.pk).exists()


def problem_list_for_user(*, user: Any) -> ProblemQuerySet:
    return problems_visible_to(user).select_related(
        "customer", "category", "team", "assignee", "reported_by"
    )


def problem_get_for_user(*, user: Any, pk: int) -> CustomerProblem:
    """The problem, or 404 for anything the user may not see (never 403: a 403 would
    confirm that another company's problem exists)."""
    try:
        return (
            problem_list_for_user(user=user).select_related("sla_policy", "known_error").get(pk=pk)
        )
    except CustomerProblem.DoesNotExist:
        raise Http404("No such problem.") from None


def events_for(problem: CustomerProblem, *, user: Any) -> QuerySet[ProblemEvent]:
    """The timeline as this user may read it: customers see only public events."""
    events = problem.events.select_related("actor")
    if getattr(user, "customer_id", None) is not None:
        events = events.filter(is_public=True)
    return events


def available_transitions(problem: CustomerProblem, user: Any) -> list[Any]:
    """The transitions this user may take on this problem now, from the state machine.

    Guards that check the transition's input (a reason, an assignee) are left to the form:
    the user has not filled it in yet.
    """
    if not user.is_authenticated:
        return []
    available = []
    for transition in problem.get_all_state_transitions():  # type: ignore[attr-defined]
        if transition.source not in (problem.state, "*"):
            continue
        if not transition.custom.get("admin", True):  # taken by the system only
            continue
        if not transition.has_perm(problem, user):
            continue
        situational = [c for c in transition.conditions if not getattr(c, "needs_input", False)]
        if all(condition(problem) for condition in situational):
            available.append(transition)
    return available


def team_agents(team_id: int | None) -> QuerySet[User]:
    """Active agents of a team, the people a problem of that team may be assigned to."""
    if team_id is None:
        return User.objects.none()
    return agents_of_teams([team_id])


def agents_of_teams(team_ids: list[int]) -> QuerySet[User]:
    return (
        User.objects.filter(teams__in=team_ids, is_active=True, customer__isnull=True)
        .filter(Q(is_superuser=True) | Q(groups__name__in=["agent", "supervisor"]))
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


def customer_problem_list(*, user: Any) -> ProblemQuerySet:
    """A customer's view of their company's problems (the portal's list)."""
    return problems_visible_to(user).select_related("category", "reported_by")


def activities_for(problem: CustomerProblem) -> QuerySet[RecoveryActivity]:
    return problem.activities.select_related("assignee", "team").order_by("created_at", "id")


def attachments_for(problem: CustomerProblem, *, user: Any) -> QuerySet[Attachment]:
    """The problem's files as this user may see them: customers never see internal ones."""
    attachments = problem.attachments.select_related("uploaded_by").order_by("created_at", "id")
    if getattr(user, "customer_id", None) is not None:
        attachments = attachments.filter(is_internal=False)
    return attachments


def attachment_get_for_user(*, user: Any, pk: int) -> Attachment:
    """The file, or 404 when the user may not see it or its problem."""
    attachments = Attachment.objects.select_related("problem").filter(
        pk=pk, problem__in=problems_visible_to(user)
    )
    if getattr(user, "customer_id", None) is not None:
        attachments = attachments.filter(is_internal=False)
    attachment = attachments.first()
    if attachment is None:
        raise Http404("No such file.")
    return attachment


def told_automatically(problem: CustomerProblem) -> list[User]:
    """Who hears of status changes without being on the watch list: the reporting contact,
    the customer's default contacts and the assignee (notifications.notification_list)."""
    people: dict[int, User] = {}
    if problem.reported_by is not None:
        people[problem.reported_by.pk] = problem.reported_by
    if problem.customer_id is not None:
        for contact in User.objects.filter(default_contact_for=problem.customer_id, is_active=True):
            people.setdefault(contact.pk, contact)
    if problem.assignee is not None:
        people.setdefault(problem.assignee.pk, problem.assignee)
    return list(people.values())


def active_problems_on_service(
    service_id: int, *, customer_ids: Any = None, trouble_report_id: int | None = None
) -> ProblemQuerySet:
    """Active problems about a service (held by id: services live in another app), of
    these customers if given (a list, or a subquery of customer ids). With
    ``trouble_report_id``, without those an agent unlinked from that report: the agent
    judged the problem is not this fault, and the fan-out must not link it again."""
    problems = CustomerProblem.objects.active().filter(service_id=service_id)
    if customer_ids is not None:
        problems = problems.filter(customer_id__in=customer_ids)
    if trouble_report_id is not None:
        unlinked = ProblemEvent.objects.filter(
            problem_id=OuterRef("pk"),
            kind=EventKind.TROUBLE_REPORT_UNLINKED,
            data__trouble_report=trouble_report_id,
        )
        problems = problems.exclude(Exists(unlinked))
    return problems


def trouble_report_links_for(problem: CustomerProblem) -> QuerySet[TroubleReportLink]:
    """The service trouble reports behind a problem, by id and reference (staff only: the
    desk links each to its page; customers see the linked event on their timeline)."""
    return problem.trouble_report_links.order_by("-created_at", "-id")
