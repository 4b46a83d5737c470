from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.urls import include, path
from django.views.generic import RedirectView


def health(request: HttpRequest) -> HttpResponse:
    """Liveness for load balancers: the process answers (no database round trip)."""
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("", RedirectView.as_view(url="/admin/", permanent=False)),
    path("health/", health, name="health"),
    path("admin/", admin.site.urls),
    path("tmf-api/", include("problemdesk.api.urls")),
]
