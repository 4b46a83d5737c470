"""TMF642 task resources: ackAlarms, unAckAlarms, clearAlarms, commentAlarms (POST runs the
task on the alarms its ``alarmPattern`` matches, at once; GET lists and retrieves what was
done), and groupAlarms/unGroupAlarms, which our model cannot carry (501)."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, Q
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from problemdesk.api.errors import TMFError
from problemdesk.api.listing import fields_of, get_or_404, list_parameters, list_response
from problemdesk.api.query import Condition, parse_when, to_q
from problemdesk.api.schema import FIELDS, LOCATION_HEADER, error_responses
from problemdesk.api.views import TMFView
from services import alarm_tasks
from services.api.access import ALARM_BASE, PERMISSIONS, iso, numeric_id
from services.api.alarm_filters import ATTRIBUTES
from services.api.alarm_render import render_alarms, with_related
from services.api.alarm_serializers import (
    AckAlarmsInput,
    ClearAlarmsInput,
    CommentAlarmsInput,
    UnAckAlarmsInput,
)
from services.api.schema import (
    AckAlarmsSchema,
    ClearAlarmsSchema,
    CommentAlarmsSchema,
    UnAckAlarmsSchema,
)
from services.models import Alarm, AlarmTask, AlarmTaskKind
from services.selectors import alarms_visible_to

MAX_MATCHED = 5000
IGNORED_IN_PATTERN = {"href", "@type", "@baseType", "@schemaLocation", "@referredType"}


def pattern_q(patterns: list[dict[str, Any]]) -> Q:
    """Alarms matching any pattern item; an item matches when every attribute it gives
    equals the alarm's."""
    matched = Q(pk__in=[])
    for index, item in enumerate(patterns):
        conditions: list[Condition] = []
        for key, value in item.items():
            if key in IGNORED_IN_PATTERN:
                continue
            if key == "alarmedObject" and isinstance(value, dict) and "id" in value:
                key, value = "alarmedObject.id", value["id"]
            spec = ATTRIBUTES.get(key)
            if spec is None or isinstance(value, dict | list) or value is None:
                raise TMFError(
                    "invalidBody",
                    f"alarmPattern[{index}].{key[:60]}: not an attribute an alarm is matched "
                    f"on ({', '.join(sorted(ATTRIBUTES))}).",
                )
            text = str(value).lower() if isinstance(value, bool) else str(value).strip()
            converted: Any = text
            if spec.kind == "datetime":
                converted = parse_when(text)
            elif spec.kind == "integer":
                converted = numeric_id(text)
            elif spec.kind == "enum" and text not in spec.choices:
                converted = None
            if converted is None:
                matched |= Q(pk__in=[])  # a value no alarm can have: matches nothing
                conditions = []
                break
            conditions.append(Condition(key, "eq", (converted,)))
        else:
            if not conditions:
                raise TMFError(
                    "invalidBody", f"alarmPattern[{index}]: give at least one attribute to match."
                )
            matched |= to_q(conditions, ATTRIBUTES)
    return matched


@dataclass(frozen=True)
class TaskKind:
    kind: AlarmTaskKind
    input: type[serializers.Serializer]  # type: ignore[type-arg]
    schema: type[serializers.Serializer]  # type: ignore[type-arg]
    alarms_key: str
    run: Callable[[list[Alarm], Any, dict[str, Any], dict[str, Any]], Any]
    echo: tuple[str, ...]


