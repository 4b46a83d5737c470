"""The list and retrieve plumbing every TMF API view shares (filters, ``fields=``, paging,
count headers), over ``problemdesk.api.query``."""

from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.db.models import Model, QuerySet
from drf_spectacular.utils import OpenApiParameter
from rest_framework.request import Request
from rest_framework.response import Response

from problemdesk.api.errors import TMFError
from problemdesk.api.query import Attribute, InvalidQuery, parse_list_params, to_q
from problemdesk.api.schema import COUNT_HEADERS, FIELDS, OFFSET, limit_parameter, sort_parameter

SYMBOLS = {"gt": ">", "gte": "≥", "lt": "<", "lte": "≤"}


def list_response(
    request: Request,
    queryset: QuerySet[Any] | Callable[[set[str] | None], QuerySet[Any]],
    *,
    attributes: dict[str, Attribute],
    selectable: Iterable[str],
    sortable: dict[str, str],
    default_order: tuple[str, ...],
    render: Callable[[list[Any], set[str] | None], list[dict[str, Any]]],
) -> Response:
    try:
        params = parse_list_params(
            request.query_params,
            attributes,
            selectable=selectable,
            sortable=sortable,
            max_limit=settings.API_MAX_PAGE_SIZE,
            default_limit=settings.API_PAGE_SIZE,
        )
        condition = to_q(params.conditions, attributes)
    except InvalidQuery as error:
        raise TMFError("invalidQuery", str(error)) from None
    if callable(queryset):  # the rows to read depend on the attributes asked for
        queryset = queryset(params.fields)
    rows = queryset.filter(condition).order_by(*params.sort, *default_order)
    total = rows.count()
    page = list(rows[params.offset : params.offset + params.limit]) if params.limit else []
    body = render(page, params.fields)
    return Response(body, headers={"X-Total-Count": str(total), "X-Result-Count": str(len(body))})


def fields_of(request: Request, selectable: Iterable[str]) -> set[str] | None:
    """``fields=`` of a retrieve (the only parameter it takes)."""
    unknown = sorted(set(request.query_params) - {"fields"})
    if unknown:
        shown = ", ".join(repr(name[:60]) for name in unknown)
        raise TMFError(
            "invalidQuery", f"Unknown query parameter(s) {shown}; this operation takes fields."
        )
    try:
        return parse_list_params(
            request.query_params,
            {},
            selectable=selectable,
            sortable={},
            max_limit=1,
            default_limit=1,
        ).fields
    except InvalidQuery as error:
        raise TMFError("invalidQuery", str(error)) from None


def get_or_404(queryset: QuerySet[Any], pk: int | None, what: str) -> Any:
    found: Model | None = queryset.filter(pk=pk).first() if pk is not None else None
    if found is None:
        raise TMFError("notFound", f"No such {what}.")
    return found


def list_parameters(
    attributes: dict[str, Attribute], dates: Iterable[str], sortable: dict[str, str]
) -> list[OpenApiParameter]:
    parameters = [
        FIELDS,
        OFFSET,
        limit_parameter(settings.API_MAX_PAGE_SIZE, settings.API_PAGE_SIZE),
        sort_parameter(sorted(sortable)),
        *COUNT_HEADERS,
    ]
    for name, attribute in attributes.items():
        if attribute.kind == "datetime":
            continue
        schema: dict[str, Any] = {"type": "string"}
        if attribute.kind == "enum":
            schema["enum"] = list(attribute.choices)
        elif attribute.kind == "integer":
            schema["pattern"] = "^[0-9]{1,18}$"
        parameters.append(
            OpenApiParameter(name, schema, description=f"{name} equals (a,b: any of).")
        )
    for name in dates:
        for operator in ("gt", "gte", "lt", "lte"):
            parameters.append(
                OpenApiParameter(
                    f"{name}.{operator}",
                    {"type": "string", "format": "date-time"},
                    description=f"{name} {SYMBOLS[operator]} the value.",
                )
            )
    return parameters
