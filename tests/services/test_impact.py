"""Impact on customers: the fan-out (link, open proactive problems, or tell contacts) in
chunks with bounded queries, up to 10,000 subscribers; progress on the linked problems'
timelines; restoration clearing them; problems reported late."""

import pytest
from django.contrib.auth.hashers import make_password
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from problems import workflow as problems_workflow
from problems.models import (
    ActivityKind,
    Channel,
    Customer,
    CustomerProblem,
    EventKind,
    Notification,
    State,
    TroubleReportLink,
    User,
)
from services import impact, workflow
from services.models import (
    ImpactChunk,
    ImpactPolicy,
    NoticeKind,
    ReportEventKind,
    RestorationPolicy,
    ServiceNotification,
    ServiceTroubleReport,
    Subscription,
)

pytestmark = pytest.mark.django_db


def add_subscribers(service, count, *, prefix="res", with_contacts=False):
    """``count`` more customers on the service, in bulk (each with a default contact)."""
    customers = Customer.objects.bulk_create(
        [Customer(name=f"{prefix} customer {i}", code=f"{prefix}-{i}") for i in range(count)]
    )
    Subscription.objects.bulk_create(
        [Subscription(customer=c, service=service, site=f"{c.name} home") for c in customers]
    )
    if with_contacts:
        password = make_password("x")
        users = User.objects.bulk_create(
            [
                User(
                    username=f"{c.code}-contact",
                    email=f"{c.code}@example.test",
                    customer=c,
                    password=password,
                )
                for c in customers
            ]
        )
        Customer.default_contacts.through.objects.bulk_create(
            [
                Customer.default_contacts.through(customer_id=u.customer_id, user_id=u.pk)
                for u in users
            ]
        )
    return customers


def open_report(service, actor):
    """A report naming the service, opened without running the fan-out yet."""
    return workflow.trouble_report_open(actor=actor, title="Fibre outage", services=[service])


def fan_out(report):
    """What the tasks do after commit, step by step; returns queries per chunk."""
    per_chunk = []
    for chunk_id in impact.plan_impact(report.pk):
        with CaptureQueriesContext(connection) as queries:
            impact.run_impact_chunk(chunk_id)
        per_chunk.append(len(queries))
    return per_chunk


# --- Fan-out ----------------------------------------------------------------------------
def test_the_fan_out_links_own_problems_and_opens_proactive_ones(
    subscribed, nora, make_problem, company_a, carla, django_capture_on_commit_callbacks
):
    others = add_subscribers(subscribed.fibre, 3)
    own = make_problem(service_id=subscribed.fibre.pk, service_label="Fibre Leeds")
    elsewhere = make_problem(service_id=subscribed.dsl.pk)  # another service: not linked
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        report = open_report(subscribed.fibre, nora)
        assert TroubleReportLink.objects.count() == 0  # nothing waits for it in the request
    assert callbacks
    # Acme's own problem is linked, with a public event it is told of.
    link = own.trouble_report_links.get()
    assert (link.trouble_report_id, link.proactive) == (report.pk, False)
    event = own.events.get(kind=EventKind.TROUBLE_REPORT_LINKED)
    assert report.reference in event.message and event.is_public
    assert Notification.objects.filter(event=event, email=carla.email).exists()
    assert not elsewhere.trouble_report_links.exists()
    # The three others get a proactive problem each, from the network.
    proactive = CustomerProblem.objects.filter(channel=Channel.NETWORK)
    assert sorted(p.customer_id for p in proactive) == sorted(c.pk for c in others)
    problem = proactive.first()
    assert problem.title == "Fibre Leeds: service disruption"
    assert (
        problem.service_id == subscribed.fibre.pk
        and problem.priority == subscribed.fibre.customer_priority
    )
    assert problem.team == subscribed.fibre.customer_team
    assert "Affected sites:" in problem.description and report.reference in problem.description
    assert problem.trouble_report_links.get().proactive
    # Acme had a problem already: no second one.
    assert not proactive.filter(customer=company_a).exists()
    # The report says what was done.
    impact_row = report.impacts.get(service=subscribed.fibre)
    assert (impact_row.subscriber_count, impact_row.customer_count) == (4, 4)
    assert impact_row.informed_at is not None
    informed = report.events.get(kind=ReportEventKind.CUSTOMERS_INFORMED)
    assert "1 customer problems linked, 3 proactive problems opened" in informed.message


def test_a_chunk_that_runs_twice_does_nothing_twice(subscribed, nora, settings):
    settings.SERVICE_IMPACT_CHUNK_SIZE = 10
    add_subscribers(subscribed.fibre, 25)
    report = open_report(subscribed.fibre, nora)
    chunks = impact.plan_impact(report.pk)
    assert len(chunks) == 3 and impact.plan_impact(report.pk) == chunks  # planned once
    for chunk_id in chunks:
        impact.run_impact_chunk(chunk_id)
    problems, events = CustomerProblem.objects.count(), report.events.count()
    assert impact.run_impact_chunk(chunks[0]).skipped
    assert impact.plan_impact(report.pk) == []
    assert CustomerProblem.objects.count() == problems == 26
    assert report.events.count() == events
    assert report.events.filter(kind=ReportEventKind.CUSTOMERS_INFORMED).count() == 1
    # Even if the chunk's record were lost, the bulk operations would open nothing twice.
    ImpactChunk.objects.update(done_at=None)
    impact.run_impact_chunk(chunks[0])
    assert CustomerProblem.objects.count() == 26


