"""The demo network: suppliers, resources, services and their dependencies, the network
operations team, trouble-report SLA policies, and who subscribes to what.

Idempotent (get-or-create by natural key): running it again adds nothing.
"""

import random
import re
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group

from problems.demo.catalogue import COMPANIES, DEMO_PASSWORD
from problems.models import (
    Category,
    Customer,
    EscalationStep,
    EscalationTrigger,
    PolicyScope,
    Priority,
    SLAPolicy,
    Team,
    User,
)
from problems.permissions import AGENT, SUPERVISOR
from services.models import (
    ImpactPolicy,
    Resource,
    RestorationPolicy,
    Service,
    ServiceDependency,
    ServiceKind,
    Subscription,
    Supplier,
)

SUPPLIERS = [
    ("northwind", "Northwind Wholesale", "noc@northwind.example.com", "+44 20 7946 0100"),
    ("fibreco", "FibreCo Field Services", "dispatch@fibreco.example.com", "+44 113 496 0200"),
    ("powergrid", "PowerGrid Facilities", "faults@powergrid.example.com", "+44 161 496 0300"),
]
# (code, name, kind, parent, location, supplier)
RESOURCES = [
    ("core-lds-01", "Core router Leeds DC", "router", "", "Leeds data centre", "northwind"),
    ("core-mcr-01", "Core router Manchester", "router", "", "Manchester data centre", "northwind"),
    ("agg-lds-01", "Aggregation switch Leeds", "switch", "", "Leeds North exchange", "northwind"),
    ("olt-lds-01", "OLT Leeds North", "OLT", "", "Leeds North exchange", "northwind"),
    (
        "olt-lds-01/1",
        "OLT Leeds North card 1",
        "line card",
        "olt-lds-01",
        "Leeds North exchange",
        "",
    ),
    (
        "olt-lds-01/2",
        "OLT Leeds North card 2",
        "line card",
        "olt-lds-01",
        "Leeds North exchange",
        "",
    ),
    (
        "olt-lds-01/3",
        "OLT Leeds North card 3",
        "line card",
        "olt-lds-01",
        "Leeds North exchange",
        "",
    ),
    ("olt-mcr-01", "OLT Manchester South", "OLT", "", "Didsbury exchange", "northwind"),
    (
        "olt-mcr-01/1",
        "OLT Manchester South card 1",
        "line card",
        "olt-mcr-01",
        "Didsbury exchange",
        "",
    ),
    (
        "olt-mcr-01/2",
        "OLT Manchester South card 2",
        "line card",
        "olt-mcr-01",
        "Didsbury exchange",
        "",
    ),
    (
        "duct-lds-07",
        "Duct route Kirkstall Road",
        "fibre route",
        "",
        "Kirkstall Road, Leeds",
        "fibreco",
    ),
    ("sbc-01", "Session border controller", "SBC", "", "Leeds data centre", "northwind"),
    ("web-cluster-01", "Hosting cluster", "server cluster", "", "Leeds data centre", ""),
    ("mail-01", "Mail platform", "server cluster", "", "Manchester data centre", ""),
    ("ups-lds-dc", "UPS Leeds data centre", "power", "", "Leeds data centre", "powergrid"),
]
# (code, name, kind, impact policy, restoration policy, category slug, resources, services)
SERVICES = [
    ("ip-core", "IP core", ServiceKind.TRANSPORT, ImpactPolicy.LINK_ONLY, RestorationPolicy.CLEAR,
     "broadband", ["core-lds-01", "core-mcr-01"], []),
    ("fibre-leeds-north", "Fibre broadband Leeds North", ServiceKind.BROADBAND,
     ImpactPolicy.PROACTIVE_PROBLEM, RestorationPolicy.CLEAR, "broadband",
     ["olt-lds-01/1", "olt-lds-01/2", "olt-lds-01/3", "agg-lds-01", "duct-lds-07"], ["ip-core"]),
    ("fibre-manchester", "Fibre broadband Manchester South", ServiceKind.BROADBAND,
     ImpactPolicy.PROACTIVE_PROBLEM, RestorationPolicy.CLEAR, "broadband",
     ["olt-mcr-01/1", "olt-mcr-01/2"], ["ip-core"]),
    ("business-voice", "Business voice", ServiceKind.VOICE, ImpactPolicy.NOTIFY_CONTACTS,
     RestorationPolicy.PROPOSE, "voice", ["sbc-01"], ["ip-core"]),
    ("business-vpn", "Business VPN", ServiceKind.VPN, ImpactPolicy.PROACTIVE_PROBLEM,
     RestorationPolicy.PROPOSE, "broadband", [], ["ip-core"]),
    ("web-hosting", "Web hosting", ServiceKind.HOSTING, ImpactPolicy.NOTIFY_CONTACTS,
     RestorationPolicy.CLEAR, "hosting", ["web-cluster-01", "ups-lds-dc"], ["ip-core"]),
    ("business-email", "Business e-mail", ServiceKind.EMAIL, ImpactPolicy.NOTIFY_CONTACTS,
     RestorationPolicy.CLEAR, "email", ["mail-01"], ["ip-core"]),
]  # fmt: skip
# The demo companies (problems.demo.catalogue) and where they use what.
COMPANY_SITES = {
    "acme": [
        ("fibre-leeds-north", "Leeds HQ, 1 Wellington St"),
        ("fibre-leeds-north", "Leeds store, Briggate"),
        ("business-voice", "Leeds HQ, 1 Wellington St"),
        ("business-email", "Acme Retail"),
    ],
    "borealis": [("fibre-manchester", "Didsbury depot"), ("business-vpn", "All depots")],
    "cobalt": [
        ("fibre-leeds-north", "Headingley clinic"),
        ("business-vpn", "All clinics"),
        ("web-hosting", "cobalt-health.example"),
    ],
    "delta": [
        ("business-voice", "Chancery Lane office"),
        ("business-email", "Delta Legal"),
        ("fibre-manchester", "Manchester office"),
    ],
    "evergreen": [
        ("fibre-leeds-north", "Roundhay school"),
        ("web-hosting", "evergreen-schools.example"),
    ],
}
AREAS = {
    "fibre-leeds-north": [
        "Headingley",
        "Kirkstall",
        "Meanwood",
        "Chapel Allerton",
        "Roundhay",
        "Burley",
        "Horsforth",
        "Moortown",
    ],
    "fibre-manchester": ["Didsbury", "Chorlton", "Withington", "Burnage", "Fallowfield"],
}
TRADES = ["Bakery", "Dental Practice", "Florist", "Accountants", "Cafe", "Garage", "Pharmacy",
          "Design Studio", "Vets", "Opticians"]  # fmt: skip
