"""Every error of the TMF APIs in one shape (TMF630 ``Error``): ``code``, ``reason``,
``message``, ``status``, ``referenceError``, ``@type``.

``code`` is one of the symbolic codes of ``CATALOGUE`` (documented at /tmf-api/errors/ and
in the README); ``reason`` is the catalogue's short text; ``message`` says what exactly was
wrong and how to correct it.
"""

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, JsonResponse
from rest_framework import exceptions
from rest_framework.response import Response

from problems.workflow import (
    ConcurrentUpdate,
    InvalidInput,
    NotPermitted,
    TransitionRefused,
    WorkflowError,
)

logger = logging.getLogger(__name__)

CONTENT_TYPE = "application/json;charset=utf-8"


@dataclass(frozen=True)
class ErrorKind:
    status: int
    reason: str
    explanation: str


CATALOGUE: dict[str, ErrorKind] = {
    "badRequest": ErrorKind(
        400, "Bad request", "The request is malformed: a header, the host name or the query."
    ),
    "invalidBody": ErrorKind(
        400, "Invalid body", "The request body is not valid JSON, or a field is missing or wrong."
    ),
    "invalidQuery": ErrorKind(
        400,
        "Invalid query parameter",
        "A filter, fields, offset, limit or sort parameter is unknown or has a bad value.",
    ),
    "missingCredentials": ErrorKind(
        401, "Missing credentials", "Send a bearer token or HTTP Basic credentials."
    ),
    "invalidCredentials": ErrorKind(
        401,
        "Invalid credentials",
        "The token is unknown or revoked, or the user name or password is wrong.",
    ),
    "accessDenied": ErrorKind(
        403, "Access denied", "You are known but may not do this (role or customer scope)."
    ),
    "notFound": ErrorKind(
        404,
        "Resource not found",
        "No such resource, or not one you may see (another customer's ticket is not found).",
    ),
    "methodNotAllowed": ErrorKind(405, "Method not allowed", "This path does not offer it."),
    "notAcceptable": ErrorKind(406, "Not acceptable", "The API answers in application/json."),
    "transitionRefused": ErrorKind(
        409,
        "Transition refused",
        "The ticket's lifecycle does not allow this change now (status, guard or target).",
    ),
    "concurrentUpdate": ErrorKind(
        409, "Concurrent update", "Someone changed the resource at the same moment: retry."
    ),
    "requestTooLarge": ErrorKind(
        413, "Request too large", "The body is over the limit (API_MAX_REQUEST_BYTES)."
    ),
    "unsupportedMediaType": ErrorKind(
        415,
        "Unsupported media type",
        "Send application/json (PATCH also takes application/merge-patch+json).",
    ),
    "tooManyRequests": ErrorKind(
        429, "Too many requests", "Over the client's rate: wait for Retry-After seconds."
    ),
    "internalError": ErrorKind(500, "Internal error", "Our fault; it has been logged."),
    "notImplemented": ErrorKind(
        501,
        "Not implemented",
        "The specification defines this operation but our model cannot carry it (see the "
        "README's departures from the specifications).",
    ),
}
CODE_FOR_STATUS = {
    400: "badRequest",
    401: "missingCredentials",
    403: "accessDenied",
    404: "notFound",
    405: "methodNotAllowed",
    406: "notAcceptable",
    409: "transitionRefused",
    413: "requestTooLarge",
    415: "unsupportedMediaType",
    429: "tooManyRequests",
    500: "internalError",
    501: "notImplemented",
}


class TMFError(exceptions.APIException):
    """Raised by API code with one of the catalogue's codes."""

    def __init__(self, code: str, message: str) -> None:
        self.code = code
        self.status_code = CATALOGUE[code].status
        super().__init__(detail=message, code=code)


def error_body(
    code: str, message: str = "", *, request: HttpRequest | None = None
) -> dict[str, Any]:
    kind = CATALOGUE[code]
    path = f"/tmf-api/errors/#{code}"
    try:
        reference = request.build_absolute_uri(path) if request is not None else None
    except DisallowedHost:  # the very error being answered may be a bad Host header
        reference = None
    return {
        "code": code,
        "reason": kind.reason,
        "message": message or kind.explanation,
        "status": str(kind.status),
        "referenceError": reference or settings.SITE_URL + path,
        "@type": "Error",
    }


