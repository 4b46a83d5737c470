"""Attaching files (desk and portal) and handing them out, only to who may see them."""

from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from problems import selectors, workflow
from problems.report_forms import AttachmentForm
from problems.views.access import desk_required, portal_required
from problems.views.common import done, run_or_form_error
from problems.views.desk_problem import problem_context as desk_context
from problems.views.portal import problem_context as portal_context


def _upload(request: HttpRequest, pk: int, *, area: str) -> HttpResponse:
    problem = selectors.problem_get_for_user(user=request.user, pk=pk)
    customer_facing = area == "portal"
    form = AttachmentForm(request.POST, request.FILES, customer_facing=customer_facing)
    if form.is_valid():
        is_internal = bool(form.cleaned_data.get("is_internal"))
        attached = []
        for upload in form.cleaned_data["files"]:
            attachment = run_or_form_error(
                form,
                lambda upload=upload: workflow.attachment_add(
                    problem, actor=request.user, upload=upload, is_internal=is_internal
                ),
            )
            if attachment is None:
                break
            attached.append(attachment.original_name)
        if attached and not form.errors:
            url = reverse(f"{area}:problem", args=[problem.pk])
            return done(request, f"Attached {', '.join(attached)}.", url)
    if customer_facing:
        return render(
            request, "portal/problem.html", portal_context(request, problem, attachment_form=form)
        )
    return render(
        request, "desk/problem.html", desk_context(request, problem, attachment_form=form)
    )


@desk_required
@require_POST
def desk_upload(request: HttpRequest, pk: int) -> HttpResponse:
    return _upload(request, pk, area="desk")


@portal_required
@require_POST
def portal_upload(request: HttpRequest, pk: int) -> HttpResponse:
    return _upload(request, pk, area="portal")


def _download(request: HttpRequest, pk: int) -> FileResponse:
    attachment = selectors.attachment_get_for_user(user=request.user, pk=pk)
    # Always a download (never rendered inline): an uploaded file must not run as a page
    # of ours. The name is the sanitised original; nosniff comes from SecurityMiddleware.
    return FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )


@desk_required
@require_GET
def desk_download(request: HttpRequest, pk: int) -> FileResponse:
    return _download(request, pk)


@portal_required
@require_GET
def portal_download(request: HttpRequest, pk: int) -> FileResponse:
    return _download(request, pk)
