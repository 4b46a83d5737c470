from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class ApiConfig(AppConfig):
    name = "problemdesk.api"
    label = "api"
    verbose_name = "TM Forum Open APIs"

    def ready(self) -> None:
        # Each app publishes its hub events from ``<app>/api/events.py`` (as the admin finds
        # ``admin.py``): connected here, so the worker and beat publish too, not only the web.
        autodiscover_modules("api.events")
