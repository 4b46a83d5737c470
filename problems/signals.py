"""Hooks for other apps that act on what happens to problems, without this app knowing them.

Both signals are sent inside the operation's transaction, so a receiver that writes rows
(an outbox) commits or rolls back with the change itself. A receiver that raises fails the
operation: it must only write, never call out; sending happens after commit.
"""

from django.dispatch import Signal

# An event was appended to a problem's log. Arguments: ``event`` (the ProblemEvent, with
# ``event.problem`` as the operation left it).
event_recorded = Signal()

# Many events were appended at once by a bulk operation (a network outage reaching thousands
# of problems). Arguments: ``events`` (ProblemEvents with their problems). Receivers should
# cost a fixed number of queries when nobody is interested.
events_recorded = Signal()

# A problem is about to be deleted (rows still present). Arguments: ``problem``, ``actor``,
# ``reason``.
problem_deleting = Signal()
