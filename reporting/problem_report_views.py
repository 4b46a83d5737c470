"""The per-problem report as a page (printable) and as a PDF, internal or for the customer.

Staff open both versions of any problem they may see; a customer's contact opens the
customer version of their own company's problems (from the portal). Anything else is a
404, as everywhere (``problems.selectors``).
"""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from problems import selectors
from problems.permissions import is_agent
from reporting.pdf import render_pdf
from reporting.problem_report import (
    CUSTOMER,
    INTERNAL,
    ProblemReport,
    context_for,
    problem_report,
    report_filename,
)


def _report_for(request: HttpRequest, pk: int, audience: str) -> tuple[ProblemReport, bool]:
    staff = is_agent(request.user)
    if audience == INTERNAL and not staff:
        raise Http404("No such report.")
    problem = selectors.problem_get_for_user(user=request.user, pk=pk)
    return problem_report(problem, audience=audience), staff


@login_required
@require_GET
def report_page(request: HttpRequest, pk: int, audience: str = INTERNAL) -> HttpResponse:
    report, staff = _report_for(request, pk, audience)
    context = context_for(report, area="desk" if staff else "portal", staff=staff)
    return render(request, "reporting/problem_report.html", context)


@login_required
@require_GET
def report_pdf(request: HttpRequest, pk: int, audience: str = INTERNAL) -> HttpResponse:
    report, _ = _report_for(request, pk, audience)
    pdf = render_pdf(
        "reporting/problem_report_document.html",
        context_for(report),
        request=request,
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{report_filename(report)}"'
    return response


__all__ = ["CUSTOMER", "INTERNAL", "report_page", "report_pdf"]
