"""The demo data has surveys for the reports: answered ones with scores spread over 1-5,
unanswered ones, reminded ones; written in bulk with the other rows (COPY on PostgreSQL)."""

import pytest
from django.core.management import call_command
from django.db.models import F

from problems.models import SatisfactionSurvey, State

pytestmark = pytest.mark.django_db


def check_surveys() -> None:
    surveys = SatisfactionSurvey.objects.select_related("problem")
    assert surveys.exists()
    assert not surveys.exclude(problem__state=State.CLOSED).exists()
    assert not surveys.exclude(customer_id=F("problem__customer_id")).exists()
    assert not surveys.filter(created_at__lt=F("problem__closed_at")).exists()
    answered = surveys.filter(answered_at__isnull=False)
    assert len(set(answered.values_list("score", flat=True))) >= 4
    assert surveys.filter(answered_at__isnull=True, sent_at__isnull=False).exists()
    assert not answered.filter(answered_at__lt=F("sent_at")).exists()


def test_the_demo_has_answered_and_unanswered_surveys():
    call_command("seed_demo", problems=300, stdout=None)
    check_surveys()
    assert SatisfactionSurvey.objects.filter(reminder_sent_at__isnull=False).exists()


@pytest.mark.django_db(transaction=True)
def test_large_runs_write_surveys_in_bulk_too(on_postgres, monkeypatch):
    if not on_postgres:
        pytest.skip("the parallel COPY path is PostgreSQL's")
    from problems.demo import seed

    monkeypatch.setattr(seed, "CHUNK", 50)
    call_command("seed_demo", problems=400, stdout=None)
    check_surveys()
