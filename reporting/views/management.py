"""The management report page (supervisors) and the exports of its tables."""

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from problems.views.access import supervisor_required
from problems.views.common import template_for
from reporting.forms import ReportForm
from reporting.metrics.satisfaction import comments
from reporting.period import DEFAULT_PRESET
from reporting.report import BUILDERS, build_report
from reporting.tables import Table

COMMENTS_PER_PAGE = 10
FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def report_form(request: HttpRequest) -> ReportForm:
    data = request.GET.copy()
    data.setdefault("preset", DEFAULT_PRESET)
    return ReportForm(data)


@supervisor_required
@require_GET
def report_page(request: HttpRequest) -> HttpResponse:
    form = report_form(request)
    context: dict[str, object] = {"form": form}
    if form.is_valid():
        scope = form.scope()
        page = Paginator(comments(scope), COMMENTS_PER_PAGE).get_page(request.GET.get("page"))
        if getattr(request, "htmx", False) and request.GET.get("part") == "comments":
            return render(
                request,
                "reporting/report.html#comments",
                {"comments": page, "query": _query(scope)},
            )
        report = build_report(scope)
        context.update(report=report, scope=scope, comments=page, query=_query(scope))
    return render(request, template_for(request, "reporting/report.html", "results"), context)


@supervisor_required
@require_GET
def export_table(request: HttpRequest, key: str, fmt: str) -> HttpResponse:
    if key not in BUILDERS or fmt not in FORMATS:
        raise Http404("No such table or format.")
    form = report_form(request)
    if not form.is_valid():
        return HttpResponse(
            "The period or a filter is not valid: " + form.errors.as_text(),
            status=400,
            content_type="text/plain",
        )
    scope = form.scope()
    table = build_report(scope, only=key)[key]
    return table_response(
        table, fmt, f"{key}-{scope.period.start:%Y%m%d}-{scope.period.last_day:%Y%m%d}"
    )


def table_response(table: Table, fmt: str, name: str) -> HttpResponse:
    body = table.as_csv() if fmt == "csv" else table.as_xlsx()
    response = HttpResponse(body, content_type=FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


def _query(scope: object) -> str:
    return urlencode(scope.as_params())  # type: ignore[attr-defined]
