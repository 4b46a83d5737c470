"""The TMF656 and TMF642 v4 specifications as published (tmf/, copied from ../shared/tmf/):
their definitions as JSON Schema, to check what the API produces."""

import json
from functools import cache
from typing import Any

from jsonschema import Draft4Validator

from tests.api.spec import FORMATS
from tests.services_api.conftest import SPEC

FILES = {
    "656": "TMF656-ServiceProblem-v4.0.0.swagger.json",
    "642": "TMF642-Alarm-v4.0.0.swagger.json",
}


@cache
def _swagger(which: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((SPEC / FILES[which]).read_text())
    return data


def spec_errors(which: str, definition: str, instance: Any) -> list[str]:
    schema = {"$ref": f"#/definitions/{definition}", "definitions": _swagger(which)["definitions"]}
    validator = Draft4Validator(schema, format_checker=FORMATS)
    return [
        f"{'/'.join(str(p) for p in error.absolute_path)}: {error.message}"
        for error in validator.iter_errors(instance)
    ]
