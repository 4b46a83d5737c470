"""Background exports: start one, watch its progress (htmx polling), download its file.
A job's page and file are for its owner and supervisors; anyone else gets a 404."""

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from problems.permissions import is_supervisor
from problems.views.access import supervisor_required
from problems.views.common import template_for
from reporting.jobs import JobRefused, job_start
from reporting.models import JobStatus, ReportJob

JOBS_LISTED = 20


def _job_for(request: HttpRequest, pk: int) -> ReportJob:
    job = get_object_or_404(ReportJob.objects.select_related("owner"), pk=pk)
    if job.owner_id != request.user.pk and not is_supervisor(request.user):
        raise Http404("No such export.")
    return job


@supervisor_required
@require_POST
def job_new(request: HttpRequest) -> HttpResponse:
    try:
        job = job_start(
            owner=request.user,
            kind=request.POST.get("kind", ""),
            query=request.POST.get("query", ""),
        )
    except JobRefused as refusal:
        messages.error(request, str(refusal))
        return redirect("reporting:report")
    messages.success(request, f"{job.get_kind_display()}: started. It is ready below when done.")
    return redirect("reporting:job", pk=job.pk)


@supervisor_required
@require_GET
def job_list(request: HttpRequest) -> HttpResponse:
    jobs = ReportJob.objects.filter(owner_id=request.user.pk)[:JOBS_LISTED]
    return render(request, "reporting/jobs.html", {"jobs": jobs})


@supervisor_required
@require_GET
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job_for(request, pk)
    return render(request, template_for(request, "reporting/job.html", "progress"), {"job": job})


@supervisor_required
@require_GET
def job_download(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job_for(request, pk)
    if job.status != JobStatus.DONE or not job.file:
        raise Http404("The file is not ready.")
    name = job.file_name or "export"
    response: HttpResponse = FileResponse(job.file.open("rb"), as_attachment=True, filename=name)  # type: ignore[assignment]
    return response
