"""The private iCalendar feed of one user's meetings (RFC 5545), for Google, Apple or Thunderbird calendars.

What a subscribed calendar learns is what the user may see, and less: a restricted meeting (quốc phòng, an
ninh, trật tự xã hội, họp mật) goes out with its title and time only — no place, no description, no link.
"""

from __future__ import annotations

import datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.models import User
from documents.core.models import AuditEvent
from documents.meetings import policy
from documents.meetings.models import Meeting

WINDOW_PAST = datetime.timedelta(days=30)
WINDOW_FUTURE = datetime.timedelta(days=180)
PRODID = "-//iDesk//Lich hop//VI"


def uid_of(meeting: Meeting) -> str:
    host = urlsplit(settings.IDESK_SITE_URL).hostname or "idesk"
    return f"meeting-{meeting.pk}@{host}"


def feed_meetings(user: User, now: datetime.datetime | None = None) -> list[Meeting]:
    """Meetings in the window (−30/+180 days) the user may see, cancelled ones too (so calendars drop them)."""
    now = now or timezone.now()
    return list(
        policy.visible_to(user)
        .filter(end__gte=now - WINDOW_PAST, start__lte=now + WINDOW_FUTURE)
        .select_related("chair")
        .annotate(changes=Coalesce(Subquery(_changes()), 0))
        .order_by("start", "id")
    )


def _changes():
    """How many times each meeting was moved: the SEQUENCE calendars use to take the newest version."""
    return (
        AuditEvent.objects.filter(object_type="meeting", object_id=OuterRef("pk"), verb="meeting_changed")
        .order_by()
        .values("object_id")
        .annotate(n=Count("id"))
        .values("n")
    )


def feed_ics(user: User, *, base_url: str) -> bytes:
    from icalendar import Calendar, Event  # here, not with the views: ~1.5 MB that only the feed needs

    tz = timezone.get_current_timezone()
    stamp = timezone.now()
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", f"iDesk — Lịch họp của {user.full_name or user.username}")
    cal.add("x-wr-timezone", str(tz))
    for meeting in feed_meetings(user, stamp):
        event = Event()
        event.add("uid", uid_of(meeting))
        event.add("dtstamp", stamp)
        event.add("dtstart", timezone.localtime(meeting.start, tz))
        event.add("dtend", timezone.localtime(meeting.end, tz))
        event.add("summary", meeting.title)
        event.add("sequence", meeting.changes + (1 if meeting.cancelled else 0))
        event.add("status", "CANCELLED" if meeting.cancelled else "CONFIRMED")
        if meeting.restricted:
            event.add("class", "CONFIDENTIAL")
        else:
            event.add("location", meeting.place)
            lines = [f"Chủ trì: {meeting.chair.full_name}"]
            if meeting.agenda.strip():
                lines.append(meeting.agenda.strip())
            url = f"{base_url}{meeting.get_absolute_url()}"
            lines.append(url)
            event.add("description", "\n".join(lines))
            event.add("url", url)
        cal.add_component(event)
    cal.add_missing_timezones()
    return cal.to_ical()
