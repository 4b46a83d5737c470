"""The per-customer summary: supervisors for any customer, a customer's contacts for their
own company (from the portal). Page and PDF."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from problems.models import Customer
from problems.views.access import portal_required, supervisor_required
from reporting.customer import customer_summary
from reporting.forms import PeriodForm
from reporting.pdf import render_pdf
from reporting.period import DEFAULT_PRESET


def _summary_response(
    request: HttpRequest, customer: Customer, *, for_customer: bool, as_pdf: bool
) -> HttpResponse:
    data = request.GET.copy()
    data.setdefault("preset", DEFAULT_PRESET)
    form = PeriodForm(data)
    context: dict[str, object] = {"form": form, "customer": customer, "for_customer": for_customer}
    if form.is_valid():
        period = form.period()
        context["summary"] = customer_summary(customer, period, for_customer=for_customer)
        context["query"] = request.GET.urlencode()
        if as_pdf:
            pdf = render_pdf("reporting/customer_summary_pdf.html", context, request=request)
            response = HttpResponse(pdf, content_type="application/pdf")
            name = f"summary-{customer.code}-{period.start:%Y%m%d}-{period.last_day:%Y%m%d}.pdf"
            response["Content-Disposition"] = f'attachment; filename="{name}"'
            return response
    return render(
        request, "reporting/customer_summary.html", context, status=200 if form.is_valid() else 400
    )


@supervisor_required
@require_GET
def customer_page(request: HttpRequest, pk: int) -> HttpResponse:
    customer = get_object_or_404(Customer, pk=pk)
    return _summary_response(request, customer, for_customer=False, as_pdf=False)


@supervisor_required
@require_GET
def customer_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    customer = get_object_or_404(Customer, pk=pk)
    return _summary_response(request, customer, for_customer=False, as_pdf=True)


@portal_required
@require_GET
def portal_summary(request: HttpRequest) -> HttpResponse:
    customer = get_object_or_404(Customer, pk=request.user.customer_id)  # type: ignore[union-attr]
    return _summary_response(request, customer, for_customer=True, as_pdf=False)


@portal_required
@require_GET
def portal_summary_pdf(request: HttpRequest) -> HttpResponse:
    customer = get_object_or_404(Customer, pk=request.user.customer_id)  # type: ignore[union-attr]
    return _summary_response(request, customer, for_customer=True, as_pdf=True)