def error_response(
    code: str, message: str = "", *, request: HttpRequest | None = None, status: int | None = None
) -> JsonResponse:
    """For code outside DRF (middleware, URL fallbacks)."""
    body = error_body(code, message, request=request)
    if status is not None:
        body["status"] = str(status)
    return JsonResponse(body, status=status or CATALOGUE[code].status, content_type=CONTENT_TYPE)


def code_for(status: int) -> str:
    return CODE_FOR_STATUS.get(status, "invalidBody" if status < 500 else "internalError")


def flatten_detail(detail: Any, prefix: str = "") -> list[str]:
    """DRF's nested validation errors as "field.sub: message" lines."""
    if isinstance(detail, Mapping):
        lines = []
        for key, value in detail.items():
            if isinstance(key, int):  # DRF keys a list's errors by position
                lines.extend(flatten_detail(value, f"{prefix}[{key}]"))
                continue
            name = "" if key == "non_field_errors" else str(key)
            path = f"{prefix}.{name}" if prefix and name else (prefix or name)
            lines.extend(flatten_detail(value, path))
        return lines
    if isinstance(detail, list):
        if all(not isinstance(item, Mapping | list) for item in detail):
            return [f"{prefix}: {item}" if prefix else str(item) for item in detail]
        lines = []
        for index, item in enumerate(detail):
            if item:
                lines.extend(flatten_detail(item, f"{prefix}[{index}]"))
        return lines
    return [f"{prefix}: {detail}" if prefix else str(detail)]


WORKFLOW_CODES: dict[type[WorkflowError], str] = {
    InvalidInput: "invalidBody",
    NotPermitted: "accessDenied",
    TransitionRefused: "transitionRefused",
    ConcurrentUpdate: "concurrentUpdate",
}


def exception_handler(exc: Exception, context: Mapping[str, Any]) -> Response | None:
    """DRF's EXCEPTION_HANDLER: domain and framework errors become TMF error bodies.
    Anything else is left to the middleware, which logs it and answers a TMF 500."""
    request = context.get("request")
    headers: dict[str, str] = {}
    if isinstance(exc, WorkflowError):
        code = next(
            (c for t, c in WORKFLOW_CODES.items() if isinstance(exc, t)), "transitionRefused"
        )
        message = exc.message
        if exc.field and isinstance(exc, InvalidInput):
            message = f"{exc.field}: {message}"
    elif isinstance(exc, Http404):
        code, message = "notFound", str(exc) or CATALOGUE["notFound"].explanation
    elif isinstance(exc, DjangoPermissionDenied):
        code, message = "accessDenied", str(exc)
    elif isinstance(exc, TMFError):
        code, message = exc.code, str(exc.detail)
    elif isinstance(exc, exceptions.ValidationError):
        code, message = "invalidBody", "; ".join(flatten_detail(exc.detail))
    elif isinstance(exc, exceptions.ParseError):
        code, message = "invalidBody", str(exc.detail)
    elif isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed):
        code = (
            "missingCredentials"
            if isinstance(exc, exceptions.NotAuthenticated)
            else "invalidCredentials"
        )
        message = str(exc.detail)
        challenge = getattr(exc, "auth_header", None)  # set by DRF when an authenticator has one
        if challenge:
            headers["WWW-Authenticate"] = challenge
        if exc.status_code == 403:  # no authenticator offered a challenge
            code = "accessDenied"
    elif isinstance(exc, exceptions.Throttled):
        code, message = "tooManyRequests", str(exc.detail)
        wait = getattr(exc, "wait", None)
        if wait is not None:
            headers["Retry-After"] = str(int(wait) + 1)
    elif isinstance(exc, exceptions.APIException):
        code, message = code_for(exc.status_code), str(exc.detail)
    else:
        return None
    status = CATALOGUE[code].status
    body = error_body(code, message, request=request)
    return Response(body, status=status, headers=headers, content_type=CONTENT_TYPE)
