"""HTML → PDF with WeasyPrint, fonts and styles read from the static files on disk.

The fetcher never makes an HTTP request, not even to the application's own server: a URL
under STATIC_URL is served from the static files, anything else is refused.
"""

from __future__ import annotations

import mimetypes
import posixpath
from pathlib import Path
from urllib.parse import unquote, urlparse

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string

# A base URL for the document; only its path matters to the fetcher.
DOCUMENT_BASE_URL = "http://document.invalid/"


class LocalFileRefused(ValueError):
    pass


def static_path(url: str) -> Path | None:
    """The file on disk behind a static URL, or None."""
    path = unquote(urlparse(url).path)
    prefix = (
        settings.STATIC_URL if settings.STATIC_URL.startswith("/") else "/" + settings.STATIC_URL
    )
    if not path.startswith(prefix):
        return None
    relative = posixpath.normpath(path[len(prefix) :])
    if relative.startswith(("..", "/")) or relative == ".":
        return None
    found = finders.find(relative)
    if found:
        return Path(found)
    collected = Path(settings.STATIC_ROOT) / relative
    if settings.STATIC_ROOT and collected.is_file():
        return collected
    return None


def _fetcher_class():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticFilesFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            if url.startswith("data:"):
                return super().fetch(url, headers)
            path = static_path(url)
            if path is None:
                raise LocalFileRefused(f"Refusing to fetch {url}: not a static file")
            mime_type, _ = mimetypes.guess_type(path.name)
            return URLFetcherResponse(
                url,
                body=path.read_bytes(),
                headers={"Content-Type": mime_type or "application/octet-stream"},
            )

    return StaticFilesFetcher


def render_pdf(template_name: str, context: dict) -> bytes:
    """Render a Django template to PDF bytes."""
    from weasyprint import HTML

    html = render_to_string(template_name, {**context, "for_pdf": True})
    fetcher = _fetcher_class()()
    return HTML(string=html, base_url=DOCUMENT_BASE_URL, url_fetcher=fetcher).write_pdf()
