"""Django admin for supervisors and administrators.

Writes to problems go through the workflow: the add form calls ``problem_create``, the
change form ``problem_update``, the transition buttons (django-fsm-2's admin integration)
the transition's workflow function, and new notes and activities in the inlines
``note_add`` / ``activity_schedule``. Events are read-only: the log is append-only.
"""

from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import Count, QuerySet
from django.forms import ModelForm
from django.http import HttpRequest

from problems import notifications, selectors, transitions, workflow
from problems.admin_transitions import WorkflowTransitionsAdminMixin
from problems.models import (
    ActivityOutcome,
    Category,
    Customer,
    CustomerProblem,
    EscalationStep,
    KnownError,
    Note,
    Notification,
    NotificationStatus,
    ProblemEvent,
    RecoveryActivity,
    SLAPolicy,
    Team,
    User,
)
from problems.workflow.lifecycle import UPDATABLE_FIELDS


class ReadOnlyAdminMixin:
    """For records that are written only by the workflow."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "tier", "contact_count", "is_active"]
    list_filter = ["tier", "is_active"]
    search_fields = ["name", "code"]
    prepopulated_fields = {"code": ["name"]}
    filter_horizontal = ["default_contacts"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Customer]:
        return super().get_queryset(request).annotate(contact_total=Count("contacts"))

    @admin.display(description="contacts", ordering="contact_total")
    def contact_count(self, customer: Customer) -> int:
        return customer.contact_total  # type: ignore[attr-defined]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = [
        "username",
        "email",
        "first_name",
        "last_name",
        "customer",
        "is_staff",
        "is_active",
    ]
    list_filter = ["groups", "is_staff", "is_active", "customer"]
    list_select_related = ["customer"]
    search_fields = ["username", "first_name", "last_name", "email", "customer__name"]
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        ("ProblemDesk", {"fields": ("customer", "phone")}),
    )
    add_fieldsets = (
        *BaseUserAdmin.add_fieldsets,
        ("ProblemDesk", {"fields": ("email", "customer")}),
    )


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "email", "member_count", "handles_security", "is_active"]
    list_filter = ["handles_security", "is_active"]
    search_fields = ["name"]
    filter_horizontal = ["members"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Team]:
        return super().get_queryset(request).annotate(member_total=Count("members"))

    @admin.display(description="members", ordering="member_total")
    def member_count(self, team: Team) -> int:
        return team.member_total  # type: ignore[attr-defined]


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "is_security", "default_team", "is_active"]
    list_filter = ["is_security", "is_active"]
    search_fields = ["name", "description"]
    prepopulated_fields = {"slug": ["name"]}


class EscalationStepInline(admin.StackedInline):
    model = EscalationStep
    extra = 0
    max_num = 3
    filter_horizontal = ["notify_users"]


@admin.register(SLAPolicy)
class SLAPolicyAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "applies_to",
        "priority",
        "customer_tier",
        "response_time",
        "restoration_time",
        "jeopardy_percent",
        "confirmation_window",
        "is_active",
    ]
    list_filter = ["applies_to", "priority", "customer_tier", "is_active"]
    search_fields = ["name"]
    inlines = [EscalationStepInline]


@admin.register(KnownError)
class KnownErrorAdmin(admin.ModelAdmin):
    list_display = ["reference", "title", "category", "problem_count", "is_active", "updated_at"]
    list_filter = ["is_active", "category"]
    search_fields = ["title", "symptoms", "workaround", "root_cause"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[KnownError]:
        return super().get_queryset(request).annotate(problem_total=Count("problems"))

    @admin.display(description="problems", ordering="problem_total")
    def problem_count(self, known_error: KnownError) -> int:
        return known_error.problem_total  # type: ignore[attr-defined]


class EventInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = ProblemEvent
    fields = ["created_at", "kind", "actor_label", "from_state", "to_state", "is_public", "message"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    ordering = ["created_at", "id"]


class NoteInline(admin.StackedInline):
    """Existing notes are read-only; a new one is added through ``note_add``."""

    model = Note
    fields = ["body", "is_internal", "author_label", "created_at"]
    readonly_fields = ["author_label", "created_at"]
    extra = 1
    can_delete = False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ActivityInline(admin.TabularInline):
    """New activities are scheduled through ``activity_schedule``; progress and completion
    are actions on the recovery activity list."""

    model = RecoveryActivity
    fields = [
        "kind",
        "summary",
        "assignee",
        "supplier_name",
        "external_reference",
        "status",
        "outcome",
    ]
    readonly_fields = ["status", "outcome"]
    extra = 0
    can_delete = False
    autocomplete_fields = ["assignee"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(CustomerProblem)
class CustomerProblemAdmin(WorkflowTransitionsAdminMixin, admin.ModelAdmin):
    fsm_forms = {name: action.form for name, action in transitions.ACTIONS.items()}
    available_transitions = selectors.available_transitions
    perform_transition = transitions.perform
    list_display = [
        "reference",
        "title",
        "customer",
        "state",
        "priority",
        "escalation_level",
        "team",
        "assignee",
        "restore_by",
        "created_at",
    ]
    list_filter = [
        "state",
        "priority",
        "escalation_level",
        "channel",
        "team",
        "category",
        "customer__tier",
        ("on_hold_since", admin.EmptyFieldListFilter),
    ]
    list_select_related = ["customer", "team", "assignee"]
    search_fields = ["title", "description", "customer__name", "external_id"]
    date_hierarchy = "created_at"
    autocomplete_fields = ["customer", "reported_by"]
    inlines = [NoteInline, ActivityInline, EventInline]
    actions = ["escalate_one_level"]
    fieldsets = (
        (
            "Report",
            {
                "fields": (
                    "title",
                    "description",
                    "customer",
                    "reported_by",
                    "channel",
                    "category",
                    "priority",
                    "team",
                    "service_label",
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
                    "escalation_level",
                    "status_change_reason",
                    ("on_hold_since", "hold_reason", "time_on_hold"),
                    "known_error",
                    "workaround_applied",
                    ("resolution_outcome", "resolution_summary", "root_cause"),
                    ("cancellation_kind", "duplicate_of"),
                )
            },
        ),
        (
            "Targets",
            {
                "fields": (
                    "sla_policy",
                    ("respond_by", "responded_at"),
                    ("jeopardy_at", "restore_by"),
                    "escalation_due_at",
                    ("cleared_at", "confirm_by", "customer_confirmed_at"),
                    ("closed_at", "cancelled_at"),
                    "created_at",
                )
            },
        ),
    )
    lifecycle_fields = (
        "state",
        "assignee",
        "escalation_level",
        "status_change_reason",
        "on_hold_since",
        "hold_reason",
        "time_on_hold",
        "known_error",
        "workaround_applied",
        "resolution_outcome",
        "resolution_summary",
        "root_cause",
        "cancellation_kind",
        "duplicate_of",
        "sla_policy",
        "respond_by",
        "responded_at",
        "jeopardy_at",
        "restore_by",
        "escalation_due_at",
        "cleared_at",
        "confirm_by",
        "customer_confirmed_at",
        "closed_at",
        "cancelled_at",
        "created_at",
    )

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        readonly = set(super().get_readonly_fields(request, obj)) | set(self.lifecycle_fields)
        if obj is not None:
            readonly.add("team")  # a change of team is part of assigning
            readonly.add("channel")
        return tuple(readonly)

    def get_queryset(self, request: HttpRequest) -> QuerySet[CustomerProblem]:
        # Security-event problems stay hidden from agents outside the security team here too.
        return selectors.problems_visible_to(request.user)

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[CustomerProblem], search_term: str
    ) -> tuple[QuerySet[CustomerProblem], bool]:
        by_reference = queryset.with_reference(search_term)  # type: ignore[attr-defined]
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        return results | by_reference, may_have_duplicates

    def save_model(
        self, request: HttpRequest, obj: CustomerProblem, form: ModelForm, change: bool
    ) -> None:
        fields = {
            name: form.cleaned_data[name] for name in form.changed_data if name in UPDATABLE_FIELDS
        }
        try:
            if change:
                updated = workflow.problem_update(obj, actor=request.user, **fields)
            else:
                data = {name: form.cleaned_data.get(name) for name in form.cleaned_data}
                updated = workflow.problem_create(
                    actor=request.user,
                    title=data["title"],
                    description=data["description"],
                    customer=data.get("customer"),
                    reported_by=data.get("reported_by"),
                    channel=data.get("channel") or "desk",
                    category=data.get("category"),
                    priority=data.get("priority") or 3,
                    team=data.get("team"),
                    service_label=data.get("service_label") or "",
                    external_id=data.get("external_id") or "",
                )
        except workflow.WorkflowError as error:
            self.message_user(request, error.message, messages.ERROR)
            return
        obj.pk = updated.pk
        obj.refresh_from_db()

    def save_formset(
        self, request: HttpRequest, form: ModelForm, formset: Any, change: bool
    ) -> None:
        problem = form.instance
        # We save through the workflow, not formset.save(); the change message reads these.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        if problem.pk is None:
            return
        for inline_form in formset.forms:
            if inline_form.instance.pk or not inline_form.has_changed():
                continue
            data = inline_form.cleaned_data
            if not data or data.get("DELETE"):
                continue
            try:
                if formset.model is Note:
                    workflow.note_add(
                        problem,
                        actor=request.user,
                        body=data["body"],
                        is_internal=data["is_internal"],
                    )
                elif formset.model is RecoveryActivity:
                    workflow.activity_schedule(
                        problem,
                        actor=request.user,
                        kind=data["kind"],
                        summary=data["summary"],
                        assignee=data.get("assignee"),
                        supplier_name=data.get("supplier_name") or "",
                        external_reference=data.get("external_reference") or "",
                    )
            except workflow.WorkflowError as error:
                self.message_user(request, error.message, messages.ERROR)

    @admin.action(description="Escalate one level", permissions=["escalate"])
    def escalate_one_level(self, request: HttpRequest, queryset: QuerySet[CustomerProblem]) -> None:
        done = 0
        for problem in queryset:
            try:
                workflow.problem_escalate(
                    problem, actor=request.user, reason="Escalated from the admin."
                )
                done += 1
            except workflow.WorkflowError as error:
                self.message_user(
                    request, f"{problem.reference}: {error.message}", messages.WARNING
                )
        self.message_user(request, f"Escalated {done} problem(s).", messages.SUCCESS)

    def has_escalate_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("problems.escalate_problem")

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # problems are cancelled, never deleted


@admin.register(ProblemEvent)
class ProblemEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "created_at",
        "problem",
        "kind",
        "actor_label",
        "from_state",
        "to_state",
        "is_public",
    ]
    list_filter = ["kind", "is_public", "to_state"]
    list_select_related = ["problem"]
    search_fields = ["message", "actor_label"]
    date_hierarchy = "created_at"
    show_full_result_count = False


@admin.register(Note)
class NoteAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["created_at", "problem", "author_label", "is_internal"]
    list_filter = ["is_internal"]
    list_select_related = ["problem"]
    search_fields = ["body", "author_label"]


@admin.register(RecoveryActivity)
class RecoveryActivityAdmin(admin.ModelAdmin):
    list_display = [
        "summary",
        "problem",
        "kind",
        "status",
        "assignee",
        "supplier_name",
        "outcome",
        "created_at",
    ]
    list_filter = ["status", "kind", "outcome"]
    list_select_related = ["problem", "assignee"]
    search_fields = ["summary", "details", "supplier_name", "external_reference"]
    readonly_fields = [f.name for f in RecoveryActivity._meta.fields]
    actions = ["start", "complete_restored", "complete_workaround", "complete_unsuccessful"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # scheduled from the problem, through the workflow

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def _each(self, request: HttpRequest, queryset: QuerySet[RecoveryActivity], run: Any) -> None:
        for activity in queryset:
            try:
                run(activity)
            except workflow.WorkflowError as error:
                self.message_user(request, f"{activity}: {error.message}", messages.WARNING)

    @admin.action(description="Start")
    def start(self, request: HttpRequest, queryset: QuerySet[RecoveryActivity]) -> None:
        self._each(
            request, queryset, lambda a: workflow.activity_update(a, actor=request.user, start=True)
        )

    def _complete(
        self, request: HttpRequest, queryset: QuerySet[RecoveryActivity], outcome: str
    ) -> None:
        self._each(
            request,
            queryset,
            lambda a: workflow.activity_complete(a, actor=request.user, outcome=outcome),
        )

    @admin.action(description="Complete: restored")
    def complete_restored(self, request: HttpRequest, queryset: QuerySet[RecoveryActivity]) -> None:
        self._complete(request, queryset, ActivityOutcome.RESTORED)

    @admin.action(description="Complete: restored by workaround")
    def complete_workaround(
        self, request: HttpRequest, queryset: QuerySet[RecoveryActivity]
    ) -> None:
        self._complete(request, queryset, ActivityOutcome.WORKAROUND)

    @admin.action(description="Complete: unsuccessful")
    def complete_unsuccessful(
        self, request: HttpRequest, queryset: QuerySet[RecoveryActivity]
    ) -> None:
        self._complete(request, queryset, ActivityOutcome.UNSUCCESSFUL)


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "email", "event", "for_customer", "status", "attempts", "sent_at"]
    list_filter = ["status", "for_customer"]
    search_fields = ["email", "last_error"]
    list_select_related = ["event"]
    readonly_fields = [f.name for f in Notification._meta.fields]
    actions = ["send_now"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description="Send pending or failed now")
    def send_now(self, request: HttpRequest, queryset: QuerySet[Notification]) -> None:
        queryset.filter(status=NotificationStatus.FAILED).update(status=NotificationStatus.PENDING)
        sent, errors = notifications.deliver(queryset.values_list("pk", flat=True))
        self.message_user(request, f"Sent {sent}; {len(errors)} failed.")


from problems import admin_surveys  # noqa: E402, F401  (registers the survey admin)
