"""What every page's layout needs to know: which area the person works in."""

from typing import Any

from django.http import HttpRequest

from problems.permissions import is_agent, is_supervisor


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"area": None, "is_supervisor": False}
    if is_agent(user):
        return {"area": "desk", "is_supervisor": is_supervisor(user)}
    if user.customer_id is not None:
        return {"area": "portal", "is_supervisor": False}
    return {"area": None, "is_supervisor": False}
