from django.urls import path

from reporting.views import customers, jobs, management

app_name = "reporting"

urlpatterns = [
    path("", management.report_page, name="report"),
    path("export/<slug:key>.<slug:fmt>", management.export_table, name="export"),
    path("customers/<int:pk>/", customers.customer_page, name="customer"),
    path("customers/<int:pk>/pdf/", customers.customer_pdf, name="customer_pdf"),
    path("jobs/", jobs.job_list, name="jobs"),
    path("jobs/new/", jobs.job_new, name="job_new"),
    path("jobs/<int:pk>/", jobs.job_detail, name="job"),
    path("jobs/<int:pk>/download/", jobs.job_download, name="job_download"),
]

# Mounted under /portal/summary/: a customer's contacts, for their own company.
portal_patterns = [
    path("", customers.portal_summary, name="summary"),
    path("pdf/", customers.portal_summary_pdf, name="summary_pdf"),
]
