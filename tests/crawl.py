"""A crawl of the application as one user, in process: the pages reachable from the dashboard
and the menus, and every link those pages show, each asked once."""

from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

# Never followed: leaving the session, the operator's own tool, the language switch.
SKIP = re.compile(r"^/(accounts/logout/|admin/|i18n/)")


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        href = dict(attrs).get("href") if tag == "a" else None
        if href:
            self.links.append(href)


def links_of(html: str, page: str) -> list[str]:
    parser = _Links()
    parser.feed(html)
    out = []
    for href in parser.links:
        url = urljoin("http://testserver" + page, href)
        parts = urlsplit(url)
        if parts.netloc != "testserver" or parts.scheme not in ("http", "https"):
            continue
        if SKIP.match(parts.path) or href.startswith("#"):
            continue
        out.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return out


@dataclass
class Crawl:
    statuses: dict[str, int] = field(default_factory=dict)
    shown_on: dict[str, str] = field(default_factory=dict)

    def bad(self, codes=(403, 404, 500)) -> list[tuple[str, int, str]]:
        return sorted(
            (link, status, self.shown_on.get(link, "(start)"))
            for link, status in self.statuses.items()
            if status in codes or status >= 500
        )


def crawl(client, start: str = "/", *, depth: int = 2, max_pages: int = 120) -> Crawl:
    """Visit up to `max_pages` pages `depth` links away from `start` (one per path: sorting
    and paging variants of a list count once), and ask every link they show."""
    result = Crawl()
    queue = deque([(start, 0)])
    visited_paths: set[str] = set()
    pages = 0

    def ask(link: str):
        if link not in result.statuses:
            response = client.get(link)
            result.statuses[link] = response.status_code
            return response
        return None

    while queue and pages < max_pages:
        page, level = queue.popleft()
        path = page.split("?")[0]
        if path in visited_paths and page != start:
            continue
        visited_paths.add(path)
        response = client.get(page)
        result.statuses[page] = response.status_code
        pages += 1
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        for link in links_of(response.content.decode("utf-8", "replace"), page):
            result.shown_on.setdefault(link, page)
            if level + 1 <= depth:
                queue.append((link, level + 1))
    for link in list(result.shown_on):
        ask(link)
    return result
