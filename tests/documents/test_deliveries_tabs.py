"""Chờ vào sổ shows the inbox's tab strip, with the list page's counts, for no more queries (issue 18)."""

from __future__ import annotations

import re

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.documents.test_incoming_views import _deliveries_to
from tests.helpers import client_as
from tests.helpers import user as who

TAB = re.compile(r'<a class="nav-link[^"]*"[^>]*href="([^"]+)">\s*([^<]+?)\s*<span class="badge[^"]*">(\d+)</span>')


def tab_strip(page: str) -> dict[str, int]:
    strip = re.search(r'<nav aria-label="Hộp văn bản đến">(.*?)</nav>', page, re.S)
    assert strip, "no inbox tab strip"
    return {label: int(n) for _, label, n in TAB.findall(strip.group(1))}


def test_the_arrivals_page_shows_the_inbox_tabs_with_the_list_pages_counts(db):
    clerk = who("vanthu.canhhiep")
    _deliveries_to(clerk, 3)
    client = client_as(clerk)
    listed = tab_strip(client.get(reverse("documents:incoming_list")).content.decode())
    page = client.get(reverse("documents:deliveries")).content.decode()
    shown = tab_strip(page)
    assert shown == listed
    assert shown["Chờ vào sổ"] >= 3 and len(shown) >= 5
    current = re.search(r'<nav aria-label="Hộp văn bản đến">.*?</nav>', page, re.S).group(0)
    assert re.findall(r'aria-current="page"[^>]*href="([^"]+)"', current) == [reverse("documents:deliveries")]


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_the_tabs_cost_the_arrivals_page_no_more_queries(db):
    """The inbox is counted once (one count_many) and handed to the navigation's badges; the page's own count is
    the tab's. 9 queries before the tabs (the navigation counting the inbox itself, the paginator the arrivals),
    8 with them."""
    clerk = who("vanthu.canhhiep")
    _deliveries_to(clerk, 3)
    client = client_as(clerk)
    url = reverse("documents:deliveries")
    client.get(url)  # first visit: session and access event
    few = _queries(client, url)
    _deliveries_to(clerk, 40, 3)
    assert _queries(client, url) == few
    assert few <= 9