def test_queries_per_chunk_do_not_grow_with_subscribers(subscribed, nora, settings):
    settings.SERVICE_IMPACT_CHUNK_SIZE = 100
    small_service, large_service = subscribed.fibre, subscribed.dsl
    add_subscribers(small_service, 99, prefix="s", with_contacts=True)  # + Acme = 100
    add_subscribers(large_service, 999, prefix="l", with_contacts=True)  # + Borealis = 1000
    small = fan_out(open_report(small_service, nora))
    large = fan_out(open_report(large_service, nora))
    assert len(small) == 1 and len(large) == 10
    assert len(set(large[:-1])) == 1  # every chunk but the last costs the same
    assert large[-1] == small[-1]  # and the last (which sums up) as in the small fan-out
    assert CustomerProblem.objects.filter(channel=Channel.NETWORK).count() == 1100
    assert Notification.objects.count() == 1099  # one per default contact (Borealis has none)


def test_ten_thousand_subscribers_fan_out_in_bounded_chunks(subscribed, nora, settings):
    settings.SERVICE_IMPACT_CHUNK_SIZE = 500
    add_subscribers(subscribed.fibre, 9_999, prefix="big", with_contacts=True)
    report = open_report(subscribed.fibre, nora)
    with CaptureQueriesContext(connection) as planning:
        chunk_ids = impact.plan_impact(report.pk)
    assert len(chunk_ids) == 20 and len(planning) < 20
    per_chunk = []
    for chunk_id in chunk_ids:
        with CaptureQueriesContext(connection) as queries:
            impact.run_impact_chunk(chunk_id)
        per_chunk.append(len(queries))
    assert max(per_chunk) <= 40, per_chunk  # a fixed cost per chunk, not per customer
    assert len(set(per_chunk[:-1])) == 1
    assert TroubleReportLink.objects.filter(trouble_report_id=report.pk).count() == 10_000
    assert CustomerProblem.objects.filter(channel=Channel.NETWORK).count() == 10_000
    assert report.impacts.get().informed_at is not None


def test_a_service_that_tells_contacts_sends_outage_notices(
    subscribed, nora, company_b, dave, django_capture_on_commit_callbacks
):
    subscribed.dsl.impact_policy = ImpactPolicy.NOTIFY_CONTACTS
    subscribed.dsl.save()
    company_b.default_contacts.add(dave)
    site_contact = User.objects.create(
        username="yard", email="yard@borealis.test", customer=company_b
    )
    Subscription.objects.filter(customer=company_b).update(contact=site_contact)
    with django_capture_on_commit_callbacks(execute=True):
        report = open_report(subscribed.dsl, nora)
    notices = ServiceNotification.objects.filter(report=report, notice=NoticeKind.OUTAGE)
    assert sorted(notices.values_list("email", flat=True)) == sorted(
        [dave.email, site_contact.email]
    )
    assert all(n.status == "sent" for n in notices)
    sent = [m for m in mail.outbox if "Service disruption" in m.subject]
    assert len(sent) == 2 and "DSL York" in sent[0].subject and report.reference in sent[0].body
    assert not CustomerProblem.objects.filter(channel=Channel.NETWORK).exists()
    # Told once: the chunk again, or the service impacted again, tells nobody twice.
    ImpactChunk.objects.update(done_at=None)
    impact.run_impact_chunk(ImpactChunk.objects.get().pk)
    assert notices.count() == 2


def test_a_link_only_service_opens_nothing(subscribed, nora):
    subscribed.fibre.impact_policy = ImpactPolicy.LINK_ONLY
    subscribed.fibre.save()
    add_subscribers(subscribed.fibre, 5)
    fan_out(open_report(subscribed.fibre, nora))
    assert not CustomerProblem.objects.exists()
    assert not ServiceNotification.objects.filter(notice=NoticeKind.OUTAGE).exists()


def test_a_report_ended_before_its_fan_out_informs_nobody(subscribed, nora):
    report = open_report(subscribed.fibre, nora)
    workflow.trouble_report_reject(report, actor=nora, reason="Planned work")
    assert impact.plan_impact(report.pk) == []
    assert not CustomerProblem.objects.exists()


# --- Progress ---------------------------------------------------------------------------
@pytest.fixture
def outage(subscribed, nora, make_problem, alice, django_capture_on_commit_callbacks):
    """A report on Fibre Leeds: Acme's own problem (assigned) linked, two proactive ones."""
    add_subscribers(subscribed.fibre, 2)
    own = make_problem(service_id=subscribed.fibre.pk)
    problems_workflow.problem_assign(own, actor=alice, assignee=alice)
    with django_capture_on_commit_callbacks(execute=True):
        report = open_report(subscribed.fibre, nora)
        report = workflow.trouble_report_assign(report, actor=nora, assignee=nora)
    return report


