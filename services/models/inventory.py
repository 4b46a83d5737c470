"""The inventory: what customers buy (services), what it runs on (resources), how they
depend on each other, who subscribes where, and the suppliers/partners who maintain parts.

Localisation (``services.localisation``) walks this graph: a fault on a resource hits its
components, the services that depend on any of them, and the services that depend on those.
"""

from django.db import models
from django.db.models import Q

from problems.models import Category, Customer, Priority, Team, User


class Supplier(models.Model):
    """A supplier or partner: recovery activities can be addressed to it."""

    code = models.SlugField(max_length=50, unique=True)
    name = models.CharField(max_length=200, unique=True)
    email = models.EmailField(blank=True, help_text="Where requests to the supplier go.")
    phone = models.CharField(max_length=40, blank=True)
    portal_url = models.URLField(blank=True, help_text="The supplier's ticket portal, if any.")
    notes = models.TextField(blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ServiceKind(models.TextChoices):
    BROADBAND = "broadband", "Broadband"
    VOICE = "voice", "Voice"
    VPN = "vpn", "VPN"
    HOSTING = "hosting", "Hosting"
    EMAIL = "email", "E-mail"
    MOBILE = "mobile", "Mobile"
    TRANSPORT = "transport", "Transport (internal)"
    OTHER = "other", "Other"


class ImpactPolicy(models.TextChoices):
    """What happens to a customer hit by a fault, besides linking the problems they report."""

    PROACTIVE_PROBLEM = "proactive_problem", "Open a proactive customer problem"
    NOTIFY_CONTACTS = "notify_contacts", "Tell the customer's contacts"
    LINK_ONLY = "link_only", "Only link the problems customers report"


class RestorationPolicy(models.TextChoices):
    """What happens to linked customer problems when the fault is fixed."""

    CLEAR = "clear", "Clear them; the customer confirms"
    PROPOSE = "propose", "Propose them for clearing; an agent clears"


class Service(models.Model):
    """A service customers buy (or an internal service others depend on)."""

    code = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=ServiceKind.choices, default=ServiceKind.OTHER)
    description = models.TextField(blank=True)
    impact_policy = models.CharField(
        max_length=30, choices=ImpactPolicy.choices, default=ImpactPolicy.PROACTIVE_PROBLEM
    )
    restoration_policy = models.CharField(
        max_length=20, choices=RestorationPolicy.choices, default=RestorationPolicy.CLEAR
    )
    operations_team = models.ForeignKey(
        Team,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Works the service trouble reports of this service.",
    )
    customer_category = models.ForeignKey(
        Category,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Category of the proactive customer problems.",
    )
    customer_team = models.ForeignKey(
        Team,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Team of the proactive customer problems (else the category's team).",
    )
    customer_priority = models.PositiveSmallIntegerField(
        choices=Priority.choices,
        default=Priority.HIGH,
        help_text="Priority of the proactive customer problems.",
    )
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Resource(models.Model):
    """A network element, or a component of one (``parent``): what alarms are raised on."""

    code = models.CharField(
        max_length=100, unique=True, help_text="The id alarms name it by (alarmedObject.id)."
    )
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=60, help_text="Router, OLT, line card, fibre link…")
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="components",
        help_text="The element this is a component of.",
    )
    location = models.CharField(max_length=200, blank=True)
    supplier = models.ForeignKey(
        Supplier,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="resources",
        help_text="Who maintains it.",
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} ({self.name})" if self.name and self.name != self.code else self.code


class ServiceDependency(models.Model):
    """An edge of the graph: ``service`` depends on a resource or on another service."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="dependencies")
    resource = models.ForeignKey(
        Resource,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="service_dependencies",
    )
    depends_on_service = models.ForeignKey(
        Service,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="dependent_links",
    )

    class Meta:
        verbose_name_plural = "service dependencies"
        ordering = ["service", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(resource__isnull=False, depends_on_service__isnull=True)
                | Q(resource__isnull=True, depends_on_service__isnull=False),
                name="dependency_on_one_thing",
            ),
            models.CheckConstraint(
                condition=~Q(service=models.F("depends_on_service")),
                name="service_does_not_depend_on_itself",
            ),
            models.UniqueConstraint(
                fields=["service", "resource"],
                condition=Q(resource__isnull=False),
                name="one_dependency_per_resource",
            ),
            models.UniqueConstraint(
                fields=["service", "depends_on_service"],
                condition=Q(depends_on_service__isnull=False),
                name="one_dependency_per_service",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.service} → {self.resource or self.depends_on_service}"


class SubscriptionQuerySet(models.QuerySet["Subscription"]):
    def active(self) -> "SubscriptionQuerySet":
        return self.filter(is_active=True, customer__is_active=True)


class Subscription(models.Model):
    """A customer uses a service at a site."""

    customer = models.ForeignKey(
        Customer, on_delete=models.PROTECT, related_name="service_subscriptions"
    )
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="subscriptions")
    site = models.CharField(max_length=200, help_text="Where: an address or site name.")
    reference = models.CharField(
        max_length=100, blank=True, help_text="Circuit, line or product id."
    )
    contact = models.ForeignKey(
        User,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Site contact, told of outages besides the customer's default contacts.",
    )
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SubscriptionQuerySet.as_manager()

    class Meta:
        ordering = ["service", "customer", "site"]
        constraints = [
            models.UniqueConstraint(
                fields=["service", "customer", "site"], name="one_subscription_per_site"
            )
        ]
        indexes = [
            # The impact fan-out walks a service's subscribers in customer order.
            models.Index(fields=["service", "customer"], name="subscription_service_customer"),
        ]

    def __str__(self) -> str:
        return f"{self.customer}, {self.service} at {self.site}"
