"""The admin: API clients are created (token shown once, stored hashed), re-keyed and revoked
there; listeners are vetted like through the API; the outbox and deliveries are visible."""

import re

import pytest

from problemdesk.api.clients import hash_token
from problemdesk.api.models import ApiClient, EventSubscription
from tests.api.conftest import TICKETS, bearer

pytestmark = pytest.mark.django_db


def token_in(response):
    match = re.search(r"(pdk_[A-Za-z0-9_-]{20,})", response.content.decode())
    assert match, "no token shown"
    return match.group(1)


def test_creating_a_client_shows_its_token_once(admin_client, company_a, policy):
    response = admin_client.post(
        "/admin/api/apiclient/add/",
        {"name": "Acme CRM", "description": "", "customer": company_a.pk, "rate_limit": "120/min"},
        follow=True,
    )
    token = token_in(response)
    client = ApiClient.objects.get()
    assert client.token_hash == hash_token(token) and client.customer == company_a
    assert client.user.customer == company_a and client.user.groups.get().name == "customer"
    assert client.created_by.username == "admin"
    assert bearer(token).get(TICKETS).status_code == 200
    page = admin_client.get(f"/admin/api/apiclient/{client.pk}/change/")
    assert token not in page.content.decode() and client.token_prefix in page.content.decode()


def test_a_bad_rate_is_a_form_error(admin_client):
    response = admin_client.post("/admin/api/apiclient/add/", {"name": "X", "rate_limit": "lots"})
    assert b"Write a rate like 600/min" in response.content
    assert not ApiClient.objects.exists()


def test_rekey_and_revoke_from_the_list(admin_client, make_api_client):
    record, caller = make_api_client("OSS")
    response = admin_client.post(
        "/admin/api/apiclient/", {"action": "rekey", "_selected_action": [record.pk]}, follow=True
    )
    new_token = token_in(response)
    assert (
        caller.get(TICKETS).status_code == 401 and bearer(new_token).get(TICKETS).status_code == 200
    )
    admin_client.post(
        "/admin/api/apiclient/", {"action": "revoke", "_selected_action": [record.pk]}
    )
    assert bearer(new_token).get(TICKETS).status_code == 401
    assert ApiClient.objects.get().revoked_at is not None


def test_a_listener_added_in_the_admin_is_vetted(admin_client, admin_user, settings):
    settings.HUB_CALLBACK_ALLOWED_NETWORKS = []
    response = admin_client.post(
        "/admin/api/eventsubscription/add/",
        {
            "api": "troubleTicket",
            "callback": "http://127.0.0.1:9000/x",
            "query": "colour=red",
            "secret": "",
            "owner": admin_user.pk,
            "is_active": "on",
        },
    )
    content = response.content.decode()
    assert (
        "loopback, private or reserved" in content
        and "is not an attribute you can filter on" in content
    )
    assert not EventSubscription.objects.exists()


def test_the_hub_pages_answer(admin_client):
    for page in ("hubevent", "delivery", "deadletter", "eventsubscription", "apiclient"):
        assert admin_client.get(f"/admin/api/{page}/").status_code == 200


def test_the_command_creates_a_client(company_a, policy):
    from io import StringIO

    from django.core.management import call_command
    from django.core.management.base import CommandError

    out = StringIO()
    call_command(
        "create_api_client", "Acme CRM", "--customer", "ACME", "--rate", "60/min", stdout=out
    )
    token = out.getvalue().strip()
    client = ApiClient.objects.get()
    assert (client.customer, client.rate_limit, client.token_hash) == (
        company_a,
        "60/min",
        hash_token(token),
    )
    with pytest.raises(CommandError, match="already a client"):
        call_command("create_api_client", "Acme CRM")
    with pytest.raises(CommandError, match="No customer"):
        call_command("create_api_client", "Other", "--customer", "nope")
