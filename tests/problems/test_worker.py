"""A real Celery worker takes the notification task from the broker and sends the e-mail:
Redis when REDIS_URL is set (the PostgreSQL + Redis run), else the embedded default's
file broker."""

import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.core import mail

from problemdesk.celery import app as celery_app
from problems import workflow
from problems.models import Notification

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.worker]


@pytest.fixture
def real_broker(tmp_path):
    """A broker the worker really consumes from; tasks are not run eagerly."""
    saved = {
        key: celery_app.conf[key]
        for key in ("broker_url", "broker_transport_options", "task_always_eager")
    }
    if settings.REDIS_URL:
        celery_app.conf.broker_url = settings.REDIS_URL
    else:
        for folder in ("queue", "control"):
            (tmp_path / folder).mkdir()
        celery_app.conf.broker_url = "filesystem://localhost/"
        celery_app.conf.broker_transport_options = {
            "data_folder_in": str(tmp_path / "queue"),
            "data_folder_out": str(tmp_path / "queue"),
            "control_folder": str(tmp_path / "control"),
            "store_processed": False,
        }
    celery_app.conf.task_always_eager = False
    _forget_connections()
    with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        yield celery_app.conf.broker_url
    celery_app.conf.update(saved)
    _forget_connections()


def _forget_connections():
    """Drop pooled connections and producers, which remember the broker they were made for."""
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


def wait_for(condition, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def test_the_worker_sends_the_status_change_e_mail(real_broker, make_problem, alice, carla):
    problem = make_problem()
    workflow.problem_assign(problem, actor=alice, assignee=alice)
    assert wait_for(lambda: any("Assigned" in m.subject for m in mail.outbox)), real_broker
    message = next(m for m in mail.outbox if "Assigned" in m.subject)
    assert message.to == [carla.email]
    assert wait_for(
        lambda: not Notification.objects.filter(event__problem=problem, status="pending").exists()
    )
