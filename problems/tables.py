"""The desk queue as a django-tables2 table (and its CSV export through tablib)."""

from typing import Any

import django_tables2 as tables
from django.db.models import F, QuerySet
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString

from problems import display
from problems.models import CustomerProblem
from problems.templatetags.problemdesk import priority_badge, state_badge


class ProblemTable(tables.Table):
    reference = tables.Column(
        verbose_name="Reference",
        accessor="pk",
        order_by=("id",),
        attrs={"td": {"class": "text-nowrap"}},
    )
    title = tables.Column(verbose_name="Problem")
    customer = tables.Column(
        verbose_name="Customer", accessor="customer__name", default="To be identified"
    )
    state = tables.Column()
    priority = tables.Column()
    team = tables.Column(verbose_name="Team", accessor="team__name", default="—")
    assignee = tables.Column(default="Unassigned")
    escalation_level = tables.Column(verbose_name="Esc.")
    jeopardy_at = tables.Column(verbose_name="To jeopardy", attrs={"td": {"class": "text-nowrap"}})
    restore_by = tables.Column(verbose_name="To restore", attrs={"td": {"class": "text-nowrap"}})
    created_at = tables.DateTimeColumn(verbose_name="Reported", format="j M H:i")
    # Exported, not shown: the CSV carries what the screen shows by colour or link.
    category = tables.Column(
        verbose_name="Category", accessor="category__name", default="", visible=False
    )
    service_label = tables.Column(verbose_name="Service", default="", visible=False)
    on_hold_since = tables.Column(verbose_name="On hold since", default="", visible=False)

    class Meta:
        model = CustomerProblem
        fields = ()
        sequence = (
            "reference",
            "title",
            "customer",
            "state",
            "priority",
            "team",
            "assignee",
            "escalation_level",
            "jeopardy_at",
            "restore_by",
            "created_at",
            "category",
            "service_label",
            "on_hold_since",
        )
        attrs = {"class": "table table-hover align-middle queue-table mb-0"}
        empty_text = "No problem matches."
        row_attrs = {"data-problem": lambda record: record.pk}

    # --- cells ------------------------------------------------------------------------------
    def render_reference(self, record: CustomerProblem) -> SafeString:
        return format_html(
            '<a class="fw-semibold" href="{}">{}</a>',
            reverse("desk:problem", args=[record.pk]),
            record.reference,
        )

    def render_title(self, record: CustomerProblem) -> SafeString:
        hold = (
            format_html(' <span class="badge text-bg-info">{}</span>', "on hold")
            if record.on_hold_since
            else ""
        )
        return format_html(
            '<a class="link-body-emphasis text-decoration-none" href="{}">{}</a>{}',
            reverse("desk:problem", args=[record.pk]),
            record.title,
            hold,
        )

    def render_state(self, record: CustomerProblem) -> SafeString:
        return state_badge(record)

    def render_priority(self, record: CustomerProblem) -> SafeString:
        return priority_badge(record)

    def render_escalation_level(self, value: int) -> Any:
        if not value:
            return format_html('<span class="text-body-tertiary">{}</span>', 0)
        return format_html('<span class="badge text-bg-danger">L{}</span>', value)

    def render_jeopardy_at(self, record: CustomerProblem) -> SafeString:
        left = display.time_to_jeopardy(record)
        return format_html('<span class="badge time-left {}">{}</span>', left.css, left.text)

    def render_restore_by(self, record: CustomerProblem) -> SafeString:
        left = display.time_to_restore(record)
        return format_html('<span class="badge time-left {}">{}</span>', left.css, left.text)

    # --- sorting: a missing deadline counts as the farthest one -------------------------------
    # (last going up, first going down: the order the restore_by index reads either way)
    def order_jeopardy_at(self, queryset: QuerySet[Any], is_descending: bool) -> Any:
        return self._order_farthest_when_missing(queryset, "jeopardy_at", is_descending)

    def order_restore_by(self, queryset: QuerySet[Any], is_descending: bool) -> Any:
        return self._order_farthest_when_missing(queryset, "restore_by", is_descending)

    @staticmethod
    def _order_farthest_when_missing(queryset: QuerySet[Any], name: str, descending: bool) -> Any:
        if descending:
            return queryset.order_by(F(name).desc(nulls_first=True), "-pk"), True
        return queryset.order_by(F(name).asc(nulls_last=True), "pk"), True

    # --- export: plain values ---------------------------------------------------------------
    def value_reference(self, record: CustomerProblem) -> str:
        return record.reference

    def value_title(self, record: CustomerProblem) -> str:
        return record.title

    def value_state(self, record: CustomerProblem) -> str:
        return record.get_state_display()

    def value_priority(self, record: CustomerProblem) -> str:
        return record.get_priority_display()

    def value_escalation_level(self, value: int) -> int:
        return value

    def value_jeopardy_at(self, record: CustomerProblem) -> str:
        return record.jeopardy_at.isoformat() if record.jeopardy_at else ""

    def value_restore_by(self, record: CustomerProblem) -> str:
        return record.restore_by.isoformat() if record.restore_by else ""

    def value_created_at(self, record: CustomerProblem) -> str:
        return record.created_at.isoformat()

    def value_assignee(self, record: CustomerProblem) -> str:
        return str(record.assignee) if record.assignee_id else ""

    def value_on_hold_since(self, record: CustomerProblem) -> str:
        return record.on_hold_since.isoformat() if record.on_hold_since else ""
