"""Personas (STYLE.md rule 6).

Alice is an agent in the broadband team; Bob is an agent in the voice team; Sue is the
supervisor; Sam works in the security team. Carla is a contact of company A (Acme),
Dave a contact of company B (Borealis). Olga has an account but no role at all.
"""

import os
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection

from problemdesk.celery import app as celery_app
from problems import workflow
from problems.models import CustomerProblem, Priority
from tests import factories

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's loop + live_server


@pytest.fixture(autouse=True)
def _eager_celery() -> Any:
    """Tasks enqueued in tests run in-process, unless a test starts a real worker."""
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = True
    yield
    celery_app.conf.task_always_eager = False


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    # Hashing is slow on purpose; tests create many users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def on_postgres() -> bool:
    return connection.vendor == "postgresql"


@pytest.fixture
def broadband(db: Any) -> Any:
    return factories.TeamFactory(name="Broadband support", email="broadband@example.test")


@pytest.fixture
def voice(db: Any) -> Any:
    return factories.TeamFactory(name="Voice", email="voice@example.test")


@pytest.fixture
def security_team(db: Any) -> Any:
    return factories.TeamFactory(name="Security operations", handles_security=True)


@pytest.fixture
def alice(broadband: Any) -> Any:
    return factories.agent("alice", broadband)


@pytest.fixture
def bob(voice: Any) -> Any:
    return factories.agent("bob", voice)


@pytest.fixture
def sue(broadband: Any) -> Any:
    return factories.agent("sue", broadband, role=factories.SUPERVISOR)


@pytest.fixture
def sam(security_team: Any) -> Any:
    return factories.agent("sam", security_team)


@pytest.fixture
def olga(db: Any) -> Any:
    return factories.UserFactory(username="olga")


@pytest.fixture
def company_a(db: Any) -> Any:
    return factories.CustomerFactory(name="Acme", code="acme")


@pytest.fixture
def company_b(db: Any) -> Any:
    return factories.CustomerFactory(name="Borealis", code="borealis")


@pytest.fixture
def carla(company_a: Any) -> Any:
    return factories.contact("carla", company_a)


@pytest.fixture
def dave(company_b: Any) -> Any:
    return factories.contact("dave", company_b)


@pytest.fixture
def policy(db: Any, sue: Any) -> Any:
    """Medium priority: respond in 1 h, restore in 8 h, jeopardy at 75 % (6 h)."""
    return factories.standard_escalation(
        factories.SLAPolicyFactory(priority=Priority.MEDIUM, restoration_time=timedelta(hours=8)),
        supervisor=sue,
    )


@pytest.fixture
def broadband_category(broadband: Any) -> Any:
    return factories.CategoryFactory(name="Broadband", slug="broadband", default_team=broadband)


@pytest.fixture
def security_category(security_team: Any) -> Any:
    return factories.CategoryFactory(
        name="Security event", slug="security", default_team=security_team, is_security=True
    )


@pytest.fixture
def make_problem(alice: Any, carla: Any, policy: Any, broadband_category: Any) -> Any:
    """Report a problem through the workflow, as Carla of company A by default."""

    def make(**fields: Any) -> CustomerProblem:
        fields.setdefault("actor", alice)
        fields.setdefault("title", "Internet down at head office")
        fields.setdefault("description", "Nothing loads since this morning.")
        fields.setdefault("customer", carla.customer)
        fields.setdefault("reported_by", carla)
        fields.setdefault("category", broadband_category)
        return workflow.problem_create(**fields)

    return make


@pytest.fixture
def problem(make_problem: Any) -> CustomerProblem:
    return make_problem()


@pytest.fixture
def assigned(problem: CustomerProblem, alice: Any) -> CustomerProblem:
    return workflow.problem_assign(problem, actor=alice, assignee=alice)
