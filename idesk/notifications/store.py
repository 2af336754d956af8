"""Storing notifications once, sending the e-mails owed for them, and the bell's reading and marking."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import DEFAULT_CHANNEL, Channel, NotificationKind, NotificationPreference, User
from idesk.models import Notification

log = logging.getLogger(__name__)


CONFIDENTIAL_TITLE = gettext_lazy("Có văn bản mật mới")


SECRET_DRAFT = gettext_lazy("dự thảo văn bản mật")


@dataclass(frozen=True)
class Message:
    recipient_id: int
    kind: str
    title: str
    dedup_key: str
    body: str = ""
    url: str = ""
    confidential: bool = False


# --- Storing and sending -------------------------------------------------------------------------------------


def email_channels(user_ids: Iterable[int], kinds: Iterable[str]) -> dict[tuple[int, str], str]:
    """Saved choices for these users and kinds (one query); missing pairs use DEFAULT_CHANNEL."""
    return {
        (user_id, kind): channel
        for user_id, kind, channel in NotificationPreference.objects.filter(
            user_id__in=set(user_ids), kind__in=set(kinds)
        ).values_list("user_id", "kind", "channel")
    }


def deliver(messages: list[Message], email: bool = True) -> list[Notification]:
    """Store each message once, then send the e-mails still owed for them. Safe to call again with the same.
    With email=False the notifications are stored for the bell only (the demo seeding: nobody is written to)."""
    if not messages:
        return []
    unique = list({(m.recipient_id, m.dedup_key): m for m in messages}.values())
    recipients = {
        u["id"]: u
        for u in User.objects.filter(id__in={m.recipient_id for m in unique}, is_active=True).values("id", "email")
    }
    unique = [m for m in unique if m.recipient_id in recipients]
    unique = [m for m in unique if not m.confidential] + openable([m for m in unique if m.confidential])
    if not unique:
        return []
    chosen = email_channels(recipients, {m.kind for m in unique})
    now = timezone.now()
    Notification.objects.bulk_create(
        [
            Notification(
                recipient_id=m.recipient_id,
                kind=m.kind,
                title=m.title[:255],
                body=m.body,
                url=m.url[:500],
                dedup_key=m.dedup_key[:120],
                confidential=m.confidential,
                created_at=now,
                email_wanted=email
                and bool(recipients[m.recipient_id]["email"])
                and chosen.get((m.recipient_id, m.kind), DEFAULT_CHANNEL.get(m.kind, Channel.IN_APP)) == Channel.EMAIL,
            )
            for m in unique
        ],
        ignore_conflicts=True,  # already told: the unique (recipient, dedup_key) makes this a no-op
    )
    wanted = {(m.recipient_id, m.dedup_key[:120]) for m in unique}
    stored = [
        n
        for n in Notification.objects.filter(
            recipient_id__in={m.recipient_id for m in unique}, dedup_key__in={k for _, k in wanted}
        ).select_related("recipient")
        if (n.recipient_id, n.dedup_key) in wanted
    ]
    send_pending_emails(stored)
    return stored


def openable(messages: list[Message]) -> list[Message]:
    """The messages whose link their recipient may open (the documents policy decides): a confidential
    notification never reaches someone its page would answer with 404. One query per message."""
    from documents.core import policy as core_policy
    from documents.incoming import policy as incoming_policy
    from documents.meetings import policy as meetings
    from documents.outgoing import policy

    checks = {
        "incoming_detail": lambda u, pk: incoming_policy.visible_to(u).filter(pk=pk).exists(),
        "delivery_detail": lambda u, pk: core_policy.deliveries.visible_to(u).filter(pk=pk).exists(),
        "draft_detail": lambda u, pk: policy.drafts.visible_to(u).filter(pk=pk).exists(),
        "issued_detail": lambda u, pk: policy.issued.visible_to(u).filter(pk=pk).exists(),
        "meeting_detail": lambda u, pk: meetings.visible_to(u).filter(pk=pk).exists(),
    }
    if not messages:
        return []
    users = User.objects.select_related("unit").in_bulk({m.recipient_id for m in messages})
    kept = []
    for m in messages:
        try:
            match = resolve(urlsplit(m.url).path) if m.url else None
        except Resolver404:
            match = None
        check = checks.get(match.url_name) if match and match.namespace == "documents" else None
        if check is None or check(users[m.recipient_id], match.kwargs["pk"]):
            kept.append(m)
    return kept


def send_pending_emails(notifications: Iterable[Notification]) -> int:
    """Send the e-mails still owed; each is claimed first so two workers never send the same one.

    A failed send releases its claim and the error is raised after the others are tried, so the queue retries
    the task and only the unsent e-mails go out again.
    """
    sent = 0
    error: Exception | None = None
    for n in notifications:
        if not n.email_wanted or n.emailed_at is not None:
            continue
        claimed = Notification.objects.filter(pk=n.pk, emailed_at__isnull=True).update(emailed_at=timezone.now())
        if not claimed:
            continue
        try:
            email_for(n).send(fail_silently=False)
            sent += 1
        except Exception as exc:  # SMTP down, refused address…: release the claim and let the queue retry
            Notification.objects.filter(pk=n.pk).update(emailed_at=None)
            log.warning("e-mail for notification %s failed: %s", n.pk, exc)
            error = error or exc
    if error is not None:
        raise error
    return sent


def absolute(url: str) -> str:
    if not url:
        return settings.IDESK_SITE_URL + "/"
    return url if url.startswith(("http://", "https://")) else settings.IDESK_SITE_URL + url


def email_for(n: Notification) -> EmailMessage:
    link = absolute(reverse("notification_open", args=[n.pk]))
    prefs = absolute(reverse("notification_preferences"))
    if n.confidential:
        # Nothing about the document: not its number, summary, sender or deadline.
        subject = str(CONFIDENTIAL_TITLE)
        lines = [str(CONFIDENTIAL_TITLE) + ".", "", _("Đăng nhập iDesk để xem: %(url)s") % {"url": link}]
    else:
        subject = n.title
        lines = [n.title, ""]
        if n.body:
            lines += [n.body, ""]
        lines.append(_("Xem chi tiết: %(url)s") % {"url": link})
    lines += [
        "",
        "—",
        _("Thư gửi tự động từ iDesk · %(site)s. Thay đổi cách nhận thông báo: %(url)s")
        % {"site": settings.IDESK_SITE_NAME, "url": prefs},
    ]
    return EmailMessage(subject=f"[iDesk] {subject}"[:200], body="\n".join(lines), to=[n.recipient.email])


# --- Reading and marking (the bell and the list) -------------------------------------------------------------


def unread_count(user: User) -> int:
    """One indexed COUNT on the partial index of unread rows."""
    return Notification.objects.filter(recipient_id=user.pk, read_at__isnull=True).count()


def mark_read(user: User, pk: int) -> Notification | None:
    """Mark one of the user's notifications read (no-op if it already is); None if it is not theirs."""
    notification = Notification.objects.filter(recipient_id=user.pk, pk=pk).first()
    if notification is not None and notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=pk, read_at__isnull=True).update(read_at=notification.read_at)
    return notification


def mark_all_read(user: User) -> int:
    return Notification.objects.filter(recipient_id=user.pk, read_at__isnull=True).update(read_at=timezone.now())


def save_preferences(user: User, choices: dict[str, str]) -> None:
    """Replace the user's choices (one transaction)."""
    with transaction.atomic():
        NotificationPreference.objects.filter(user=user).delete()
        NotificationPreference.objects.bulk_create(
            [NotificationPreference(user=user, kind=kind, channel=channel) for kind, channel in choices.items()]
        )


def preferences_of(user: User) -> dict[str, str]:
    saved = dict(NotificationPreference.objects.filter(user=user).values_list("kind", "channel"))
    return {kind: saved.get(kind, DEFAULT_CHANNEL.get(kind, Channel.IN_APP)) for kind in NotificationKind.values}
