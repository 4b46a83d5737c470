"""TMF621 endpoints. Thin: parameters and input are validated, ``actions`` (workflow calls
in one transaction) does the writing, ``render`` shows the result."""

from typing import Any

from django.conf import settings
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from problemdesk.api.hub.audiences import audience_of
from problemdesk.api.listing import list_response
from problemdesk.api.parsers import JSONParser, MergePatchParser
from problemdesk.api.query import InvalidQuery, parse_list_params
from problemdesk.api.schema import (
    COUNT_HEADERS,
    FIELDS,
    LOCATION_HEADER,
    OFFSET,
    error_responses,
    limit_parameter,
    sort_parameter,
)
from problemdesk.api.views import TMFView
from problems import workflow
from problems.api import actions
from problems.api.filters import ATTRIBUTES, DATE_ATTRIBUTES, SORTABLE
from problems.api.render import SELECTABLE, render_ticket
from problems.api.schema import TroubleTicketSchema
from problems.api.selectors import ticket_get, tickets_for
from problems.api.serializers import TroubleTicketCreateInput, TroubleTicketUpdateInput
from problems.api.status import STATUSES
from problems.permissions import is_agent

TAG = "troubleTicket"


class WorksTickets(BasePermission):
    """Staff (agents, supervisors, API clients for all customers) and customers' contacts
    (and customer-scoped clients); an account with no such role is refused with a 403."""

    message = "Your account has no role that works trouble tickets."

    def has_permission(self, request: Request, view: APIView) -> bool:
        user = request.user
        if getattr(user, "customer_id", None) is not None:
            return bool(user.has_perm("problems.report_own_problem"))
        return is_agent(user)


PERMISSIONS: list[type[BasePermission]] = [IsAuthenticated, WorksTickets]


SYMBOLS = {"gt": ">", "gte": "≥", "lt": "<", "lte": "≤"}


def _filter_parameters() -> list[OpenApiParameter]:
    parameters = [
        OpenApiParameter(
            "status",
            {"type": "string", "enum": list(STATUSES)},
            description="Tickets in this status (status=a,b for any of several).",
        ),
        OpenApiParameter("severity", str, description="As given by the reporter (any case)."),
        OpenApiParameter("ticketType", str, description="As given by the reporter (any case)."),
        OpenApiParameter(
            "priority", {"type": "string", "enum": ["Critical", "High", "Medium", "Low"]}
        ),
        OpenApiParameter("externalId", str),
        OpenApiParameter("name", str),
        OpenApiParameter(
            "relatedParty.id",
            {"type": "string", "pattern": "^[0-9]{1,18}$"},
            description="Customer, reporter or assignee id.",
        ),
        OpenApiParameter(
            "relatedEntity.id",
            {"type": "string", "pattern": "^[0-9]{1,18}$"},
            description="Affected service id.",
        ),
    ]
    for name in DATE_ATTRIBUTES:
        for operator in ("gt", "gte", "lt", "lte"):
            parameters.append(
                OpenApiParameter(
                    f"{name}.{operator}",
                    {"type": "string", "format": "date-time"},
                    description=f"{name} {SYMBOLS[operator]} the value.",
                )
            )
    return parameters


