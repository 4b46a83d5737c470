"""The ``hub`` resource of an API: POST to register a listener, DELETE hub/{id} to remove it.

``hub_views(api, ...)`` makes the two views for one API, so each API documents its own
operations (and their ids) in the OpenAPI description.
"""

from typing import Any

from django.core.validators import RegexValidator
from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response

from problemdesk.api.errors import TMFError
from problemdesk.api.fields import Text
from problemdesk.api.hub.registry import HubApi
from problemdesk.api.hub.subscriptions import (
    SubscriptionRefused,
    subscription_register,
    subscription_remove,
    subscriptions_of,
)
from problemdesk.api.models import EventSubscription
from problemdesk.api.schema import LOCATION_HEADER, error_responses
from problemdesk.api.views import TMFView

# The shape of a callback, also in the OpenAPI description; whether its host may be called
# is checked after (transport.check_callback).
CALLBACK_SHAPE = RegexValidator(
    r"^[Hh][Tt][Tt][Pp][Ss]?://[^\s/?#@]+(/[^\s#]*)?$",
    "Give an http:// or https:// URL without credentials or #fragment.",
)


@extend_schema_serializer(component_name="EventSubscriptionInput")
class EventSubscriptionInput(serializers.Serializer):  # type: ignore[type-arg]
    """A listener to register."""

    callback = Text(
        max_length=2000,
        validators=[CALLBACK_SHAPE],
        help_text="The listener's base URL: events are POSTed to callback/listener/<eventName>.",
    )
    query = Text(
        max_length=2000,
        required=False,
        allow_blank=True,
        help_text="Which events: eventType=A,B and conditions on the resource, e.g. "
        "eventType=TroubleTicketStatusChangeEvent&status=resolved,closed&severity=Critical.",
    )
    secret = Text(
        max_length=200,
        required=False,
        allow_blank=True,
        write_only=True,
        help_text="Extension: when set, each delivery carries an HMAC-SHA256 signature "
        "(X-ProblemDesk-Signature). Never shown back.",
    )


@extend_schema_serializer(component_name="EventSubscription")
class EventSubscriptionSchema(serializers.Serializer):  # type: ignore[type-arg]
    """A registered listener."""

    id = serializers.CharField()
    callback = serializers.CharField()
    query = serializers.CharField(required=False)


def subscription_json(subscription: EventSubscription) -> dict[str, Any]:
    return {
        "id": str(subscription.pk),
        "callback": subscription.callback,
        "query": subscription.query,
    }


def hub_views(
    api: HubApi, *, permission_classes: list[type[BasePermission]], tag: str
) -> tuple[type[TMFView], type[TMFView]]:
    prefix = api.name[:1].upper() + api.name[1:]

    class HubView(TMFView):
        @extend_schema(
            operation_id=f"registerListener{prefix}",
            summary="Register a listener",
            description="Sets the communication endpoint to receive this API's events.",
            request=EventSubscriptionInput,
            responses={201: EventSubscriptionSchema, **error_responses(409, 413, 415)},
            parameters=[LOCATION_HEADER],
            tags=[tag],
        )
        def post(self, request: Request) -> Response:
            self.only_parameters(request, set())
            data = EventSubscriptionInput(data=request.data)
            data.is_valid(raise_exception=True)
            try:
                subscription = subscription_register(
                    api,
                    owner=request.user,
                    callback=data.validated_data["callback"],
                    query=data.validated_data.get("query", ""),
                    secret=data.validated_data.get("secret", ""),
                )
            except SubscriptionRefused as refused:
                raise TMFError("invalidBody", str(refused)) from None
            location = request.build_absolute_uri(request.path.rstrip("/") + f"/{subscription.pk}")
            return Response(
                subscription_json(subscription), status=201, headers={"Location": location}
            )

    class HubDetailView(TMFView):
        @extend_schema(
            operation_id=f"unregisterListener{prefix}",
            summary="Unregister a listener",
            description="Stops deliveries to the listener; what is still waiting is cancelled.",
            responses={204: None, **error_responses(404)},
            tags=[tag],
        )
        def delete(self, request: Request, id: str) -> Response:
            self.only_parameters(request, set())
            if not (id.isascii() and id.isdigit() and len(id) < 19):
                raise TMFError("notFound", "No such listener.")
            subscription = subscriptions_of(api, request.user).filter(pk=int(id)).first()
            if subscription is None:
                raise TMFError("notFound", "No such listener (or not one you registered).")
            subscription_remove(subscription)
            return Response(status=204)

    HubView.permission_classes = permission_classes
    HubDetailView.permission_classes = permission_classes
    HubView.__name__ = HubView.__qualname__ = f"{prefix}HubView"
    HubDetailView.__name__ = HubDetailView.__qualname__ = f"{prefix}HubDetailView"
    return HubView, HubDetailView
