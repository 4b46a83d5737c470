"""URLs of the per-problem report (included at /reports/, namespace "problem_report")."""

from django.urls import path

from reporting.problem_report import CUSTOMER, INTERNAL
from reporting.problem_report_views import report_page, report_pdf

urlpatterns = [
    path("problems/<int:pk>/", report_page, {"audience": INTERNAL}, name="internal"),
    path("problems/<int:pk>/pdf/", report_pdf, {"audience": INTERNAL}, name="internal_pdf"),
    path("problems/<int:pk>/customer/", report_page, {"audience": CUSTOMER}, name="customer"),
    path(
        "problems/<int:pk>/customer/pdf/", report_pdf, {"audience": CUSTOMER}, name="customer_pdf"
    ),
]
