"""Django admin for service problem management: the inventory (with CSV imports), alarms,
trouble reports and their activities, and the service notification outbox."""

from services.admin import activities, alarms, inventory, reports

__all__ = ["activities", "alarms", "inventory", "reports"]
