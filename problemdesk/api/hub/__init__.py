"""The event hub (TMF630 notifications): listeners register a callback and a query with an
API's ``hub``; each change a listener may see and asked for is written as an event with one
delivery per listener, in the change's own transaction, and POSTed after commit by Celery.

``registry`` names the APIs that publish events, ``publish`` writes them, ``delivery``
sends them, ``subscriptions`` registers listeners, ``transport`` is the guarded HTTP client.
"""
