"""URLs of the desk's network pages (included at /desk/network/, namespace "network")."""

from django.urls import path

from services.views import alarms, links, report_work, reports

network_patterns = [
    path("alarms/", alarms.alarm_list, name="alarms"),
    path("alarms/do/<slug:name>/", alarms.alarm_action, name="alarm_action"),
    path("alarms/<int:pk>/open-report/", alarms.report_from_alarm, name="report_from_alarm"),
    path("reports/", reports.report_queue, name="reports"),
    path("reports/<int:pk>/", reports.report_detail, name="report"),
    path("reports/<int:pk>/do/<slug:name>/", reports.report_action, name="report_action"),
    path("reports/<int:pk>/progress/", reports.progress_add, name="progress_add"),
    path("reports/<int:pk>/activities/new/", report_work.activity_new, name="activity_new"),
    path(
        "reports/<int:pk>/activities/<int:activity_pk>/start/",
        report_work.activity_start,
        name="activity_start",
    ),
    path(
        "reports/<int:pk>/activities/<int:activity_pk>/<slug:name>/",
        report_work.activity_action,
        name="activity_action",
    ),
    path("problems/<int:pk>/link/", links.problem_link, name="problem_link"),
    path("problems/<int:pk>/unlink/<int:report_pk>/", links.problem_unlink, name="problem_unlink"),
]
