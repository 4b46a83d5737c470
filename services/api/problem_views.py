"""TMF656 endpoints. Thin: input validated, ``problem_actions`` writes (workflow calls in
one transaction), ``problem_render`` shows the result."""

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from problemdesk.api.errors import TMFError
from problemdesk.api.listing import fields_of, get_or_404, list_parameters, list_response
from problemdesk.api.parsers import JSONParser, MergePatchParser
from problemdesk.api.query import Attribute
from problemdesk.api.schema import FIELDS, LOCATION_HEADER, error_responses
from problemdesk.api.views import TMFView
from services import workflow
from services.api import problem_actions
from services.api.access import PERMISSIONS, SERVICE_PROBLEM_BASE, iso, numeric_id
from services.api.events import problem_event_types
from services.api.problem_filters import ATTRIBUTES, DATE_ATTRIBUTES, SORTABLE
from services.api.problem_render import SELECTABLE, render_problem, render_problems, with_related
from services.api.problem_serializers import ServiceProblemCreateInput, ServiceProblemUpdateInput
from services.api.schema import EventRecordSchema, ServiceProblemSchema
from services.models import ServiceTroubleReport, TroubleReportEvent
from services.selectors import trouble_reports_visible_to

TAG = "serviceProblem"


def _reports(request: Request, fields: set[str] | None = None) -> Any:
    return with_related(trouble_reports_visible_to(request.user), fields)


def _asked_fields(request: Request) -> set[str] | None:
    """``fields=`` as asked (checked by the list's parsing): which rows to prefetch."""
    raw = request.query_params.get("fields")
    return {name.strip() for name in raw.split(",") if name.strip()} if raw else None


class ServiceProblemListView(TMFView):
    permission_classes = PERMISSIONS

    @extend_schema(
        operation_id="listServiceProblem",
        summary="List or find ServiceProblem objects",
        description="Filter by attribute (`status=acknowledged,inProgress`, `priority=1`, "
        "`affectedService.id=12`, `creationDate.gt=2024-05-01T00:00:00Z`), select attributes "
        "with `fields=`, page with `offset`/`limit`, sort with `sort=-creationDate`.",
        parameters=list_parameters(ATTRIBUTES, DATE_ATTRIBUTES, SORTABLE),
        responses={
            (200, "application/json"): ServiceProblemSchema(many=True),
            **error_responses(404),
        },
        tags=[TAG],
    )
    def get(self, request: Request) -> Response:
        base = self.base_url(request)
        return list_response(
            request,
            _reports(request, _asked_fields(request)),
            attributes=ATTRIBUTES,
            selectable=SELECTABLE,
            sortable=SORTABLE,
            default_order=("-created_at", "-pk"),
            render=lambda page, fields: render_problems(page, base_url=base, fields=fields),
        )

    @extend_schema(
        operation_id="createServiceProblem",
        summary="Creates a ServiceProblem",
        description="Opens a service trouble report (category, priority 1 to 4, description, "
        "reason and originatorParty are required). Known services in affectedService are "
        "impacted; known raised alarms in underlyingAlarm are attached (and localise it); "
        "other references are kept as given. Server-owned attributes are ignored.",
        request=ServiceProblemCreateInput,
        responses={201: ServiceProblemSchema, **error_responses(409, 413, 415)},
        parameters=[LOCATION_HEADER],
        tags=[TAG],
    )
    def post(self, request: Request) -> Response:
        self.only_parameters(request, set())
        data = ServiceProblemCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        report = problem_actions.problem_create(
            actor=self.caller(request), data=data.validated_data
        )
        body = render_problem(_reports(request).get(pk=report.pk), base_url=self.base_url(request))
        return Response(body, status=201, headers={"Location": body["href"]})


class ServiceProblemDetailView(TMFView):
    permission_classes = PERMISSIONS
    parser_classes = [JSONParser, MergePatchParser]

    def _get(
        self, request: Request, id: str, fields: set[str] | None = None
    ) -> ServiceTroubleReport:
        report: ServiceTroubleReport = get_or_404(
            _reports(request, fields), numeric_id(id), "service problem"
        )
        return report

    @extend_schema(
        operation_id="retrieveServiceProblem",
        summary="Retrieves a ServiceProblem by ID",
        parameters=[FIELDS],
        responses={200: ServiceProblemSchema, **error_responses(404)},
        tags=[TAG],
    )
    def get(self, request: Request, id: str) -> Response:
        fields = fields_of(request, SELECTABLE)
        report = self._get(request, id, fields)
        return Response(render_problem(report, base_url=self.base_url(request), fields=fields))

    @extend_schema(
        operation_id="patchServiceProblem",
        summary="Updates partially a ServiceProblem",
        description="A JSON merge patch (application/merge-patch+json or application/json). "
        "A new `status` runs that step of the life cycle with its guards (statusChangeReason "
        "says why; a refused step is a 409); responsibleParty with an agent's id assigns; "
        "notes without a known id are added as progress updates.",
        request={
            "application/merge-patch+json": ServiceProblemUpdateInput,
            "application/json": ServiceProblemUpdateInput,
        },
        responses={200: ServiceProblemSchema, **error_responses(404, 409, 413, 415)},
        tags=[TAG],
    )
    def patch(self, request: Request, id: str) -> Response:
        self.only_parameters(request, set())
        report = self._get(request, id)
        data = ServiceProblemUpdateInput(data=request.data)
        data.is_valid(raise_exception=True)
        problem_actions.problem_update(report, actor=self.caller(request), data=data.validated_data)
        return Response(render_problem(self._get(request, id), base_url=self.base_url(request)))

    @extend_schema(
        operation_id="deleteServiceProblem",
        summary="Deletes a ServiceProblem",
        description="Erases a closed, cancelled or rejected problem and its log (an active one "
        "is a 409). Needs the services.delete_servicetroublereport permission, which no role "
        "has by default.",
        responses={204: None, **error_responses(404, 409)},
        tags=[TAG],
    )
    def delete(self, request: Request, id: str) -> Response:
        self.only_parameters(request, set())
        workflow.trouble_report_delete(self._get(request, id), actor=self.caller(request))
        return Response(status=204)


