from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ProblemsConfig(AppConfig):
    name = "problems"
    verbose_name = "Problem handling"

    def ready(self) -> None:
        from problems.permissions import sync_roles

        post_migrate.connect(sync_roles, sender=self, dispatch_uid="problems.sync_roles")
