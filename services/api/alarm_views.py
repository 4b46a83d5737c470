"""TMF642 alarm endpoints: create is ingestion (``services.alarms``), the rest go through
``services.alarm_tasks``; ``alarm_render`` shows the result."""

from typing import Any

from django.db import transaction
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from problemdesk.api.errors import TMFError
from problemdesk.api.listing import fields_of, get_or_404, list_parameters, list_response
from problemdesk.api.parsers import JSONParser, MergePatchParser
from problemdesk.api.schema import FIELDS, LOCATION_HEADER, error_responses
from problemdesk.api.views import TMFView
from services import alarm_tasks
from services.alarm_input import AlarmInput
from services.alarms import Outcome, alarm_ingest
from services.api.access import PERMISSIONS, numeric_id
from services.api.alarm_filters import ATTRIBUTES, DATE_ATTRIBUTES, SORTABLE
from services.api.alarm_render import SELECTABLE, render_alarm, render_alarms, with_related
from services.api.alarm_serializers import IDENTITY, AlarmCreateInput, AlarmUpdateInput
from services.api.schema import AlarmSchema
from services.models import Alarm, AlarmMessage, AlarmState, PerceivedSeverity
from services.selectors import alarms_visible_to

TAG = "alarm"
OUTCOME_HEADER = OpenApiParameter(
    "X-Alarm-Outcome",
    str,
    OpenApiParameter.HEADER,
    response=[200, 201],
    description="What the ingestion did: created, repeated, updated, cleared or duplicate.",
)


def alarms_for(request: Request) -> Any:
    return with_related(alarms_visible_to(request.user))


class AlarmListView(TMFView):
    permission_classes = PERMISSIONS

    @extend_schema(
        operation_id="listAlarm",
        summary="List or find Alarm objects",
        description="Filter by attribute (`state=raised,updated`, `perceivedSeverity=critical`, "
        "`alarmedObject.id=olt-7`, `alarmRaisedTime.gt=…`), `fields=`, `offset`/`limit`, "
        "`sort=-alarmRaisedTime`.",
        parameters=list_parameters(ATTRIBUTES, DATE_ATTRIBUTES, SORTABLE),
        responses={(200, "application/json"): AlarmSchema(many=True), **error_responses(404)},
        tags=[TAG],
    )
    def get(self, request: Request) -> Response:
        base = self.base_url(request)
        return list_response(
            request,
            alarms_for(request),
            attributes=ATTRIBUTES,
            selectable=SELECTABLE,
            sortable=SORTABLE,
            default_order=("-raised_at", "-pk"),
            render=lambda page, fields: render_alarms(page, base_url=base, fields=fields),
        )

    @extend_schema(
        operation_id="createAlarm",
        summary="Creates an Alarm",
        description="Ingests the alarm as the alarm feed does. A new alarm is a 201 with its "
        "Location. The same alarm again (same sourceSystemId and externalAlarmId, or same "
        "object, type, cause and specific problem) while raised counts an occurrence on it; "
        "a message sent twice is ingested once; a cleared alarm closes the raised one: each "
        "answers 200 with that alarm. A clear for no raised alarm is a 409. The optional "
        "X-Message-Id header names the message for de-duplication.",
        request=AlarmCreateInput,
        parameters=[
            LOCATION_HEADER,
            OUTCOME_HEADER,
            OpenApiParameter("X-Message-Id", str, OpenApiParameter.HEADER, required=False),
        ],
        responses={
            201: AlarmSchema,
            200: OpenApiResponse(AlarmSchema, description="An alarm already known, updated."),
            **error_responses(409, 413, 415),
        },
        tags=[TAG],
    )
    def post(self, request: Request) -> Response:
        self.only_parameters(request, set())
        data = AlarmCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        message_id = request.headers.get("X-Message-Id", "")[:200]
        item = AlarmInput.from_tmf(dict(request.data), message_id=message_id)
        result = alarm_ingest(item)
        alarm_id = result.alarm_id
        if result.outcome == Outcome.DUPLICATE:
            alarm_id = (
                AlarmMessage.objects.filter(message_id=item.delivery_id)
                .values_list("alarm_id", flat=True)
                .first()
            )
        if alarm_id is None:
            raise TMFError(
                "transitionRefused",
                "No raised alarm matches this clear (it was recorded and ignored).",
            )
        body = render_alarm(alarms_for(request).get(pk=alarm_id), base_url=self.base_url(request))
        headers = {"X-Alarm-Outcome": str(result.outcome)}
        if result.outcome == Outcome.CREATED:
            headers["Location"] = body["href"]
            return Response(body, status=201, headers=headers)
        return Response(body, status=200, headers=headers)


