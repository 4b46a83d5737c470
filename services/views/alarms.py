"""The live alarm list: filters, sorting, pages, a self-refresh that keeps the filters,
acknowledge and clear (one alarm or the selected ones: one transaction each), and opening
a trouble report by hand from an alarm that has none."""

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST
from django_tables2 import RequestConfig

from problems.views.common import done, posted_form, run_or_form_error, template_for
from problems.views.desk_queue import PAGE_SIZES, _paginate
from problems.workflow import WorkflowError
from services import alarms as alarm_operations
from services import selectors, workflow
from services.filters import AlarmFilter
from services.tables import AlarmTable
from services.views.access import network_required, safe_next
from services.work_forms import OpenReportForm
from services.workflow.opening import PRIORITY_OF_SEVERITY

# Most alarms one click acts on (a page of the list at most).
MAX_SELECTED = max(PAGE_SIZES)
ACTIONS = {
    "acknowledge": (alarm_operations.alarm_acknowledge, "acknowledged"),
    "clear": (alarm_operations.alarm_clear, "cleared"),
}


@network_required
def alarm_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    alarms = selectors.alarm_list_for_user(user=user, raised_only=False)
    filters = AlarmFilter(request.GET, queryset=alarms)
    rows = filters.qs if filters.is_valid() else alarms.raised()
    if filters.is_valid() and filters.form.cleaned_data.get("state") in ("cleared", "any"):
        # History reads newest first; most severe first is the live view's order.
        rows = rows.order_by("-raised_at", "-id")
    table = AlarmTable(
        rows,
        can_acknowledge=user.has_perm("services.acknowledge_alarm"),
        can_clear=user.has_perm("services.clear_alarm"),
    )
    filtered = _filtered(request)
    table.empty_text = (
        "No alarm matches these filters." if filtered else "No alarm is raised: all quiet."
    )
    RequestConfig(request, paginate=False).configure(table)
    _paginate(table, request, known_count=None)  # type: ignore[arg-type]
    context = {
        "filter": filters,
        "table": table,
        "filtered": filtered,
        "refresh_seconds": settings.NETWORK_ALARM_REFRESH_SECONDS,
        "refreshed_at": timezone.now(),
        "page_sizes": PAGE_SIZES,
        "can_act": table.can_acknowledge or table.can_clear,
    }
    return render(request, template_for(request, "services/alarms.html", "results"), context)


FILTER_NAMES = set(AlarmFilter.base_filters) - {"state"}


def _filtered(request: HttpRequest) -> bool:
    return any(request.GET.getlist(name) for name in FILTER_NAMES) or request.GET.get(
        "state", "raised"
    ) not in ("", "raised")


@network_required
@require_POST
def alarm_action(request: HttpRequest, name: str) -> HttpResponse:
    """Acknowledge or clear one alarm (the row's button) or the selected ones. Each alarm is
    its own transaction: one refused (already acknowledged, already cleared) does not stop
    the others, and the message says what happened to each."""
    if name not in ACTIONS:
        raise Http404("No such action.")
    operation, past = ACTIONS[name]
    back = safe_next(request, reverse("network:alarms"))
    raw = [request.POST["one"]] if request.POST.get("one") else request.POST.getlist("selected")
    ids = sorted({int(value) for value in raw if value.isdigit()})
    if not ids:
        messages.warning(request, "Select the alarms first.")
        return redirect(back)
    if len(ids) > MAX_SELECTED:
        messages.error(request, f"At most {MAX_SELECTED} alarms at once.")
        return redirect(back)
    found = {
        alarm.pk: alarm for alarm in selectors.alarms_visible_to(request.user).filter(pk__in=ids)
    }
    done_on: list[str] = []
    refused: list[str] = []
    for pk in ids:
        alarm = found.get(pk)
        if alarm is None:
            refused.append(f"alarm {pk}: no such alarm")
            continue
        try:
            operation(alarm, actor=request.user)  # type: ignore[operator]
        except WorkflowError as error:
            refused.append(f"{alarm.alarmed_object_id}: {error.message}")
        else:
            done_on.append(alarm.alarmed_object_id)
    if done_on:
        count = len(done_on)
        what = done_on[0] if count == 1 else f"{count} alarms"
        messages.success(request, f"Alarm{'s' if count > 1 else ''} {past}: {what}.")
    if refused:
        messages.error(request, "Not " + past + ": " + "; ".join(refused))
    return redirect(back)


@network_required
def report_from_alarm(request: HttpRequest, pk: int) -> HttpResponse:
    """Open a trouble report by hand for a raised alarm that is on no active report."""
    alarm = selectors.alarm_get_for_user(user=request.user, pk=pk)
    report = alarm.trouble_report
    if report is not None and report.is_active:
        messages.info(request, f"This alarm is already on {report.reference}.")
        return redirect("network:report", report.pk)
    initial = {
        "title": f"{alarm.probable_cause} on {alarm.alarmed_object_id}",
        "priority": PRIORITY_OF_SEVERITY.get(alarm.perceived_severity, 3),  # type: ignore[call-overload]
        "description": alarm.specific_problem,
    }
    form = posted_form(request, OpenReportForm, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        opened = run_or_form_error(
            form,
            lambda: workflow.trouble_report_open(
                actor=request.user,
                title=data["title"],
                description=data["description"],
                priority=data["priority"],
                alarms=[alarm],
            ),
        )
        if opened is not None:
            return done(
                request,
                f"{opened.reference} opened for the alarm on {alarm.alarmed_object_id}.",
                reverse("network:report", args=[opened.pk]),
            )
    return render(request, "services/report_open.html", {"alarm": alarm, "form": form})
