"""The desk's network tables (django-tables2): the alarm list, the trouble report queue and
a report's linked customer problems."""

from typing import Any

import django_tables2 as tables
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString

from problems.models import TroubleReportLink
from problems.templatetags.problemdesk import priority_badge, state_badge
from services import display
from services.models import Alarm, ServiceTroubleReport
from services.selectors import SEVERITY_ORDER


class AlarmTable(tables.Table):
    selected = tables.CheckBoxColumn(
        accessor="pk",
        attrs={
            "th__input": {
                "aria-label": "Select every alarm on this page",
                "data-select-all": "",
                "class": "form-check-input",
            },
            "td__input": {"class": "form-check-input", "name": "selected"},
        },
        orderable=False,
    )
    severity = tables.Column(
        verbose_name="Severity", accessor="highest_severity", order_by=("highest_severity",)
    )
    alarmed_object_id = tables.Column(
        verbose_name="Alarmed object", attrs={"td": {"class": "text-nowrap"}}
    )
    probable_cause = tables.Column(verbose_name="Cause")
    source_system_id = tables.Column(verbose_name="Source", attrs={"td": {"class": "small"}})
    raised_at = tables.Column(verbose_name="Raised", attrs={"td": {"class": "text-nowrap small"}})
    occurrences = tables.Column(verbose_name="Count", attrs={"td": {"class": "text-end"}})
    ack_state = tables.Column(verbose_name="State", order_by=("state", "ack_state"))
    trouble_report = tables.Column(
        verbose_name="Trouble report",
        order_by=("trouble_report_id",),
        attrs={"td": {"class": "text-nowrap"}},
    )
    actions = tables.Column(
        verbose_name="Actions",
        accessor="pk",
        orderable=False,
        attrs={"th": {"class": "visually-hidden"}, "td": {"class": "alarm-actions"}},
    )

    class Meta:
        model = Alarm
        fields = ()
        sequence = (
            "selected",
            "severity",
            "alarmed_object_id",
            "probable_cause",
            "source_system_id",
            "raised_at",
            "occurrences",
            "ack_state",
            "trouble_report",
            "actions",
        )
        attrs = {"class": "table table-hover align-middle alarm-table mb-0"}
        empty_text = "No alarm is raised."
        row_attrs = {
            "data-alarm": lambda record: record.pk,
            "class": lambda record: "" if record.is_raised else "text-body-secondary",
        }

    def __init__(self, *args: Any, can_acknowledge: bool, can_clear: bool, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.can_acknowledge = can_acknowledge
        self.can_clear = can_clear

    def order_severity(self, queryset: QuerySet[Any], is_descending: bool) -> Any:
        # Most severe first is "descending"; the rank is a CASE on the choice values.
        order = SEVERITY_ORDER[0]
        rank = order.expression if is_descending else order.expression.desc()
        return queryset.order_by(rank, "-raised_at", "-id"), True

    def render_severity(self, record: Alarm) -> SafeString:
        shown = record.perceived_severity if record.is_raised else record.highest_severity
        badge = display.severity_badge(shown)
        if not record.is_raised:
            return format_html('{} <span class="small">cleared</span>', badge)
        return badge

    def render_alarmed_object_id(self, record: Alarm) -> SafeString:
        resource = record.resource
        name = (
            format_html('<div class="small text-body-secondary">{}</div>', resource.name)
            if resource is not None and resource.name != record.alarmed_object_id
            else ""
        )
        return format_html('<span class="fw-semibold">{}</span>{}', record.alarmed_object_id, name)

    def render_probable_cause(self, record: Alarm) -> SafeString:
        problem = (
            format_html('<div class="small text-body-secondary">{}</div>', record.specific_problem)
            if record.specific_problem
            else ""
        )
        return format_html("{}{}", record.probable_cause, problem)

    def render_raised_at(self, record: Alarm) -> SafeString:
        raised = timezone.localtime(record.raised_at)
        seen = timezone.localtime(record.last_seen_at)
        return format_html(
            '{}<div class="text-body-secondary">last seen {}</div>',
            f"{raised:%d %b %H:%M:%S}",
            f"{seen:%H:%M:%S}" if seen.date() == raised.date() else f"{seen:%d %b %H:%M}",
        )

    def render_ack_state(self, record: Alarm) -> SafeString:
        if not record.is_raised:
            who = record.clear_user_id or record.clear_system_id
            return format_html(
                '<span class="badge text-bg-success">Cleared</span><div class="small">{}</div>',
                f"{record.cleared_at:%d %b %H:%M}" + (f" by {who}" if who else "")
                if record.cleared_at
                else "",
            )
        if record.is_acknowledged:
            return format_html(
                '<span class="badge text-bg-secondary">Acknowledged</span>'
                '<div class="small">by {}</div>',
                record.ack_user_id or "—",
            )
        return format_html('<span class="badge text-bg-warning">{}</span>', "Not acknowledged")

    def render_trouble_report(self, record: Alarm) -> SafeString:
        report = record.trouble_report
        if report is None:
            return format_html('<span class="text-body-tertiary">{}</span>', "none")
        return format_html(
            '<a class="fw-semibold" href="{}">{}</a><div>{}</div>',
            reverse("network:report", args=[report.pk]),
            report.reference,
            display.report_state_badge(report),
        )

    def render_actions(self, record: Alarm) -> SafeString:
        buttons = []
        if record.is_raised and self.can_acknowledge and not record.is_acknowledged:
            buttons.append(
                format_html(
                    '<button type="submit" class="btn btn-sm btn-outline-primary" '
                    'name="one" value="{}" formaction="{}" aria-label="Acknowledge the alarm '
                    'on {}">Acknowledge</button>',
                    record.pk,
                    reverse("network:alarm_action", args=["acknowledge"]),
                    record.alarmed_object_id,
                )
            )
        if record.is_raised and self.can_clear:
            buttons.append(
                format_html(
                    '<button type="submit" class="btn btn-sm btn-outline-danger" '
                    'name="one" value="{}" formaction="{}" aria-label="Clear the alarm on {}">'
                    "Clear</button>",
                    record.pk,
                    reverse("network:alarm_action", args=["clear"]),
                    record.alarmed_object_id,
                )
            )
        report = record.trouble_report
        if record.is_raised and (report is None or not report.is_active):
            buttons.append(
                format_html(
                    '<a class="btn btn-sm btn-outline-secondary" href="{}">Open report</a>',
                    reverse("network:report_from_alarm", args=[record.pk]),
                )
            )
        if not buttons:
            return SafeString("")
        return format_html(
            '<div class="d-flex flex-column align-items-stretch gap-1">{}</div>',
            SafeString("".join(buttons)),
        )


class TroubleReportTable(tables.Table):
    reference = tables.Column(
        verbose_name="Reference",
        accessor="pk",
        order_by=("id",),
        attrs={"td": {"class": "text-nowrap"}},
    )
    title = tables.Column(verbose_name="Trouble report")
    state = tables.Column()
    priority = tables.Column()
    root_cause_resource = tables.Column(
        verbose_name="Root resource", accessor="root_cause_resource__code", default="—"
    )
    impacted_service_count = tables.Column(
        verbose_name="Services", attrs={"td": {"class": "text-end"}}
    )
    raised_alarm_count = tables.Column(
        verbose_name="Raised alarms", attrs={"td": {"class": "text-end"}}
    )
    linked_problem_count = tables.Column(
        verbose_name="Linked problems", attrs={"td": {"class": "text-end"}}
    )
    team = tables.Column(verbose_name="Team · assignee", accessor="team__name", default="No team")
    escalation_level = tables.Column(verbose_name="Esc.")
    jeopardy_at = tables.Column(verbose_name="To jeopardy", attrs={"td": {"class": "text-nowrap"}})
    restore_by = tables.Column(verbose_name="To restore", attrs={"td": {"class": "text-nowrap"}})
    created_at = tables.DateTimeColumn(verbose_name="Opened", format="j M H:i")

    class Meta:
        model = ServiceTroubleReport
        fields = ()
        sequence = (
            "reference",
            "title",
            "state",
            "priority",
            "root_cause_resource",
            "impacted_service_count",
            "raised_alarm_count",
            "linked_problem_count",
            "team",
            "escalation_level",
            "jeopardy_at",
            "restore_by",
            "created_at",
        )
        attrs = {"class": "table table-hover align-middle report-table mb-0"}
        empty_text = "No trouble report matches."
        row_attrs = {"data-report": lambda record: record.pk}

    def render_reference(self, record: ServiceTroubleReport) -> SafeString:
        return format_html(
            '<a class="fw-semibold" href="{}">{}</a>',
            reverse("network:report", args=[record.pk]),
            record.reference,
        )

    def render_title(self, record: ServiceTroubleReport) -> SafeString:
        jeopardy = (
            format_html(' <span class="badge text-bg-danger">{}</span>', "in jeopardy")
            if record.in_jeopardy
            else ""
        )
        return format_html(
            '<a class="link-body-emphasis text-decoration-none" href="{}">{}</a>{}',
            reverse("network:report", args=[record.pk]),
            record.title,
            jeopardy,
        )

    def render_state(self, record: ServiceTroubleReport) -> SafeString:
        return display.report_state_badge(record)

    def render_priority(self, record: ServiceTroubleReport) -> SafeString:
        return priority_badge(record)  # type: ignore[arg-type]

    def render_team(self, record: ServiceTroubleReport) -> SafeString:
        return format_html(
            '{}<div class="small text-body-secondary">{}</div>',
            record.team or "No team",
            record.assignee or "Unassigned",
        )

    def render_escalation_level(self, value: int) -> Any:
        if not value:
            return format_html('<span class="text-body-tertiary">{}</span>', 0)
        return format_html('<span class="badge text-bg-danger">L{}</span>', value)

    def render_jeopardy_at(self, record: ServiceTroubleReport) -> SafeString:
        return display.time_badge(display.time_to_jeopardy(record))

    def render_restore_by(self, record: ServiceTroubleReport) -> SafeString:
        return display.time_badge(display.time_to_restore(record))


class LinkedProblemTable(tables.Table):
    """A report's linked customer problems, one link per row (a page at a time: an outage
    may link thousands)."""

    reference = tables.Column(
        verbose_name="Problem",
        accessor="problem_id",
        orderable=False,
        attrs={"td": {"class": "text-nowrap"}},
    )
    customer = tables.Column(
        accessor="problem__customer__name", default="To be identified", orderable=False
    )
    title = tables.Column(accessor="problem__title", orderable=False)
    state = tables.Column(accessor="problem__state", orderable=False)
    assignee = tables.Column(verbose_name="Team · assignee", accessor="problem_id", orderable=False)
    proactive = tables.Column(verbose_name="How", orderable=False)

    class Meta:
        model = TroubleReportLink
        fields = ()
        sequence = ("reference", "customer", "title", "state", "assignee", "proactive")
        attrs = {"class": "table table-sm align-middle mb-0"}
        empty_text = "No customer problem is linked yet."
        row_attrs = {"data-problem": lambda record: record.problem_id}

    def render_reference(self, record: TroubleReportLink) -> SafeString:
        return format_html(
            '<a class="fw-semibold" href="{}">{}</a>',
            reverse("desk:problem", args=[record.problem_id]),
            record.problem.reference,
        )

    def render_state(self, record: TroubleReportLink) -> SafeString:
        return state_badge(record.problem)

    def render_assignee(self, record: TroubleReportLink) -> SafeString:
        return format_html(
            '{}<div class="small text-body-secondary">{}</div>',
            record.problem.team or "No team",
            record.problem.assignee or "Unassigned",
        )

    def render_proactive(self, record: TroubleReportLink) -> str:
        return "Opened by network operations" if record.proactive else "Reported, then linked"
