"""Who may open which area, and where ``/`` sends each person.

Anonymous visitors are sent to the login page. A signed-in person in the wrong area gets a
403 page that names the right one (it shows no problem data, so it reveals nothing).
Within an area, a problem the person may not see answers 404 (selectors).
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from problems.permissions import is_agent, is_supervisor

View = Callable[..., HttpResponse]


def is_customer_contact(user: Any) -> bool:
    return bool(
        user.is_authenticated
        and user.is_active
        and user.customer_id is not None
        and user.has_perm("problems.report_own_problem")
    )


def _area(check: Callable[[Any], bool], message: str) -> Callable[[View], View]:
    def decorate(view: View) -> View:
        @login_required
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not check(request.user):
                raise PermissionDenied(message)
            return view(request, *args, **kwargs)

        return wrapper

    return decorate


desk_required = _area(is_agent, "The desk is for the service desk's staff.")
supervisor_required = _area(is_supervisor, "This board is for supervisors.")
portal_required = _area(is_customer_contact, "The portal is for our customers' contacts.")


def home(request: HttpRequest) -> HttpResponse:
    """Staff to the desk, customers to the portal, everyone else to the login page."""
    user = request.user
    if not user.is_authenticated:
        return redirect("login")
    if is_agent(user):
        return redirect("desk:queue")
    if is_customer_contact(user):
        return redirect("portal:problems")
    return render(request, "no_role.html", status=403)
