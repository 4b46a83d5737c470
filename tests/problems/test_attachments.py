"""Attachments: the checks on a file, and the workflow that stores it with its event."""

from pathlib import Path

import pytest
from django.core.files.storage import default_storage

from problems import workflow
from problems.attachments import UploadRefused, check_upload, safe_name
from problems.models import Attachment, CustomerProblem, EventKind
from tests.support import PDF, png, text_file

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("report.pdf", "report.pdf"),
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\me\\Desktop\\screen shot.png", "screen_shot.png"),
        ("Übersicht Störung.txt", "Ubersicht_Storung.txt"),
        (".htaccess", "htaccess"),
        ("", "attachment"),
        ("<b>alert(1)</b>.txt", "b.txt"),  # "/" ends a path: only "b>.txt" is the name
        ("<i>alert(1).txt", "ialert1.txt"),
        ("a" * 300 + ".log", "a" * 116 + ".log"),
    ],
)
def test_names_are_sanitised(given, expected):
    assert safe_name(given) == expected


def test_limits_come_from_the_settings(settings):
    settings.ATTACHMENT_MAX_BYTES = 10
    with pytest.raises(UploadRefused, match="at most 10"):
        check_upload(text_file(content=b"x" * 11))
    settings.ATTACHMENT_MAX_BYTES = 1000
    settings.ATTACHMENT_ALLOWED_EXTENSIONS = ["log"]
    with pytest.raises(UploadRefused, match="cannot be attached"):
        check_upload(png())


def test_content_must_match_the_extension():
    with pytest.raises(UploadRefused, match=r"does not look like a \.pdf"):
        check_upload(text_file("invoice.pdf", b"MZ\x90\x00 not a pdf"))
    checked = check_upload(text_file("invoice.pdf", PDF))
    assert checked.content_type == "application/pdf"


def test_empty_and_executable_files_are_refused():
    with pytest.raises(UploadRefused, match="empty"):
        check_upload(text_file(content=b""))
    with pytest.raises(UploadRefused, match="cannot be attached"):
        check_upload(text_file("setup.exe", b"MZ"))


def test_attach_stores_the_file_and_writes_an_event(problem, alice):
    attachment = workflow.attachment_add(problem, actor=alice, upload=png("../x/shot.png"))
    assert attachment.original_name == "shot.png"
    assert attachment.size == len(png().read())
    assert attachment.content_type == "image/png"
    assert attachment.file.name.startswith(f"attachments/{problem.pk}/")
    assert default_storage.exists(attachment.file.name)
    event = problem.events.get(kind=EventKind.ATTACHMENT_ADDED)
    assert event.is_public and event.actor == alice
    assert event.data == {"attachment": attachment.pk, "name": "shot.png", "size": attachment.size}


def test_internal_files_write_an_internal_event(problem, alice):
    workflow.attachment_add(problem, actor=alice, upload=text_file(), is_internal=True)
    assert not problem.events.get(kind=EventKind.ATTACHMENT_ADDED).is_public


def test_two_files_of_the_same_name_do_not_collide(problem, alice):
    first = workflow.attachment_add(problem, actor=alice, upload=png())
    second = workflow.attachment_add(problem, actor=alice, upload=png())
    assert first.file.name != second.file.name
    assert first.original_name == second.original_name == "screenshot.png"


def test_customers_attach_public_files_to_their_own_problems_only(problem, carla, dave):
    workflow.attachment_add(problem, actor=carla, upload=png())
    with pytest.raises(workflow.NotPermitted):
        workflow.attachment_add(problem, actor=carla, upload=png(), is_internal=True)
    with pytest.raises(workflow.InvalidInput, match="No such problem"):
        workflow.attachment_add(problem, actor=dave, upload=png())
    assert problem.attachments.count() == 1


def test_people_without_a_role_cannot_attach(problem, olga):
    with pytest.raises(workflow.NotPermitted):
        workflow.attachment_add(problem, actor=olga, upload=png())


def test_a_refused_file_leaves_nothing_behind(problem, alice, settings):
    settings.ATTACHMENT_MAX_BYTES = 5
    with pytest.raises(workflow.InvalidInput) as refused:
        workflow.attachment_add(problem, actor=alice, upload=png())
    assert refused.value.field == "files"
    assert not Attachment.objects.exists()
    assert not problem.events.filter(kind=EventKind.ATTACHMENT_ADDED).exists()


def test_a_failed_operation_removes_the_stored_file(problem, alice, monkeypatch, settings):
    def fail(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr("problems.workflow.attachments.record_event", fail)
    with pytest.raises(RuntimeError):
        workflow.attachment_add(problem, actor=alice, upload=png())
    assert not Attachment.objects.exists()
    media = Path(settings.MEDIA_ROOT)
    assert not [path for path in media.rglob("*") if path.is_file()]


def test_report_with_files_is_one_operation(carla, broadband_category, policy, settings):
    problem = workflow.problem_report(
        actor=carla,
        title="Router dead",
        description="No lights.",
        category=broadband_category,
        attachments=[png(), text_file()],
    )
    assert problem.attachments.count() == 2
    kinds = list(problem.events.values_list("kind", flat=True))
    assert kinds.count(EventKind.ATTACHMENT_ADDED) == 2
    # The report's own notification covers its files: they send no mail of their own.
    attached = problem.events.filter(kind=EventKind.ATTACHMENT_ADDED)
    assert not any(event.notifications.exists() for event in attached)


def test_report_with_a_bad_file_writes_nothing(carla, broadband_category, policy):
    with pytest.raises(workflow.InvalidInput):
        workflow.problem_report(
            actor=carla,
            title="Router dead",
            description="No lights.",
            category=broadband_category,
            attachments=[png(), text_file("virus.exe", b"MZ")],
        )
    assert not CustomerProblem.objects.exists()
    assert not Attachment.objects.exists()


def test_report_rolled_back_late_removes_the_stored_files(
    carla, broadband_category, policy, monkeypatch, settings
):
    calls = {"n": 0}
    real = workflow.attachments.record_event

    def fail_on_second_file(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("disk full")
        return real(*args, **kwargs)

    monkeypatch.setattr("problems.workflow.attachments.record_event", fail_on_second_file)
    with pytest.raises(RuntimeError):
        workflow.problem_report(
            actor=carla,
            title="Router dead",
            description="No lights.",
            category=broadband_category,
            attachments=[png(), text_file()],
        )
    assert not CustomerProblem.objects.exists()
    assert not [path for path in Path(settings.MEDIA_ROOT).rglob("*") if path.is_file()]


def test_public_files_added_later_notify_like_public_notes(assigned, alice, carla, mailoutbox):
    workflow.attachment_add(assigned, actor=carla, upload=png())
    event = assigned.events.get(kind=EventKind.ATTACHMENT_ADDED)
    assert set(event.notifications.values_list("email", flat=True)) == {alice.email}
