"""TMF621 Trouble Ticket v4 over customer problems (``/tmf-api/troubleTicket/v4/``).

A trouble ticket *is* a customer problem seen through the TMF621 model: ``render`` shows a
problem as a ticket, ``status`` maps our states to the TMF lifecycle (and a PATCH of
``status`` to the workflow transition it means), ``actions`` turns a create or a patch into
workflow calls in one transaction, ``events`` publishes the hub events from the problem's
event log. The shared machinery (authentication, errors, hub) is ``problemdesk.api``.
"""