TASKS: dict[str, TaskKind] = {
    "ackAlarms": TaskKind(
        AlarmTaskKind.ACK,
        AckAlarmsInput,
        AckAlarmsSchema,
        "ackedAlarm",
        lambda alarms, actor, d, request: alarm_tasks.alarms_acknowledge(
            alarms,
            actor=actor,
            user_id=d["ackUserId"],
            system_id=d["ackSystemId"],
            at=d.get("ackTime"),
            request=request,
        ),
        ("ackSystemId", "ackUserId", "ackTime"),
    ),
    "unAckAlarms": TaskKind(
        AlarmTaskKind.UNACK,
        UnAckAlarmsInput,
        UnAckAlarmsSchema,
        "unAckedAlarm",
        lambda alarms, actor, d, request: alarm_tasks.alarms_unacknowledge(
            alarms, actor=actor, user_id=d["ackUserId"], system_id=d["ackSystemId"], request=request
        ),
        ("ackSystemId", "ackUserId", "ackTime"),
    ),
    "clearAlarms": TaskKind(
        AlarmTaskKind.CLEAR,
        ClearAlarmsInput,
        ClearAlarmsSchema,
        "clearedAlarm",
        lambda alarms, actor, d, request: alarm_tasks.alarms_clear(
            alarms,
            actor=actor,
            user_id=d["clearUserId"],
            system_id=d["clearSystemId"],
            cleared_at=d["alarmClearedTime"],
            request=request,
        ),
        ("clearSystemId", "clearUserId", "alarmClearedTime"),
    ),
    "commentAlarms": TaskKind(
        AlarmTaskKind.COMMENT,
        CommentAlarmsInput,
        CommentAlarmsSchema,
        "commentedAlarm",
        lambda alarms, actor, d, request: alarm_tasks.alarms_comment(
            alarms,
            actor=actor,
            text=d["comment"]["comment"],
            user_id=d["comment"].get("userId", ""),
            system_id=d["comment"].get("systemId", ""),
            time=d["comment"].get("time"),
            request=request,
        ),
        ("comment",),
    ),
}


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return iso(value) if hasattr(value, "isoformat") else value


def render_task(task: AlarmTask, *, base_url: str) -> dict[str, Any]:
    name = str(task.kind)
    spec = TASKS[name]
    body: dict[str, Any] = {
        "id": str(task.pk),
        "href": f"{base_url}{ALARM_BASE}/{name}/{task.pk}",
        "@type": name[:1].upper() + name[1:],
        "state": task.state,
    }
    for key in spec.echo:
        if task.request.get(key) is not None:
            body[key] = task.request[key]
    if name in ("ackAlarms", "unAckAlarms") and "ackTime" not in body:
        body["ackTime"] = iso(task.created_at)
    # Alarm ids are integers in TMF642: an id given as "123" is shown as 123.
    body["alarmPattern"] = [
        {**item, "id": numeric_id(item["id"])}
        if isinstance(item, dict) and numeric_id(item.get("id")) is not None
        else item
        for item in task.request.get("alarmPattern", [])
    ]
    body[spec.alarms_key] = render_alarms(task.alarms.all(), base_url=base_url)
    return body


def _tasks(name: str) -> Any:
    return AlarmTask.objects.filter(kind=TASKS[name].kind).prefetch_related(
        Prefetch("alarms", queryset=with_related(Alarm.objects.order_by("pk")))
    )


SELECTABLE = ("id", "href", "@type", "state", "alarmPattern")


