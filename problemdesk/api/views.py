"""The base of every TMF API view, and the pages around the APIs (errors catalogue, 404)."""

from typing import Any, cast

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from rest_framework.request import Request
from rest_framework.views import APIView

from problemdesk.api.errors import CATALOGUE, TMFError, error_response
from problemdesk.api.query import InvalidQuery
from problems.models import User


class TMFView(APIView):
    """Authentication (bearer token or Basic), throttling, JSON parsing and rendering and the
    TMF error shape all come from REST_FRAMEWORK in settings; this adds the helpers."""

    metadata_class = None  # no OPTIONS self-description: the OpenAPI document is that

    @property
    def allowed_methods(self) -> list[str]:
        return [method for method in super().allowed_methods if method != "OPTIONS"]

    @staticmethod
    def caller(request: Request) -> User:
        """The authenticated user: the permission check (IsAuthenticated) has run."""
        return cast(User, request.user)

    @staticmethod
    def base_url(request: Request) -> str:
        return request.build_absolute_uri("/").rstrip("/")

    @staticmethod
    def invalid_query(error: InvalidQuery) -> TMFError:
        return TMFError("invalidQuery", str(error))

    @staticmethod
    def only_parameters(request: Request, allowed: set[str]) -> None:
        unknown = sorted(set(request.query_params) - allowed)
        if unknown:
            shown = ", ".join(repr(name[:60]) for name in unknown)
            takes = ", ".join(sorted(allowed)) or "none"
            raise TMFError(
                "invalidQuery", f"Unknown query parameter(s) {shown}; this operation takes {takes}."
            )


def errors_page(request: HttpRequest) -> HttpResponse:
    """The catalogue of error codes that ``referenceError`` points into."""
    if "json" in request.headers.get("Accept", ""):
        return JsonResponse(
            {
                code: {"status": kind.status, "reason": kind.reason, "meaning": kind.explanation}
                for code, kind in CATALOGUE.items()
            }
        )
    return render(request, "api/errors.html", {"catalogue": CATALOGUE})


def not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    return error_response(
        "notFound", f"There is no API resource at {request.path[:200]}.", request=request
    )
