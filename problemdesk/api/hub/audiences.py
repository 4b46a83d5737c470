"""Who a listener is, for what it may be told: a customer's contact (or a client scoped to a
customer) sees the customer's view of a resource; staff see everything they may see."""

from typing import Any

STAFF = "staff"
CUSTOMER = "customer"


def audience_of(user: Any) -> str:
    return CUSTOMER if getattr(user, "customer_id", None) is not None else STAFF
