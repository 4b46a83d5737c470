"""Portal fixtures: logged-in clients for the personas (tests/conftest.py), uploads kept in
a temporary folder, and Chromium for the browser tests."""

from typing import Any

import pytest

from tests.support import CHROMIUM, CHROMIUM_ARGS, browser_tests_last, client_for


@pytest.fixture(autouse=True)
def _media_in_tmp(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def agent_client(alice: Any) -> Any:
    return client_for(alice)


@pytest.fixture
def supervisor_client(sue: Any) -> Any:
    return client_for(sue)


@pytest.fixture
def customer_client(carla: Any) -> Any:
    return client_for(carla)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


def pytest_collection_modifyitems(config: Any, items: list[Any]) -> None:
    browser_tests_last(items)
