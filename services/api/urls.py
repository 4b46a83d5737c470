"""``/tmf-api/serviceProblemManagement/v4/`` and ``/tmf-api/alarmManagement/v4/`` (mounted
by ``problemdesk.api.urls``)."""

from django.urls import path

from problemdesk.api.hub.views import hub_views
from services.api.access import PERMISSIONS
from services.api.alarm_views import AlarmDetailView, AlarmListView
from services.api.events import ALARM, SERVICE_PROBLEM
from services.api.problem_views import (
    EventRecordDetailView,
    EventRecordListView,
    ProblemGroupView,
    ProblemUngroupView,
    ServiceProblemDetailView,
    ServiceProblemListView,
)
from services.api.task_views import grouping_views, task_views

ProblemHub, ProblemHubDetail = hub_views(
    SERVICE_PROBLEM, permission_classes=PERMISSIONS, tag="serviceProblem"
)
AlarmHub, AlarmHubDetail = hub_views(ALARM, permission_classes=PERMISSIONS, tag="alarm")

service_problem_urls = [
    path("serviceProblem", ServiceProblemListView.as_view(), name="serviceproblem-list"),
    path(
        "serviceProblem/<str:id>", ServiceProblemDetailView.as_view(), name="serviceproblem-detail"
    ),
    path("serviceProblemEventRecord", EventRecordListView.as_view(), name="serviceproblem-records"),
    path(
        "serviceProblemEventRecord/<str:id>",
        EventRecordDetailView.as_view(),
        name="serviceproblem-record",
    ),
    path("problemGroup", ProblemGroupView.as_view(), name="serviceproblem-group"),
    path("problemUngroup", ProblemUngroupView.as_view(), name="serviceproblem-ungroup"),
    path("hub", ProblemHub.as_view(), name="serviceproblem-hub"),
    path("hub/<str:id>", ProblemHubDetail.as_view(), name="serviceproblem-hub-detail"),
]

alarm_urls = [
    path("alarm", AlarmListView.as_view(), name="alarm-list"),
    path("alarm/<str:id>", AlarmDetailView.as_view(), name="alarm-detail"),
    path("hub", AlarmHub.as_view(), name="alarm-hub"),
    path("hub/<str:id>", AlarmHubDetail.as_view(), name="alarm-hub-detail"),
]
for _name in ("ackAlarms", "unAckAlarms", "clearAlarms", "commentAlarms"):
    _list, _detail = task_views(_name)
    alarm_urls += [
        path(_name, _list.as_view(), name=f"alarm-{_name.lower()}"),
        path(f"{_name}/<str:id>", _detail.as_view(), name=f"alarm-{_name.lower()}-detail"),
    ]
for _name in ("groupAlarms", "unGroupAlarms"):
    _list, _detail = grouping_views(_name)
    alarm_urls += [
        path(_name, _list.as_view(), name=f"alarm-{_name.lower()}"),
        path(f"{_name}/<str:id>", _detail.as_view(), name=f"alarm-{_name.lower()}-detail"),
    ]
