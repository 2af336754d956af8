"""Every queue is counted in the navigation, and each count is the length of the list its link opens (issue 18)."""

from __future__ import annotations

import re

import pytest
from django.core.paginator import Page
from django.db import connection
from django.test.utils import CaptureQueriesContext

from documents.incoming import selectors as incoming_selectors
from documents.outgoing import selectors as outgoing_selectors
from idesk.navigation import queues_for
from tests.conftest import client_as
from tests.helpers import module_rows

PERSONAS = ["chairman", "district_clerk", "dept_head", "dept_staff", "commune_clerk", "outsider"]
BELL = re.compile(r'<a id="bell".*?<span class="visually-hidden">([^<]*)</span>', re.S)
TAB_BADGE = re.compile(r'<span id="tab-count-(\w+)" class="badge[^"]*" hx-swap-oob="true">(\d+)</span>')
BADGE = re.compile(r'href="([^"]+)" data-queue="([a-z_]+)"[^>]*>[^<]*<span[^>]*data-testid="queue-count">(\d+)<')

# The queues each persona has (by role): a leader signs, a clerk registers, issues and posts paper.
EXPECTED_KEYS = {
    "chairman": {"cho_xu_ly", "cho_duyet", "cho_ky", "answers"},
    "district_clerk": {"pending", "cho_xu_ly", "cho_phat_hanh", "paper", "answers"},
    "dept_head": {"cho_xu_ly", "cho_duyet", "cho_ky", "answers"},
    "dept_staff": {"cho_xu_ly", "answers"},
    "commune_clerk": {"pending", "cho_xu_ly", "cho_phat_hanh", "paper", "answers"},
    "outsider": {"cho_xu_ly", "answers"},
}


def make_work():
    """A piece of work in each queue: a draft before the Nội vụ head, one before the Chủ tịch, one signed for the
    district clerk to issue, an issued letter waiting in the communes' "Chờ vào sổ", a meeting they must answer."""
    from documents.outgoing import services as outgoing
    from tests.documents.meeting_builders import scheduled
    from tests.documents.outgoing_builders import drafted, issued, signed
    from tests.idesk.factories import user

    outgoing.submit_draft(author=user("cv1.noivu"), draft=drafted("cv1.noivu", summary="V/v báo cáo biên chế"))
    in_review = outgoing.submit_draft(author=user("cv1.vp"), draft=drafted("cv1.vp", summary="V/v lịch tiếp dân"))
    outgoing.review_draft(head=user("truong.vp"), draft=in_review, approve=True)
    signed(summary="V/v kiểm tra cuối năm")
    issued(summary="V/v triển khai iDesk")
    scheduled()


work_rows = module_rows(make_work)  # made once for the module's tests, which only read them


@pytest.fixture
def work(work_rows, db):
    return work_rows


DESK_STRIP = re.compile(r'<nav id="desk-queues"[^>]*hx-swap-oob="true">.*?</nav>', re.S)


def _desk_strip(fragment: str) -> str:
    """Bàn làm việc's strip of queues as the badges' request sends it (out of band)."""
    return DESK_STRIP.search(fragment).group(0)


def _listed(response) -> int:
    """How many rows the opened list holds, counted from its rows (not from a count the page was handed)."""
    context = response.context
    if "page" in context and isinstance(context["page"], Page):
        return context["page"].paginator.object_list.count()
    return len(context["rows"])  # Lịch họp's upcoming meetings


@pytest.mark.parametrize("name", PERSONAS)
def test_each_badge_is_the_count_of_the_list_it_opens(request, name, work):
    user = request.getfixturevalue(name)
    client = client_as(user)
    page = _desk_strip(client.get("/dieu-huong/dem/?tabs=desk", HTTP_HX_REQUEST="true").content.decode())
    badges = {key: (url.replace("&amp;", "&"), int(n)) for url, key, n in BADGE.findall(page)}

    assert EXPECTED_KEYS[name] <= badges.keys() <= EXPECTED_KEYS[name] | {"qua_han"}
    for key, (url, count) in badges.items():
        response = client.get(url)
        assert response.status_code == 200, (name, key, url)
        assert _listed(response) == count, (name, key, url)


def test_the_work_is_counted_in_the_queues_of_those_it_waits_for(
    work, chairman, dept_head, district_clerk, commune_clerk
):
    # Otherwise the test above would compare zeros with zeros.
    def counts(user):
        return {q.key: q.count for q in queues_for(user)}

    assert counts(chairman)["cho_ky"] >= 1
    assert counts(dept_head)["cho_duyet"] >= 1
    assert counts(district_clerk)["cho_phat_hanh"] >= 1
    assert counts(commune_clerk)["pending"] >= 1
    assert counts(commune_clerk)["answers"] >= 1


@pytest.mark.parametrize("name", PERSONAS)
def test_the_counts_take_one_query_whatever_the_role(db, request, name, django_assert_num_queries):
    user = request.getfixturevalue(name)
    with django_assert_num_queries(1):
        queues_for(user)


