"""Link a customer problem to the service trouble report behind it, or undo a wrong link,
from the problem's desk page. Here (not in ``problems``) because the report is looked up
in this app; the change itself is ``problems.workflow``'s (one transaction, an event on the
problem's timeline)."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from problems import selectors as problem_selectors
from problems import workflow as problem_workflow
from problems.models import CustomerProblem
from problems.views.common import done, run_or_message
from services import selectors
from services.models import ServiceTroubleReport
from services.views.access import network_required
from services.work_forms import LinkReportForm, UnlinkReportForm


def _problem_url(problem: CustomerProblem) -> str:
    return reverse("desk:problem", args=[problem.pk]) + "#trouble-reports"


@network_required
@require_POST
def problem_link(request: HttpRequest, pk: int) -> HttpResponse:
    problem = problem_selectors.problem_get_for_user(user=request.user, pk=pk)
    form = LinkReportForm(request.POST)
    report = None
    if form.is_valid():
        report = (
            selectors.trouble_reports_visible_to(request.user)
            .with_reference(form.cleaned_data["report"])
            .first()
        )
    if report is None:
        messages.error(request, "No trouble report has that reference (e.g. STR-0000012).")
        return redirect(_problem_url(problem))
    outage = problem_workflow.Outage(
        trouble_report_id=report.pk,
        reference=report.reference,
        service_id=_service_for(report, problem),
        service_label=problem.service_label,
    )
    linked = run_or_message(
        request,
        lambda: problem_workflow.problem_link_trouble_report(
            problem, actor=request.user, outage=outage
        ),
    )
    if linked is None:
        return redirect(_problem_url(problem))
    return done(
        request,
        f"{problem.reference} linked to {report.reference}: its progress and restoration "
        "now reach this problem.",
        _problem_url(problem),
    )


def _service_for(report: ServiceTroubleReport, problem: CustomerProblem) -> int | None:
    """The impacted service through which the customer is hit: the problem's own service
    when the report impacts it, else the report's first impacted service."""
    impacted = list(report.impacts.order_by("service__name").values_list("service_id", flat=True))
    if problem.service_id in impacted:
        return problem.service_id
    return impacted[0] if impacted else None


@network_required
@require_POST
def problem_unlink(request: HttpRequest, pk: int, report_pk: int) -> HttpResponse:
    problem = problem_selectors.problem_get_for_user(user=request.user, pk=pk)
    form = UnlinkReportForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Say why the problem is not caused by this fault.")
        return redirect(_problem_url(problem))
    unlinked = run_or_message(
        request,
        lambda: problem_workflow.problem_unlink_trouble_report(
            problem,
            actor=request.user,
            trouble_report_id=report_pk,
            reason=form.cleaned_data["reason"],
        ),
    )
    if unlinked is None:
        return redirect(_problem_url(problem))
    return done(request, f"{problem.reference} is no longer linked.", _problem_url(problem))
