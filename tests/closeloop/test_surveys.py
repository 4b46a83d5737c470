"""The satisfaction survey: created on close by any path, e-mailed exactly once (even when
its task runs twice), reminded once, answered once."""

import base64
import json
from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from problems import tasks, workflow
from problems.models import SatisfactionSurvey, State
from tests.closeloop.conftest import survey_path
from tests.support import client_for

pytestmark = pytest.mark.django_db


def surveys_to(mailoutbox, address):
    return [m for m in mailoutbox if "How did we do?" in m.subject and address in m.to]


def close(problem, actor, callbacks):
    with callbacks(execute=True):
        return workflow.problem_close(problem, actor=actor, confirmed=True)


def test_closing_creates_the_survey_in_its_transaction_and_sends_it_after_commit(
    cleared, carla, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        workflow.problem_close(cleared, actor=carla, confirmed=True)
        survey = SatisfactionSurvey.objects.get(problem=cleared)
        assert survey.customer_id == carla.customer_id and survey.sent_at is None
        assert survey.sent_to == carla.email and survey.recipient == carla
    assert surveys_to(mailoutbox, carla.email) == []
    for callback in callbacks:
        callback()
    assert len(surveys_to(mailoutbox, carla.email)) == 1
    survey.refresh_from_db()
    assert survey.sent_at is not None


def test_a_duplicated_task_sends_the_survey_once(
    cleared, carla, mailoutbox, django_capture_on_commit_callbacks
):
    close(cleared, carla, django_capture_on_commit_callbacks)
    survey = SatisfactionSurvey.objects.get(problem=cleared)
    # The broker delivers the task again (a worker died before acknowledging it).
    assert tasks.send_survey.apply(args=[survey.pk]).get() is False
    assert tasks.send_survey.delay(survey.pk).get() is False
    assert tasks.send_surveys.apply(args=[[survey.pk, survey.pk]]).get() == 0
    assert len(surveys_to(mailoutbox, carla.email)) == 1


def test_a_failed_send_is_retried_and_then_sent_once(cleared, carla, mailoutbox, monkeypatch):
    from django.core.mail import EmailMessage

    with time_machine.travel(timezone.now()):
        workflow.problem_close(cleared, actor=carla, confirmed=True)  # on_commit not run
    survey = SatisfactionSurvey.objects.get(problem=cleared)
    original = EmailMessage.send

    def broken(self, fail_silently=False):
        raise OSError("SMTP server down")

    monkeypatch.setattr(EmailMessage, "send", broken)
    with pytest.raises(OSError):
        workflow.survey_send(survey.pk)
    survey.refresh_from_db()
    assert survey.sent_at is None  # the mark rolled back with the failure
    monkeypatch.setattr(EmailMessage, "send", original)
    with time_machine.travel(timezone.now() + timedelta(minutes=5)):
        assert tasks.scan_surveys() == {"sent": 1, "reminded": 0, "failed": 0}
        assert tasks.scan_surveys() == {"sent": 0, "reminded": 0, "failed": 0}
    assert len(surveys_to(mailoutbox, carla.email)) == 1


def test_a_second_close_attempt_makes_no_second_survey(
    cleared, carla, alice, mailoutbox, django_capture_on_commit_callbacks
):
    close(cleared, carla, django_capture_on_commit_callbacks)
    with pytest.raises(workflow.TransitionRefused):
        close(cleared, alice, django_capture_on_commit_callbacks)
    assert SatisfactionSurvey.objects.filter(problem=cleared).count() == 1
    assert len(surveys_to(mailoutbox, carla.email)) == 1


@pytest.mark.parametrize("path", ["agent", "portal", "api", "timer"])
def test_every_way_of_closing_starts_the_survey(
    path, cleared, alice, carla, django_capture_on_commit_callbacks
):
    cleared.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        if path == "agent":
            response = client_for(alice).post(
                f"/desk/problems/{cleared.pk}/do/close/", {"confirmed": "on"}
            )
            assert response.status_code == 302
        elif path == "portal":
            response = client_for(carla).post(f"/portal/problems/{cleared.pk}/do/close/")
            assert response.status_code == 302
        elif path == "api":  # TMF621, as the customer's contact with their own password
            credentials = base64.b64encode(b"carla:secret").decode()
            response = Client().generic(
                "PATCH",
                f"/tmf-api/troubleTicket/v4/troubleTicket/{cleared.pk}",
                json.dumps({"status": "closed"}),
                content_type="application/merge-patch+json",
                HTTP_AUTHORIZATION=f"Basic {credentials}",
            )
            assert response.status_code == 200, response.content
        else:
            with time_machine.travel(cleared.confirm_by + timedelta(seconds=1)):
                workflow.close_unconfirmed()
    cleared.refresh_from_db()
    assert cleared.state == State.CLOSED
    assert SatisfactionSurvey.objects.get(problem=cleared).sent_at is not None


def test_no_survey_without_anyone_to_ask(cleared, carla, alice):
    carla.email = ""
    carla.save()
    workflow.problem_close(cleared, actor=alice, confirmed=True)
    assert not SatisfactionSurvey.objects.filter(problem=cleared).exists()


def test_the_reminder_goes_once_after_the_set_days(
    cleared, carla, mailoutbox, settings, django_capture_on_commit_callbacks
):
    settings.SURVEY_REMINDER_DAYS = 4
    close(cleared, carla, django_capture_on_commit_callbacks)
    start = timezone.now()
    with time_machine.travel(start + timedelta(days=3, hours=23)):
        assert tasks.scan_surveys()["reminded"] == 0
    with time_machine.travel(start + timedelta(days=4, minutes=1)):
        assert tasks.scan_surveys()["reminded"] == 1
        assert tasks.scan_surveys()["reminded"] == 0
        assert workflow.survey_send(cleared.survey.pk, reminder=True) is False
    mails = surveys_to(mailoutbox, carla.email)
    assert len(mails) == 2 and mails[1].subject.startswith("Reminder:")
    assert survey_path(mails[1].body).startswith("/answer/survey/")


def test_no_reminder_once_answered(cleared, carla, django_capture_on_commit_callbacks):
    close(cleared, carla, django_capture_on_commit_callbacks)
    workflow.survey_answer(cleared.survey.pk, score=4)
    with time_machine.travel(timezone.now() + timedelta(days=10)):
        assert tasks.scan_surveys()["reminded"] == 0


def test_the_survey_page_takes_one_answer(
    cleared, carla, mailoutbox, django_capture_on_commit_callbacks
):
    close(cleared, carla, django_capture_on_commit_callbacks)
    path = survey_path(surveys_to(mailoutbox, carla.email)[0].body)
    client = Client()
    form = client.get(path).content.decode()
    assert 'type="radio"' in form and "5 - very satisfied" in form
    missing = client.post(path, {"comment": "Fine"})
    assert "Choose a score from 1 to 5." in missing.content.decode()
    out_of_range = client.post(path, {"score": "9"})
    assert "Select a valid choice" in out_of_range.content.decode()
    done = client.post(path, {"score": "4", "comment": " Quick and friendly. "})
    assert "Thank you for your answer" in done.content.decode()
    survey = SatisfactionSurvey.objects.get(problem=cleared)
    assert (survey.score, survey.comment) == (4, "Quick and friendly.")
    second = client.post(path, {"score": "1", "comment": "changed my mind"})
    assert "already answered" in second.content.decode()
    assert "already answered" in client.get(path).content.decode()
    survey.refresh_from_db()
    assert (survey.score, survey.comment) == (4, "Quick and friendly.")


def test_a_survey_link_expires_and_refuses_tampering(
    cleared, carla, mailoutbox, settings, django_capture_on_commit_callbacks
):
    close(cleared, carla, django_capture_on_commit_callbacks)
    path = survey_path(surveys_to(mailoutbox, carla.email)[0].body)
    with time_machine.travel(timezone.now() + timedelta(days=settings.SURVEY_LINK_DAYS + 1)):
        assert "This survey has closed" in Client().get(path).content.decode()
    bad = Client().post(path[:-4] + "abc/", {"score": "5"})
    assert bad.status_code == 400 and "This link is not valid" in bad.content.decode()
    assert SatisfactionSurvey.objects.get(problem=cleared).answered_at is None


def test_the_answer_is_shown_on_the_problem_in_the_desk_and_the_portal(
    cleared, carla, alice, django_capture_on_commit_callbacks
):
    close(cleared, carla, django_capture_on_commit_callbacks)
    workflow.survey_answer(cleared.survey.pk, score=5, comment="Great work")
    for client, url in (
        (client_for(alice), f"/desk/problems/{cleared.pk}/"),
        (client_for(carla), f"/portal/problems/{cleared.pk}/"),
    ):
        page = client.get(url).content.decode()
        assert 'id="survey"' in page and "5 out of 5" in page and "Great work" in page


def test_surveys_are_listed_read_only_in_the_admin_for_supervisors(
    cleared, carla, sue, django_capture_on_commit_callbacks
):
    close(cleared, carla, django_capture_on_commit_callbacks)
    workflow.survey_answer(cleared.survey.pk, score=2, comment="Slow")
    client = client_for(sue)
    page = client.get("/admin/problems/satisfactionsurvey/?answered=yes&score=2")
    assert page.status_code == 200
    assert cleared.reference in page.content.decode()
    assert (
        client.get("/admin/problems/satisfactionsurvey/?answered=no")
        .content.decode()
        .count(cleared.reference)
        == 0
    )
    assert client.get("/admin/problems/satisfactionsurvey/add/").status_code == 403
