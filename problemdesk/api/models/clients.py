"""API clients: systems that call the TMF APIs with a bearer token."""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

RATE_PATTERN = re.compile(r"^\d+/(s|sec|m|min|h|hour|d|day)$")


def validate_rate(value: str) -> None:
    if value and not RATE_PATTERN.match(value):
        raise ValidationError("Write a rate like 600/min, 20/s, 10000/hour or 100000/day.")


class ApiClient(models.Model):
    """A system that calls the API (a CRM, an OSS, a partner's ticketing system).

    It acts through its own service user, so that the workflow's permission checks, the
    selectors' visibility rules and the event log ("who acted") treat it like anyone else:
    a client scoped to one customer acts as a contact of that customer; a client for all
    customers acts as an agent. Only a hash of its token is stored.
    """

    name = models.CharField(max_length=100, unique=True)
    description = models.TextField(blank=True)
    customer = models.ForeignKey(
        "problems.Customer",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="api_clients",
        help_text="Empty: the client works for all customers (as an agent). "
        "Set: it sees and creates only this customer's tickets.",
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="api_client",
        help_text="The service user the client acts as (named in the event log).",
    )
    token_hash = models.CharField(max_length=64, unique=True)
    token_prefix = models.CharField(
        max_length=16, help_text="The token's first characters, to recognise it."
    )
    rate_limit = models.CharField(
        max_length=20,
        blank=True,
        validators=[validate_rate],
        help_text="Requests allowed, e.g. 600/min. Empty: the default (API_THROTTLE_RATE).",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "API client"

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
