"""Satisfaction from the surveys sent when problems closed in the period."""

from dataclasses import dataclass

from django.db.models import Avg, Count, Q, QuerySet

from problems.models import SatisfactionSurvey
from reporting.metrics import between
from reporting.period import ReportScope


@dataclass(frozen=True)
class Satisfaction:
    sent: int
    answered: int
    average_score: float | None

    @property
    def response_percent(self) -> float | None:
        return 100.0 * self.answered / self.sent if self.sent else None


def surveys_in_scope(scope: ReportScope) -> QuerySet[SatisfactionSurvey]:
    surveys = SatisfactionSurvey.objects.filter(
        **between("created_at", scope), **scope.problem_lookups("problem__")
    )
    return (
        surveys.exclude(problem__category__is_security=True) if scope.exclude_security else surveys
    )


def satisfaction(scope: ReportScope) -> Satisfaction:
    answered = Q(answered_at__isnull=False)
    figures = surveys_in_scope(scope).aggregate(
        sent=Count("created_at", filter=Q(sent_at__isnull=False)),
        answered=Count("created_at", filter=answered),
        average=Avg("score", filter=answered),
    )
    return Satisfaction(figures["sent"], figures["answered"], figures["average"])


def comments(scope: ReportScope) -> QuerySet[SatisfactionSurvey]:
    """Answered surveys with a comment, latest first (page them)."""
    return (
        surveys_in_scope(scope)
        .filter(answered_at__isnull=False)
        .exclude(comment="")
        .select_related("problem", "customer")
        .order_by("-answered_at", "-pk")
    )
