"""List query parameters of the TMF APIs (TMF630 part 1): attribute filters with operators,
``fields`` selection, ``offset``/``limit`` paging and ``sort``.

One grammar, two evaluators: a resource's list turns conditions into ORM lookups
(``to_q``); the event hub evaluates the same conditions, from a subscription's ``query``,
against the event's resource as JSON (``matches``).

Filters: ``severity=Critical`` (equality), ``status=acknowledged,inProgress`` (any of),
``creationDate.gt=2024-05-01`` (also ``.gte``, ``.lt``, ``.lte``, ``.eq``, ``.ne``), and the
symbol forms ``creationDate>=2024-05-01`` / ``creationDate<2024-06-01``.
"""

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

OPERATORS = ("eq", "ne", "gt", "gte", "lt", "lte")
ORDERING = ("gt", "gte", "lt", "lte")
RESERVED = ("fields", "offset", "limit", "sort")
# Far past any table, yet offset + limit still fits the databases' 64-bit integers (a larger
# OFFSET is an error in SQLite and PostgreSQL alike, which would be a 500).
MAX_OFFSET = 10**15
MAX_VALUE_LENGTH = 200
OFFSET_AFTER_SPACE = re.compile(r"(?<=\d) (\d{2}:?\d{2})$")


class InvalidQuery(Exception):
    pass


@dataclass(frozen=True)
class Attribute:
    """A filterable attribute of a resource, by its TMF name (dotted for nested ones).

    ``column``: the ORM lookup it filters (equality and ordering); or ``to_q``: a function
    (operator, values) → Q for derived attributes such as a status. ``kind`` is ``string``,
    ``integer`` (digits, compared as text in events), ``datetime`` or ``enum`` (``choices``).
    """

    name: str
    kind: str = "string"
    column: str | None = None
    to_q: Callable[[str, list[Any]], Q] | None = None
    choices: tuple[str, ...] = ()
    case_insensitive: bool = False


@dataclass(frozen=True)
class Condition:
    attribute: str
    operator: str
    values: tuple[Any, ...]

    def as_json(self) -> dict[str, Any]:
        values = [v.isoformat() if isinstance(v, datetime) else v for v in self.values]
        return {"attribute": self.attribute, "operator": self.operator, "values": values}

    @classmethod
    def from_json(cls, data: dict[str, Any], attributes: dict[str, Attribute]) -> "Condition":
        spec = attributes[data["attribute"]]
        values = tuple(_convert(spec, str(v)) for v in data["values"])
        return cls(data["attribute"], data["operator"], values)


@dataclass
class ListParams:
    conditions: list[Condition] = field(default_factory=list)
    fields: set[str] | None = None
    offset: int = 0
    limit: int = 100
    sort: list[str] = field(default_factory=list)


def parse_conditions(
    pairs: Iterable[tuple[str, str]],
    attributes: dict[str, Attribute],
    *,
    prefixes: tuple[str, ...] = (),
) -> list[Condition]:
    """Conditions from (key, value) pairs; ``prefixes`` are stripped from keys (the hub
    accepts ``event.troubleTicket.severity`` as well as ``severity``)."""
    conditions = []
    for raw_key, raw_value in pairs:
        key, operator, value = _split(raw_key, raw_value)
        for prefix in prefixes:
            if key.startswith(prefix):
                key = key[len(prefix) :]
                break
        spec = attributes.get(key)
        if spec is None:
            known = ", ".join(sorted(attributes))
            raise InvalidQuery(f"'{_shown(key)}' is not an attribute you can filter on ({known}).")
        if operator in ORDERING and spec.kind != "datetime":
            raise InvalidQuery(f"'{key}' compares by equality only (=, .eq, .ne).")
        pieces = [value] if operator in ORDERING else value.split(",")
        values = tuple(_convert(spec, piece) for piece in pieces)
        conditions.append(Condition(key, operator, values))
    return conditions


