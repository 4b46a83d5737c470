"""A real Celery worker takes the hub delivery from the broker after commit and POSTs it to
a real listener (Redis in the PostgreSQL + Redis run, else the embedded file broker)."""

import pytest

from problemdesk.api.clients import api_client_create
from problemdesk.api.hub.subscriptions import subscription_register
from problemdesk.api.models import Delivery, DeliveryStatus
from problems import workflow
from problems.api.events import TROUBLE_TICKET
from tests.problems.test_worker import real_broker, wait_for

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.worker]
__all__ = ["real_broker"]  # a fixture, used by name


def test_the_worker_delivers_the_event(real_broker, listener, make_problem, alice):
    client, _ = api_client_create(name="OSS")
    subscription_register(TROUBLE_TICKET, owner=client.user, callback=listener.url)
    problem = make_problem()
    workflow.problem_assign(problem, actor=alice, assignee=alice)
    assert wait_for(lambda: len(listener.received) == 2), real_broker
    assert listener.types() == ["TroubleTicketCreateEvent", "TroubleTicketStatusChangeEvent"]
    assert wait_for(
        lambda: set(Delivery.objects.values_list("status", flat=True)) == {DeliveryStatus.DELIVERED}
    )
