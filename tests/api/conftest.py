"""API fixtures. Persona clients: ``staff_api`` is an API client for all customers (it acts
as an agent), ``acme_api`` a client scoped to company A (it acts as A's contact),
``basic(user)`` calls as a person with HTTP Basic. ``listener`` is a real HTTP server."""

import base64
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from problemdesk.api.clients import api_client_create

BASE = "/tmf-api/troubleTicket/v4"
TICKETS = f"{BASE}/troubleTicket"
HUB = f"{BASE}/hub"


@pytest.fixture(autouse=True)
def _fresh_throttle_counts() -> Any:
    cache.clear()
    yield
    cache.clear()


def bearer(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


@pytest.fixture
def make_api_client(db: Any) -> Any:
    def make(name: str = "OSS", customer: Any = None, **fields: Any) -> tuple[Any, APIClient]:
        record, token = api_client_create(name=name, customer=customer, **fields)
        caller = bearer(token)
        caller.token = token  # type: ignore[attr-defined]
        return record, caller

    return make


@pytest.fixture
def staff_api(make_api_client: Any, policy: Any) -> APIClient:
    return make_api_client("Network OSS")[1]


@pytest.fixture
def acme_api(make_api_client: Any, company_a: Any, policy: Any) -> APIClient:
    return make_api_client("Acme CRM", customer=company_a)[1]


@pytest.fixture
def basic(policy: Any) -> Any:
    def as_user(user: Any, password: str = "secret") -> APIClient:  # noqa: S107 - the factories'
        client = APIClient()
        credentials = base64.b64encode(f"{user.username}:{password}".encode()).decode()
        client.credentials(HTTP_AUTHORIZATION=f"Basic {credentials}")
        return client

    return as_user


MINIMAL = {
    "description": "No dial tone on the main line",
    "severity": "Major",
    "ticketType": "incident",
}


def create(api: APIClient, **fields: Any) -> Any:
    response = api.post(TICKETS, {**MINIMAL, **fields}, format="json")
    assert response.status_code == 201, response.json()
    return response.json()


def patch(
    api: APIClient,
    ticket_id: Any,
    body: dict[str, Any],
    content_type: str = "application/merge-patch+json",
) -> Any:
    return api.generic(
        "PATCH", f"{TICKETS}/{ticket_id}", json.dumps(body), content_type=content_type
    )


def assert_tmf_error(response: Any, status: int, code: str | None = None) -> dict[str, Any]:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert {"code", "reason", "message", "status", "referenceError"} <= body.keys(), body
    assert body["status"] == str(status)
    assert body["@type"] == "Error"
    if code is not None:
        assert body["code"] == code, body
    return body


class Listener:
    """A real HTTP server on a free port that records what it receives. ``answer`` sets the
    status it replies with; ``stop()``/``start()`` take it down and bring it back."""

    def __init__(self) -> None:
        self.received: list[dict[str, Any]] = []
        self.answer = 201
        self.server: ThreadingHTTPServer | None = None
        self.port = 0
        self.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/events"

    def start(self) -> None:
        listener = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                listener.received.append(
                    {
                        "path": self.path,
                        "headers": dict(self.headers),
                        "raw": raw,
                        "body": json.loads(raw),
                    }
                )
                self.send_response(listener.answer)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        ).start()

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None

    def events(self) -> list[dict[str, Any]]:
        return [item["body"] for item in self.received]

    def types(self) -> list[str]:
        return [item["body"]["eventType"] for item in self.received]


@pytest.fixture
def listener() -> Any:
    server = Listener()
    yield server
    server.stop()
