"""Admin for trouble report activities (progress and completion through the workflow) and
the service notification outbox."""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html

from problems.models import ActivityStatus, NotificationStatus
from problems.workflow import WorkflowError
from services import notifications, workflow
from services.admin._pages import object_form_view
from services.models import ServiceNotification, TroubleReportActivity


class ActivityUpdateForm(forms.Form):
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    external_reference = forms.CharField(required=False, label="Supplier's reference")
    supplier_status = forms.CharField(required=False, label="Supplier's status")
    start = forms.BooleanField(required=False, label="Started")


@admin.register(TroubleReportActivity)
class TroubleReportActivityAdmin(admin.ModelAdmin):
    list_display = [
        "summary",
        "report",
        "kind",
        "status",
        "supplier",
        "external_reference",
        "supplier_status",
        "outcome",
    ]
    list_filter = ["status", "kind", "outcome", "supplier"]
    list_select_related = ["report", "supplier"]
    search_fields = ["summary", "details", "external_reference", "supplier_status"]
    readonly_fields = [f.name for f in TroubleReportActivity._meta.fields] + ["record_update"]
    actions = [
        "complete_restored",
        "complete_workaround",
        "complete_unsuccessful",
        "complete_fault_found",
        "complete_no_fault_found",
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # scheduled from the report, through the workflow

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description="update")
    def record_update(self, activity: TroubleReportActivity) -> str:
        if activity.status not in (ActivityStatus.SCHEDULED, ActivityStatus.IN_PROGRESS):
            return "Finished."
        url = reverse("admin:services_troublereportactivity_update", args=[activity.pk])
        return format_html('<a href="{}">Record progress or the supplier\'s status</a>', url)

    def get_urls(self) -> list[URLPattern]:
        return [
            path(
                "<path:object_id>/update/",
                self.admin_site.admin_view(self.update_view),
                name="services_troublereportactivity_update",
            ),
            *super().get_urls(),
        ]

    def update_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        return object_form_view(
            self,
            request,
            object_id,
            form_class=ActivityUpdateForm,
            title="Activity progress",
            submit_label="Record",
            run=lambda a, d: workflow.trouble_activity_update(
                a,
                actor=request.user,
                start=d["start"],
                note=d["note"],
                external_reference=d["external_reference"] or None,
                supplier_status=d["supplier_status"] or None,
            ),
            done="Recorded.",
        )

    def _complete(
        self, request: HttpRequest, queryset: QuerySet[TroubleReportActivity], outcome: str
    ) -> None:
        for activity in queryset:
            try:
                workflow.trouble_activity_complete(activity, actor=request.user, outcome=outcome)
            except WorkflowError as error:
                self.message_user(request, f"{activity}: {error.message}", messages.WARNING)

    @admin.action(description="Complete: restored")
    def complete_restored(
        self, request: HttpRequest, queryset: QuerySet[TroubleReportActivity]
    ) -> None:
        self._complete(request, queryset, "restored")

    @admin.action(description="Complete: restored by workaround")
    def complete_workaround(
        self, request: HttpRequest, queryset: QuerySet[TroubleReportActivity]
    ) -> None:
        self._complete(request, queryset, "workaround")

    @admin.action(description="Complete: unsuccessful")
    def complete_unsuccessful(
        self, request: HttpRequest, queryset: QuerySet[TroubleReportActivity]
    ) -> None:
        self._complete(request, queryset, "unsuccessful")

    @admin.action(description="Complete test: fault found")
    def complete_fault_found(
        self, request: HttpRequest, queryset: QuerySet[TroubleReportActivity]
    ) -> None:
        self._complete(request, queryset, "fault_found")

    @admin.action(description="Complete test: no fault found")
    def complete_no_fault_found(
        self, request: HttpRequest, queryset: QuerySet[TroubleReportActivity]
    ) -> None:
        self._complete(request, queryset, "no_fault_found")


@admin.register(ServiceNotification)
class ServiceNotificationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "email", "notice", "report", "status", "attempts", "sent_at"]
    list_filter = ["status", "notice"]
    search_fields = ["email", "last_error"]
    list_select_related = ["report"]
    readonly_fields = [f.name for f in ServiceNotification._meta.fields]
    actions = ["send_now"]
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description="Send pending or failed now")
    def send_now(self, request: HttpRequest, queryset: QuerySet[ServiceNotification]) -> None:
        queryset.filter(status=NotificationStatus.FAILED).update(status=NotificationStatus.PENDING)
        sent, errors = notifications.deliver(queryset.values_list("pk", flat=True))
        self.message_user(request, f"Sent {sent}; {len(errors)} failed.")
