"""The private iCalendar feed: parses with `icalendar`, holds what the user may see, dies with its token, and
never tells a subscribed calendar where a restricted meeting is or what it is about."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.urls import reverse
from django.utils import timezone

from documents.meetings import services as meetings
from documents.meetings.calendar_feed import uid_of
from tests.documents.conftest import unit, user
from tests.documents.meeting_builders import local, move_to_past, scheduled

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def feed_url(username: str) -> str:
    return reverse("documents:meeting_feed", args=[meetings.feed_for(user(username)).token])


def events(client, url: str) -> dict[str, icalendar.Event]:
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(response.content)
    return {str(e["SUMMARY"]): e for e in calendar.walk("VEVENT")}


def test_the_feed_parses_and_holds_my_meetings_with_their_times(client, db):
    meeting = scheduled()
    found = events(client, feed_url("vanthu.canhhien"))  # no login: the token is the credential
    event = found[meeting.title]
    assert str(event["UID"]) == uid_of(meeting)
    start, end = event.decoded("DTSTART"), event.decoded("DTEND")
    assert start.tzinfo is not None and start == meeting.start and end == meeting.end
    assert start.astimezone(VN).hour == 8
    assert str(event["LOCATION"]) == "Hội trường UBND huyện"
    assert "Trần Kim Vũ" in str(event["DESCRIPTION"]) and meeting.get_absolute_url() in str(event["DESCRIPTION"])
    assert str(event["STATUS"]) == "CONFIRMED"


def test_the_feed_respects_the_meeting_policy(client, db):
    mine = scheduled()
    hidden = scheduled(
        title="Họp riêng Phòng Nội vụ",
        organiser="vanthu.noivu",
        chair=user("truong.noivu"),
        invited_units=[unit("tu-phap")],
    )
    assert set(events(client, feed_url("vanthu.canhhien"))) == {mine.title}
    assert hidden.title in events(client, feed_url("chutich"))  # leaders see every meeting
    assert hidden.title not in events(client, feed_url("cv1.canhvinh")) and mine.title in events(
        client, feed_url("cv1.canhvinh")
    )
    assert set(events(client, feed_url("cv1.noivu"))) == {hidden.title}  # its unit organises it
    assert events(client, feed_url("cv1.ktht")) == {}


def test_a_restricted_meeting_goes_out_with_its_title_and_time_only(client, db):
    secret = scheduled(
        title="Họp Ban Chỉ đạo bảo đảm an ninh trật tự dịp Tết",
        restricted=True,
        place="Phòng họp số 3, Công an huyện",
        agenda="Phương án bảo vệ mục tiêu trọng điểm",
    )
    response = client.get(feed_url("vanthu.canhhien"))
    assert b"Ph\xc3\xb2ng h\xe1\xbb\x8dp s\xe1\xbb\x91 3" not in response.content  # "Phòng họp số 3", in any folding
    event = events(client, feed_url("vanthu.canhhien"))[secret.title]
    assert "LOCATION" not in event and "DESCRIPTION" not in event and "URL" not in event
    assert str(event["CLASS"]) == "CONFIDENTIAL"
    assert event.decoded("DTSTART") == secret.start
    flat = response.content.decode().replace("\r\n ", "")  # unfold RFC 5545 lines
    assert "Công an huyện" not in flat and "mục tiêu" not in flat


def test_a_cancelled_meeting_is_sent_as_cancelled_and_a_change_raises_its_sequence(client, db):
    meeting = scheduled()
    moved = scheduled(title="Họp sẽ dời giờ")
    day = timezone.localtime(moved.start).date()
    meetings.reschedule(
        user=user("vanthu.ubnd"), meeting=moved, start=local(day, 15), end=local(day, 17), place="Hội trường"
    )
    meetings.cancel(user=user("vanthu.ubnd"), meeting=meeting, reason="Lùi lịch")
    found = events(client, feed_url("vanthu.canhhien"))
    assert str(found[meeting.title]["STATUS"]) == "CANCELLED"
    assert int(found["Họp sẽ dời giờ"]["SEQUENCE"]) == 1
    assert found["Họp sẽ dời giờ"].decoded("DTSTART").astimezone(VN).hour == 15


def test_the_feed_window_is_thirty_days_back_and_half_a_year_ahead(client, db):
    recent = move_to_past(scheduled(title="Họp tuần trước"), days=7)
    old = move_to_past(scheduled(title="Họp ba tháng trước"), days=90)
    far = scheduled(
        title="Họp tổng kết năm sau",
        start=timezone.now() + datetime.timedelta(days=200),
        end=timezone.now() + datetime.timedelta(days=200, hours=2),
    )
    found = events(client, feed_url("vanthu.canhhien"))
    assert recent.title in found and old.title not in found and far.title not in found


def test_a_revoked_or_unknown_token_is_404_and_the_new_one_works(client, db):
    scheduled()
    old = feed_url("vanthu.canhhien")
    meetings.revoke_feed(user=user("vanthu.canhhien"))
    assert client.get(old).status_code == 404
    assert client.get(reverse("documents:meeting_feed", args=["khong-co-token-nay"])).status_code == 404
    assert client.get("/documents/meetings/feed/abc%20def.ics").status_code == 404
    assert len(events(client, feed_url("vanthu.canhhien"))) == 1


def test_a_deactivated_users_feed_stops(client, db):
    url = feed_url("cv1.canhhien")
    person = user("cv1.canhhien")
    person.is_active = False
    person.save(update_fields=["is_active"])
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_the_feed_only_answers_get(client, db, method):
    assert getattr(client, method)(feed_url("vanthu.canhhien")).status_code == 405
