"""Satisfaction surveys in the admin: read only (answers come from the customers' links,
surveys from closing problems), with filters for whoever reviews them."""

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from problems.models import SatisfactionSurvey


class AnsweredFilter(admin.SimpleListFilter):
    title = "answer"
    parameter_name = "answered"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("yes", "Answered"), ("no", "Not answered"), ("unsent", "Not sent yet")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() == "yes":
            return queryset.filter(answered_at__isnull=False)
        if self.value() == "no":
            return queryset.filter(answered_at__isnull=True, sent_at__isnull=False)
        if self.value() == "unsent":
            return queryset.filter(sent_at__isnull=True)
        return queryset


@admin.register(SatisfactionSurvey)
class SatisfactionSurveyAdmin(admin.ModelAdmin):
    list_display = [
        "problem",
        "customer",
        "created_at",
        "sent_to",
        "sent_at",
        "reminder_sent_at",
        "answered_at",
        "score",
    ]
    list_filter = [AnsweredFilter, "score", "customer", "created_at"]
    search_fields = ["problem__title", "comment", "sent_to", "customer__name"]
    date_hierarchy = "created_at"
    list_select_related = ["problem", "customer"]
    readonly_fields = [field.name for field in SatisfactionSurvey._meta.fields]
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
