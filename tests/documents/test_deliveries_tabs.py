"""Chờ vào sổ shows the inbox's tab strip, with the list page's counts, for no more queries (issue 18). Every tab
but the page's own gets its count with the navigation's badges after the page (idesk.views.nav_counts)."""

from __future__ import annotations

import re

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.documents.test_incoming_views import deliveries_to
from tests.helpers import client_as
from tests.helpers import user as who

TAB = re.compile(
    r'<a class="nav-link[^"]*"[^>]*href="([^"]+)">\s*([^<]+?)\s*'
    r'<span id="tab-count-(\w+)" class="badge[^"]*">(\d*)</span>'
)
COUNTED = re.compile(r'<span id="tab-count-(\w+)" class="badge[^"]*" hx-swap-oob="true">(\d+)</span>')


def tab_strip(page: str) -> dict[str, tuple[str, str]]:
    """label: (tab key, the count shown with the page, "" until the badges arrive)."""
    strip = re.search(r'<nav aria-label="Hộp văn bản đến">(.*?)</nav>', page, re.S)
    assert strip, "no inbox tab strip"
    return {label: (key, n) for _, label, key, n in TAB.findall(strip.group(1))}


def test_the_arrivals_page_shows_the_inbox_tabs_with_the_list_pages_counts(db):
    clerk = who("vanthu.canhhiep")
    deliveries_to(clerk, 3)
    client = client_as(clerk)
    response = client.get(reverse("documents:deliveries"))
    page = response.content.decode()
    shown = tab_strip(page)
    listed = tab_strip(client.get(reverse("documents:incoming_list")).content.decode())
    assert {label: key for label, (key, _) in shown.items()} == {label: key for label, (key, _) in listed.items()}
    assert len(shown) >= 5
    # Its own tab is counted with the page (its list's count), the others with the badges after it, which agree.
    assert {key: n for key, n in shown.values() if n} == {"pending": str(response.context["page"].paginator.count)}
    assert int(shown["Chờ vào sổ"][1]) >= 3
    badges = dict(COUNTED.findall(client.get("/dieu-huong/dem/", {"tabs": "incoming"}).content.decode()))
    assert set(badges) == {key for key, _ in shown.values()}
    assert badges["pending"] == shown["Chờ vào sổ"][1]
    current = re.search(r'<nav aria-label="Hộp văn bản đến">.*?</nav>', page, re.S).group(0)
    assert re.findall(r'aria-current="page"[^>]*href="([^"]+)"', current) == [reverse("documents:deliveries")]


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_the_tabs_cost_the_arrivals_page_no_more_queries(db):
    """The page counts its own list only (the paginator); the tabs are counted with the navigation's badges after
    it. 9 queries before the tabs, 8 when the page counted them, 7 since the badges' request does."""
    clerk = who("vanthu.canhhiep")
    deliveries_to(clerk, 3)
    client = client_as(clerk)
    url = reverse("documents:deliveries")
    client.get(url)  # first visit: session and access event
    few = _queries(client, url)
    deliveries_to(clerk, 40, 3)
    assert _queries(client, url) == few
    assert few <= 7