class AlarmDetailView(TMFView):
    permission_classes = PERMISSIONS
    parser_classes = [JSONParser, MergePatchParser]

    def _get(self, request: Request, id: str) -> Alarm:
        alarm: Alarm = get_or_404(alarms_for(request), numeric_id(id), "alarm")
        return alarm

    @extend_schema(
        operation_id="retrieveAlarm",
        summary="Retrieves an Alarm by ID",
        parameters=[FIELDS],
        responses={200: AlarmSchema, **error_responses(404)},
        tags=[TAG],
    )
    def get(self, request: Request, id: str) -> Response:
        fields = fields_of(request, SELECTABLE)
        return Response(
            render_alarm(self._get(request, id), base_url=self.base_url(request), fields=fields)
        )

    @extend_schema(
        operation_id="patchAlarm",
        summary="Updates partially an Alarm",
        description="A JSON merge patch: `ackState` acknowledges or unacknowledges (ackUserId, "
        "ackSystemId say who), `state` or `perceivedSeverity` `cleared` clears (clearUserId, "
        "clearSystemId, alarmClearedTime), another perceivedSeverity updates it, new "
        "`comment` items are added; alarmDetails and proposedRepairedActions change. What "
        "identifies the alarm at its source cannot change (400); a cleared alarm cannot be "
        "raised again (409).",
        request={
            "application/merge-patch+json": AlarmUpdateInput,
            "application/json": AlarmUpdateInput,
        },
        responses={200: AlarmSchema, **error_responses(404, 409, 413, 415)},
        tags=[TAG],
    )
    def patch(self, request: Request, id: str) -> Response:
        self.only_parameters(request, set())
        alarm = self._get(request, id)
        data = AlarmUpdateInput(data=request.data)
        data.is_valid(raise_exception=True)
        alarm_patch(
            alarm, actor=self.caller(request), data=data.validated_data, base=self.base_url(request)
        )
        return Response(render_alarm(self._get(request, id), base_url=self.base_url(request)))

    @extend_schema(
        operation_id="deleteAlarm",
        summary="Deletes an Alarm",
        description="Erases a cleared alarm (a raised one is a 409: clear it first). Needs the "
        "services.delete_alarm permission, which no role has by default.",
        responses={204: None, **error_responses(404, 409)},
        tags=[TAG],
    )
    def delete(self, request: Request, id: str) -> Response:
        self.only_parameters(request, set())
        alarm_tasks.alarm_delete(self._get(request, id), actor=self.caller(request))
        return Response(status=204)


def alarm_patch(alarm: Alarm, *, actor: Any, data: dict[str, Any], base: str) -> None:
    """A PATCH as alarm operations, in one transaction."""
    shown = render_alarm(alarm, base_url=base)
    for name in IDENTITY:
        if name not in data:
            continue
        given = data[name]
        current = shown.get(name, False if name in ("serviceAffecting", "isRootCause") else "")
        if name == "alarmedObject":
            given, current = given.get("id"), (current or {}).get("id")
        if given != current:
            raise TMFError("invalidBody", f"{name}: set by the alarm's source; it cannot change.")
    clearing = data.get("state") == AlarmState.CLEARED or (
        data.get("perceivedSeverity") == PerceivedSeverity.CLEARED
    )
    if data.get("state") in (AlarmState.RAISED, AlarmState.UPDATED) and not alarm.is_raised:
        raise TMFError("transitionRefused", "A cleared alarm cannot be raised again.")
    with transaction.atomic():
        severity = data.get("perceivedSeverity")
        new_severity = severity if severity != PerceivedSeverity.CLEARED else None
        if new_severity or any(k in data for k in ("alarmDetails", "proposedRepairedActions")):
            alarm_tasks.alarm_update(
                alarm,
                actor=actor,
                perceived_severity=new_severity,
                alarm_details=data.get("alarmDetails"),
                proposed_repaired_actions=data.get("proposedRepairedActions"),
            )
        known = {(c["comment"], c["time"]) for c in shown.get("comment", [])}
        for comment in data.get("comment") or []:
            when = comment.get("time")
            stamp = when.isoformat().replace("+00:00", "Z") if when else None
            if (comment["comment"].strip(), stamp) in known:
                continue
            alarm_tasks.alarms_comment(
                [alarm],
                actor=actor,
                text=comment["comment"],
                user_id=comment.get("userId", ""),
                system_id=comment.get("systemId", ""),
                time=when,
            )
        ack = data.get("ackState")
        if ack == "acknowledged":
            alarm_tasks.alarms_acknowledge(
                [alarm],
                actor=actor,
                user_id=data.get("ackUserId", ""),
                system_id=data.get("ackSystemId", ""),
            )
        elif ack == "unacknowledged":
            alarm_tasks.alarms_unacknowledge(
                [alarm],
                actor=actor,
                user_id=data.get("ackUserId", ""),
                system_id=data.get("ackSystemId", ""),
            )
        if clearing:
            alarm_tasks.alarms_clear(
                [alarm],
                actor=actor,
                user_id=data.get("clearUserId", ""),
                system_id=data.get("clearSystemId", ""),
                cleared_at=data.get("alarmClearedTime"),
            )
