"""URLs of the desk (included at /desk/) and of the portal (included at /portal/)."""

from django.urls import path

from problems.views import (
    attachments,
    closing,
    desk_activities,
    desk_problem,
    desk_queue,
    portal,
    supervisor,
)

desk_patterns = [
    path("", desk_queue.queue, name="queue"),
    path("problems/new/", desk_problem.problem_new, name="problem_new"),
    path("problems/<int:pk>/", desk_problem.problem_detail, name="problem"),
    path("problems/<int:pk>/edit/", desk_problem.problem_edit, name="problem_edit"),
    path("problems/<int:pk>/do/<slug:name>/", desk_problem.problem_action, name="problem_action"),
    path("problems/<int:pk>/notes/", desk_problem.note_add, name="note_add"),
    path("problems/<int:pk>/watchers/", desk_problem.watchers_update, name="watchers"),
    path("problems/<int:pk>/files/", attachments.desk_upload, name="attachment_add"),
    path(
        "problems/<int:pk>/known-errors/<int:known_error_pk>/apply/",
        desk_problem.workaround_apply,
        name="workaround_apply",
    ),
    path("problems/<int:pk>/agents/", desk_problem.agent_options, name="agent_options"),
    path("problems/<int:pk>/activities/new/", desk_activities.activity_new, name="activity_new"),
    path(
        "problems/<int:pk>/activities/<int:activity_pk>/start/",
        desk_activities.activity_start,
        name="activity_start",
    ),
    path(
        "problems/<int:pk>/activities/<int:activity_pk>/<slug:name>/",
        desk_activities.activity_action,
        name="activity_action",
    ),
    path("files/<int:pk>/", attachments.desk_download, name="attachment"),
    path("known-errors/suggest/", desk_problem.known_error_suggestions, name="suggestions"),
    path("contacts/", desk_problem.contact_options, name="contact_options"),
    path("supervisor/jeopardy/", supervisor.board, name="board"),
    path("supervisor/workload/", supervisor.workload, name="workload"),
]

portal_patterns = [
    path("", portal.problem_list, name="problems"),
    path("report/", portal.report, name="report"),
    path("problems/<int:pk>/", portal.problem_detail, name="problem"),
    path("problems/<int:pk>/do/<slug:name>/", portal.problem_action, name="problem_action"),
    path("problems/<int:pk>/notes/", portal.note_add, name="note_add"),
    path("problems/<int:pk>/watchers/", portal.watchers_update, name="watchers"),
    path("problems/<int:pk>/files/", attachments.portal_upload, name="attachment_add"),
    path("files/<int:pk>/", attachments.portal_download, name="attachment"),
]

# The e-mail links (no login; included at /answer/): problems.links, problems.views.closing.
closing_patterns = [
    path("<str:token>/confirm/", closing.confirm, name="confirm"),
    path("<str:token>/not-fixed/", closing.not_fixed, name="not_fixed"),
    path("survey/<str:token>/", closing.survey, name="survey"),
]
