"""PDFs of reports and summaries, from the same Django templates as the pages.

WeasyPrint lays out HTML and CSS itself (with the system's Pango): no browser, nothing
fetched from the network. Static files (the logo, the print CSS) are read from the
project's static folders through the finders, so a PDF renders before ``collectstatic``.
"""

from typing import Any
from urllib.parse import urlparse

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpRequest
from django.template.loader import render_to_string


def _local_only(url: str, timeout: int = 10, ssl_context: Any = None) -> dict[str, Any]:
    """Serve ``/static/…`` from the project's files; refuse anything else (no network)."""
    from weasyprint import default_url_fetcher

    path = urlparse(url).path
    if path.startswith(settings.STATIC_URL):
        found = finders.find(path.removeprefix(settings.STATIC_URL))
        if found:
            fetched: dict[str, Any] = default_url_fetcher("file://" + str(found))
            return fetched
    raise ValueError(f"PDFs load only the project's static files, not {url}")


def render_pdf(
    template_name: str, context: dict[str, Any], request: HttpRequest | None = None
) -> bytes:
    """The template rendered to HTML, then laid out as a PDF (bytes starting ``%PDF``)."""
    from weasyprint import HTML  # imported late: loading Pango takes a moment

    html = render_to_string(template_name, context, request=request)
    pdf: bytes = HTML(
        string=html, base_url="http://localhost/", url_fetcher=_local_only
    ).write_pdf()
    return pdf
