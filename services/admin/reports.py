"""Admin for service trouble reports. Writes go through the workflow: the add form opens a
report, the change form updates it, the transition buttons run the transition's workflow
function, new activities are scheduled through it, and progress updates, escalation and
re-planning are forms beside the report."""

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html_join

from problems.admin_transitions import WorkflowTransitionsAdminMixin
from problems.workflow import WorkflowError
from services import selectors, transitions, workflow
from services.admin._pages import object_form_view
from services.admin.report_parts import (
    ActivityInline,
    AlarmInline,
    EventInline,
    ImpactInline,
    ReportAddForm,
)
from services.forms import EscalateForm, ProgressForm, ReplanReportForm
from services.models import (
    ServiceTroubleReport,
    TroubleReportActivity,
)


@admin.register(ServiceTroubleReport)
class ServiceTroubleReportAdmin(WorkflowTransitionsAdminMixin, admin.ModelAdmin):
    fsm_forms = {name: a.form for name, a in transitions.ACTIONS.items() if a.form}
    available_transitions = selectors.available_transitions
    perform_transition = transitions.perform
    list_display = [
        "reference",
        "title",
        "state",
        "priority",
        "escalation_level",
        "in_jeopardy",
        "team",
        "assignee",
        "root_cause_resource",
        "restore_by",
        "created_at",
    ]
    list_filter = [
        "state",
        "priority",
        "escalation_level",
        "origin",
        "team",
        ("jeopardy_since", admin.EmptyFieldListFilter),
    ]
    list_select_related = ["team", "assignee", "root_cause_resource"]
    search_fields = ["title", "description", "external_id"]
    date_hierarchy = "created_at"
    inlines = [ImpactInline, AlarmInline, ActivityInline, EventInline]
    actions = ["escalate_one_level", "localise_again"]
    fieldsets = (
        (
            "Report",
            {
                "fields": (
                    "title",
                    "description",
                    "priority",
                    "team",
                    "origin",
                    "originating_system",
                    "external_id",
                )
            },
        ),
        (
            "Lifecycle",
            {
                "fields": (
                    "state",
                    "assignee",
                    "status_change_reason",
                    "on_hold_since",
                    ("resolution_outcome", "resolution_summary", "root_cause"),
                )
            },
        ),
        (
            "Localisation",
            {
                "fields": (
                    "root_cause_resource",
                    "localisation",
                    "localised_at",
                    ("first_alarm_at", "last_alarm_at"),
                )
            },
        ),
        ("Customers", {"fields": ("customer_impact", "linked_problems", "operations")}),
        (
            "Targets",
            {
                "fields": (
                    "sla_policy",
                    ("respond_by", "jeopardy_at", "restore_by"),
                    ("jeopardy_since", "escalation_level", "escalation_due_at"),
                    ("created_at", "started_at", "resolved_at", "closed_at", "cancelled_at"),
                )
            },
        ),
    )
    editable = {"title", "description", "priority"}

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        if obj is None:
            kwargs["form"] = ReportAddForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return ((None, {"fields": ("title", "description", "priority", "team", "services")}),)
        return self.fieldsets

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return ()
        every = {
            name
            for _, spec in self.fieldsets
            for row in spec["fields"]
            for name in (row if isinstance(row, tuple) else (row,))
        }
        return tuple(sorted(every - self.editable))

    def get_queryset(self, request: HttpRequest) -> QuerySet[ServiceTroubleReport]:
        return selectors.trouble_reports_visible_to(request.user)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # reports are cancelled or rejected, never deleted

    # --- Read-only summaries ---------------------------------------------------------------
    @admin.display(description="impact")
    def customer_impact(self, report: ServiceTroubleReport) -> str:
        summary = selectors.impact_summary(report)
        return (
            f"{len(summary.impacts)} impacted service(s), {summary.customer_count:,} customers "
            f"({summary.subscriber_count:,} subscriptions); {summary.linked_problem_count:,} "
            f"customer problems linked, of which {summary.proactive_problem_count:,} proactive."
        )

    @admin.display(description="linked customer problems")
    def linked_problems(self, report: ServiceTroubleReport) -> str:
        problems = list(selectors.linked_problems(report)[:10])
        if not problems:
            return "None yet."
        return format_html_join(
            ", ",
            '<a href="{}">{}</a> ({})',
            (
                (
                    reverse("admin:problems_customerproblem_change", args=[p.pk]),
                    p.reference,
                    p.customer or "?",
                )
                for p in problems
            ),
        )

    @admin.display(description="operations")
    def operations(self, report: ServiceTroubleReport) -> str:
        if report.pk is None:
            return ""
        links = [
            ("progress", "Post a progress update to the customers"),
            ("escalate", "Escalate"),
            ("replan", "Re-plan the target"),
        ]
        return format_html_join(
            " · ",
            '<a href="{}">{}</a>',
            (
                (reverse(f"admin:services_servicetroublereport_{name}", args=[report.pk]), label)
                for name, label in links
            ),
        )

    # --- Writes through the workflow ------------------------------------------------------------
    def save_model(
        self, request: HttpRequest, obj: ServiceTroubleReport, form: Any, change: bool
    ) -> None:
        data = form.cleaned_data
        try:
            if change:
                updated = workflow.trouble_report_update(
                    obj,
                    actor=request.user,
                    **{k: data[k] for k in form.changed_data if k in self.editable},
                )
            else:
                updated = workflow.trouble_report_open(
                    actor=request.user,
                    title=data["title"],
                    description=data.get("description") or "",
                    priority=data["priority"],
                    team=data.get("team"),
                    services=list(data.get("services") or []),
                )
        except WorkflowError as error:
            self.message_user(request, error.message, messages.ERROR)
            return
        obj.pk = updated.pk
        obj.refresh_from_db()

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        for formset in formsets:
            self.save_formset(request, form, formset, change)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        report = form.instance
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        if report.pk is None or formset.model is not TroubleReportActivity:
            return
        for inline_form in formset.forms:
            if inline_form.instance.pk or not inline_form.has_changed():
                continue
            data = inline_form.cleaned_data
            if not data or data.get("DELETE"):
                continue
            try:
                workflow.trouble_activity_schedule(
                    report,
                    actor=request.user,
                    kind=data["kind"],
                    summary=data["summary"],
                    assignee=data.get("assignee"),
                    supplier=data.get("supplier"),
                    external_reference=data.get("external_reference") or "",
                )
            except WorkflowError as error:
                self.message_user(request, error.message, messages.ERROR)

    def get_urls(self) -> list[URLPattern]:
        view = self.admin_site.admin_view
        return [
            path(
                "<path:object_id>/progress/",
                view(self.progress_view),
                name="services_servicetroublereport_progress",
            ),
            path(
                "<path:object_id>/escalate/",
                view(self.escalate_view),
                name="services_servicetroublereport_escalate",
            ),
            path(
                "<path:object_id>/replan/",
                view(self.replan_view),
                name="services_servicetroublereport_replan",
            ),
            *super().get_urls(),
        ]

    def progress_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        return object_form_view(
            self,
            request,
            object_id,
            form_class=ProgressForm,
            title="Progress update",
            submit_label="Post to the customers",
            run=lambda r, d: workflow.trouble_report_progress(
                r, actor=request.user, message=d["message"]
            ),
            done="Progress posted; it reaches the linked customer problems in a moment.",
            intro="Written on the report now, then on every linked customer problem's timeline "
            "as a public update, which their notification lists receive by e-mail.",
        )

    def escalate_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        return object_form_view(
            self,
            request,
            object_id,
            form_class=EscalateForm,
            title="Escalate",
            submit_label="Escalate",
            run=lambda r, d: workflow.trouble_report_escalate(
                r, actor=request.user, reason=d["reason"], level=d.get("level")
            ),
            done="Escalated.",
        )

    def replan_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        return object_form_view(
            self,
            request,
            object_id,
            form_class=ReplanReportForm,
            title="Re-plan the restoration target",
            submit_label="Re-plan",
            run=lambda r, d: workflow.trouble_report_replan(
                r, actor=request.user, restore_by=d["restore_by"], reason=d["reason"]
            ),
            done="Re-planned.",
        )

    @admin.action(description="Escalate one level")
    def escalate_one_level(
        self, request: HttpRequest, queryset: QuerySet[ServiceTroubleReport]
    ) -> None:
        for report in queryset:
            try:
                workflow.trouble_report_escalate(
                    report, actor=request.user, reason="Escalated from the admin."
                )
            except WorkflowError as error:
                self.message_user(request, f"{report.reference}: {error.message}", messages.WARNING)

    @admin.action(description="Localise again (after an inventory change)")
    def localise_again(
        self, request: HttpRequest, queryset: QuerySet[ServiceTroubleReport]
    ) -> None:
        for report in queryset:
            try:
                workflow.trouble_report_localise(report, actor=request.user)
            except WorkflowError as error:
                self.message_user(request, f"{report.reference}: {error.message}", messages.WARNING)
