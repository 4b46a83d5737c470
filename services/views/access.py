"""Who may open the network pages: staff who work problems (agents, supervisors and the
network operations agents, who are agents too): the same people the services selectors
let see alarms and trouble reports. Anyone else signed in gets a 403 page that names no
alarm or report; an anonymous visitor is sent to log in. Which buttons a page offers
(acknowledge, clear, each transition) follows each person's permissions, and the workflow
checks them again."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.utils.http import url_has_allowed_host_and_scheme

from services.selectors import can_see_trouble_reports

View = Callable[..., HttpResponse]


def network_required(view: View) -> View:
    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not can_see_trouble_reports(request.user):
            raise PermissionDenied("The network pages are for the service desk's staff.")
        return view(request, *args, **kwargs)

    return wrapper


def safe_next(request: HttpRequest, fallback: str) -> str:
    """Where to go back to after a form (a page of ours only)."""
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if wanted and url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return fallback
