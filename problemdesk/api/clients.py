"""Creating, re-keying and revoking API clients (the admin calls these)."""

import hashlib
import secrets
from datetime import timedelta

from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from problemdesk.api.models import ApiClient
from problems.models import Customer, User
from problems.permissions import AGENT, CUSTOMER

TOKEN_PREFIX = "pdk_"  # noqa: S105 - a marker that makes our tokens recognisable, not a secret
# How stale ``last_used_at`` may get: refreshing it on every request would be a write per read.
LAST_USED_PRECISION = timedelta(minutes=5)


def hash_token(token: str) -> str:
    """SHA-256 of the token. Tokens carry 256 random bits, so a salted slow hash (as for
    passwords) adds nothing, and a fast one lets every request find its client by index."""
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def api_client_create(
    *,
    name: str,
    customer: Customer | None = None,
    description: str = "",
    rate_limit: str = "",
    created_by: User | None = None,
) -> tuple[ApiClient, str]:
    """Create a client and its service user; returns the client and its token, which is
    shown once and never stored."""
    token = new_token()
    with transaction.atomic():
        user = User(
            username=_free_username(name),
            first_name=name[:150],
            last_name="(API client)",
            customer=customer,
        )
        user.set_unusable_password()  # it signs in with its token only
        user.save()
        user.groups.add(Group.objects.get(name=CUSTOMER if customer else AGENT))
        client = ApiClient.objects.create(
            name=name,
            customer=customer,
            description=description,
            rate_limit=rate_limit,
            user=user,
            token_hash=hash_token(token),
            token_prefix=token[: len(TOKEN_PREFIX) + 6],
            created_by=created_by,
        )
    return client, token


def api_client_rekey(client: ApiClient) -> str:
    """Issue a new token (the old one stops working at once); returns it."""
    token = new_token()
    with transaction.atomic():
        client = ApiClient.objects.select_for_update().get(pk=client.pk)
        client.token_hash = hash_token(token)
        client.token_prefix = token[: len(TOKEN_PREFIX) + 6]
        client.save(update_fields=["token_hash", "token_prefix"])
    return token


def api_client_revoke(client: ApiClient) -> ApiClient:
    """Stop the client: its token is refused and its service user is deactivated."""
    with transaction.atomic():
        client = ApiClient.objects.select_for_update().select_related("user").get(pk=client.pk)
        if client.revoked_at is None:
            client.revoked_at = timezone.now()
            client.save(update_fields=["revoked_at"])
        client.user.is_active = False
        client.user.save(update_fields=["is_active"])
    return client


def client_for_token(token: str) -> ApiClient | None:
    if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None
    client = (
        ApiClient.objects.select_related("user", "customer")
        .filter(token_hash=hash_token(token), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if client is not None:
        now = timezone.now()
        if client.last_used_at is None or now - client.last_used_at > LAST_USED_PRECISION:
            ApiClient.objects.filter(pk=client.pk).update(last_used_at=now)
    return client


def _free_username(name: str) -> str:
    base = f"api-{slugify(name)[:120] or 'client'}"
    username, n = base, 1
    while User.objects.filter(username=username).exists():
        n += 1
        username = f"{base}-{n}"
    return username
