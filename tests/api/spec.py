"""The TMF621 v4 specification as published (tmf621/, copied from ../shared/tmf/): its
sample ticket, and its definitions as JSON Schema to check what the API produces."""

import json
import re
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft4Validator, FormatChecker

HERE = Path(__file__).parent / "tmf621"
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
FORMATS = FormatChecker()


@FORMATS.checks("date-time")
def _date_time(value: object) -> bool:
    return not isinstance(value, str) or bool(RFC3339.match(value))


def sample_ticket() -> dict[str, Any]:
    return json.loads((HERE / "TroubleTicket.example.json").read_text())


@cache
def _swagger() -> dict[str, Any]:
    return json.loads((HERE / "TMF621-TroubleTicket-v4.0.0.swagger.json").read_text())


def validator(definition: str) -> Draft4Validator:
    """A validator for one of the spec's definitions (TroubleTicket, Error, …)."""
    definitions = _swagger()["definitions"]
    schema = {"$ref": f"#/definitions/{definition}", "definitions": definitions}
    return Draft4Validator(schema, format_checker=FORMATS)


def spec_errors(definition: str, instance: Any) -> list[str]:
    return [
        f"{'/'.join(str(p) for p in error.absolute_path)}: {error.message}"
        for error in validator(definition).iter_errors(instance)
    ]
