"""The desk's queues: named queues with live counts, filters, sorting, paging, CSV export."""

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.functional import cached_property
from django_tables2 import RequestConfig
from django_tables2.export import TableExport

from problems.filters import ProblemFilter
from problems.queues import QUEUES, queue_counts, queue_for, queue_problems
from problems.tables import ProblemTable
from problems.views.access import desk_required
from problems.views.common import template_for

PAGE_SIZES = (25, 50, 100)
EXPORT_FORMATS = ("csv", "xlsx")


@desk_required
def queue(request: HttpRequest) -> HttpResponse:
    chosen = queue_for(request.GET.get("queue"))
    problems = queue_problems(request.user, chosen)
    filters = ProblemFilter(request.GET or None, queryset=problems, request=request)
    rows = filters.qs if filters.is_bound and filters.is_valid() else problems
    table = ProblemTable(rows)
    table.empty_text = (
        chosen.empty_text if not _filtered(request) else "No problem matches these filters."
    )

    export_format = request.GET.get("_export")
    if export_format in EXPORT_FORMATS:
        return _export(request, table, rows, export_format)

    counts = queue_counts(request.user)
    RequestConfig(request, paginate=False).configure(table)  # sorting from the request
    # Unfiltered, a named queue's size is its live count, read already: no second count.
    known = None if _filtered(request) else counts.get(chosen.slug)
    _paginate(table, request, known_count=known)
    context = {
        "filter": filters,
        "table": table,
        "queue": chosen,
        "queues": [(q, counts.get(q.slug)) for q in QUEUES],
        "refresh_seconds": settings.DESK_QUEUE_REFRESH_SECONDS,
        "refreshed_at": timezone.now(),
        "page_sizes": PAGE_SIZES,
        "filtered": _filtered(request),
    }
    return render(request, template_for(request, "desk/queue.html", "results"), context)


def _export(
    request: HttpRequest, table: ProblemTable, rows: object, export_format: str
) -> HttpResponse:
    total = rows.count()  # type: ignore[attr-defined]
    if total > settings.DESK_EXPORT_MAX_ROWS:
        messages.error(
            request,
            f"{total:,} rows match: an export holds at most {settings.DESK_EXPORT_MAX_ROWS:,}. "
            "Narrow the filters and export again.",
        )
        query = request.GET.copy()
        query.pop("_export", None)
        return redirect(f"{request.path}?{query.urlencode()}")
    RequestConfig(request, paginate=False).configure(table)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    exporter = TableExport(export_format, table)
    return exporter.response(f"problems-{stamp}.{export_format}")


class CountedPaginator(Paginator):
    """A paginator that may be told its count instead of counting again."""

    def __init__(self, *args: Any, known_count: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.known_count = known_count

    @cached_property
    def count(self) -> int:
        return self.known_count if self.known_count is not None else super().count


def _paginate(table: ProblemTable, request: HttpRequest, *, known_count: int | None) -> None:
    per_page = _per_page(request)
    try:
        table.paginate(
            CountedPaginator, per_page, request.GET.get("page", 1), known_count=known_count
        )
    except PageNotAnInteger:
        table.page = table.paginator.page(1)
    except EmptyPage:
        table.page = table.paginator.page(table.paginator.num_pages)


def _per_page(request: HttpRequest) -> int:
    try:
        wanted = int(request.GET.get("per_page", PAGE_SIZES[0]))
    except ValueError:
        return PAGE_SIZES[0]
    return wanted if wanted in PAGE_SIZES else PAGE_SIZES[0]


FILTER_NAMES = set(ProblemFilter.base_filters)


def _filtered(request: HttpRequest) -> bool:
    return any(request.GET.get(name) for name in FILTER_NAMES)