def task_views(name: str) -> tuple[type[TMFView], type[TMFView]]:
    spec = TASKS[name]
    prefix = name[:1].upper() + name[1:]
    selectable = (*SELECTABLE, *spec.echo, spec.alarms_key)

    class ListView(TMFView):
        permission_classes = PERMISSIONS

        @extend_schema(
            operation_id=f"list{prefix}",
            summary=f"List or find {prefix} objects",
            parameters=list_parameters({}, (), {"id": "pk"}),
            responses={(200, "application/json"): spec.schema(many=True), **error_responses(404)},
            tags=[name],
        )
        def get(self, request: Request) -> Response:
            base = self.base_url(request)
            return list_response(
                request,
                _tasks(name),
                attributes={},
                selectable=selectable,
                sortable={"id": "pk"},
                default_order=("-created_at", "-pk"),
                render=lambda page, fields: [
                    {
                        k: v
                        for k, v in render_task(t, base_url=base).items()
                        if fields is None or k in fields or k in ("id", "href")
                    }
                    for t in page
                ],
            )

        @extend_schema(
            operation_id=f"create{prefix}",
            summary=f"Creates a {prefix} task",
            description="Runs at once on every alarm its alarmPattern matches (an item "
            "matches alarms whose given attributes are equal) and answers the task, done, "
            f"with the alarms it changed in {spec.alarms_key}.",
            request=spec.input,
            responses={201: spec.schema, **error_responses(409, 413, 415)},
            parameters=[LOCATION_HEADER],
            tags=[name],
        )
        def post(self, request: Request) -> Response:
            self.only_parameters(request, set())
            data = spec.input(data=request.data)
            data.is_valid(raise_exception=True)
            values = data.validated_data
            alarms = list(
                alarms_visible_to(request.user)
                .filter(pattern_q(values["alarmPattern"]))
                .order_by("pk")[: MAX_MATCHED + 1]
            )
            if len(alarms) > MAX_MATCHED:
                raise TMFError(
                    "invalidBody", f"alarmPattern matches more than {MAX_MATCHED} alarms."
                )
            task = spec.run(alarms, self.caller(request), values, _plain(dict(values)))
            body = render_task(_tasks(name).get(pk=task.pk), base_url=self.base_url(request))
            return Response(body, status=201, headers={"Location": body["href"]})

    class DetailView(TMFView):
        permission_classes = PERMISSIONS

        @extend_schema(
            operation_id=f"retrieve{prefix}",
            summary=f"Retrieves a {prefix} by ID",
            parameters=[FIELDS],
            responses={200: spec.schema, **error_responses(404)},
            tags=[name],
        )
        def get(self, request: Request, id: str) -> Response:
            fields = fields_of(request, selectable)
            task = get_or_404(_tasks(name), numeric_id(id), name)
            body = render_task(task, base_url=self.base_url(request))
            if fields is not None:
                body = {k: v for k, v in body.items() if k in fields or k in ("id", "href")}
            return Response(body)

    ListView.__name__ = ListView.__qualname__ = f"{prefix}ListView"
    DetailView.__name__ = DetailView.__qualname__ = f"{prefix}DetailView"
    return ListView, DetailView


def grouping_views(name: str) -> tuple[type[TMFView], type[TMFView]]:
    """groupAlarms / unGroupAlarms: a 501 (a documented departure)."""
    prefix = name[:1].upper() + name[1:]
    message = (
        f"{name}: alarms are grouped by correlation onto service problems here, not into "
        "parent and correlated alarms (see the README's departures)."
    )

    class ListView(TMFView):
        permission_classes = PERMISSIONS

        @extend_schema(
            operation_id=f"list{prefix}",
            summary=f"List {prefix} (not implemented: 501)",
            responses=error_responses(501),
            tags=[name],
        )
        def get(self, request: Request) -> Response:
            raise TMFError("notImplemented", message)

        @extend_schema(
            operation_id=f"create{prefix}",
            summary=f"Creates a {prefix} (not implemented: 501)",
            request=None,
            responses=error_responses(501),
            tags=[name],
        )
        def post(self, request: Request) -> Response:
            raise TMFError("notImplemented", message)

    class DetailView(TMFView):
        permission_classes = PERMISSIONS

        @extend_schema(
            operation_id=f"retrieve{prefix}",
            summary=f"Retrieves a {prefix} (not implemented: 501)",
            responses=error_responses(501),
            tags=[name],
        )
        def get(self, request: Request, id: str) -> Response:
            raise TMFError("notImplemented", message)

    ListView.__name__ = ListView.__qualname__ = f"{prefix}ListView"
    DetailView.__name__ = DetailView.__qualname__ = f"{prefix}DetailView"
    return ListView, DetailView
