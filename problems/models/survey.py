"""The satisfaction survey a customer is sent once their problem is closed (eTOM 1.3.7.4).

One row per problem, created in the transaction that closes it, so the survey exists (and
is sent) exactly once however often the close or its task runs. The customer answers by a
signed link, without logging in; an answer is final.
"""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from problems.models.problem import CustomerProblem

SCORE_CHOICES = [
    (1, "1 - very dissatisfied"),
    (2, "2 - dissatisfied"),
    (3, "3 - neither"),
    (4, "4 - satisfied"),
    (5, "5 - very satisfied"),
]


class SatisfactionSurvey(models.Model):
    problem = models.OneToOneField(CustomerProblem, on_delete=models.CASCADE, related_name="survey")
    # Copied from the problem so reports can filter surveys without a join.
    customer = models.ForeignKey(
        "problems.Customer", on_delete=models.CASCADE, related_name="surveys"
    )
    created_at = models.DateTimeField(default=timezone.now, help_text="When the problem closed.")
    sent_at = models.DateTimeField(null=True, blank=True)
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    score = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        choices=SCORE_CHOICES,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    comment = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["created_at"], name="survey_created"),
            models.Index(
                fields=["sent_at"],
                condition=models.Q(answered_at__isnull=True, reminder_sent_at__isnull=True),
                name="survey_awaiting_reminder",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(score__isnull=True) | models.Q(score__gte=1, score__lte=5),
                name="survey_score_1_to_5",
            ),
            models.CheckConstraint(
                condition=models.Q(answered_at__isnull=True) | models.Q(score__isnull=False),
                name="survey_answer_has_a_score",
            ),
        ]

    def __str__(self) -> str:
        return f"Survey of {self.problem_id}"

    @property
    def is_answered(self) -> bool:
        return self.answered_at is not None
