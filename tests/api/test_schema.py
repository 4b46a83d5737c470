"""The OpenAPI 3 description at /tmf-api/schema/ and its interactive page, which works
offline: every asset it loads is served by the desk itself."""

import re

import pytest
import yaml
from django.contrib.staticfiles import finders
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_the_description_is_valid_and_covers_the_api(client):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", "/dev/null")
    response = client.get("/tmf-api/schema/")
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    assert schema["openapi"].startswith("3.")
    operations = {
        (method.upper(), path) for path, item in schema["paths"].items() for method in item
    }
    base = "/tmf-api/troubleTicket/v4"
    assert {(m, p) for m, p in operations if p.startswith(base)} == {
        ("GET", f"{base}/troubleTicket"),
        ("POST", f"{base}/troubleTicket"),
        ("GET", f"{base}/troubleTicket/{{id}}"),
        ("PATCH", f"{base}/troubleTicket/{{id}}"),
        ("DELETE", f"{base}/troubleTicket/{{id}}"),
        ("POST", f"{base}/hub"),
        ("DELETE", f"{base}/hub/{{id}}"),
    }
    components = schema["components"]["schemas"]
    assert components["Error"]["required"] == ["code", "reason"]
    assert components["TroubleTicket_CreateRequest"]["required"] == [
        "description",
        "severity",
        "ticketType",
    ]
    assert set(schema["components"]["securitySchemes"]) == {"bearerAuth", "basicAuth"}
    listing = schema["paths"][f"{base}/troubleTicket"]["get"]
    assert set(listing["responses"]["200"]["headers"]) == {"X-Total-Count", "X-Result-Count"}
    assert {"400", "401", "403", "404", "405", "409", "429", "500"} <= set(
        schema["paths"][f"{base}/troubleTicket/{{id}}"]["patch"]["responses"]
    )


def test_json_on_request(client):
    response = client.get("/tmf-api/schema/?format=json")
    assert response.json()["info"]["title"] == "ProblemDesk TM Forum Open APIs"


def test_the_interactive_page_loads_only_local_assets(client):
    page = client.get("/tmf-api/docs/")
    assert page.status_code == 200
    html = page.content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert assets, html
    for asset in assets:
        assert asset.startswith("/static/"), f"{asset} would need the internet"
        assert finders.find(asset.removeprefix("/static/")), f"{asset} is not shipped"
    assert 'url: "/tmf\\u002Dapi/schema/"' in html