def parse_list_params(
    query: Any,
    attributes: dict[str, Attribute],
    *,
    selectable: Iterable[str],
    sortable: dict[str, str],
    max_limit: int,
    default_limit: int,
) -> ListParams:
    """Everything a list request asks for, from ``request.query_params`` (a QueryDict)."""
    params = ListParams(limit=default_limit)
    filters: list[tuple[str, str]] = []
    for key, values in query.lists():
        _check_text(key)
        for value in values:
            _check_text(value)
        if key in RESERVED:
            if len(values) > 1:
                raise InvalidQuery(f"Give '{key}' once.")
            value = values[0]
            if key == "fields":
                params.fields = _parse_fields(value, set(selectable))
            elif key == "sort":
                params.sort = _parse_sort(value, sortable)
            elif key == "offset":
                params.offset = _parse_int(key, value, minimum=0, maximum=MAX_OFFSET)
            else:
                params.limit = _parse_int(key, value, minimum=0, maximum=max_limit)
        else:
            filters.extend((key, value) for value in values)
    params.conditions = parse_conditions(filters, attributes)
    return params


def to_q(conditions: Iterable[Condition], attributes: dict[str, Attribute]) -> Q:
    combined = Q()
    for condition in conditions:
        spec = attributes[condition.attribute]
        combined &= _condition_q(spec, condition)
    return combined


def _condition_q(spec: Attribute, condition: Condition) -> Q:
    values = list(condition.values)
    if spec.to_q is not None:
        return spec.to_q(condition.operator, values)
    assert spec.column is not None, f"{spec.name} has neither a column nor to_q"  # noqa: S101
    if condition.operator in ORDERING:
        return Q(**{f"{spec.column}__{condition.operator}": values[0]})
    lookup = "iexact" if spec.case_insensitive else "exact"
    matched = Q()
    for value in values:
        matched |= Q(**{f"{spec.column}__{lookup}": value})
    return ~matched if condition.operator == "ne" else matched


def matches(
    resource: dict[str, Any], conditions: Iterable[Condition], attributes: dict[str, Attribute]
) -> bool:
    """Whether a resource, as JSON, satisfies every condition (the hub's query)."""
    for condition in conditions:
        spec = attributes[condition.attribute]
        found = [
            _convert_found(spec, v) for v in _values_at(resource, condition.attribute.split("."))
        ]
        found = [v for v in found if v is not None]
        wanted = list(condition.values)
        if spec.case_insensitive:
            found = [str(v).lower() for v in found]
            wanted = [str(v).lower() for v in wanted]
        operator = condition.operator
        if operator == "eq" and not any(v in wanted for v in found):
            return False
        if operator == "ne" and any(v in wanted for v in found):
            return False
        if operator in ORDERING and not any(_compare(v, operator, wanted[0]) for v in found):
            return False
    return True


def select_fields(resource: dict[str, Any], fields: set[str] | None) -> dict[str, Any]:
    """Attribute selection: the asked-for first-level attributes, and always id and href."""
    if fields is None:
        return resource
    return {k: v for k, v in resource.items() if k in fields or k in ("id", "href")}


# --- parsing helpers ------------------------------------------------------------------------
def _split(key: str, value: str) -> tuple[str, str, str]:
    """(attribute, operator, value) from one query pair, whichever form it is written in."""
    if key.endswith((">", "<")):  # written ``a>=v`` / ``a<=v``: the pair is ("a>", "v")
        return key[:-1], "gte" if key.endswith(">") else "lte", value
    for symbol, operator in ((">", "gt"), ("<", "lt")):
        if symbol in key and not value:  # written ``a>v``: the pair is ("a>v", "")
            name, _, rest = key.partition(symbol)
            return name, operator, rest
    name, dot, last = key.rpartition(".")
    if dot and last in OPERATORS:
        return name, last, value
    return key, "eq", value