TARGETS = {  # trouble reports: network restoration, faster than the customers' targets
    Priority.CRITICAL: timedelta(hours=2),
    Priority.HIGH: timedelta(hours=4),
    Priority.MEDIUM: timedelta(hours=8),
    Priority.LOW: timedelta(hours=24),
}


@dataclass
class DemoNetwork:
    noc: Team
    operators: list[User]
    services: dict[str, Service]
    resources: dict[str, Resource]
    suppliers: dict[str, Supplier]


def build_inventory(*, seed: int) -> DemoNetwork:
    rng = random.Random(seed)
    password = make_password(DEMO_PASSWORD)
    noc, _ = Team.objects.get_or_create(
        name="Network operations", defaults={"email": "noc@example.net"}
    )
    operators = [
        _staff("noc", "Nadia", "Okoye", AGENT, password),
        _staff("rafael", "Rafael", "Silva", AGENT, password),
    ]
    supervisor = User.objects.filter(username="supervisor").first()
    noc.members.add(*operators, *([supervisor] if supervisor else []))
    _policies(supervisor)

    suppliers = {}
    for code, name, email, phone in SUPPLIERS:
        suppliers[code], _ = Supplier.objects.get_or_create(
            code=code, defaults={"name": name, "email": email, "phone": phone}
        )
    resources: dict[str, Resource] = {}
    for code, name, kind, parent, location, supplier in RESOURCES:
        resources[code], _ = Resource.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "kind": kind,
                "parent": resources.get(parent),
                "location": location,
                "supplier": suppliers.get(supplier),
            },
        )
    services: dict[str, Service] = {}
    for code, name, kind, impact, restoration, category, on_resources, on_services in SERVICES:
        category_obj = _category(category)
        services[code], _ = Service.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "kind": kind,
                "impact_policy": impact,
                "restoration_policy": restoration,
                "operations_team": noc,
                "customer_category": category_obj,
                "customer_team": category_obj.default_team,
                "customer_priority": Priority.HIGH,
            },
        )
        for resource in on_resources:
            ServiceDependency.objects.get_or_create(
                service=services[code], resource=resources[resource]
            )
        for other in on_services:
            ServiceDependency.objects.get_or_create(
                service=services[code], depends_on_service=services[other]
            )
    _subscriptions(services, rng)
    return DemoNetwork(noc, operators, services, resources, suppliers)


