"""Localisation on the small graph of conftest.py: impacted services and the most likely
root resource."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from services import localisation
from services.models import Alarm, Resource

pytestmark = pytest.mark.django_db


def alarms_on(raise_alarm, *codes, severity="major", cleared=()):
    """Raise an alarm on each resource (no subscribers here: no report opens)."""
    start = timezone.now() - timedelta(minutes=30)
    found = []
    for minute, code in enumerate(codes):
        result = raise_alarm(
            on=code,
            perceivedSeverity=severity if isinstance(severity, str) else severity[minute],
            raised=start + timedelta(minutes=minute),
        )
        found.append(Alarm.objects.get(pk=result.alarm_id))
    for code in cleared:
        alarm = next(a for a in found if a.alarmed_object_id == code)
        alarm.state = "cleared"
    return found


def names(impacted):
    from services.models import Service

    return {Service.objects.get(pk=pk).code: why for pk, why in impacted.items()}


def test_a_card_impacts_its_service_and_what_depends_on_it(inventory):
    impacted = names(localisation.services_impacted_by([inventory.card1.pk]))
    assert impacted == {
        "fibre-leeds": "depends on olt-leeds-1/1",
        "voice-leeds": "depends on the Fibre Leeds service",
    }


def test_a_chassis_impacts_what_depends_on_its_components(inventory):
    assert set(names(localisation.services_impacted_by([inventory.olt.pk]))) == {
        "fibre-leeds",
        "voice-leeds",
    }


def test_the_core_impacts_everything_above_it(inventory):
    impacted = names(localisation.services_impacted_by([inventory.core.pk]))
    assert impacted == {
        "ip-core": "depends on core-rtr-1",
        "fibre-leeds": "depends on the IP core service",
        "dsl-york": "depends on the IP core service",
        "voice-leeds": "depends on the Fibre Leeds service",
    }


def test_a_resource_nothing_depends_on_impacts_nothing(inventory):
    assert localisation.services_impacted_by([inventory.spare.pk]) == {}


def test_one_alarmed_card_is_its_own_root(inventory, raise_alarm):
    result = localisation.localise(alarms_on(raise_alarm, "olt-leeds-1/1"))
    assert result.root_resource_id == inventory.card1.pk
    assert result.explanation == "olt-leeds-1/1 (Card 1) is the only alarmed resource."
    assert set(names(result.impacted)) == {"fibre-leeds", "voice-leeds"}


def test_two_alarmed_cards_point_at_their_chassis(inventory, raise_alarm):
    result = localisation.localise(alarms_on(raise_alarm, "olt-leeds-1/1", "olt-leeds-1/2"))
    assert result.root_resource_id == inventory.olt.pk
    assert "explains 2 of the 2 alarmed resources" in result.explanation
    assert "raises no alarm of its own" in result.explanation


def test_an_alarmed_chassis_explains_its_alarmed_card(inventory, raise_alarm):
    result = localisation.localise(alarms_on(raise_alarm, "olt-leeds-1/1", "olt-leeds-1"))
    assert result.root_resource_id == inventory.olt.pk
    assert "it alarms itself" in result.explanation


def test_unrelated_resources_tie_on_severity_then_on_time(inventory, raise_alarm):
    by_severity = alarms_on(
        raise_alarm, "dslam-york-1", "olt-leeds-1/1", severity=("major", "critical")
    )
    assert localisation.localise(by_severity).root_resource_id == inventory.card1.pk
    Alarm.objects.all().delete()
    by_time = alarms_on(raise_alarm, "dslam-york-1", "core-rtr-1")
    assert localisation.localise(by_time).root_resource_id == inventory.dslam.pk  # earlier


def test_raised_alarms_count_before_cleared_ones(inventory, raise_alarm):
    found = alarms_on(raise_alarm, "olt-leeds-1/1", "dslam-york-1", cleared=("olt-leeds-1/1",))
    assert localisation.localise(found).root_resource_id == inventory.dslam.pk
    for alarm in found:
        alarm.state = "cleared"
    # All cleared: the diagnosis stands on all of them.
    assert localisation.localise(found).root_resource_id in (inventory.card1.pk, inventory.dslam.pk)


def test_alarms_on_unknown_objects_localise_nowhere(inventory, raise_alarm):
    result = localisation.localise(alarms_on(raise_alarm, "not-in-inventory"))
    assert result.root_resource_id is None and result.impacted == {}


def test_localisation_asks_once_per_level_of_the_graph(inventory, raise_alarm):
    found = alarms_on(raise_alarm, "olt-leeds-1/1", "olt-leeds-1/2", "core-rtr-1")
    with CaptureQueriesContext(connection) as queries:
        localisation.localise(found)
    # containers (2 levels) + components (2) + direct services (1) + service levels (3)
    # + resources named in the explanation (1): the graph's depth, not its size.
    assert len(queries) <= 10


def test_a_batch_of_resources_is_localised_as_each_alone(inventory):
    every = list(Resource.objects.values_list("pk", flat=True))
    together = localisation.services_impacted_by_each(every)
    for pk in every:
        assert together[pk] == frozenset(localisation.services_impacted_by([pk])), pk