def _convert(spec: Attribute, raw: str) -> Any:
    value = raw.strip()
    if value == "":
        raise InvalidQuery(f"Give a value for '{spec.name}'.")
    if len(value) > MAX_VALUE_LENGTH:
        raise InvalidQuery(f"The value for '{spec.name}' is too long.")
    if spec.kind == "datetime":
        parsed = parse_when(value)
        if parsed is None:
            raise InvalidQuery(
                f"'{spec.name}' takes an ISO 8601 date or date-time, e.g. 2024-05-01T08:00:00Z, "
                f"not '{_shown(value)}'."
            )
        return parsed
    if spec.kind == "integer" and not (value.isascii() and value.isdigit() and len(value) < 19):
        raise InvalidQuery(f"'{spec.name}' takes a whole number, not '{_shown(value)}'.")
    if spec.kind == "enum" and value not in spec.choices:
        raise InvalidQuery(
            f"'{_shown(value)}' is not a {spec.name}; use one of {', '.join(spec.choices)}."
        )
    return value


def parse_when(value: str) -> datetime | None:
    """An ISO 8601 date-time (``Z`` or an offset; none means UTC) or a date (its midnight UTC)."""
    # An unencoded "+" of an offset arrives as a space: "…T08:00:00 02:00".
    value = OFFSET_AFTER_SPACE.sub(r"+\1", value)
    try:
        parsed = parse_datetime(value)
        if parsed is None:
            day = parse_date(value)
            if day is None:
                return None
            parsed = datetime.combine(day, time.min)
    except ValueError:
        return None
    if timezone.is_naive(parsed):
        parsed = parsed.replace(tzinfo=UTC)
    try:
        parsed = parsed.astimezone(UTC)  # year 1 at +14:00 has no UTC
    except (OverflowError, ValueError):
        return None
    return (
        parsed
        if datetime(1, 1, 2, tzinfo=UTC) < parsed < datetime(9999, 12, 31, tzinfo=UTC)
        else None
    )


def _convert_found(spec: Attribute, value: Any) -> Any:
    if value is None or isinstance(value, dict | list):
        return None
    if spec.kind == "datetime":
        return parse_when(str(value))
    return str(value)


def _values_at(data: Any, path: list[str]) -> Iterator[Any]:
    if isinstance(data, list):
        for item in data:
            yield from _values_at(item, path)
        return
    if not path:
        yield data
        return
    if isinstance(data, dict) and path[0] in data:
        yield from _values_at(data[path[0]], path[1:])


def _compare(found: Any, operator: str, wanted: Any) -> bool:
    if not isinstance(found, datetime | date):
        return False
    return bool(
        {
            "gt": found > wanted,
            "gte": found >= wanted,
            "lt": found < wanted,
            "lte": found <= wanted,
        }[operator]
    )


def _parse_fields(value: str, selectable: set[str]) -> set[str]:
    names = {name.strip() for name in value.split(",") if name.strip()}
    if not names:
        raise InvalidQuery("'fields' lists attribute names separated by commas.")
    unknown = names - selectable
    if unknown:
        raise InvalidQuery(
            f"Unknown attribute(s) in fields: {', '.join(sorted(_shown(n) for n in unknown))}."
        )
    return names


def _parse_sort(value: str, sortable: dict[str, str]) -> list[str]:
    ordering = []
    for item in (part.strip() for part in value.split(",")):
        name = item.lstrip("+-")
        if name not in sortable:
            raise InvalidQuery(
                f"Cannot sort by '{_shown(name)}'; sort by {', '.join(sorted(sortable))} "
                "(prefix - for descending)."
            )
        ordering.append(("-" if item.startswith("-") else "") + sortable[name])
    return ordering


def _parse_int(name: str, value: str, *, minimum: int, maximum: int | None = None) -> int:
    try:
        number = int(value.strip())
    except ValueError:
        raise InvalidQuery(f"'{name}' must be a whole number, not '{_shown(value)}'.") from None
    if number < minimum or (maximum is not None and number > maximum):
        bounds = f"from {minimum} to {maximum}" if maximum is not None else f"at least {minimum}"
        raise InvalidQuery(f"'{name}' must be {bounds}.")
    return number


def _check_text(text: str) -> None:
    """Refuse what a database would choke on (NUL, lone surrogates) with a 400 instead."""
    if "\x00" in text:
        raise InvalidQuery("Query parameters cannot contain NUL characters.")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise InvalidQuery("Query parameters must be valid UTF-8.") from None


def _shown(text: str) -> str:
    return text if len(text) <= 60 else text[:57] + "…"
