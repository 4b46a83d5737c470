"""Who is calling: an API client with a bearer token, or a person with HTTP Basic."""

from typing import Any

from django.contrib.auth.models import AnonymousUser
from rest_framework import authentication, exceptions
from rest_framework.request import Request

from problemdesk.api.clients import client_for_token

REALM = "tmf-api"


class BearerTokenAuthentication(authentication.BaseAuthentication):
    """``Authorization: Bearer pdk_…``: the client acts as its service user; ``request.auth``
    is the ApiClient (the throttle keys on it)."""

    keyword = "Bearer"

    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
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


class BasicAuthentication(authentication.BasicAuthentication):
    """A person's user name and password (staff or a customer's contact)."""

    www_authenticate_realm = REALM


def is_anonymous(user: Any) -> bool:
    return user is None or isinstance(user, AnonymousUser) or not user.is_authenticated
