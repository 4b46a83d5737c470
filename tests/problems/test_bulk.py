"""Bulk operations for service outages: the same rules, events and notifications as one by
one, a fixed number of queries, and nothing done twice."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from problems import notifications, workflow
from problems.models import (
    ActivityKind,
    ActivityStatus,
    Channel,
    CustomerProblem,
    EventKind,
    HoldReason,
    Notification,
    Priority,
    ProblemEvent,
    RecoveryActivity,
    State,
    TroubleReportLink,
)
from tests import factories

pytestmark = pytest.mark.django_db

NETWORK = workflow.SystemActor("network operations")
OUTAGE = workflow.Outage(
    trouble_report_id=41, reference="STR-0000041", service_id=7, service_label="Fibre North"
)


def open_for(customers, **kwargs):
    kwargs.setdefault("title", "Fibre North is down in your area")
    kwargs.setdefault("description", "A network fault affects your service; we are on it.")
    return workflow.problems_open_for_outage(
        actor=NETWORK,
        outage=OUTAGE,
        customers=[workflow.AffectedCustomer(c.pk, sites=("Main St 1",)) for c in customers],
        **kwargs,
    )


def customers_with_contacts(count):
    customers = []
    for index in range(count):
        customer = factories.CustomerFactory()
        customer.default_contacts.add(factories.contact(f"contact{index}", customer))
        customers.append(customer)
    return customers


# --- open proactive problems ------------------------------------------------------------------
def test_opening_proactive_problems_for_an_outage(company_a, company_b, carla, dave, policy):
    company_a.default_contacts.add(carla)
    problems = open_for([company_a, company_b], priority=Priority.MEDIUM)
    assert len(problems) == 2
    problem = CustomerProblem.objects.get(customer=company_a)
    assert problem.channel == Channel.NETWORK and problem.state == State.OPEN
    assert (problem.service_id, problem.service_label) == (7, "Fibre North")
    assert "Affected sites: Main St 1." in problem.description
    assert problem.sla_policy == policy
    assert problem.restore_by == problem.created_at + timedelta(hours=8)
    event = problem.events.get()
    assert (event.kind, event.to_state, event.actor_label, event.is_public) == (
        EventKind.CREATED,
        State.OPEN,
        "network operations",
        True,
    )
    assert event.data["reference"] == "STR-0000041"
    link = problem.trouble_report_links.get()
    assert link.proactive and link.trouble_report_id == 41 and link.customer == company_a
    # The customer's default contacts are told, as for any new problem.
    assert list(Notification.objects.filter(event=event).values_list("email", flat=True)) == [
        carla.email
    ]


def test_opening_twice_opens_nothing_twice(company_a, company_b):
    assert len(open_for([company_a])) == 1
    assert len(open_for([company_a, company_b])) == 1  # only company B is new
    assert open_for([company_a, company_b]) == []
    assert CustomerProblem.objects.count() == 2
    assert ProblemEvent.objects.count() == 2


def test_inactive_customers_get_no_problem(company_a, company_b):
    company_b.is_active = False
    company_b.save()
    assert [p.customer for p in open_for([company_a, company_b])] == [company_a]


def test_a_tier_policy_applies_per_customer(company_a, company_b, policy):
    company_b.tier = "platinum"
    company_b.save()
    platinum = factories.SLAPolicyFactory(
        customer_tier="platinum", restoration_time=timedelta(hours=2)
    )
    open_for([company_a, company_b], priority=Priority.MEDIUM)
    assert CustomerProblem.objects.get(customer=company_a).sla_policy == policy
    assert CustomerProblem.objects.get(customer=company_b).sla_policy == platinum


def test_opening_refuses_bad_input_and_customers(company_a, carla):
    with pytest.raises(workflow.InvalidInput):
        open_for([company_a], title=" ")
    with pytest.raises(workflow.InvalidInput):
        open_for([company_a], priority=9)
    with pytest.raises(workflow.NotPermitted):
        workflow.problems_open_for_outage(
            actor=carla,
            outage=OUTAGE,
            customers=[workflow.AffectedCustomer(company_a.pk)],
            title="t",
            description="d",
        )
    assert not CustomerProblem.objects.exists()


def test_opening_costs_the_same_queries_for_10_or_100_customers(policy):
    few, many = customers_with_contacts(10), customers_with_contacts(100)
    with CaptureQueriesContext(connection) as small:
        open_for(few)
    with CaptureQueriesContext(connection) as large:
        open_for(many)
    assert len(large) == len(small)
    assert Notification.objects.count() == 110


# --- link customers' own problems -------------------------------------------------------------
def test_linking_customers_own_problems(problem, make_problem, alice, carla):
    closed = make_problem()
    workflow.problem_cancel(closed, actor=alice, kind="incorrect", reason="Wrong line")
    linked = workflow.problems_link_trouble_report(
        actor=NETWORK,
        problem_ids=[problem.pk, closed.pk],
        outage=OUTAGE,
        message="A network fault is behind this; we track it as STR-0000041.",
    )
    assert linked == [problem.pk]  # the cancelled one is not linked
    event = problem.events.latest("id")
    assert event.kind == EventKind.TROUBLE_REPORT_LINKED and event.is_public
    assert Notification.objects.filter(event=event, email=carla.email).exists()
    link = TroubleReportLink.objects.get()
    assert not link.proactive and link.problem == problem
    # Again: nothing new.
    assert (
        workflow.problems_link_trouble_report(
            actor=NETWORK, problem_ids=[problem.pk], outage=OUTAGE, message="again"
        )
        == []
    )
    assert problem.events.filter(kind=EventKind.TROUBLE_REPORT_LINKED).count() == 1


# --- network updates --------------------------------------------------------------------------
def test_network_updates_are_public_and_written_once_per_key(problem, carla):
    update = {"actor": NETWORK, "problem_ids": [problem.pk], "message": "Engineers on site."}
    assert workflow.problems_add_network_update(**update, key="str-41-event-3") == [problem.pk]
    assert workflow.problems_add_network_update(**update, key="str-41-event-3") == []
    assert workflow.problems_add_network_update(**update, key="str-41-event-4") == [problem.pk]
    events = problem.events.filter(kind=EventKind.NETWORK_UPDATE)
    assert events.count() == 2 and all(e.is_public for e in events)
    assert Notification.objects.filter(event__in=events, email=carla.email).count() == 2


# --- restoration --------------------------------------------------------------------------------
def restore(ids, **kwargs):
    kwargs.setdefault("outcome", "restored")
    kwargs.setdefault("summary", "Line card replaced at the exchange.")
    return workflow.problems_restore_for_outage(
        actor=NETWORK, problem_ids=ids, outage=OUTAGE, **kwargs
    )


def test_restoration_clears_assigned_problems_and_asks_to_confirm(assigned, carla, mailoutbox):
    result = restore([assigned.pk])
    assert result.cleared == [assigned.pk] and result.proposed == []
    problem = CustomerProblem.objects.get(pk=assigned.pk)
    assert problem.state == State.CLEARED
    assert problem.resolution_outcome == "restored"
    assert problem.confirm_by == problem.cleared_at + timedelta(days=5)
    activity = problem.activities.get()
    assert (activity.kind, activity.status, activity.outcome) == (
        ActivityKind.SERVICE_RESTORATION,
        ActivityStatus.COMPLETED,
        "restored",
    )
    kinds = list(problem.events.order_by("id").values_list("kind", "from_state", "to_state"))
    assert kinds[-2:] == [
        (EventKind.ACTIVITY_COMPLETED, "", ""),
        (EventKind.CLEARED, State.ASSIGNED, State.CLEARED),
    ]
    # The customer is told and asked to confirm.
    notice = Notification.objects.get(event__kind=EventKind.CLEARED, for_customer=True)
    assert notice.email == carla.email
    message = notifications.render_message(notice)
    assert "confirm" in message.body.lower()


def test_open_or_busy_problems_are_proposed_for_clearing(problem, make_problem, alice):
    busy = workflow.problem_assign(make_problem(), actor=alice, assignee=alice)
    workflow.activity_schedule(busy, actor=alice, kind="customer_education", summary="Call")
    result = restore([problem.pk, busy.pk])
    assert result.cleared == [] and sorted(result.proposed) == sorted([problem.pk, busy.pk])
    for pk in (problem.pk, busy.pk):
        proposed = CustomerProblem.objects.get(pk=pk)
        assert proposed.is_active and proposed.clearance_proposed_at is not None
        assert proposed.events.latest("id").kind == EventKind.CLEARANCE_PROPOSED
    # An agent then clears it, which ends the proposal.
    workflow.activity_complete(
        busy.activities.get(status="scheduled"), actor=alice, outcome="restored"
    )
    cleared = workflow.problem_clear(busy, actor=alice, outcome="restored", summary="Works")
    assert cleared.state == State.CLEARED and cleared.clearance_proposed_at is None


def test_a_policy_that_only_proposes(assigned):
    result = restore([assigned.pk], clear=False)
    assert result.proposed == [assigned.pk]
    assert CustomerProblem.objects.get(pk=assigned.pk).state == State.ASSIGNED


def test_restoring_twice_does_nothing_twice(assigned, make_problem):
    problem = make_problem()
    restore([assigned.pk, problem.pk])
    events = ProblemEvent.objects.count()
    again = restore([assigned.pk, problem.pk])
    assert again.cleared == [] and again.proposed == []
    assert ProblemEvent.objects.count() == events
    assert RecoveryActivity.objects.count() == 2


def test_restoring_a_problem_on_hold_ends_the_hold(assigned, alice, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    workflow.problem_hold(assigned, actor=alice, reason=HoldReason.SUPPLIER)
    time_machine.move_to(timezone.now() + timedelta(minutes=40), tick=False)
    restore([assigned.pk])
    problem = CustomerProblem.objects.get(pk=assigned.pk)
    assert problem.state == State.CLEARED
    assert problem.on_hold_since is None and problem.time_on_hold == timedelta(minutes=40)


def test_restoration_refuses_bad_input(assigned):
    with pytest.raises(workflow.InvalidInput):
        restore([assigned.pk], outcome="unsuccessful")
    with pytest.raises(workflow.InvalidInput):
        restore([assigned.pk], summary="")
    assert CustomerProblem.objects.get(pk=assigned.pk).state == State.ASSIGNED


def test_the_bulk_notification_list_is_the_one_by_one_list(make_problem, alice, bob, carla):
    problem = make_problem()
    workflow.watchers_set(problem, actor=alice, watchers=[bob])
    workflow.problem_assign(problem, actor=alice, assignee=alice)
    workflow.problems_add_network_update(
        actor=NETWORK, problem_ids=[problem.pk], message="Update", key="k"
    )
    event = ProblemEvent.objects.get(kind=EventKind.NETWORK_UPDATE)
    written = set(Notification.objects.filter(event=event).values_list("email", flat=True))
    assert written == set(notifications.notification_list(event))
    assert written == {carla.email, bob.email, alice.email}
