"""The Celery application. Configuration comes from Django settings (CELERY_* names),
including the beat schedule, so there is one place for periodic work."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "problemdesk.settings")

app = Celery("problemdesk")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
