"""The API's settings: a bad value stops the start, naming the variable."""

import pytest

from tests.problemdesk.test_settings import manage


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("API_THROTTLE_RATE", "lots"),
        ("API_MAX_REQUEST_BYTES", "12"),
        ("HUB_CALLBACK_ALLOWED_NETWORKS", "10.0.0.0/33"),
        ("HUB_MAX_ATTEMPTS", "0"),
        ("HUB_RESEND_SECONDS", "soon"),
    ],
)
def test_a_bad_value_stops_the_start_naming_the_variable(tmp_path, variable, value):
    result = manage("check", env={variable: value}, data_dir=tmp_path)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and variable in result.stderr
