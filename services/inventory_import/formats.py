"""The inventory files, one handler per kind: check each row, then write (see README.md,
"Inventory CSV formats")."""

from typing import Any

from django.db import models

from problems.models import Category, Customer, Priority, Team, User
from services.inventory_import.rows import (
    Format,
    ImportResult,
    RowError,
    check,
    choice,
    each_row,
    flag,
    need,
    save,
)
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


# --- Suppliers --------------------------------------------------------------------------
def _suppliers(rows: list[dict[str, str]], result: ImportResult) -> None:
    existing = {s.code: s for s in Supplier.objects.filter(code__in=[r.get("code") for r in rows])}

    def handle(row: dict[str, str]) -> None:
        need(row, "code", "name")
        supplier = existing.get(row["code"]) or Supplier(code=row["code"])
        values = {
            "name": row["name"],
            "email": row.get("email", ""),
            "phone": row.get("phone", ""),
            "portal_url": row.get("portal_url", ""),
            "notes": row.get("notes", ""),
            "is_active": flag(row, "is_active"),
        }
        check(supplier, values)
        save(result, supplier, values)
        existing[row["code"]] = supplier

    each_row(rows, result, handle)


# --- Resources --------------------------------------------------------------------------
def _resources(rows: list[dict[str, str]], result: ImportResult) -> None:
    codes = {r.get("code") for r in rows} | {r.get("parent") for r in rows if r.get("parent")}
    existing = {r.code: r for r in Resource.objects.filter(code__in=codes)}
    suppliers = {s.code: s for s in Supplier.objects.all()}
    parents: dict[str, str] = {}

    def handle(row: dict[str, str]) -> None:
        need(row, "code", "kind")
        supplier = None
        if row.get("supplier"):
            supplier = suppliers.get(row["supplier"])
            if supplier is None:
                raise RowError(f"No supplier with code {row['supplier']!r}.")
        resource = existing.get(row["code"]) or Resource(code=row["code"])
        values = {
            "name": row.get("name") or row["code"],
            "kind": row["kind"],
            "location": row.get("location", ""),
            "supplier": supplier,
            "is_active": flag(row, "is_active"),
        }
        check(resource, values)
        save(result, resource, values)
        existing[row["code"]] = resource
        parents[row["code"]] = row.get("parent", "")

    each_row(rows, result, handle)
    # Parents second: a component may come before its element in the file.
    for row in rows:
        code = row.get("code", "")
        if code not in parents:
            continue
        parent_code = parents[code]
        parent = existing.get(parent_code) if parent_code else None
        if parent_code and parent is None:
            result.errors.append(f"Line {row['_line']}: no resource with code {parent_code!r}.")
        elif parent_code and _would_loop(code, parent_code, parents):
            result.errors.append(f"Line {row['_line']}: {code} would be a component of itself.")
        elif existing[code].parent_id != (parent.pk if parent else None):
            existing[code].parent = parent
            existing[code].save(update_fields=["parent"])


def _would_loop(code: str, parent_code: str, parents: dict[str, str]) -> bool:
    """Walk up from the new parent (the file's parents first, then the database's)."""
    seen: set[str] = set()
    current: str | None = parent_code
    while current:
        if current == code or current in seen:
            return True
        seen.add(current)
        if current in parents:
            current = parents[current]
        else:
            current = (
                Resource.objects.filter(code=current).values_list("parent__code", flat=True).first()
            )
    return False


# --- Services ---------------------------------------------------------------------------
def _services(rows: list[dict[str, str]], result: ImportResult) -> None:
    existing = {s.code: s for s in Service.objects.filter(code__in=[r.get("code") for r in rows])}
    teams = {t.name.lower(): t for t in Team.objects.all()}
    categories = {c.slug: c for c in Category.objects.all()}

    def lookup(table: dict[str, Any], row: dict[str, str], name: str, what: str) -> Any:
        value = row.get(name, "")
        if not value:
            return None
        found = table.get(value.lower() if what == "team" else value)
        if found is None:
            raise RowError(f"No {what} {value!r}.")
        return found

    def handle(row: dict[str, str]) -> None:
        need(row, "code", "name")
        priority = row.get("customer_priority") or str(Priority.HIGH)
        by_label = {label.lower(): value for value, label in Priority.choices}
        number = int(priority) if priority.isdigit() else by_label.get(priority.lower())
        if number not in Priority.values:
            raise RowError(
                f"customer_priority must be 1-4 or critical/high/medium/low, not {priority!r}."
            )
        service = existing.get(row["code"]) or Service(code=row["code"])
        values = {
            "name": row["name"],
            "kind": choice(row, "kind", ServiceKind, ServiceKind.OTHER),
            "description": row.get("description", ""),
            "impact_policy": choice(
                row, "impact_policy", ImpactPolicy, ImpactPolicy.PROACTIVE_PROBLEM
            ),
            "restoration_policy": choice(
                row, "restoration_policy", RestorationPolicy, RestorationPolicy.CLEAR
            ),
            "operations_team": lookup(teams, row, "operations_team", "team"),
            "customer_team": lookup(teams, row, "customer_team", "team"),
            "customer_category": lookup(categories, row, "customer_category", "category"),
            "customer_priority": number,
            "is_active": flag(row, "is_active"),
        }
        check(service, values)
        save(result, service, values)
        existing[row["code"]] = service

    each_row(rows, result, handle)