# --- serviceProblemEventRecord: the log as the notifications it made ---------------------
RECORD_ATTRIBUTES = {
    "eventType": Attribute(
        "eventType",
        kind="enum",
        choices=(
            "ServiceProblemCreateEvent",
            "ServiceProblemStateChangeEvent",
            "ServiceProblemAttributeValueChangeEvent",
        ),
        to_q=lambda operator, values: _record_type_q(operator, values),
    ),
    "serviceProblem.id": Attribute("serviceProblem.id", kind="integer", column="report_id"),
    "eventTime": Attribute("eventTime", kind="datetime", column="created_at"),
}
RECORD_SELECTABLE = (
    "id",
    "href",
    "eventTime",
    "eventType",
    "recordTime",
    "notification",
    "serviceProblem",
)


def _record_type_q(operator: str, values: list[Any]) -> Any:
    from django.db.models import F, Q

    matched = Q(pk__in=[])
    for value in values:
        if value == "ServiceProblemCreateEvent":
            matched |= Q(kind="created")
        elif value == "ServiceProblemStateChangeEvent":
            matched |= ~Q(kind="created") & ~Q(to_state="") & ~Q(to_state=F("from_state"))
        else:
            matched |= ~Q(kind="created") & (Q(to_state="") | Q(to_state=F("from_state")))
    return ~matched if operator == "ne" else matched


def render_record(event: TroubleReportEvent, *, base_url: str) -> dict[str, Any]:
    event_type = problem_event_types(event)[0][0]
    problem_href = f"{base_url}{SERVICE_PROBLEM_BASE}/serviceProblem/{event.report_id}"
    return {
        "id": str(event.pk),
        "href": f"{base_url}{SERVICE_PROBLEM_BASE}/serviceProblemEventRecord/{event.pk}",
        "eventTime": iso(event.created_at),
        "recordTime": iso(event.created_at),
        "eventType": event_type,
        "notification": {
            "eventId": f"report-event-{event.pk}",
            "eventTime": iso(event.created_at),
            "eventType": event_type,
            "description": event.message or event.get_kind_display(),
            "actor": event.actor_label,
        },
        "serviceProblem": {"id": str(event.report_id), "href": problem_href},
    }


def _records(request: Request) -> Any:
    return TroubleReportEvent.objects.filter(report__in=trouble_reports_visible_to(request.user))


class EventRecordListView(TMFView):
    permission_classes = PERMISSIONS

    @extend_schema(
        operation_id="listServiceProblemEventRecord",
        summary="List or find ServiceProblemEventRecord objects",
        description="Every entry of every problem's log, as the event it notified. Filter by "
        "`serviceProblem.id`, `eventType`, `eventTime.gt/.lt`.",
        parameters=list_parameters(RECORD_ATTRIBUTES, ("eventTime",), {"eventTime": "created_at"}),
        responses={(200, "application/json"): EventRecordSchema(many=True), **error_responses(404)},
        tags=["serviceProblemEventRecord"],
    )
    def get(self, request: Request) -> Response:
        base = self.base_url(request)
        return list_response(
            request,
            _records(request),
            attributes=RECORD_ATTRIBUTES,
            selectable=RECORD_SELECTABLE,
            sortable={"eventTime": "created_at"},
            default_order=("created_at", "pk"),
            render=lambda page, fields: [
                {
                    k: v
                    for k, v in render_record(e, base_url=base).items()
                    if fields is None or k in fields or k in ("id", "href")
                }
                for e in page
            ],
        )


class EventRecordDetailView(TMFView):
    permission_classes = PERMISSIONS

    @extend_schema(
        operation_id="retrieveServiceProblemEventRecord",
        summary="Retrieves a ServiceProblemEventRecord by ID",
        parameters=[FIELDS],
        responses={200: EventRecordSchema, **error_responses(404)},
        tags=["serviceProblemEventRecord"],
    )
    def get(self, request: Request, id: str) -> Response:
        fields = fields_of(request, RECORD_SELECTABLE)
        event = get_or_404(_records(request), numeric_id(id), "event record")
        body = render_record(event, base_url=self.base_url(request))
        if fields is not None:
            body = {k: v for k, v in body.items() if k in fields or k in ("id", "href")}
        return Response(body)


def _not_grouped(resource: str) -> TMFError:
    return TMFError(
        "notImplemented",
        f"{resource}: service problems are not grouped here; alarm correlation attaches "
        "related alarms to one problem instead (see the README's departures).",
    )


class ProblemGroupView(TMFView):
    """Our trouble reports have no parent/child hierarchy: a 501 (a documented departure)."""

    permission_classes = PERMISSIONS

    @extend_schema(
        operation_id="createProblemGroup",
        summary="Creates a ProblemGroup (not implemented: 501)",
        request=None,
        responses=error_responses(501),
        tags=["problemGroup"],
    )
    def post(self, request: Request) -> Response:
        raise _not_grouped("problemGroup")


class ProblemUngroupView(TMFView):
    permission_classes = PERMISSIONS

    @extend_schema(
        operation_id="createProblemUngroup",
        summary="Creates a ProblemUngroup (not implemented: 501)",
        request=None,
        responses=error_responses(501),
        tags=["problemUngroup"],
    )
    def post(self, request: Request) -> Response:
        raise _not_grouped("problemUngroup")
