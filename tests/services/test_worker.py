"""A real Celery worker takes the fan-out chunks from the broker (Redis on the PostgreSQL
run, the file broker on SQLite): the request that opens the report does not wait."""

import pytest

from problems.models import Channel, CustomerProblem
from services import workflow
from services.models import TroubleReportImpact
from tests.problems.test_worker import real_broker, wait_for  # noqa: F401 (the fixture)
from tests.services.test_impact import add_subscribers

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.worker]


def test_the_worker_fans_the_outage_out_in_chunks(real_broker, subscribed, nora, settings):  # noqa: F811
    settings.SERVICE_IMPACT_CHUNK_SIZE = 10
    add_subscribers(subscribed.fibre, 24)
    report = workflow.trouble_report_open(
        actor=nora, title="Fibre down", services=[subscribed.fibre]
    )
    impact = TroubleReportImpact.objects.get(report=report)
    assert wait_for(
        lambda: TroubleReportImpact.objects.filter(
            pk=impact.pk, informed_at__isnull=False
        ).exists(),
        timeout=60,
    ), real_broker
    assert CustomerProblem.objects.filter(channel=Channel.NETWORK).count() == 25
    assert impact.chunks.count() == 3