# --- Dependencies -----------------------------------------------------------------------
def _dependencies(rows: list[dict[str, str]], result: ImportResult) -> None:
    services = {s.code: s for s in Service.objects.all()}
    resources = {
        r.code: r
        for r in Resource.objects.filter(code__in=[r.get("depends_on_resource") for r in rows])
    }
    edges: dict[int, set[int]] = {}
    for service_id, on in ServiceDependency.objects.filter(
        depends_on_service__isnull=False
    ).values_list("service_id", "depends_on_service_id"):
        edges.setdefault(service_id, set()).add(on)

    def handle(row: dict[str, str]) -> None:
        need(row, "service")
        service = services.get(row["service"])
        if service is None:
            raise RowError(f"No service with code {row['service']!r}.")
        resource_code, service_code = row.get("depends_on_resource"), row.get("depends_on_service")
        if bool(resource_code) == bool(service_code):
            raise RowError("Give either depends_on_resource or depends_on_service.")
        if resource_code:
            resource = resources.get(resource_code)
            if resource is None:
                raise RowError(f"No resource with code {resource_code!r}.")
            _, created = ServiceDependency.objects.get_or_create(service=service, resource=resource)
        else:
            on = services.get(service_code or "")
            if on is None:
                raise RowError(f"No service with code {service_code!r}.")
            if _reaches(edges, on.pk, service.pk):
                raise RowError(f"{service.code} → {on.code} would make a cycle.")
            _, created = ServiceDependency.objects.get_or_create(
                service=service, depends_on_service=on
            )
            edges.setdefault(service.pk, set()).add(on.pk)
        if created:
            result.created += 1
        else:
            result.unchanged += 1

    each_row(rows, result, handle)


def _reaches(edges: dict[int, set[int]], start: int, goal: int) -> bool:
    frontier, seen = [start], set()
    while frontier:
        node = frontier.pop()
        if node == goal:
            return True
        if node not in seen:
            seen.add(node)
            frontier.extend(edges.get(node, ()))
    return False


# --- Subscriptions ----------------------------------------------------------------------
def _subscriptions(rows: list[dict[str, str]], result: ImportResult) -> None:
    customers = {
        c.code: c for c in Customer.objects.filter(code__in={r.get("customer") for r in rows})
    }
    services = {
        s.code: s for s in Service.objects.filter(code__in={r.get("service") for r in rows})
    }
    contact_keys = {r["contact"] for r in rows if r.get("contact")}
    contacts: dict[str, User] = {}
    for user in User.objects.filter(
        models.Q(username__in=contact_keys) | models.Q(email__in=contact_keys)
    ):
        contacts[user.username] = user
        contacts[user.email.lower()] = user
    existing = {
        (s.customer_id, s.service_id, s.site): s
        for s in Subscription.objects.filter(
            customer__in=customers.values(), service__in=services.values()
        )
    }
    new: list[Subscription] = []
    changed: list[Subscription] = []

    def handle(row: dict[str, str]) -> None:
        need(row, "customer", "service", "site")
        customer, service = customers.get(row["customer"]), services.get(row["service"])
        if customer is None:
            raise RowError(f"No customer with code {row['customer']!r}.")
        if service is None:
            raise RowError(f"No service with code {row['service']!r}.")
        contact = None
        if row.get("contact"):
            contact = contacts.get(row["contact"]) or contacts.get(row["contact"].lower())
            if contact is None or contact.customer_id != customer.pk:
                raise RowError(f"{row['contact']!r} is not a contact of {customer}.")
        if len(row["site"]) > 200 or len(row.get("reference", "")) > 100:
            raise RowError("site is at most 200 characters, reference at most 100.")
        values = {
            "reference": row.get("reference", ""),
            "contact": contact,
            "is_active": flag(row, "is_active"),
        }
        key = (customer.pk, service.pk, row["site"])
        subscription = existing.get(key)
        if subscription is None:
            subscription = Subscription(
                customer=customer, service=service, site=row["site"], **values
            )
            existing[key] = subscription
            new.append(subscription)
            result.created += 1
        elif subscription.pk is None:
            raise RowError("The same customer, service and site twice in the file.")
        elif any(getattr(subscription, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(subscription, name, value)
            changed.append(subscription)
            result.updated += 1
        else:
            result.unchanged += 1

    each_row(rows, result, handle)
    if not result.errors:
        Subscription.objects.bulk_create(new, batch_size=2000)
        Subscription.objects.bulk_update(
            changed, ["reference", "contact", "is_active"], batch_size=1000
        )


FORMATS: dict[str, Format] = {
    "suppliers": Format(
        Supplier,
        ("code", "name", "email", "phone", "portal_url", "notes", "is_active"),
        ("code", "name"),
        _suppliers,
    ),
    "resources": Format(
        Resource,
        ("code", "name", "kind", "parent", "location", "supplier", "is_active"),
        ("code", "kind"),
        _resources,
    ),
    "services": Format(
        Service,
        (
            "code",
            "name",
            "kind",
            "impact_policy",
            "restoration_policy",
            "operations_team",
            "customer_team",
            "customer_category",
            "customer_priority",
            "description",
            "is_active",
        ),
        ("code", "name"),
        _services,
    ),
    "dependencies": Format(
        ServiceDependency,
        ("service", "depends_on_resource", "depends_on_service"),
        ("service",),
        _dependencies,
    ),
    "subscriptions": Format(
        Subscription,
        ("customer", "service", "site", "reference", "contact", "is_active"),
        ("customer", "service", "site"),
        _subscriptions,
    ),
}
