"""Every desk and portal URL against every persona.

Anonymous visitors go to the login page. A person in the wrong area gets a 403 that shows
no problem data. Within the portal, another company's problem (or its file) is a 404,
never a 403. Agents never reach security problems; supervisors do.
"""

import pytest
from django.urls import reverse

from problems import workflow
from problems.urls import desk_patterns, portal_patterns
from tests.support import client_for, png

pytestmark = pytest.mark.django_db

PERSONAS = ("anonymous", "carla", "dave", "alice", "sue")
LOGIN, OK, FORBIDDEN, NOT_FOUND = "login", "ok", 403, 404


@pytest.fixture
def world(problem, alice, carla, sam, security_category):
    activity = workflow.activity_schedule(
        problem, actor=alice, kind="service_restoration", summary="Replace the router"
    )
    internal_file = workflow.attachment_add(problem, actor=alice, upload=png(), is_internal=True)
    public_file = workflow.attachment_add(problem, actor=carla, upload=png())
    secret = workflow.problem_create(
        actor=sam, title="Phishing", description="Fake invoice", category=security_category
    )
    return {
        "pk": problem.pk,
        "activity": activity.pk,
        "known_error": _known_error(),
        "public_file": public_file.pk,
        "internal_file": internal_file.pk,
        "secret": secret.pk,
    }


def _known_error():
    from tests.factories import KnownErrorFactory

    return KnownErrorFactory().pk


# (url name, args from the world, method, expected for anonymous, carla, dave, alice, sue)
STAFF_ONLY = (LOGIN, FORBIDDEN, FORBIDDEN, OK, OK)
SUPERVISOR_ONLY = (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK)
CUSTOMER_A = (LOGIN, OK, NOT_FOUND, FORBIDDEN, FORBIDDEN)
CUSTOMERS = (LOGIN, OK, OK, FORBIDDEN, FORBIDDEN)
MATRIX = [
    ("desk:queue", (), "get", STAFF_ONLY),
    ("desk:problem_new", (), "get", STAFF_ONLY),
    ("desk:problem", ("pk",), "get", STAFF_ONLY),
    ("desk:problem_edit", ("pk",), "get", STAFF_ONLY),
    ("desk:problem_action", ("pk", "assign"), "get", STAFF_ONLY),
    ("desk:note_add", ("pk",), "post", STAFF_ONLY),
    ("desk:watchers", ("pk",), "post", STAFF_ONLY),
    ("desk:attachment_add", ("pk",), "post", STAFF_ONLY),
    ("desk:workaround_apply", ("pk", "known_error"), "post", STAFF_ONLY),
    ("desk:agent_options", ("pk",), "get", STAFF_ONLY),
    ("desk:activity_new", ("pk",), "get", STAFF_ONLY),
    ("desk:activity_start", ("pk", "activity"), "post", STAFF_ONLY),
    ("desk:activity_action", ("pk", "activity", "update"), "get", STAFF_ONLY),
    ("desk:attachment", ("internal_file",), "get", STAFF_ONLY),
    ("desk:suggestions", (), "post", STAFF_ONLY),
    ("desk:contact_options", (), "get", STAFF_ONLY),
    ("desk:board", (), "get", SUPERVISOR_ONLY),
    ("desk:workload", (), "get", SUPERVISOR_ONLY),
    ("portal:problems", (), "get", CUSTOMERS),
    ("portal:report", (), "get", CUSTOMERS),
    ("portal:problem", ("pk",), "get", CUSTOMER_A),
    ("portal:problem_action", ("pk", "cancel"), "get", CUSTOMER_A),
    ("portal:note_add", ("pk",), "post", CUSTOMER_A),
    ("portal:watchers", ("pk",), "post", CUSTOMER_A),
    ("portal:attachment_add", ("pk",), "post", CUSTOMER_A),
    ("portal:attachment", ("public_file",), "get", CUSTOMER_A),
]


def _client(name, request):
    from django.test import Client

    return Client() if name == "anonymous" else client_for(request.getfixturevalue(name))


def _url(name, args, world):
    return reverse(name, args=[world.get(arg, arg) for arg in args])


@pytest.mark.parametrize(("name", "args", "method", "expected"), MATRIX)
def test_every_url_for_every_persona(name, args, method, expected, world, request):
    url = _url(name, args, world)
    for persona, wanted in zip(PERSONAS, expected, strict=True):
        response = getattr(_client(persona, request), method)(url)
        where = f"{persona} {method.upper()} {url}"
        if wanted == LOGIN:
            assert response.status_code == 302, where
            assert response.url.startswith(reverse("login")), where
        elif wanted == OK:
            assert response.status_code in (200, 302), f"{where}: {response.status_code}"
            if response.status_code == 302:
                assert not response.url.startswith(reverse("login")), where
        else:
            assert response.status_code == wanted, f"{where}: {response.status_code}"
        if wanted in (FORBIDDEN, NOT_FOUND):
            body = response.content.decode()
            assert "Internet down at head office" not in body, f"{where} leaks the problem"


def test_the_matrix_covers_every_desk_and_portal_url():
    covered = {name for name, *_ in MATRIX}
    every = {f"desk:{p.name}" for p in desk_patterns} | {
        f"portal:{p.name}" for p in portal_patterns
    }
    assert every == covered


def test_customers_never_get_internal_files_or_security_problems(world, carla, alice, sue):
    carla_client = client_for(carla)
    internal = reverse("portal:attachment", args=[world["internal_file"]])
    assert carla_client.get(internal).status_code == 404
    for name in ("desk:problem", "desk:problem_edit"):
        url = reverse(name, args=[world["secret"]])
        assert client_for(alice).get(url).status_code == 404  # agent outside security
        assert client_for(sue).get(url).status_code == 200  # supervisor
    assert carla_client.get(reverse("portal:problem", args=[world["secret"]])).status_code == 404


def test_another_companys_file_is_a_404(world, dave):
    url = reverse("portal:attachment", args=[world["public_file"]])
    assert client_for(dave).get(url).status_code == 404


def test_home_sends_each_person_to_their_area(client, alice, carla, olga):
    assert client.get("/").url == reverse("login")
    assert client_for(alice).get("/").url == reverse("desk:queue")
    assert client_for(carla).get("/").url == reverse("portal:problems")
    response = client_for(olga).get("/")
    assert response.status_code == 403 and "no role" in response.content.decode()


def test_olga_without_a_role_reaches_neither_area(olga, problem):
    olga_client = client_for(olga)
    assert olga_client.get(reverse("desk:queue")).status_code == 403
    assert olga_client.get(reverse("portal:problems")).status_code == 403
    assert olga_client.get(reverse("portal:problem", args=[problem.pk])).status_code == 403