class TroubleTicketListView(TMFView):
    permission_classes = PERMISSIONS

    @extend_schema(
        operation_id="listTroubleTicket",
        summary="List or find TroubleTicket objects",
        description=(
            "Filter by attribute (`severity=Critical`, `status=acknowledged,inProgress`), dates "
            "with operators (`creationDate.gt=2024-05-01T00:00:00Z`, also `.gte/.lt/.lte`, or "
            "`creationDate>=…`), select attributes with `fields=`, page with `offset`/`limit`, "
            "sort with `sort=-creationDate`."
        ),
        parameters=[
            FIELDS,
            OFFSET,
            limit_parameter(settings.API_MAX_PAGE_SIZE, settings.API_PAGE_SIZE),
            sort_parameter(sorted(SORTABLE)),
            *_filter_parameters(),
            *COUNT_HEADERS,
        ],
        responses={
            (200, "application/json"): TroubleTicketSchema(many=True),
            **error_responses(404),
        },
        tags=[TAG],
    )
    def get(self, request: Request) -> Response:
        audience, base = audience_of(request.user), self.base_url(request)
        return list_response(
            request,
            lambda fields: tickets_for(request.user, fields=fields),
            attributes=ATTRIBUTES,
            selectable=SELECTABLE,
            sortable=SORTABLE,
            default_order=("-created_at", "-pk"),
            render=lambda page, fields: [
                render_ticket(p, audience=audience, base_url=base, fields=fields) for p in page
            ],
        )

    @extend_schema(
        operation_id="createTroubleTicket",
        summary="Creates a TroubleTicket",
        description=(
            "The minimal ticket is description, severity and ticketType. The customer is the "
            "relatedParty of role customer (our customer id or account code), else the caller's "
            "own company, else it stays to be identified on the desk. Server-owned attributes "
            "(id, href, creationDate, status, priority, …) are ignored."
        ),
        request=TroubleTicketCreateInput,
        responses={201: TroubleTicketSchema, **error_responses(409, 413, 415)},
        parameters=[LOCATION_HEADER],
        tags=[TAG],
    )
    def post(self, request: Request) -> Response:
        self.only_parameters(request, set())
        data = TroubleTicketCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        problem = actions.ticket_create(actor=self.caller(request), data=data.validated_data)
        ticket = render_ticket(
            ticket_get(request.user, str(problem.pk)),
            audience=audience_of(request.user),
            base_url=self.base_url(request),
        )
        return Response(ticket, status=201, headers={"Location": ticket["href"]})


class TroubleTicketDetailView(TMFView):
    permission_classes = PERMISSIONS
    parser_classes = [JSONParser, MergePatchParser]

    def _fields(self, request: Request) -> set[str] | None:
        self.only_parameters(request, {"fields"})
        try:
            return parse_list_params(
                request.query_params,
                ATTRIBUTES,
                selectable=SELECTABLE,
                sortable={},
                max_limit=1,
                default_limit=1,
            ).fields
        except InvalidQuery as error:
            raise self.invalid_query(error) from None

    def _answer(
        self, request: Request, id: str, *, fields: set[str] | None = None
    ) -> dict[str, Any]:
        return render_ticket(
            ticket_get(request.user, id, fields=fields),
            audience=audience_of(request.user),
            base_url=self.base_url(request),
            fields=fields,
        )

    @extend_schema(
        operation_id="retrieveTroubleTicket",
        summary="Retrieves a TroubleTicket by ID",
        parameters=[FIELDS],
        responses={200: TroubleTicketSchema, **error_responses(404)},
        tags=[TAG],
    )
    def get(self, request: Request, id: str) -> Response:
        return Response(self._answer(request, id, fields=self._fields(request)))

    @extend_schema(
        operation_id="patchTroubleTicket",
        summary="Updates partially a TroubleTicket",
        description=(
            "A JSON merge patch (application/merge-patch+json or application/json). A new "
            "`status` runs that step of the lifecycle with its rules (statusChangeReason says "
            "why; a refused step is a 409); notes without a known id are added; a relatedParty "
            "of role assignee assigns the ticket."
        ),
        request={
            "application/merge-patch+json": TroubleTicketUpdateInput,
            "application/json": TroubleTicketUpdateInput,
        },
        responses={200: TroubleTicketSchema, **error_responses(404, 409, 413, 415)},
        tags=[TAG],
    )
    def patch(self, request: Request, id: str) -> Response:
        self.only_parameters(request, set())
        problem = ticket_get(request.user, id, fields=set())
        # Not partial=True: DRF would pass it on and stop checking the nested required ones.
        data = TroubleTicketUpdateInput(data=request.data)
        data.is_valid(raise_exception=True)
        actions.ticket_update(problem, actor=self.caller(request), data=data.validated_data)
        return Response(self._answer(request, id))

    @extend_schema(
        operation_id="deleteTroubleTicket",
        summary="Deletes a TroubleTicket",
        description=(
            "Erases a closed or cancelled ticket and its history (an active one is a 409: cancel "
            "it instead). Needs the problems.delete_customerproblem permission, which no role "
            "has by default: an administrator grants it."
        ),
        responses={204: None, **error_responses(404, 409)},
        tags=[TAG],
    )
    def delete(self, request: Request, id: str) -> Response:
        self.only_parameters(request, set())
        problem = ticket_get(request.user, id, fields=set())
        workflow.problem_delete(
            problem, actor=self.caller(request), reason="Deleted through the TMF621 API."
        )
        return Response(status=204)
