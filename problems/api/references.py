"""Reading the references a caller sends: which related party is our customer, reporter or
assignee, which related entity is our service, which channel. What we do not recognise is
kept as given (``CustomerProblem.external_references``) and shown back unchanged."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from problems.models import Category, Channel, Customer, CustomerProblem, User
from problems.permissions import can_see_security_problems
from problems.workflow import InvalidInput

# relatedParty / relatedEntity roles with a meaning here (others are kept as given).
CUSTOMER_ROLE = "customer"
REPORTER_ROLE = "reporter"
ASSIGNEE_ROLE = "assignee"
SERVICE_ROLE = "affectedService"
REPORTER_ROLES = {"reporter", "originator", "requester", "requestor", "contact"}
ASSIGNEE_ROLES = {"assignee", "owner", "assignedto"}


def plain(value: Any) -> Any:
    """Validated serializer data as plain JSON (dates as ISO 8601 text)."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, datetime):
        return value.isoformat().replace("+00:00", "Z")
    return value


def _by_id_or_name(queryset: Any, identifier: str, name_field: str) -> Any:
    identifier = identifier.strip()
    if identifier.isascii() and identifier.isdigit() and len(identifier) < 19:
        found = queryset.filter(pk=int(identifier)).first()
        if found is not None:
            return found
    return queryset.filter(**{f"{name_field}__iexact": identifier}).first()


@dataclass
class Parties:
    customer: Customer | None = None
    reporter: User | None = None
    assignee: User | None = None
    kept: list[dict[str, Any]] = field(default_factory=list)


def read_parties(
    items: Iterable[dict[str, Any]], *, actor: User, current: CustomerProblem | None = None
) -> Parties:
    """``role`` customer → one of our customers (by id or account code); reporter (or
    originator, requester) → a user, for a customer's contact one of their own company;
    assignee (or owner) → one of our agents, which must exist. Others are kept. The
    ``current`` ticket's own parties, sent back as they were shown, are recognised as such."""
    parties = Parties()
    for item in items:
        role = (item.get("role") or "").strip().lower().replace(" ", "")
        identifier = item["id"]
        if current is not None and _is_current(current, role, identifier.strip()):
            if role == "customer":
                parties.customer = current.customer
            elif role in REPORTER_ROLES:
                parties.reporter = current.reported_by
            else:
                parties.assignee = current.assignee
            continue
        if role == "customer":
            customer = _by_id_or_name(Customer.objects.all(), identifier, "code")
            if customer is not None:
                parties.customer = customer
                continue
        elif role in REPORTER_ROLES:
            people = User.objects.filter(is_active=True)
            if actor.customer_id is not None:
                people = people.filter(customer_id=actor.customer_id)
            reporter = _by_id_or_name(people, identifier, "username")
            if reporter is not None:
                parties.reporter = reporter
                continue
        elif role in ASSIGNEE_ROLES:
            agents = User.objects.filter(is_active=True, customer__isnull=True)
            assignee = _by_id_or_name(agents, identifier, "username")
            if assignee is None:
                raise InvalidInput(f"No agent has the id {identifier!r}.", field="relatedParty")
            parties.assignee = assignee
            continue
        parties.kept.append(plain(item))
    return parties


def _is_current(problem: CustomerProblem, role: str, identifier: str) -> bool:
    if role == "customer":
        return problem.customer_id is not None and identifier == str(problem.customer_id)
    if role in REPORTER_ROLES:
        return problem.reported_by_id is not None and identifier == str(problem.reported_by_id)
    if role in ASSIGNEE_ROLES:
        return problem.assignee_id is not None and identifier == str(problem.assignee_id)
    return False


@dataclass
class Entities:
    service_id: int | None = None
    service_label: str = ""
    kept: list[dict[str, Any]] = field(default_factory=list)


def read_entities(items: Iterable[dict[str, Any]]) -> Entities:
    """The first entity of ``@referredType`` Service with a numeric id is the affected
    service (our service reference); the rest (bills, products, service trouble reports…)
    are kept."""
    entities = Entities()
    for item in items:
        identifier = item["id"].strip()
        is_service = (item.get("@referredType") or "").strip().lower() == "service"
        if (
            is_service
            and entities.service_id is None
            and identifier.isascii()
            and identifier.isdigit()
            and len(identifier) < 19
        ):
            entities.service_id = int(identifier)
            entities.service_label = (item.get("name") or "")[:200]
            continue
        entities.kept.append(plain(item))
    return entities


CHANNEL_WORDS = {
    Channel.PORTAL: {"portal", "selfservice", "self-service", "web", "online", "app", "mobile"},
    Channel.PHONE: {"phone", "telephone", "call", "callcenter", "callcentre", "voice", "ivr"},
    Channel.EMAIL: {"email", "e-mail", "mail"},
    Channel.DESK: {"desk", "servicedesk", "helpdesk", "agent", "store", "shop"},
    Channel.NETWORK: {"network", "oss", "noc", "monitoring", "networkoperations"},
}


def shown_channel(problem: CustomerProblem) -> dict[str, Any]:
    """The channel as a ticket shows it: the caller's ChannelRef if one was given, else ours."""
    kept = (problem.external_references or {}).get("channel")
    if kept:
        return dict(kept)
    label = Channel(problem.channel).label if problem.channel in Channel.values else ""
    return {"id": problem.channel, "name": str(label), "@type": "ChannelRef"}


def channel_for(reference: dict[str, Any] | None) -> str:
    """Our channel for a ChannelRef: by its name or id ("self service" → portal), else API."""
    if not reference:
        return Channel.API
    for text in (reference.get("name") or "", reference.get("id") or ""):
        word = text.strip().lower().replace(" ", "").replace("_", "")
        for channel, words in CHANNEL_WORDS.items():
            if word == channel or word in words:
                return channel
    return Channel.API


def category_for(ticket_type: str, *, actor: User) -> Category | None:
    """A category of the same name (or slug) as the ticket type routes it to that category's
    team. Security categories only for those who may see security problems."""
    categories = Category.objects.filter(is_active=True)
    if not can_see_security_problems(actor):
        categories = categories.filter(is_security=False)
    wanted = ticket_type.strip()
    return (
        categories.filter(name__iexact=wanted).first()
        or categories.filter(slug__iexact=wanted).first()
    )


def title_from(description: str, limit: int = 80) -> str:
    """A title for a ticket that came without a name: the description's first words."""
    words = " ".join(description.split())
    if len(words) <= limit:
        return words
    cut = words[:limit].rsplit(" ", 1)[0] or words[:limit]
    return cut + "…"
