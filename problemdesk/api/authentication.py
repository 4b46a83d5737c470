"""Who is calling: an API client with a bearer token, or a person with HTTP Basic."""

import hashlib
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from rest_framework import authentication, exceptions
from rest_framework.request import Request
from rest_framework.throttling import BaseThrottle

from problemdesk.api.clients import client_for_token

REALM = "tmf-api"
FAILURE_WINDOW_SECONDS = 60


class FailureLimited(authentication.BaseAuthentication):
    """Guessing is slowed down: an address that sent more than API_AUTH_FAILURES_PER_MINUTE
    wrong tokens or passwords in a minute gets a 429 before its credentials are checked.
    (The per-client throttle counts only callers who got in.)"""

    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        # The address (DRF's reading of X-Forwarded-For/REMOTE_ADDR), hashed: a forwarded
        # header can be long and have any characters; a test client may send none.
        ident = BaseThrottle().get_ident(request) or "unknown"
        key = "tmf-api:auth-failures:" + hashlib.sha256(ident.encode()).hexdigest()[:32]
        if cache.get(key, 0) >= settings.API_AUTH_FAILURES_PER_MINUTE:
            raise exceptions.Throttled(
                wait=FAILURE_WINDOW_SECONDS,
                detail="Too many failed sign-ins from your address: wait a minute.",
            )
        try:
            return self.check_credentials(request)
        except exceptions.AuthenticationFailed:
            if not cache.add(key, 1, FAILURE_WINDOW_SECONDS):
                try:
                    cache.incr(key)
                except ValueError:  # expired in between
                    cache.set(key, 1, FAILURE_WINDOW_SECONDS)
            raise

    def check_credentials(self, request: Request) -> tuple[Any, Any] | None:
        raise NotImplementedError


class BearerTokenAuthentication(FailureLimited):
    """``Authorization: Bearer pdk_…``: the client acts as its service user; ``request.auth``
    is the ApiClient (the throttle keys on it)."""

    keyword = "Bearer"

    def check_credentials(self, request: Request) -> tuple[Any, Any] | None:
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("Malformed bearer token header.")
        try:
            token = header[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed("Invalid bearer token.") from None
        client = client_for_token(token)
        if client is None:
            raise exceptions.AuthenticationFailed("Invalid or revoked bearer token.")
        return client.user, client

    def authenticate_header(self, request: Request) -> str:
        return f'{self.keyword} realm="{REALM}"'


class BasicAuthentication(FailureLimited, authentication.BasicAuthentication):
    """A person's user name and password (staff or a customer's contact)."""

    www_authenticate_realm = REALM

    def check_credentials(self, request: Request) -> tuple[Any, Any] | None:
        return authentication.BasicAuthentication.authenticate(self, request)


def is_anonymous(user: Any) -> bool:
    return user is None or isinstance(user, AnonymousUser) or not user.is_authenticated
