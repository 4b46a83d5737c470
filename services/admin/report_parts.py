"""The parts of the trouble report's admin page: read-only inlines (the log, the impact,
the alarms), the activities inline (new ones go through the workflow) and the add form."""

from typing import Any

from django import forms
from django.contrib import admin
from django.forms import ModelForm
from django.http import HttpRequest

from services.models import (
    Alarm,
    Service,
    ServiceTroubleReport,
    TroubleReportActivity,
    TroubleReportEvent,
    TroubleReportImpact,
)


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class EventInline(ReadOnlyInline):
    model = TroubleReportEvent
    fields = [
        "created_at",
        "kind",
        "actor_label",
        "from_state",
        "to_state",
        "for_customers",
        "message",
    ]
    readonly_fields = fields
    ordering = ["created_at", "id"]


class ImpactInline(ReadOnlyInline):
    model = TroubleReportImpact
    fields = [
        "service",
        "reason",
        "subscriber_count",
        "customer_count",
        "assessed_at",
        "informed_at",
    ]
    readonly_fields = fields


class AlarmInline(ReadOnlyInline):
    model = Alarm
    fields = [
        "raised_at",
        "highest_severity",
        "state",
        "alarmed_object_id",
        "probable_cause",
        "occurrences",
        "is_root_cause",
        "ack_state",
    ]
    readonly_fields = fields
    ordering = ["raised_at", "id"]


class ActivityInline(admin.TabularInline):
    """New activities are scheduled through ``trouble_activity_schedule``; progress and
    completion are actions on the activity list."""

    model = TroubleReportActivity
    fields = [
        "kind",
        "summary",
        "supplier",
        "external_reference",
        "assignee",
        "status",
        "outcome",
        "supplier_status",
    ]
    readonly_fields = ["status", "outcome", "supplier_status"]
    extra = 0
    can_delete = False
    autocomplete_fields = ["assignee", "supplier"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.has_perm("services.manage_trouble_activities")

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReportAddForm(ModelForm):
    services = forms.ModelMultipleChoiceField(
        queryset=Service.objects.filter(is_active=True),
        required=False,
        help_text="Services you know are impacted (alarms add theirs).",
    )

    class Meta:
        model = ServiceTroubleReport
        fields = ["title", "description", "priority", "team"]
