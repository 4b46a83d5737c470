"""Shared infrastructure of the TM Forum Open APIs (``/tmf-api/…``).

API clients and their tokens, authentication, throttling, the TMF error shape, list query
parameters (filters, ``fields``, paging), the OpenAPI description, and the event hub
(subscriptions, the event outbox, deliveries with retries and dead letters). Resources
(TMF621 trouble tickets in ``problems.api``; TMF656/642 later) build on it.
"""
