from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.urls import include, path

from problems.urls import closing_patterns, desk_patterns, portal_patterns
from problems.views.access import home
from reporting.urls import portal_patterns as report_portal_patterns
from services.urls import network_patterns


def health(request: HttpRequest) -> HttpResponse:
    """Liveness for load balancers: the process answers (no database round trip)."""
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("", home, name="home"),
    path("health/", health, name="health"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/", include("django.contrib.auth.urls")),
    path("desk/network/", include((network_patterns, "network"))),
    path("desk/", include((desk_patterns, "desk"))),
    path("portal/summary/", include((report_portal_patterns, "reporting_portal"))),
    path("portal/", include((portal_patterns, "portal"))),
    path("answer/", include((closing_patterns, "closing"))),
    path("reports/", include(("reporting.problem_report_urls", "problem_report"))),
    path("reports/", include("reporting.urls")),
    path("admin/", admin.site.urls),
    path("tmf-api/", include("problemdesk.api.urls")),
]
