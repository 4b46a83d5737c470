"""Errors outside the API views still answer in the TMF shape under /tmf-api/.

The views' own errors go through ``errors.exception_handler``; this catches the rest: a
body over the size limit (refused before anything reads it), Django's own 400/404/500
responses (unknown path, too many query fields, a bug) and any exception a view lets out.
"""

import json
import logging
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import BadRequest, RequestDataTooBig, SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse

from problemdesk.api.errors import code_for, error_response

logger = logging.getLogger(__name__)
PREFIX = "/tmf-api/"


class TMFApiMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith(PREFIX):
            return self.get_response(request)
        refused = self._refuse_oversized(request)
        if refused is not None:
            return refused
        response = self.get_response(request)
        if response.status_code >= 400 and not _is_json(response):
            message = _text(response)
            response = error_response(
                code_for(response.status_code),
                message,
                request=request,
                status=response.status_code,
            )
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not request.path.startswith(PREFIX):
            return None
        if isinstance(exception, Http404):
            return error_response("notFound", request=request)
        if isinstance(exception, RequestDataTooBig):
            return error_response("requestTooLarge", request=request)
        if isinstance(exception, SuspiciousOperation | BadRequest):
            return error_response("badRequest", str(exception), request=request)
        logger.exception("Unhandled error on %s %s", request.method, request.path)
        return error_response("internalError", request=request)

    def _refuse_oversized(self, request: HttpRequest) -> HttpResponse | None:
        raw = request.META.get("CONTENT_LENGTH") or "0"
        try:
            length = int(raw)
        except ValueError:
            return error_response("badRequest", "Content-Length is not a number.", request=request)
        if length < 0:
            return error_response("badRequest", "Content-Length is negative.", request=request)
        limit = settings.API_MAX_REQUEST_BYTES
        if length > limit:
            return error_response(
                "requestTooLarge",
                f"The body is {length} bytes; the limit is {limit}.",
                request=request,
            )
        return None


def _is_json(response: HttpResponse) -> bool:
    return "json" in response.get("Content-Type", "")


def _text(response: HttpResponse) -> str:
    # Django's own error pages are HTML; keep a plain message only when it is short text.
    content = getattr(response, "content", b"")
    if response.get("Content-Type", "").startswith("text/plain") and 0 < len(content) < 300:
        return content.decode(errors="replace").strip()
    try:
        return str(json.loads(content).get("detail", ""))
    except (ValueError, AttributeError):
        return ""