def test_progress_appears_on_every_linked_problem_as_a_public_update(
    outage, nora, carla, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        workflow.trouble_report_progress(
            outage, actor=nora, message="Engineers are replacing the line card at Leeds."
        )
    event = outage.events.get(kind=ReportEventKind.PROGRESS)
    assert event.for_customers and event.actor == nora
    updates = CustomerProblem.objects.filter(
        events__kind=EventKind.NETWORK_UPDATE,
        events__message__startswith="Engineers are replacing the line card",
    )
    assert updates.count() == 3  # every linked problem
    update = updates.first().events.get(kind=EventKind.NETWORK_UPDATE)
    assert update.is_public and outage.reference in update.message
    # Carla hears of it on her problem.
    assert any("Engineers are replacing" in m.body for m in mail.outbox if carla.email in m.to)
    # A chunk that runs again adds nothing.
    first, last = impact.linked_problem_ranges(outage.pk)[0]
    assert impact.progress_chunk(event.pk, first, last) == 0


def test_progress_is_refused_when_it_cannot_be_told(outage, nora, carla):
    with pytest.raises(problems_workflow.InvalidInput):
        workflow.trouble_report_progress(outage, actor=nora, message="  ")
    with pytest.raises(problems_workflow.NotPermitted):
        workflow.trouble_report_progress(outage, actor=carla, message="Hi")


# --- Restoration ------------------------------------------------------------------------
def resolve(report, actor, callbacks):
    with callbacks(execute=True):
        return workflow.trouble_report_resolve(
            report,
            actor=actor,
            outcome="restored",
            summary="Line card replaced.",
            root_cause="Card failure",
        )


def test_restoration_clears_linked_problems_and_asks_customers_to_confirm(
    outage, nora, carla, django_capture_on_commit_callbacks
):
    resolve(outage, nora, django_capture_on_commit_callbacks)
    own = CustomerProblem.objects.get(channel=Channel.DESK)
    assert own.state == State.CLEARED and own.resolution_summary == "Line card replaced."
    activity = own.activities.get(kind=ActivityKind.SERVICE_RESTORATION)
    assert activity.status == "completed" and activity.outcome == "restored"
    assert activity.external_reference == outage.reference
    confirm = [m for m in mail.outbox if carla.email in m.to and "Cleared" in m.subject]
    assert confirm and "Please confirm" in confirm[0].body
    # Proactive problems are still open (nobody assigned them): proposed for clearing.
    for problem in CustomerProblem.objects.filter(channel=Channel.NETWORK):
        assert problem.state == State.OPEN and problem.clearance_proposed_at is not None
        assert problem.events.latest("id").kind == EventKind.CLEARANCE_PROPOSED


def test_a_propose_policy_leaves_clearing_to_agents(
    outage, nora, django_capture_on_commit_callbacks
):
    outage.impacted_services.update(restoration_policy=RestorationPolicy.PROPOSE)
    resolve(outage, nora, django_capture_on_commit_callbacks)
    own = CustomerProblem.objects.get(channel=Channel.DESK)
    assert own.state == State.ASSIGNED and own.clearance_proposed_at is not None


def test_restoration_tells_contacts_told_of_the_outage(
    subscribed, nora, company_b, dave, django_capture_on_commit_callbacks
):
    subscribed.dsl.impact_policy = ImpactPolicy.NOTIFY_CONTACTS
    subscribed.dsl.save()
    company_b.default_contacts.add(dave)
    with django_capture_on_commit_callbacks(execute=True):
        report = workflow.trouble_report_assign(
            open_report(subscribed.dsl, nora), actor=nora, assignee=nora
        )
    resolve(report, nora, django_capture_on_commit_callbacks)
    restored = ServiceNotification.objects.get(notice=NoticeKind.RESTORED)
    assert restored.email == dave.email and restored.status == "sent"
    assert any(
        "Service restored" in m.subject and "Line card replaced" in m.body for m in mail.outbox
    )


# --- Problems reported during the outage ------------------------------------------------
def test_problems_reported_during_the_outage_are_linked_by_the_beat(
    outage, make_problem, company_b
):
    late = make_problem(service_id=outage.impacted_services.get(code="fibre-leeds").pk)
    other_customer = make_problem(customer=company_b, service_id=late.service_id, reported_by=None)
    assert impact.link_late_problems() == 1  # Borealis does not subscribe to Fibre Leeds
    assert late.trouble_report_links.get().trouble_report_id == outage.pk
    assert not other_customer.trouble_report_links.exists()
    assert impact.link_late_problems() == 0


def test_reports_no_longer_active_link_nothing_late(outage, nora, make_problem):
    workflow.trouble_report_cancel(outage, actor=nora, reason="Duplicate")
    make_problem(service_id=outage.impacted_services.get(code="fibre-leeds").pk)
    assert impact.link_late_problems() == 0
    assert ServiceTroubleReport.objects.get().state == "cancelled"
