"""Files attached to a problem, and reporting a problem together with its files."""

from collections.abc import Iterable
from typing import Any

from django.core.files.storage import default_storage
from django.db import transaction

from problems.attachments import CheckedUpload, UploadRefused, check_upload
from problems.models import Attachment, CustomerProblem, EventKind, User
from problems.models.attachments import attachment_key
from problems.workflow._base import (
    Actor,
    InvalidInput,
    NotPermitted,
    actor_label,
    actor_user,
    lock_problem,
    record_event,
    require_permission,
)
from problems.workflow.lifecycle import problem_create


def attachment_add(
    problem: CustomerProblem, *, actor: Actor, upload: Any, is_internal: bool = False
) -> Attachment:
    """Attach a file to the problem and write its event (public files reach the
    notification list, like public notes).

    Guard: the file passes the size, type and content checks of the settings; staff need
    ``add_attachment``; a customer's contact attaches only public files, to their own
    company's problems.
    """
    checked = _check(actor, upload, is_internal=is_internal)
    stored: list[str] = []
    try:
        with transaction.atomic():
            return _attach(
                problem,
                actor=actor,
                upload=upload,
                checked=checked,
                is_internal=is_internal,
                stored=stored,
            )
    except BaseException:
        _discard(stored)
        raise


def problem_report(
    *, actor: Actor, attachments: Iterable[Any] = (), **fields: Any
) -> CustomerProblem:
    """Report a problem (``problem_create``) with files, as one operation: either the
    problem and all its files are written, or nothing is.

    Guard: those of ``problem_create``, and of ``attachment_add`` for each file.
    """
    uploads = list(attachments)
    checked = [_check(actor, upload, is_internal=False) for upload in uploads]
    stored: list[str] = []
    try:
        with transaction.atomic():
            problem = problem_create(actor=actor, **fields)
            for upload, check in zip(uploads, checked, strict=True):
                _attach(
                    problem,
                    actor=actor,
                    upload=upload,
                    checked=check,
                    is_internal=False,
                    stored=stored,
                    notify=False,  # the report's own notification covers its files
                )
    except BaseException:
        _discard(stored)
        raise
    return problem


def _check(actor: Actor, upload: Any, *, is_internal: bool) -> CheckedUpload:
    if isinstance(actor, User):
        if actor.customer_id is not None:
            if is_internal:
                raise NotPermitted("Customers cannot attach internal files.")
            require_permission(actor, "problems.report_own_problem", "attach files")
        else:
            require_permission(actor, "problems.add_attachment", "attach files")
    try:
        return check_upload(upload)
    except UploadRefused as refusal:
        raise InvalidInput(str(refusal), field="files") from None


def _attach(
    problem: CustomerProblem,
    *,
    actor: Actor,
    upload: Any,
    checked: CheckedUpload,
    is_internal: bool,
    stored: list[str],
    notify: bool = True,
) -> Attachment:
    problem = lock_problem(problem, actor=actor)
    attachment = Attachment(
        problem=problem,
        original_name=checked.name,
        content_type=checked.content_type,
        size=checked.size,
        uploaded_by=actor_user(actor),
        uploaded_by_label=actor_label(actor),
        is_internal=is_internal,
    )
    upload.seek(0)
    key = default_storage.save(attachment_key(attachment, checked.name), upload)
    stored.append(key)
    attachment.file.name = key
    attachment.save()
    record_event(
        problem,
        actor=actor,
        kind=EventKind.ATTACHMENT_ADDED,
        message=f"Attached {checked.name}.",
        data={"attachment": attachment.pk, "name": checked.name, "size": checked.size},
        is_public=not attachment.is_internal,
        notify=notify,
    )
    return attachment


def _discard(keys: list[str]) -> None:
    """Remove files stored by an operation that did not commit."""
    for key in keys:
        default_storage.delete(key)
