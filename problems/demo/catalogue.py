"""The demo desk's people, teams, categories, SLA policies and known errors.

Every function is idempotent (get-or-create by natural key), so ``seed_demo`` can run
again on a database that already has them.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group

from problems.models import (
    Category,
    Customer,
    CustomerTier,
    EscalationStep,
    EscalationTrigger,
    KnownError,
    PolicyScope,
    Priority,
    SLAPolicy,
    Team,
    User,
)
from problems.permissions import AGENT, CUSTOMER, SUPERVISOR

DEMO_PASSWORD = "demo"  # noqa: S105 - documented demo logins, embedded mode only

COMPANIES = [
    ("Acme Retail", "acme", CustomerTier.GOLD),
    ("Borealis Logistics", "borealis", CustomerTier.STANDARD),
    ("Cobalt Health Clinics", "cobalt", CustomerTier.PLATINUM),
    ("Delta Legal LLP", "delta", CustomerTier.STANDARD),
    ("Evergreen Schools Trust", "evergreen", CustomerTier.GOLD),
]
# (username, first, last, company code)
CONTACTS = [
    ("customer-a", "Alex", "Morgan", "acme"),
    ("acme-it", "Priya", "Shah", "acme"),
    ("customer-b", "Ben", "Okafor", "borealis"),
    ("borealis-ops", "Ines", "Laurent", "borealis"),
    ("cobalt-it", "Hana", "Kim", "cobalt"),
    ("delta-office", "Tom", "Fischer", "delta"),
    ("evergreen-it", "Maya", "Singh", "evergreen"),
]
# (username, first, last, role, teams)
STAFF = [
    ("supervisor", "Sofia", "Reyes", SUPERVISOR, ["Broadband support", "Voice & UC", "Hosting"]),
    ("agent", "Adam", "Novak", AGENT, ["Broadband support"]),
    ("lena", "Lena", "Berg", AGENT, ["Broadband support"]),
    ("omar", "Omar", "Haddad", AGENT, ["Voice & UC"]),
    ("julia", "Julia", "Costa", AGENT, ["Voice & UC", "Broadband support"]),
    ("kenji", "Kenji", "Watanabe", AGENT, ["Hosting"]),
    ("nina", "Nina", "Petrova", AGENT, ["Hosting"]),
    ("sam", "Sam", "Carter", AGENT, ["Security operations"]),
]
TEAMS = [
    ("Broadband support", "broadband-support@example.net", False),
    ("Voice & UC", "voice-support@example.net", False),
    ("Hosting", "hosting-support@example.net", False),
    ("Security operations", "soc@example.net", True),
]
# (name, slug, team, is_security)
CATEGORIES = [
    ("Broadband connectivity", "broadband", "Broadband support", False),
    ("Slow speeds", "slow-speeds", "Broadband support", False),
    ("Voice and telephony", "voice", "Voice & UC", False),
    ("Hosting and websites", "hosting", "Hosting", False),
    ("E-mail", "email", "Hosting", False),
    ("Security event", "security", "Security operations", True),
]
# priority: (response, restoration) for any tier; platinum gets half.
TARGETS = {
    Priority.CRITICAL: (timedelta(minutes=15), timedelta(hours=4)),
    Priority.HIGH: (timedelta(minutes=30), timedelta(hours=8)),
    Priority.MEDIUM: (timedelta(hours=2), timedelta(hours=24)),
    Priority.LOW: (timedelta(hours=8), timedelta(hours=72)),
}
KNOWN_ERRORS = [
    (
        "broadband",
        "Router firmware 4.2 drops the PPPoE session every night",
        "internet connection drops every night around 2am router pppoe session lost "
        "reconnects after a few minutes firmware 4.2",
        "Schedule the router's reboot for 04:00 or roll back to firmware 4.1 from the portal.",
        "A memory leak in firmware 4.2's PPPoE keep-alive handling.",
    ),
    (
        "slow-speeds",
        "Evening congestion on the north aggregation ring",
        "broadband very slow in the evening speed test much lower than contracted after 6pm "
        "north region buffering video",
        "Move the line to the alternate aggregation profile (AGG-N2) from the line tools.",
        "Aggregation ring N1 at capacity during peak hours; upgrade planned.",
    ),
    (
        "voice",
        "One-way audio when the customer's firewall rewrites SIP (SIP ALG)",
        "one way audio caller cannot hear us calls connect but no sound sip phones behind firewall",
        "Disable SIP ALG on the customer's firewall and reboot the phones.",
        "SIP ALG rewrites the SDP media address, breaking RTP to the PBX.",
    ),
    (
        "voice",
        "Calls to mobile numbers fail with a busy tone after the number range change",
        "calls to mobile numbers fail busy tone outbound calls mobile not working landlines ok",
        "Route mobile calls through the secondary carrier trunk (trunk group 7).",
        "The primary carrier's routing table lacks the new mobile number range.",
    ),
    (
        "hosting",
        "Websites return 502 after the PHP 8.3 platform upgrade",
        "website down 502 bad gateway after upgrade php error wordpress plugin",
        "Pin the site to the PHP 8.1 runtime in the hosting panel until the plugin is updated.",
        "Legacy plugins call functions removed in PHP 8.3.",
    ),
    (
        "email",
        "Outgoing e-mail rejected by recipients: SPF record missing the new relay",
        "emails bounce rejected spf fail outgoing mail not delivered customers not receiving "
        "our emails",
        "Add include:relay2.example.net to the domain's SPF record.",
        "The new outbound relay was not added to customers' SPF records.",
    ),
    (
        "broadband",
        "No sync after the street cabinet was moved",
        "no internet dsl light off no sync modem router cannot connect since yesterday "
        "cabinet works",
        "Book an engineer to re-patch the line at the new cabinet; offer a 4G backup router.",
        "Lines were not re-patched when the cabinet was relocated.",
    ),
    (
        "security",
        "Phishing campaign impersonating our billing department",
        "suspicious email asking to pay invoice phishing link fake billing login page",
        "Block the sender domain on the customer's mail filter and reset exposed passwords.",
        "An external phishing campaign; our domains are not compromised.",
    ),
]


@dataclass
class DemoCatalogue:
    customers: list[Customer]
    contacts: dict[int, list[User]]  # customer id -> contacts
    teams: dict[str, Team]
    agents: dict[int, list[User]]  # team id -> agents
    supervisor: User
    categories: list[Category]
    policies: dict[tuple[int, str], SLAPolicy]
    known_errors: dict[str, list[KnownError]]  # category slug -> known errors


def build_catalogue() -> DemoCatalogue:
    password = make_password(DEMO_PASSWORD)  # hashed once: hashing is slow on purpose
    groups = {name: Group.objects.get(name=name) for name in (AGENT, SUPERVISOR, CUSTOMER)}

    admin, created = User.objects.get_or_create(
        username="admin",
        defaults={"email": "admin@example.net", "is_staff": True, "is_superuser": True},
    )
    if created:
        admin.password = password
        admin.save()

    teams = {}
    for name, email, security in TEAMS:
        teams[name], _ = Team.objects.get_or_create(
            name=name, defaults={"email": email, "handles_security": security}
        )

    staff: dict[str, User] = {}
    for username, first, last, role, team_names in STAFF:
        user = _user(username, first, last, password, is_staff=True)
        user.groups.add(groups[role])
        for team_name in team_names:
            teams[team_name].members.add(user)
        staff[username] = user

    customers = []
    for name, code, tier in COMPANIES:
        customer, _ = Customer.objects.get_or_create(
            code=code, defaults={"name": name, "tier": tier}
        )
        customers.append(customer)
    by_code = {customer.code: customer for customer in customers}
    contacts: dict[int, list[User]] = {customer.pk: [] for customer in customers}
    for username, first, last, code in CONTACTS:
        user = _user(username, first, last, password, customer=by_code[code])
        user.groups.add(groups[CUSTOMER])
        contacts[user.customer_id].append(user)  # type: ignore[index]
    for customer in customers:
        customer.default_contacts.add(contacts[customer.pk][0])

    categories = []
    for name, slug, team_name, security in CATEGORIES:
        category, _ = Category.objects.get_or_create(
            slug=slug,
            defaults={"name": name, "default_team": teams[team_name], "is_security": security},
        )
        categories.append(category)

    policies = {}
    for priority, (response, restoration) in TARGETS.items():
        for tier, factor in (("", 1), (CustomerTier.PLATINUM, 2)):
            label = Priority(priority).label + (f", {tier}" if tier else "")
            policy, created = SLAPolicy.objects.get_or_create(
                applies_to=PolicyScope.CUSTOMER_PROBLEM,
                priority=priority,
                customer_tier=tier,
                is_active=True,
                defaults={
                    "name": f"{label}: restore in {_hours(restoration / factor)}",
                    "response_time": response / factor,
                    "restoration_time": restoration / factor,
                    "jeopardy_percent": 75,
                },
            )
            if created:
                _escalation_steps(policy, staff["supervisor"])
            policies[(priority, tier)] = policy

    slugs = {category.slug: category for category in categories}
    known_errors: dict[str, list[KnownError]] = {}
    for slug, title, symptoms, workaround, root_cause in KNOWN_ERRORS:
        known_error, _ = KnownError.objects.get_or_create(
            title=title,
            defaults={
                "symptoms": symptoms,
                "workaround": workaround,
                "root_cause": root_cause,
                "category": slugs[slug],
            },
        )
        known_errors.setdefault(slug, []).append(known_error)

    agents = {
        team.pk: [user for user in staff.values() if team.members.filter(pk=user.pk).exists()]
        for team in teams.values()
    }
    return DemoCatalogue(
        customers=customers,
        contacts=contacts,
        teams=teams,
        agents=agents,
        supervisor=staff["supervisor"],
        categories=categories,
        policies=policies,
        known_errors=known_errors,
    )


def _user(username: str, first: str, last: str, password: str, **fields: object) -> User:
    domain = "example.net"
    customer = fields.get("customer")
    if isinstance(customer, Customer):
        domain = f"{customer.code}.example.com"
    user, _created = User.objects.get_or_create(
        username=username,
        defaults={
            "first_name": first,
            "last_name": last,
            "email": f"{first.lower()}.{last.lower()}@{domain}",
            "password": password,
            **fields,
        },
    )
    return user


def _escalation_steps(policy: SLAPolicy, supervisor: User) -> None:
    EscalationStep.objects.create(
        policy=policy, level=1, trigger=EscalationTrigger.JEOPARDY, notify_team=True
    )
    EscalationStep.objects.create(
        policy=policy, level=2, trigger=EscalationTrigger.BREACH, notify_supervisors=True
    )
    third = EscalationStep.objects.create(
        policy=policy,
        level=3,
        trigger=EscalationTrigger.BREACH,
        delay=policy.restoration_time / 2,
        notify_supervisors=True,
        notify_emails="duty-manager@example.net",
    )
    third.notify_users.add(supervisor)


def _hours(delta: timedelta) -> str:
    hours = delta.total_seconds() / 3600
    return f"{hours:g} h"
