"""PDFs of report pages: a Django template rendered to HTML, then to PDF by WeasyPrint.

One function for every report (per problem, per customer, management):
``render_pdf(template_name, context, request=None) -> bytes``. WeasyPrint is Python over
the system's Pango (a dependency of Chromium, so present wherever the browser tests run).
It never reaches the network: ``/static/`` URLs are read through the static files finders
and any other URL is refused, so a link or an image in text a user wrote cannot make the
server fetch anything.
"""

import mimetypes
from typing import Any
from urllib.parse import urlparse

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpRequest
from django.template.loader import render_to_string

BASE_URL = "https://problemdesk.invalid/"  # relative URLs resolve here, then to static files


class FetchRefused(ValueError):
    pass


def _fetcher() -> Any:
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticFilesOnly(URLFetcher):  # type: ignore[misc]
        def fetch(self, url: str, headers: Any = None) -> Any:
            path = urlparse(url).path
            static = urlparse(settings.STATIC_URL).path
            found = finders.find(path[len(static) :]) if path.startswith(static) else None
            if not isinstance(found, str):
                raise FetchRefused(f"PDF rendering does not fetch {url}")
            with open(found, "rb") as handle:
                body = handle.read()
            kind = mimetypes.guess_type(found)[0] or "application/octet-stream"
            return URLFetcherResponse(url, body, {"Content-Type": kind})

    return StaticFilesOnly()


def render_pdf(
    template_name: str, context: dict[str, Any], request: HttpRequest | None = None
) -> bytes:
    """The template as a PDF document (bytes starting with ``%PDF``)."""
    from weasyprint import HTML  # imported late: it loads Pango, which only PDFs need

    html = render_to_string(template_name, context, request=request)
    document = HTML(string=html, base_url=BASE_URL, url_fetcher=_fetcher())
    pdf: bytes = document.write_pdf()
    return pdf
