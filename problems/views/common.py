"""What the desk and portal views share: turning a refused operation into a form error,
and answering a successful form (a redirect, or an htmx client redirect)."""

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django_htmx.http import HttpResponseClientRedirect

from problems.workflow import WorkflowError


def run_or_form_error[Result](form: forms.Form, operation: Callable[[], Result]) -> Result | None:
    """Run a workflow call; a refusal becomes an error on its field (or on the form)."""
    try:
        return operation()
    except WorkflowError as error:
        field = error.field if error.field in form.fields else None
        form.add_error(field, error.message)
        return None


def run_or_message[Result](request: HttpRequest, operation: Callable[[], Result]) -> Result | None:
    """Run a workflow call from a button with no form; a refusal becomes an error message."""
    try:
        return operation()
    except WorkflowError as error:
        messages.error(request, error.message)
        return None


def done(request: HttpRequest, message: str, url: str) -> HttpResponse:
    """Tell the person it worked and show the page again (htmx: a full navigation)."""
    messages.success(request, message)
    if getattr(request, "htmx", False):
        return HttpResponseClientRedirect(url)
    return redirect(url)


def template_for(request: HttpRequest, page: str, partial: str) -> str:
    """The full page, or only its partial when htmx asks for a piece of it."""
    return f"{page}#{partial}" if getattr(request, "htmx", False) else page


def posted_form(request: HttpRequest, form_class: type[Any], **kwargs: Any) -> Any:
    if request.method == "POST":
        return form_class(request.POST, request.FILES, **kwargs)
    return form_class(**kwargs)
