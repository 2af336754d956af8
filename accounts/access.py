"""Recording visits: a login, or the first request after a gap without requests (founding letter R2)."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.utils import timezone

from accounts.models import AccessEvent, AccessKind, User

SEEN_KEY = "idesk_seen"  # epoch seconds of the user's last request, kept in the session


def record(user: User, kind: str, at: datetime.datetime | None = None) -> None:
    """Write one access event: one INSERT, harmless if an identical one exists."""
    AccessEvent.objects.bulk_create(
        [AccessEvent(user=user, unit_id=user.unit_id, at=at or timezone.now(), kind=kind)],
        ignore_conflicts=True,
    )


def on_request(request) -> None:
    """Count a visit when the previous request is older than the gap.

    The last-request time lives in the session and is rewritten at most once a touch interval,
    so an ordinary request costs no query beyond loading the session and the user.
    """
    now = timezone.now()
    stamp = int(now.timestamp())
    last = request.session.get(SEEN_KEY)
    gap = settings.IDESK_VISIT_GAP_MINUTES * 60
    if last is None or stamp - last >= gap:
        record(request.user, AccessKind.VISIT, now)
        request.session[SEEN_KEY] = stamp
    elif stamp - last >= settings.IDESK_SEEN_TOUCH_SECONDS:
        request.session[SEEN_KEY] = stamp


def on_login(request, user: User) -> None:
    record(user, AccessKind.LOGIN)
    request.session[SEEN_KEY] = int(timezone.now().timestamp())
