"""Demo data for service problem management (``manage.py seed_demo``, after the problems
demo): an inventory and a live outage."""

from services.demo.inventory import build_inventory
from services.demo.outage import customers_informed, live_outage
from services.models import Alarm, Resource, Service, ServiceTroubleReport, Subscription


def seed_services(*, seed: int) -> str:
    """Build the inventory (idempotent) and, on a database with no trouble report yet, play
    the live outage. Returns a summary for the command to print."""
    network = build_inventory(seed=seed)
    played = ""
    if not ServiceTroubleReport.objects.exists():
        reports = live_outage(network)
        played = "; live outage: " + ", ".join(
            f"{r.reference} ({customers_informed(r)} customers informed)" for r in reports
        )
    return (
        f"Network: {Service.objects.count()} services, {Resource.objects.count()} resources, "
        f"{Subscription.objects.count()} subscriptions, {Alarm.objects.count()} alarms"
        + played
        + "."
    )
