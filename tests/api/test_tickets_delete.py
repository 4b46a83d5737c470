"""DELETE /troubleTicket/{id}: erasure of a finished ticket, by those granted it."""

import pytest
from django.contrib.auth.models import Permission

from problems.models import CustomerProblem, EventKind, ProblemEvent
from tests.api.conftest import TICKETS, assert_tmf_error, create, patch

pytestmark = pytest.mark.django_db


@pytest.fixture
def eraser(make_api_client):
    record, caller = make_api_client("Data protection")
    record.user.user_permissions.add(Permission.objects.get(codename="delete_customerproblem"))
    return caller


def test_deleting_needs_the_permission_no_role_has(staff_api, acme_api, basic, sue):
    ticket = create(staff_api)
    patch(staff_api, ticket["id"], {"status": "cancelled", "statusChangeReason": "Test ticket"})
    for caller in (staff_api, basic(sue)):
        assert_tmf_error(caller.delete(f"{TICKETS}/{ticket['id']}"), 403, "accessDenied")
    assert CustomerProblem.objects.filter(pk=ticket["id"]).exists()


def test_an_active_ticket_is_cancelled_not_deleted(eraser):
    ticket = create(eraser)
    body = assert_tmf_error(eraser.delete(f"{TICKETS}/{ticket['id']}"), 409, "transitionRefused")
    assert "cancel or close it first" in body["message"]


def test_a_finished_ticket_is_erased_with_its_history(eraser, caplog):
    ticket = create(eraser, note=[{"text": "personal data"}])
    patch(
        eraser,
        ticket["id"],
        {"status": "cancelled", "statusChangeReason": "Customer asked for erasure"},
    )
    response = eraser.delete(f"{TICKETS}/{ticket['id']}")
    assert response.status_code == 204 and response.content == b""
    assert_tmf_error(eraser.get(f"{TICKETS}/{ticket['id']}"), 404)
    assert not ProblemEvent.objects.filter(problem_id=ticket["id"]).exists()
    assert f"PRB-{int(ticket['id']):07d} deleted by api-data-protection" in caplog.text
    assert not ProblemEvent.objects.filter(kind=EventKind.CREATED).exists()


def test_deleting_a_missing_ticket_is_404(eraser):
    assert_tmf_error(eraser.delete(f"{TICKETS}/424242"), 404, "notFound")