def _subscriptions(services: dict[str, Service], rng: random.Random) -> None:
    for name, code, tier in COMPANIES:
        customer, _ = Customer.objects.get_or_create(
            code=code, defaults={"name": name, "tier": tier}
        )
        for service, site in COMPANY_SITES.get(code, []):
            Subscription.objects.get_or_create(
                customer=customer, service=services[service], site=site
            )
    for service, areas in AREAS.items():
        names = sorted({f"{area} {trade}" for area in areas for trade in TRADES})
        for name in rng.sample(names, k=min(len(names), 30)):
            code = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
            customer, _ = Customer.objects.get_or_create(code=code, defaults={"name": name})
            street = rng.choice(["High St", "Main St", "Station Rd", "Church Ln"])
            Subscription.objects.get_or_create(
                customer=customer,
                service=services[service],
                site=f"{name}, {rng.randint(1, 240)} {street}",
                defaults={"reference": f"FTTP-{rng.randint(100000, 999999)}"},
            )


def _policies(supervisor: User | None) -> None:
    for priority, restoration in TARGETS.items():
        policy, created = SLAPolicy.objects.get_or_create(
            applies_to=PolicyScope.SERVICE_TROUBLE_REPORT,
            priority=priority,
            customer_tier="",
            is_active=True,
            defaults={
                "name": f"Network {Priority(priority).label.lower()}: restore in "
                f"{restoration.total_seconds() / 3600:g} h",
                "response_time": restoration / 8,
                "restoration_time": restoration,
                "jeopardy_percent": 75,
            },
        )
        if created:
            EscalationStep.objects.create(
                policy=policy, level=1, trigger=EscalationTrigger.JEOPARDY, notify_team=True
            )
            second = EscalationStep.objects.create(
                policy=policy, level=2, trigger=EscalationTrigger.BREACH, notify_supervisors=True
            )
            if supervisor is not None:
                second.notify_users.add(supervisor)


def _category(slug: str) -> Category:
    names = {"broadband": "Broadband connectivity", "voice": "Voice and telephony",
             "hosting": "Hosting and websites", "email": "E-mail"}  # fmt: skip
    teams = {"broadband": "Broadband support", "voice": "Voice & UC", "hosting": "Hosting",
             "email": "Hosting"}  # fmt: skip
    category = Category.objects.filter(slug=slug).select_related("default_team").first()
    if category is None:
        team, _ = Team.objects.get_or_create(name=teams[slug])
        category = Category.objects.create(slug=slug, name=names[slug], default_team=team)
    return category


def _staff(username: str, first: str, last: str, role: str, password: str) -> User:
    user, _ = User.objects.get_or_create(
        username=username,
        defaults={
            "first_name": first,
            "last_name": last,
            "email": f"{first.lower()}.{last.lower()}@example.net",
            "password": password,
            "is_staff": True,
        },
    )
    user.groups.add(Group.objects.get(name=role if role in (AGENT, SUPERVISOR) else AGENT))
    return user
