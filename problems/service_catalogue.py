"""Which services a customer buys, for the report forms.

The services app owns that data, and ``problems`` does not import its models (DESIGN.md,
"Apps and boundaries"). So the services app registers a provider here when it has data;
until one is registered, or when it knows no service of the customer, the forms do not
ask for a service.
"""

from collections.abc import Callable
from typing import Any

ServiceProvider = Callable[[Any], list[tuple[int, str]]]
_providers: list[ServiceProvider] = []


def register_service_provider(provider: ServiceProvider) -> None:
    """``provider(customer)`` answers [(service id, label)] for that customer."""
    if provider not in _providers:
        _providers.append(provider)


def unregister_service_provider(provider: ServiceProvider) -> None:
    if provider in _providers:
        _providers.remove(provider)


def services_for_customer(customer: Any) -> list[tuple[int, str]]:
    if customer is None:
        return []
    services: list[tuple[int, str]] = []
    for provider in _providers:
        services.extend(provider(customer))
    return services
