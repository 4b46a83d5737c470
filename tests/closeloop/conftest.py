"""Closing the loop: a problem of Carla's (company A) cleared by Alice, its e-mail links,
and Chromium for the browser test."""

import re
from typing import Any

import pytest

from problems import workflow
from problems.models import CustomerProblem
from tests.support import CHROMIUM, CHROMIUM_ARGS, browser_tests_last

LINK = re.compile(r"https?://\S+/answer/(\S+)/(confirm|not-fixed)/")
SURVEY_LINK = re.compile(r"https?://\S+/answer/survey/(\S+)/")


def clear(problem: CustomerProblem, actor: Any) -> CustomerProblem:
    return workflow.problem_clear(
        problem,
        actor=actor,
        outcome="restored",
        summary="The line card was replaced.",
        root_cause="A failed line card in the street cabinet.",
    )


@pytest.fixture
def cleared(assigned: CustomerProblem, alice: Any) -> CustomerProblem:
    return clear(assigned, alice)


def links_in(body: str) -> dict[str, str]:
    """{"confirm": path, "not-fixed": path} from an e-mail body (paths, for the client)."""
    found = {}
    for match in LINK.finditer(body):
        found[match.group(2)] = f"/answer/{match.group(1)}/{match.group(2)}/"
    return found


def survey_path(body: str) -> str:
    match = SURVEY_LINK.search(body)
    assert match, body
    return f"/answer/survey/{match.group(1)}/"


@pytest.fixture
def clearance_mail(
    assigned: CustomerProblem,
    alice: Any,
    carla: Any,
    mailoutbox: Any,
    django_capture_on_commit_callbacks: Any,
) -> Any:
    """Clear the problem and return Carla's clearance e-mail."""
    with django_capture_on_commit_callbacks(execute=True):
        clear(assigned, alice)
    mails = [m for m in mailoutbox if carla.email in m.to and "Cleared" in m.subject]
    assert len(mails) == 1, [m.subject for m in mailoutbox]
    return mails[0]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


def pytest_collection_modifyitems(config: Any, items: list[Any]) -> None:
    browser_tests_last(items)
