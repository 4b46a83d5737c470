"""Everything under /tmf-api/: each API at its spec's base path, the OpenAPI description,
its interactive page (assets served locally: works offline), the error catalogue, and a TMF
404 for any other path. TMF656 and TMF642 too."""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from problemdesk.api.views import errors_page, not_found
from services.api.urls import alarm_urls, service_problem_urls

urlpatterns = [
    path("troubleTicket/v4/", include("problems.api.urls")),
    path("serviceProblemManagement/v4/", include(service_problem_urls)),
    path("alarmManagement/v4/", include(alarm_urls)),
    path("schema/", SpectacularAPIView.as_view(), name="tmf-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="tmf-schema"), name="tmf-docs"),
    path("errors/", errors_page, name="tmf-errors"),
    re_path(r"^", not_found),
]
