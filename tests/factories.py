"""factory_boy factories. Defaults make a valid problem of company A with an SLA policy."""

from datetime import timedelta

import factory
from django.contrib.auth.models import Group

from problems.models import (
    Category,
    Customer,
    CustomerProblem,
    EscalationStep,
    EscalationTrigger,
    KnownError,
    Priority,
    SLAPolicy,
    Team,
    User,
)
from problems.permissions import AGENT, CUSTOMER, SUPERVISOR


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Customer
        django_get_or_create = ("code",)

    name = factory.Sequence(lambda n: f"Company {n}")
    code = factory.Sequence(lambda n: f"company-{n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.test")
    password = factory.django.Password("secret")

    @factory.post_generation
    def role(self, create: bool, extracted: str | None, **kwargs: object) -> None:
        if create and extracted:
            self.groups.add(Group.objects.get(name=extracted))


def agent(username: str, team: Team | None = None, role: str = AGENT) -> User:
    user = UserFactory(username=username, role=role, is_staff=True, first_name=username.title())
    if team is not None:
        team.members.add(user)
    return user


def contact(username: str, customer: Customer) -> User:
    return UserFactory(username=username, role=CUSTOMER, customer=customer)


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Team {n}")
    email = factory.LazyAttribute(
        lambda team: f"{team.name.lower().replace(' ', '-')}@example.test"
    )


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Category {n}")
    slug = factory.Sequence(lambda n: f"category-{n}")


class SLAPolicyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SLAPolicy

    name = factory.LazyAttribute(lambda p: f"P{p.priority}")
    priority = Priority.MEDIUM
    response_time = timedelta(hours=1)
    restoration_time = timedelta(hours=8)
    jeopardy_percent = 75
    confirmation_window = timedelta(days=5)


def standard_escalation(policy: SLAPolicy, *, supervisor: User | None = None) -> SLAPolicy:
    """Level 1 at jeopardy (team), 2 at breach (supervisors), 3 at breach + 2 h."""
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
        delay=timedelta(hours=2),
        notify_emails="duty-manager@example.test",
    )
    if supervisor is not None:
        third.notify_users.add(supervisor)
    return policy


class KnownErrorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = KnownError

    title = "Router firmware drops the session every night"
    symptoms = "internet connection drops every night router reconnects after minutes"
    workaround = "Schedule a nightly reboot."
    root_cause = "Firmware memory leak."


__all__ = [
    "SUPERVISOR",
    "CategoryFactory",
    "CustomerFactory",
    "CustomerProblem",
    "KnownErrorFactory",
    "SLAPolicyFactory",
    "TeamFactory",
    "UserFactory",
    "agent",
    "contact",
    "standard_escalation",
]
