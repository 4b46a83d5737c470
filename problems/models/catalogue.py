"""What the desk is configured with: categories, SLA policies, the known-error base."""

from datetime import timedelta

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from problems.models.accounts import CustomerTier, Team, User


class Priority(models.IntegerChoices):
    CRITICAL = 1, "Critical"
    HIGH = 2, "High"
    MEDIUM = 3, "Medium"
    LOW = 4, "Low"


class Category(models.Model):
    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    description = models.TextField(blank=True)
    is_security = models.BooleanField(
        default=False,
        help_text="Security events: only the security team and supervisors see these problems.",
    )
    default_team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "categories"

    def __str__(self) -> str:
        return self.name


class PolicyScope(models.TextChoices):
    """What a policy's targets are for. Customer problems and service trouble reports share
    the jeopardy and escalation machinery, but not their targets: restoring the network
    (an operational target) is usually faster than the customer's."""

    CUSTOMER_PROBLEM = "customer_problem", "Customer problems"
    SERVICE_TROUBLE_REPORT = "service_trouble_report", "Service trouble reports"


class SLAPolicy(models.Model):
    """Targets for one priority, optionally for one customer tier only.

    A problem takes the policy of its priority and its customer's tier, falling back to
    the policy of its priority with no tier. A service trouble report takes the policy of
    its priority in the trouble-report scope (tiers do not apply to it).
    """

    name = models.CharField(max_length=100)
    applies_to = models.CharField(
        max_length=30, choices=PolicyScope.choices, default=PolicyScope.CUSTOMER_PROBLEM
    )
    priority = models.PositiveSmallIntegerField(choices=Priority.choices)
    customer_tier = models.CharField(
        max_length=20, choices=CustomerTier.choices, blank=True, help_text="Empty: any tier."
    )
    response_time = models.DurationField(help_text="From report to first assignment.")
    restoration_time = models.DurationField(help_text="From report to clearance.")
    jeopardy_percent = models.PositiveSmallIntegerField(
        default=75,
        validators=[MinValueValidator(1), MaxValueValidator(99)],
        help_text="Share of the restoration time after which the problem is in jeopardy.",
    )
    confirmation_window = models.DurationField(
        default=timedelta(days=5),
        help_text="How long the customer has to confirm or reject a clearance.",
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["applies_to", "priority", "customer_tier"]
        verbose_name = "SLA policy"
        verbose_name_plural = "SLA policies"
        constraints = [
            models.UniqueConstraint(
                fields=["applies_to", "priority", "customer_tier"],
                condition=models.Q(is_active=True),
                name="one_active_policy_per_priority_and_tier",
            ),
            models.CheckConstraint(
                condition=~models.Q(applies_to="service_trouble_report")
                | models.Q(customer_tier=""),
                name="trouble_report_policy_has_no_tier",
            ),
            models.CheckConstraint(
                condition=models.Q(jeopardy_percent__gte=1, jeopardy_percent__lte=99),
                name="jeopardy_percent_between_1_and_99",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if self.applies_to == PolicyScope.SERVICE_TROUBLE_REPORT and self.customer_tier:
            raise ValidationError(
                {"customer_tier": "Customer tiers do not apply to service trouble reports."}
            )


class EscalationTrigger(models.TextChoices):
    JEOPARDY = "jeopardy", "When the problem enters jeopardy"
    BREACH = "breach", "When the restoration target is breached"


class EscalationStep(models.Model):
    """Who is told when a problem reaches an escalation level, and when that happens."""

    policy = models.ForeignKey(SLAPolicy, on_delete=models.CASCADE, related_name="escalation_steps")
    level = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(3)]
    )
    trigger = models.CharField(max_length=20, choices=EscalationTrigger.choices)
    delay = models.DurationField(
        default=timedelta(0), help_text="Time after the trigger point before escalating."
    )
    notify_supervisors = models.BooleanField(default=False)
    notify_team = models.BooleanField(
        default=False, help_text="The team mailbox of the problem (or trouble report)."
    )
    notify_users = models.ManyToManyField(User, blank=True, related_name="+")
    notify_emails = models.TextField(blank=True, help_text="Further addresses, one per line.")

    class Meta:
        ordering = ["policy", "level"]
        constraints = [
            models.UniqueConstraint(fields=["policy", "level"], name="one_step_per_level"),
            models.CheckConstraint(
                condition=models.Q(level__gte=1, level__lte=3), name="escalation_level_1_to_3"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.policy}: level {self.level} ({self.get_trigger_display().lower()})"

    def extra_emails(self) -> list[str]:
        return [line.strip() for line in self.notify_emails.splitlines() if line.strip()]


class KnownError(models.Model):
    """An entry of the known-error base: symptoms, the workaround, the root cause."""

    title = models.CharField(max_length=200)
    symptoms = models.TextField(help_text="How customers describe it; matched against new reports.")
    workaround = models.TextField()
    root_cause = models.TextField(blank=True)
    category = models.ForeignKey(
        Category, null=True, blank=True, on_delete=models.SET_NULL, related_name="known_errors"
    )
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    @property
    def reference(self) -> str:
        return f"KE-{self.pk:04d}"
