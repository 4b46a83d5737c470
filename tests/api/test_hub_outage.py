"""A network outage opens and updates problems in bulk: hub listeners hear of those too."""

import pytest

from problemdesk.api.models import Delivery, HubEvent
from problems import workflow
from problems.models import CustomerProblem
from problems.workflow.bulk import AffectedCustomer, Outage
from tests import factories
from tests.api.conftest import HUB

pytestmark = pytest.mark.django_db

OUTAGE = Outage(trouble_report_id=7, reference="STR-0007", service_id=3, service_label="Fibre")


def test_proactive_problems_and_network_updates_reach_listeners(staff_api, listener, sue):
    response = staff_api.post(HUB, {"callback": listener.url}, format="json")
    assert response.status_code == 201
    customers = [factories.CustomerFactory() for _ in range(3)]
    opened = workflow.problems_open_for_outage(
        actor=sue,
        outage=OUTAGE,
        customers=[AffectedCustomer(customer.pk) for customer in customers],
        title="Fibre outage",
        description="A fibre cut affects your service.",
    )
    assert len(opened) == 3
    created = HubEvent.objects.filter(event_type="TroubleTicketCreateEvent")
    assert sorted(created.values_list("resource_id", flat=True)) == sorted(
        str(problem.pk) for problem in opened
    )
    assert Delivery.objects.filter(event__in=created).count() == 3

    workflow.problems_add_network_update(
        actor=sue, problem_ids=[p.pk for p in opened], message="Splicing now.", key="str-7-1"
    )
    changed = HubEvent.objects.filter(event_type="TroubleTicketAttributeValueChangeEvent")
    assert changed.count() == 3
    assert CustomerProblem.objects.filter(channel="network").count() == 3
