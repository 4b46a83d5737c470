import pytest

from problems.known_errors import match_known_errors, words
from tests.factories import CategoryFactory, KnownErrorFactory

pytestmark = pytest.mark.django_db


def test_words_drop_stop_words_and_short_words():
    assert words("The router is DOWN, again! No sync.") == {"router", "down", "sync"}


def test_best_match_first_and_unrelated_reports_match_nothing():
    nightly = KnownErrorFactory()
    KnownErrorFactory(title="One-way audio", symptoms="caller cannot hear sip phones firewall")
    matches = match_known_errors("Router drops connection every night, reconnects after minutes")
    assert matches[0].known_error_id == nightly.pk
    assert 0 < matches[0].score <= 1 and matches[0].shared_words >= 4
    assert match_known_errors("Invoice address is wrong") == []
    assert match_known_errors("") == []


def test_inactive_known_errors_are_ignored():
    KnownErrorFactory(is_active=False)
    assert match_known_errors("router drops connection every night reconnects") == []


def test_a_same_category_match_ranks_higher():
    broadband = CategoryFactory()
    plain = KnownErrorFactory(title="A", symptoms="router drops connection")
    preferred = KnownErrorFactory(title="B", symptoms="router drops connection", category=broadband)
    matches = match_known_errors("router drops connection", category_id=broadband.pk)
    assert [m.known_error_id for m in matches[:2]] == [preferred.pk, plain.pk]
