"""Requests per client: each API client (or person, or anonymous address) has its own budget."""

from typing import TYPE_CHECKING, Any

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from problemdesk.api.models import ApiClient

if TYPE_CHECKING:  # rest_framework.views imports this module while it is being defined
    from rest_framework.request import Request
    from rest_framework.views import APIView


class ClientRateThrottle(SimpleRateThrottle):
    """The rate is the client's own ``rate_limit``, else ``API_THROTTLE_RATE``. Counts live in
    the cache: per process in the embedded mode, shared through Redis in production."""

    scope = "tmf-api"

    def get_rate(self) -> str | None:
        return str(settings.API_THROTTLE_RATE) if settings.API_THROTTLE_RATE else None

    def allow_request(self, request: "Request", view: "APIView") -> bool:
        client = request.auth if isinstance(request.auth, ApiClient) else None
        if client is not None and client.rate_limit:
            self.rate = client.rate_limit
            self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)

    def get_cache_key(self, request: "Request", view: "APIView") -> str | None:
        if isinstance(request.auth, ApiClient):
            ident: Any = f"client-{request.auth.pk}"
        elif request.user is not None and request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            ident = f"address-{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}
