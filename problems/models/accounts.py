"""People and organisations: customers (companies) with their contact users, and teams."""

from django.contrib.auth.models import AbstractUser
from django.db import models


class CustomerTier(models.TextChoices):
    STANDARD = "standard", "Standard"
    GOLD = "gold", "Gold"
    PLATINUM = "platinum", "Platinum"


class Customer(models.Model):
    """A company that buys services. Its contacts are users whose ``customer`` is it."""

    name = models.CharField(max_length=200, unique=True)
    code = models.SlugField(max_length=30, unique=True, help_text="Short account code, e.g. ACME")
    tier = models.CharField(
        max_length=20, choices=CustomerTier.choices, default=CustomerTier.STANDARD
    )
    is_active = models.BooleanField(default=True)
    default_contacts = models.ManyToManyField(
        "problems.User",
        blank=True,
        related_name="default_contact_for",
        help_text="Contacts told of every status change of this customer's problems.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A person who signs in: staff (agent, supervisor) or a customer's contact.

    A contact has ``customer`` set; staff have none. Roles are groups (see permissions.py).
    """

    customer = models.ForeignKey(
        Customer,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="contacts",
        help_text="Set for a customer's contact; empty for staff.",
    )
    phone = models.CharField(max_length=40, blank=True)

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
        ordering = ["username"]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @property
    def is_customer_contact(self) -> bool:
        return self.customer_id is not None


class Team(models.Model):
    name = models.CharField(max_length=100, unique=True)
    email = models.EmailField(blank=True, help_text="Shared mailbox told of escalations.")
    members = models.ManyToManyField(User, blank=True, related_name="teams")
    handles_security = models.BooleanField(
        default=False, help_text="Members may see problems in security-event categories."
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
