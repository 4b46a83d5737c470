"""Admin for alarms: read-only rows (the network writes them), acknowledged, cleared and
opened into a trouble report through the workflow."""

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from problems.models import Priority
from problems.workflow import WorkflowError
from services import alarms, selectors, workflow
from services.models import Alarm


@admin.register(Alarm)
class AlarmAdmin(admin.ModelAdmin):
    list_display = [
        "raised_at",
        "highest_severity",
        "perceived_severity",
        "alarmed_object_id",
        "probable_cause",
        "occurrences",
        "last_seen_at",
        "state",
        "ack_state",
        "trouble_report",
    ]
    list_filter = ["state", "highest_severity", "ack_state", "alarm_type", "source_system_id"]
    list_select_related = ["resource", "trouble_report"]
    search_fields = ["alarmed_object_id", "probable_cause", "specific_problem", "external_alarm_id"]
    date_hierarchy = "raised_at"
    readonly_fields = [f.name for f in Alarm._meta.fields]
    actions = ["acknowledge", "clear", "open_trouble_report"]
    show_full_result_count = False

    def get_queryset(self, request: HttpRequest) -> QuerySet[Alarm]:
        return selectors.alarms_visible_to(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # the network raises alarms (TMF642 API, ingest_alarms)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def _each(self, request: HttpRequest, queryset: QuerySet[Alarm], run: Any, done: str) -> None:
        count = 0
        for alarm in queryset:
            try:
                run(alarm)
                count += 1
            except WorkflowError as error:
                self.message_user(request, f"{alarm}: {error.message}", messages.WARNING)
        self.message_user(request, f"{done} {count} alarm(s).", messages.SUCCESS)

    @admin.action(description="Acknowledge")
    def acknowledge(self, request: HttpRequest, queryset: QuerySet[Alarm]) -> None:
        self._each(
            request,
            queryset,
            lambda a: alarms.alarm_acknowledge(a, actor=request.user),
            "Acknowledged",
        )

    @admin.action(description="Clear by hand")
    def clear(self, request: HttpRequest, queryset: QuerySet[Alarm]) -> None:
        self._each(
            request, queryset, lambda a: alarms.alarm_clear(a, actor=request.user), "Cleared"
        )

    @admin.action(description="Open a trouble report for these alarms")
    def open_trouble_report(self, request: HttpRequest, queryset: QuerySet[Alarm]) -> None:
        chosen = list(queryset.order_by("raised_at"))
        try:
            report = workflow.trouble_report_open(
                actor=request.user,
                title=f"{chosen[0].probable_cause} on {chosen[0].alarmed_object_id}",
                priority=Priority.HIGH,
                alarms=chosen,
            )
        except WorkflowError as error:
            self.message_user(request, error.message, messages.ERROR)
            return
        self.message_user(request, f"Opened {report.reference}.", messages.SUCCESS)
