from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ServicesConfig(AppConfig):
    name = "services"
    verbose_name = "Service problem management"

    def ready(self) -> None:
        from services.permissions import sync_roles

        post_migrate.connect(sync_roles, sender=self, dispatch_uid="services.sync_roles")
