"""OpenAPI building blocks shared by the TMF resources: the Error body and the error
responses every operation documents, the list parameters, the security schemes."""

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema_serializer
from rest_framework import serializers

from problemdesk.api.errors import CATALOGUE


@extend_schema_serializer(component_name="Error")
class ErrorSchema(serializers.Serializer):  # type: ignore[type-arg]
    """Used when an API throws an Error, typically with a HTTP error response-code."""

    code = serializers.CharField(help_text="One of the codes at /tmf-api/errors/.")
    reason = serializers.CharField()
    message = serializers.CharField(required=False)
    status = serializers.CharField(required=False)
    referenceError = serializers.CharField(required=False)

    def get_fields(self) -> dict[str, serializers.Field]:  # type: ignore[type-arg]
        fields = super().get_fields()
        for name in ("@type", "@baseType", "@schemaLocation"):
            fields[name] = serializers.CharField(required=False)
        return fields


STATUS_TEXT = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not allowed",
    406: "Not Acceptable",
    409: "Conflict",
    413: "Request too large",
    415: "Unsupported Media Type",
    429: "Too Many Requests",
    500: "Internal Server Error",
    501: "Not Implemented",
}
# Every operation can meet these (authentication, throttling, content negotiation, bugs).
COMMON_ERRORS = (400, 401, 403, 405, 406, 429, 500)


def _describe(status: int) -> str:
    codes = [code for code, kind in CATALOGUE.items() if kind.status == status]
    return f"{STATUS_TEXT[status]} (code: {', '.join(codes)})" if codes else STATUS_TEXT[status]


def error_responses(*statuses: int) -> dict[int, OpenApiResponse]:
    return {
        status: OpenApiResponse(ErrorSchema, description=_describe(status))
        for status in sorted({*COMMON_ERRORS, *statuses})
    }


FIELDS = OpenApiParameter(
    "fields",
    OpenApiTypes.STR,
    description="Comma-separated first-level attributes to return (id and href always are).",
)
OFFSET = OpenApiParameter(
    "offset",
    {"type": "integer", "minimum": 0},
    description="Index of the first resource to return.",
)


def limit_parameter(maximum: int, default: int) -> OpenApiParameter:
    return OpenApiParameter(
        "limit",
        {"type": "integer", "minimum": 0, "maximum": maximum},
        description=f"How many resources to return (default {default}, at most {maximum}).",
    )


def sort_parameter(sortable: list[str]) -> OpenApiParameter:
    return OpenApiParameter(
        "sort",
        OpenApiTypes.STR,
        description="Comma-separated attributes to sort by, - for descending: "
        + ", ".join(sortable),
    )


COUNT_HEADERS = [
    OpenApiParameter(
        "X-Total-Count",
        OpenApiTypes.INT,
        OpenApiParameter.HEADER,
        response=[200],
        description="Total number of items matching criteria",
    ),
    OpenApiParameter(
        "X-Result-Count",
        OpenApiTypes.INT,
        OpenApiParameter.HEADER,
        response=[200],
        description="Actual number of items returned in the response body",
    ),
]
LOCATION_HEADER = OpenApiParameter(
    "Location",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    response=[201],
    description="The created resource.",
)


class BearerTokenScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    target_class = "problemdesk.api.authentication.BearerTokenAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "An API client's token (created in the admin, shown once).",
        }


class BasicScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    target_class = "problemdesk.api.authentication.BasicAuthentication"
    name = "basicAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "http",
            "scheme": "basic",
            "description": "A person's user name and password.",
        }
