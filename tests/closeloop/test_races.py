"""Two clicks on one link, two deliveries of one task, at the same moment (PostgreSQL row
locks): the clearance is answered once, the survey is created and sent once."""

import pytest
from django.core import mail

from problems import links, tasks, workflow
from problems.models import EventKind, SatisfactionSurvey, State
from tests.closeloop.conftest import clear, links_in
from tests.problems.test_concurrency import race

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]


@pytest.fixture(autouse=True)
def _needs_postgres(on_postgres):
    if not on_postgres:
        pytest.skip("row locks are a PostgreSQL matter; SQLite serialises every writer")


def test_one_link_used_twice_at_once_answers_once(assigned, alice, carla):
    mail.outbox.clear()
    clear(assigned, alice)
    body = next(m.body for m in mail.outbox if carla.email in m.to and "Cleared" in m.subject)
    confirm = links_in(body)["confirm"].split("/")[2]
    not_fixed = links_in(body)["not-fixed"].split("/")[2]
    results = race(
        lambda: workflow.clearance_link_use(confirm, action=links.CONFIRM),
        lambda: workflow.clearance_link_use(confirm, action=links.CONFIRM),
        lambda: workflow.clearance_link_use(not_fixed, action=links.REOPEN, reason="No."),
    )
    kinds = sorted(result.kind for result in results)
    assert kinds in (["closed", "used", "used"], ["reopened", "used", "used"]), results
    assigned.refresh_from_db()
    answers = assigned.events.filter(kind__in=[EventKind.CLOSED, EventKind.REOPENED])
    assert answers.count() == 1
    assert SatisfactionSurvey.objects.filter(problem=assigned).count() == (
        1 if assigned.state == State.CLOSED else 0
    )


def test_a_survey_task_delivered_twice_at_once_sends_once(assigned, alice, carla):
    clear(assigned, alice)
    workflow.problem_close(assigned, actor=carla, confirmed=True)
    survey = SatisfactionSurvey.objects.get(problem=assigned)
    SatisfactionSurvey.objects.filter(pk=survey.pk).update(sent_at=None)  # as if not yet sent
    mail.outbox.clear()
    results = race(
        lambda: tasks.send_survey(survey.pk),
        lambda: tasks.send_survey(survey.pk),
    )
    assert sorted(results) == [False, True], results
    assert len([m for m in mail.outbox if "How did we do?" in m.subject]) == 1
