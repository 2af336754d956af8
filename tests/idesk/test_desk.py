"""Bàn làm việc is a work queue (issue 18): what waits for each persona, most urgent first then by deadline, with
the role's buttons, empty states that say what will appear, a constant number of queries, and a district leader
landing on Chờ xử lý after signing in."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.urls import reverse

from idesk import desk
from tests.conftest import client_as
from tests.idesk.test_navigation import make_work

NOW = dt.datetime(2026, 11, 18, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=7)))
ACTION = re.compile(r'<a class="btn btn-primary btn-sm" href="([^"]+)" data-action>')
QUEUE = re.compile(r'href="([^"]+)" data-queue="([a-z_]+)">')
ITEM = re.compile(
    r'<li class="list-group-item px-0" data-kind="([a-z]+)"><a class="text-body text-decoration-none" href="([^"]+)">'
)


@pytest.fixture
def work(db):
    """A piece of work in each queue (tests/idesk/test_navigation.py), made for each test that asks: this module's
    empty desk must stay empty."""
    make_work()


def _home(user):
    response = client_as(user).get(reverse("home"))
    assert response.status_code == 200
    return response


def test_sorted_by_urgency_then_deadline_with_undated_last():
    def item(urgency, due):
        return desk.WorkItem("record", "", "", "", "", urgency, 0, due, "")

    d1, d2 = dt.date(2026, 11, 20), dt.date(2026, 11, 25)
    items = [item(0, None), item(0, d2), item(2, None), item(0, d1), item(2, d2)]
    assert sorted(items, key=lambda i: i.sort_key) == [
        item(2, d2),
        item(2, None),
        item(0, d1),
        item(0, d2),
        item(0, None),
    ]


@time_machine.travel(NOW, tick=False)
def test_a_staff_members_tasks_are_listed_most_urgent_then_nearest_deadline(dept_staff):
    from tests.idesk.factories import assign, document, record

    noivu = dept_staff.unit
    rows = {}
    for summary, urgency, due in [
        ("V/v thường, hạn xa", 0, dt.date(2026, 12, 1)),
        ("V/v thường, hạn gần", 0, dt.date(2026, 11, 19)),
        ("V/v khẩn, hạn xa", 1, dt.date(2026, 11, 30)),
        ("V/v thường, không hạn", 0, None),
    ]:
        rec = record(document(summary, urgency=urgency), noivu)
        assign(rec, to_user=dept_staff, due=due)
        rows[summary] = reverse("documents:incoming_detail", args=[rec.pk])

    page = _home(dept_staff)
    mine = set(rows.values())  # (the demo data gives this person other work too)
    urls = [url for kind, url in ITEM.findall(page.content.decode()) if kind == "task" and url in mine]
    assert urls == [
        rows["V/v khẩn, hạn xa"],
        rows["V/v thường, hạn gần"],
        rows["V/v thường, hạn xa"],
        rows["V/v thường, không hạn"],
    ]
    keys = [i.sort_key for i in page.context["work"]]
    assert keys == sorted(keys)
    assert "Soạn văn bản" in page.content.decode()


@pytest.mark.usefixtures("work")
def test_each_persona_sees_its_work_and_its_buttons(chairman, district_clerk, dept_head, commune_clerk):
    from documents.models import Delivery, OutgoingDraft

    # The Chủ tịch: the draft before him to sign, his queues Chờ ký and Chờ xử lý; no Vào sổ.
    page = _home(chairman)
    html = page.content.decode()
    to_sign = OutgoingDraft.objects.get(summary="V/v lịch tiếp dân")
    assert ("draft", to_sign.get_absolute_url()) in ITEM.findall(html)
    queues = dict((key, url) for url, key in QUEUE.findall(html))
    assert {"cho_ky", "cho_xu_ly"} <= queues.keys()
    assert reverse("documents:incoming_new") not in ACTION.findall(html)

    # The Nội vụ head: the draft before him to approve.
    html = _home(dept_head).content.decode()
    assert ("draft", OutgoingDraft.objects.get(summary="V/v báo cáo biên chế").get_absolute_url()) in ITEM.findall(html)
    assert "cho_duyet" in dict((k, u) for u, k in QUEUE.findall(html))

    # The district clerk: Vào sổ văn bản đến and Soạn văn bản; the signed draft waiting to be issued.
    html = _home(district_clerk).content.decode()
    assert ACTION.findall(html) == [reverse("documents:incoming_new"), reverse("documents:draft_new")]
    signed = OutgoingDraft.objects.get(summary="V/v kiểm tra cuối năm")
    assert ("draft", signed.get_absolute_url()) in ITEM.findall(html)
    assert "pending" in dict((k, u) for u, k in QUEUE.findall(html))

    # A commune clerk: the issued letter waiting in Chờ vào sổ.
    html = _home(commune_clerk).content.decode()
    arrival = Delivery.objects.get(document__summary="V/v triển khai iDesk", recipient_unit=commune_clerk.unit)
    assert ("delivery", reverse("documents:delivery_detail", args=[arrival.pk])) in ITEM.findall(html)


def test_an_empty_desk_says_what_will_appear_there_for_whom(outsider, chairman):
    html = _home(outsider).content.decode()
    assert "Không có việc nào đang chờ bạn" in html
    assert str(desk.empty_text(outsider)) in html
    assert "dự thảo chờ bạn ký" in str(desk.empty_text(chairman)) and "dự thảo chờ bạn ký" not in html


@pytest.mark.usefixtures("work")
@pytest.mark.parametrize("name", ["chairman", "district_clerk", "dept_head", "commune_clerk"])
def test_the_desk_runs_as_many_queries_with_more_work(request, name, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.documents.outgoing_builders import drafted, issued, signed
    from tests.idesk.factories import assign, document, record

    person = request.getfixturevalue(name)
    client = client_as(person)
    client.get(reverse("home"))  # warm the session and the per-process caches
    with CaptureQueriesContext(connection) as before:
        client.get(reverse("home"))
    for i in range(3):
        signed(summary=f"V/v thêm việc {i}")
        issued(summary=f"V/v thêm văn bản {i}")
        if person.unit_id:
            assign(record(document(f"V/v thêm nhiệm vụ {i}"), person.unit), to_user=person, due=None)
    drafted("cv1.noivu", summary="V/v thêm dự thảo")
    with django_assert_num_queries(len(before.captured_queries)):
        response = client.get(reverse("home"))
    assert len(response.context["work"]) >= 1


def test_a_district_leader_lands_on_cho_xu_ly_and_keeps_a_link_to_the_desk(chairman, dept_head, district_clerk):
    landing = reverse("landing")
    assert client_as(chairman).get(landing)["Location"] == reverse("documents:incoming_list") + "?box=cho_xu_ly"
    for person in (dept_head, district_clerk):
        assert client_as(person).get(landing)["Location"] == reverse("home")
    page = client_as(chairman).get(reverse("documents:incoming_list") + "?box=cho_xu_ly").content.decode()
    assert f'href="{reverse("home")}"' in page
    assert _home(chairman).status_code == 200


def test_signing_in_goes_to_the_landing(chairman):
    from django.test import Client

    response = Client().post(reverse("accounts:login"), {"username": "chutich", "password": "idesk-demo"})
    assert response.status_code == 302 and response["Location"] == reverse("landing")


def test_a_draft_cong_van_is_listed_with_its_v_v(district_clerk):
    """Drafts keep a công văn's subject without "V/v" (the official face prints it): the desk lists it as the other
    lists do, "V/v …" with its capital (issue 18)."""
    from documents.core.models import DocType
    from documents.outgoing import services as outgoing
    from tests.documents.outgoing_builders import drafted
    from tests.idesk.factories import user

    author = user("cv1.vp")
    draft = drafted("cv1.vp", summary="lịch trực tết của văn phòng")
    assert draft.doc_type == DocType.CONG_VAN
    outgoing.submit_draft(author=author, draft=draft)
    html = _home(user("truong.vp")).content.decode()

    assert "V/v lịch trực tết của văn phòng" in html


def test_the_meetings_card_lists_what_is_not_over_yet_that_i_see_soonest_first(commune_clerk, chairman):
    """Cuộc họp sắp tới: scheduled meetings not over yet (one that began yesterday and lasts three days too), the
    soonest first, five at most; not an ended, a cancelled or another commune's meeting."""
    from documents.meetings import selectors
    from documents.meetings import services as meetings
    from tests.helpers import user as who
    from units.models import Unit

    organiser, mine, other = who("vanthu.ubnd"), commune_clerk.unit, Unit.objects.get(code="xa-canh-hiep")

    def meeting(title, start, hours, unit=mine):
        data = meetings.MeetingData(
            title=title, chair=chairman, start=start, end=start + dt.timedelta(hours=hours), place="Hội trường",
            invited_units=[unit],
        )  # fmt: skip
        return meetings.create_meeting(organiser=organiser, data=data)

    with time_machine.travel(NOW - dt.timedelta(days=2), tick=False):
        ended = meeting("Đã họp xong", NOW - dt.timedelta(days=1, hours=3), 2)
        ongoing = meeting("Tập huấn ba ngày", NOW - dt.timedelta(days=1), 72)
        later = [meeting(f"Họp lần {n}", NOW + dt.timedelta(days=n), 2) for n in (6, 2, 5, 3, 4)]
        cancelled = meeting("Sẽ hủy", NOW + dt.timedelta(hours=1), 1)
        elsewhere = meeting("Của xã khác", NOW + dt.timedelta(hours=2), 1, unit=other)
    with time_machine.travel(NOW, tick=False):
        meetings.cancel(user=organiser, meeting=cancelled, reason="Lãnh đạo bận")
        expected = [ongoing, later[1], later[3], later[4], later[2], later[0]]
        assert list(selectors.upcoming(commune_clerk)) == expected
        shown = _home(commune_clerk).context["meetings"]
    assert [m.pk for m in shown] == [m.pk for m in expected[:5]]
    assert not {ended.pk, cancelled.pk, elsewhere.pk} & {m.pk for m in selectors.upcoming(commune_clerk)}
