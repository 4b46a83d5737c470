"""JSON bodies: plain JSON, and JSON Merge Patch (RFC 7386) for PATCH.

Our own parse, not DRF's: a pathologically nested body must be a 400, not a RecursionError
(a 500), and NaN/Infinity are not JSON.
"""

import json
from typing import Any

from rest_framework import parsers
from rest_framework.exceptions import ParseError


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


class JSONParser(parsers.BaseParser):
    media_type = "application/json"

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        raw = stream.read() if stream is not None else b""
        if not raw:
            raise ParseError("The request has no body; send a JSON object.")
        try:
            return json.loads(raw.decode("utf-8"), parse_constant=_reject_constant)
        except UnicodeDecodeError:
            raise ParseError("The body is not UTF-8.") from None
        except RecursionError:
            raise ParseError("The JSON body is nested too deeply.") from None
        except ValueError as error:
            raise ParseError(f"The body is not valid JSON: {error}") from None


class MergePatchParser(JSONParser):
    media_type = "application/merge-patch+json"