def test_a_page_lists_the_queues_uncounted_and_fetches_the_badges_after_it(district_clerk):
    client = client_as(district_clerk)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        page = client.get("/documents/incoming/?box=cho_xu_ly").content.decode()
    # The queues' links are there at once, without counts, and the page asks for the badges after itself.
    assert 'data-queue="pending"' in page and 'data-queue="paper"' in page
    assert 'data-testid="queue-count"' not in page
    assert 'hx-get="/dieu-huong/dem/?tabs=incoming"' in page
    # The page counts its own list only: its tabs' badges and the other queues come with the badges' request.
    counts = [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"].upper()]
    assert len(counts) == 1 and "documents_incomingrecord" in counts[0] and "counted_0" not in counts[0]
    tabs = dict(re.findall(r'<span id="tab-count-(\w+)" class="badge[^"]*">(\d*)</span>', page))
    assert tabs == {
        "so": "",
        "cho_xu_ly": tabs["cho_xu_ly"],
        "dang_xu_ly": "",
        "qua_han": "",
        "da_xong": "",
        "de_biet": "",
        "pending": "",
    }
    assert tabs["cho_xu_ly"].isdigit()
    # Nor the unread notifications: the bell is there without its count, which arrives with the badges.
    assert not any("idesk_notification" in q["sql"] for q in queries.captured_queries)
    bell = re.search(r'<a id="bell"[^>]*>.*?</a>', page, re.S).group(0)
    assert "hx-get" not in bell and "idesk-bell-badge" not in bell


@pytest.mark.parametrize("name", PERSONAS)
def test_the_badges_request_counts_each_queue_for_the_navigation_and_bàn_làm_việc(
    request, name, work, django_assert_max_num_queries
):
    from idesk.models import Notification

    user = request.getfixturevalue(name)
    client = client_as(user)
    expected = {q.key: str(q.count) for q in queues_for(user)}
    # Bàn làm việc shows its strip of queues uncounted, as the navigation's, and asks for the badges with it.
    home = client.get("/").content.decode()
    assert 'data-testid="queue-count"' not in home and 'id="desk-queues"' in home
    assert re.findall(r'hx-get="(/dieu-huong/dem/[^"]*)"', home) == ["/dieu-huong/dem/?tabs=desk"]
    here = "/documents/incoming/?box=cho_xu_ly"
    with django_assert_max_num_queries(6):  # session, user, the counts, the bell's (and the access record's)
        fragment = client.get(
            "/dieu-huong/dem/?tabs=desk", HTTP_HX_REQUEST="true", HTTP_HX_CURRENT_URL=f"http://testserver{here}"
        ).content.decode()
    strip = _desk_strip(fragment)
    assert {key: n for _url, key, n in BADGE.findall(strip)} == expected
    sidebar = fragment.replace(strip, "")
    assert {key: n for _url, key, n in BADGE.findall(sidebar)} == expected
    # Each group's list replaces the page's uncounted one, and the page's own queue stays marked as current.
    assert sidebar.count('hx-swap-oob="true"') == sidebar.count("<ul ") + 1  # and the bell
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True).count()
    bell = BELL.search(fragment).group(1)
    assert bell == (f"Thông báo: {unread} chưa đọc" if unread else "Thông báo: không có thông báo mới")
    assert 'id="nav-queues-incoming"' in fragment
    assert f'href="{here.replace("&", "&amp;")}" data-queue="cho_xu_ly" aria-current="page"' in fragment
    # Another page's badges do not send the strip.
    assert 'id="desk-queues"' not in client.get("/dieu-huong/dem/", HTTP_HX_REQUEST="true").content.decode()


def test_a_page_without_tabs_asks_for_the_badges_alone(district_clerk):
    client = client_as(district_clerk)
    for url in ("/documents/search/?q=kế+hoạch", "/units/", "/documents/incoming/arrivals/"):
        page = client.get(url).content.decode()
        asked = re.findall(r'hx-get="(/dieu-huong/dem/[^"]*)"', page)
        assert asked == (["/dieu-huong/dem/?tabs=incoming"] if "arrivals" in url else ["/dieu-huong/dem/"]), url


@pytest.mark.parametrize("name", PERSONAS)
def test_the_badges_request_counts_the_pages_tabs_as_their_lists_count(request, name, work):
    user = request.getfixturevalue(name)
    client = client_as(user)
    clerk = "clerk" in name  # a clerk's strips carry one more badge: Chờ vào sổ, Bản giấy cần gửi
    for group, list_url, param, keys, clerks_own in (
        ("incoming", "/documents/incoming/", "box", incoming_selectors.box_keys(user), "pending"),
        ("outgoing", "/documents/outgoing/", "tab", outgoing_selectors.visible_tabs(user), "paper"),
    ):
        with CaptureQueriesContext(connection) as queries:
            fragment = client.get("/dieu-huong/dem/", {"tabs": group}, HTTP_HX_REQUEST="true").content.decode()
        # The tabs are counted in the navigation's one statement, not in one of their own.
        assert sum("counted_0" in q["sql"] for q in queries.captured_queries) == 1
        badges = dict(TAB_BADGE.findall(fragment))
        # Each of the page's tabs, and no other (an out-of-band swap needs its target on the page).
        assert set(badges) == set(keys) | ({clerks_own} if clerk else set()), group
        for key in keys:
            listed = client.get(list_url, {param: key}).context["page"].paginator.count
            assert badges[key] == str(listed), (group, key)
    # An unknown group asks for no tab.
    assert not TAB_BADGE.findall(client.get("/dieu-huong/dem/", {"tabs": "globals"}).content.decode())


def test_a_signed_out_visitor_has_no_queues(client, db):
    from django.contrib.auth.models import AnonymousUser

    assert queues_for(AnonymousUser()) == []
