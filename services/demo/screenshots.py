"""Choose what the screenshots of the network pages show: the live outage's trouble report
(the one with the most linked customer problems) and one of its customers' problems."""

from django.db.models import Count, OuterRef, Subquery

from problems.models import TroubleReportLink
from services.models import ServiceTroubleReport


def pick() -> dict[str, int]:
    linked = (
        TroubleReportLink.objects.filter(trouble_report_id=OuterRef("pk"))
        .order_by()
        .values("trouble_report_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    report = (
        ServiceTroubleReport.objects.active()
        .annotate(linked=Subquery(linked))
        .order_by("-linked", "pk")
        .first()
    )
    if report is None:
        raise SystemExit("The demo data has no active trouble report to show.")
    link = (
        TroubleReportLink.objects.filter(trouble_report_id=report.pk, proactive=False)
        .order_by("pk")
        .first()
    ) or TroubleReportLink.objects.filter(trouble_report_id=report.pk).order_by("pk").first()
    return {"report": report.pk, "linked_problem": link.problem_id if link else 0}
