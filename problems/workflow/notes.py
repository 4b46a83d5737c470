"""Notes and the notification list of a problem."""

from collections.abc import Iterable

from django.db import transaction

from problems.models import CustomerProblem, EventKind, Note, User
from problems.workflow._base import (
    Actor,
    InvalidInput,
    NotPermitted,
    actor_label,
    actor_user,
    lock_problem,
    record_event,
)


def note_add(
    problem: CustomerProblem, *, actor: Actor, body: str, is_internal: bool = False
) -> Note:
    """Add a note to the problem's timeline. Public notes reach the notification list.

    Guard: a body; internal notes need ``add_internal_note`` (customers never write them);
    staff need ``add_note``; customers only on their own company's problems.
    """
    if not body.strip():
        raise InvalidInput("Write the note.", field="body")
    if isinstance(actor, User):
        if actor.customer_id is not None and is_internal:
            raise NotPermitted("Customers cannot write internal notes.")
        if is_internal and not actor.has_perm("problems.add_internal_note"):
            raise NotPermitted("You may not add internal notes.")
        if actor.customer_id is None and not actor.has_perm("problems.add_note"):
            raise NotPermitted("You may not add notes.")
    with transaction.atomic():
        problem = lock_problem(problem, actor=actor)
        note = Note.objects.create(
            problem=problem,
            author=actor_user(actor),
            author_label=actor_label(actor),
            body=body.strip(),
            is_internal=is_internal,
        )
        record_event(
            problem,
            actor=actor,
            kind=EventKind.NOTE,
            message=note.body,
            data={"note": note.pk},
            is_public=not is_internal,
        )
    return note


def watchers_set(
    problem: CustomerProblem, *, actor: Actor, watchers: Iterable[User]
) -> CustomerProblem:
    """Set who is told of the problem's changes besides the customer's default contacts.

    Guard: staff with ``change_customerproblem`` may name any active user who may see the
    problem; a customer's contact may name contacts of their own company only.
    """
    wanted = {user.pk: user for user in watchers}
    if isinstance(actor, User):
        if actor.customer_id is not None:
            if any(user.customer_id != actor.customer_id for user in wanted.values()):
                raise NotPermitted("You may add only people of your own company.")
        elif not actor.has_perm("problems.change_customerproblem"):
            raise NotPermitted("You may not change the notification list.")
    with transaction.atomic():
        problem = lock_problem(problem, actor=actor)
        if problem.customer_id and any(
            user.customer_id not in (None, problem.customer_id) for user in wanted.values()
        ):
            raise InvalidInput("Only staff and the customer's own contacts can be told.")
        current = set(problem.watchers.values_list("pk", flat=True))
        if isinstance(actor, User) and actor.customer_id is not None:
            # A customer manages their own company's people; staff watchers stay as they are.
            staff = set(problem.watchers.filter(customer__isnull=True).values_list("pk", flat=True))
            wanted_ids = set(wanted) | staff
        else:
            wanted_ids = set(wanted)
        added, removed = wanted_ids - current, current - wanted_ids
        if not added and not removed:
            return problem
        problem.watchers.set(wanted_ids)
        record_event(
            problem,
            actor=actor,
            kind=EventKind.WATCHERS_CHANGED,
            message="Notification list changed.",
            data={"added": sorted(added), "removed": sorted(removed)},
            is_public=False,
        )
    return problem
