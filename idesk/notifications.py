"""Notifications: who is told what about each event, in-app and (by preference) by e-mail.

Everything here runs in the worker, never in the request that caused it. Each message carries a dedup key
naming the event it came from; a (recipient, key) pair is stored once, so a task that runs twice, or is retried
after a failure, adds nothing and sends no second e-mail. E-mails are claimed row by row before sending.

Confidential documents (độ mật) are never named in a notification: title and body say only that there is a
confidential document, and the e-mail says only "Có văn bản mật mới" with the link.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.urls import NoReverseMatch, Resolver404, resolve, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import DEFAULT_CHANNEL, Channel, NotificationKind, NotificationPreference, Role, User
from documents.models import (
    Assignment,
    AssignmentRole,
    AssignmentStatus,
    Delivery,
    DeliveryStatus,
    Document,
    IncomingRecord,
    Secrecy,
    Urgency,
)
from idesk import compliance
from idesk.models import Notification
from units.calendar import WorkCalendar

log = logging.getLogger(__name__)

CONFIDENTIAL_TITLE = gettext_lazy("Có văn bản mật mới")
_SECRET_DRAFT = gettext_lazy("dự thảo văn bản mật")


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


# --- Words and links ------------------------------------------------------------------------------------------


def _url(candidates: list[tuple[str, list]]) -> str:
    """The first route that exists: documents' pages are being built, and a missing one must not fail a task."""
    for name, args in candidates:
        try:
            return reverse(name, args=args)
        except NoReverseMatch:
            continue
    return reverse("home")


def record_url(record_id: int) -> str:
    return _url([("documents:incoming_detail", [record_id]), ("documents:incoming_list", [])])


def _vndate(day: datetime.date | None) -> str:
    return date_format(day, "d/m/Y") if day else ""


def doc_label(document: Document) -> str:
    """How a message names a document: number-symbol and summary, never for a confidential one."""
    if document.is_confidential:
        return _("Văn bản mật")
    summary = document.summary if len(document.summary) <= 140 else document.summary[:139] + "…"
    return f"{document.number_symbol} — {summary}" if document.number_symbol else summary


def _urgency_prefix(document: Document) -> str:
    if document.is_confidential or document.urgency == Urgency.NORMAL:
        return ""
    return f"[{document.get_urgency_display()}] "


def _leads_of_units(unit_ids: Iterable[int]) -> dict[int, list[int]]:
    """Per unit, who answers for its work: the head, else the deputies, else the clerk (one query)."""
    rank = {Role.HEAD: 0, Role.LEADER: 0, Role.DEPUTY_HEAD: 1, Role.CLERK: 2}
    best: dict[int, tuple[int, list[int]]] = {}
    for user_id, unit_id, role in User.objects.filter(
        unit_id__in=set(unit_ids), is_active=True, role__in=list(rank)
    ).values_list("id", "unit_id", "role"):
        r = rank[role]
        current = best.get(unit_id)
        if current is None or r < current[0]:
            best[unit_id] = (r, [user_id])
        elif r == current[0]:
            current[1].append(user_id)
    return {unit_id: ids for unit_id, (_rank, ids) in best.items()}


def _clerk_of(unit_id: int) -> list[int]:
    return list(User.objects.filter(unit_id=unit_id, role=Role.CLERK, is_active=True).values_list("id", flat=True))


def _assignment_recipients(assignments: list[Assignment]) -> dict[int, list[int]]:
    """Who acts on each assignment: the person it is given to, or the leads of the unit (one query at most)."""
    unit_ids = {a.assignee_unit_id for a in assignments if a.assignee_user_id is None and a.assignee_unit_id}
    leads = _leads_of_units(unit_ids) if unit_ids else {}
    return {
        a.id: [a.assignee_user_id] if a.assignee_user_id else leads.get(a.assignee_unit_id, []) for a in assignments
    }


def _assignment(assignment_id: int) -> Assignment | None:
    return (
        Assignment.objects.select_related("record__document", "assignee_unit", "assignee_user", "assigned_by")
        .filter(pk=assignment_id)
        .first()
    )


# --- Events from documents (documents.core.notify.later) ----------------------------------------------------------


def on_incoming_registered(record_id: int, **_ids) -> list[Message]:
    record = IncomingRecord.objects.select_related("document").filter(pk=record_id).first()
    if record is None:
        return []
    doc = record.document
    title = _("%(urgent)sVăn bản đến số %(n)s: %(label)s") % {
        "urgent": _urgency_prefix(doc),
        "n": record.arrival_number,
        "label": doc_label(doc),
    }
    body = "" if record.confidential else _("Cơ quan ban hành: %(issuer)s.") % {"issuer": doc.issuer_name}
    heads = [
        uid
        for uid in User.objects.filter(unit_id=record.unit_id, role=Role.HEAD, is_active=True).values_list(
            "id", flat=True
        )
        if uid != record.registered_by_id
    ]
    return [
        Message(
            uid,
            NotificationKind.INCOMING,
            title,
            f"incoming:{record.pk}",
            body,
            record_url(record.pk),
            record.confidential,
        )
        for uid in heads
    ]


def on_submitted(record_id: int, user_id: int | None = None, **_ids) -> list[Message]:
    record = IncomingRecord.objects.select_related("document", "unit").filter(pk=record_id).first()
    if record is None:
        return []
    leader_id = user_id or record.submitted_to_id
    if leader_id is None:
        return []
    doc = record.document
    stamp = int(record.submitted_at.timestamp()) if record.submitted_at else 0  # a later re-submission tells again
    title = _("%(urgent)sTrình xin ý kiến chỉ đạo: %(label)s") % {
        "urgent": _urgency_prefix(doc),
        "label": doc_label(doc),
    }
    body = (
        ""
        if record.confidential
        else _("Văn bản đến số %(n)s của %(unit)s, cơ quan ban hành: %(issuer)s.")
        % {"n": record.arrival_number, "unit": record.unit.name, "issuer": doc.issuer_name}
    )
    return [
        Message(
            leader_id,
            NotificationKind.SUBMITTED,
            title,
            f"submitted:{record.pk}:{stamp}",
            body,
            record_url(record.pk),
            record.confidential,
        )
    ]


def _assignment_text(a: Assignment) -> tuple[str, str]:
    doc = a.record.document
    title = _("%(urgent)s%(role)s: %(label)s") % {
        "urgent": _urgency_prefix(doc),
        "role": a.get_role_display(),
        "label": doc_label(doc),
    }
    parts = []
    if a.due_date:
        parts.append(_("Hạn xử lý: %(d)s.") % {"d": _vndate(a.due_date)})
    if a.assigned_by_id:
        parts.append(_("Người phân công: %(name)s.") % {"name": a.assigned_by})
    return title, " ".join(parts)


def on_assigned(assignment_id: int, **_ids) -> list[Message]:
    a = _assignment(assignment_id)
    if a is None:
        return []
    title, body = _assignment_text(a)
    recipients = _assignment_recipients([a])[a.id]
    return [
        Message(
            uid,
            NotificationKind.ASSIGNED,
            title,
            f"assigned:{a.pk}",
            body,
            record_url(a.record_id),
            a.record.confidential,
        )
        for uid in recipients
    ]


def on_delegated(assignment_id: int, **_ids) -> list[Message]:
    a = _assignment(assignment_id)
    if a is None or a.assignee_user_id is None:
        return []
    title, body = _assignment_text(a)
    return [
        Message(
            a.assignee_user_id,
            NotificationKind.ASSIGNED,
            _("Được giao xử lý — %(title)s") % {"title": title},
            f"delegated:{a.pk}:{a.assignee_user_id}",
            body,
            record_url(a.record_id),
            a.record.confidential,
        )
    ]


def on_delivered(delivery_id: int, **_ids) -> list[Message]:
    d = Delivery.objects.select_related("document", "sender_unit").filter(pk=delivery_id).first()
    if d is None or not d.electronic:
        return []
    doc = d.document
    title = _("%(urgent)sVăn bản mới từ %(sender)s: %(label)s") % {
        "urgent": _urgency_prefix(doc),
        "sender": d.sender_unit.name,
        "label": doc_label(doc),
    }
    if doc.is_confidential:
        title = str(CONFIDENTIAL_TITLE)
    body = _("Văn bản đang chờ vào sổ của đơn vị.")
    url = _url([("documents:delivery_detail", [d.pk]), ("documents:deliveries", []), ("documents:incoming_list", [])])
    return [
        Message(uid, NotificationKind.DELIVERED, title, f"delivered:{d.pk}", body, url, doc.is_confidential)
        for uid in _clerk_of(d.recipient_unit_id)
    ]


def on_receipt(delivery_id: int, **_ids) -> list[Message]:
    d = Delivery.objects.select_related("document", "recipient_unit", "record").filter(pk=delivery_id).first()
    if d is None or d.status not in (DeliveryStatus.REGISTERED, DeliveryStatus.RETURNED):
        return []
    doc = d.document
    if d.status == DeliveryStatus.REGISTERED:
        title = _("%(unit)s đã vào sổ văn bản %(label)s") % {"unit": d.recipient_unit.name, "label": doc_label(doc)}
        body = _("Số đến: %(n)s.") % {"n": d.record.arrival_number} if d.record else ""
    else:
        title = _("%(unit)s trả lại văn bản %(label)s") % {"unit": d.recipient_unit.name, "label": doc_label(doc)}
        body = "" if doc.is_confidential else _("Lý do: %(r)s") % {"r": d.returned_reason or "—"}
    url = _url([("documents:issued_detail", [doc.pk]), ("documents:outgoing_list", [])])
    return [
        Message(uid, NotificationKind.RECEIPT, title, f"receipt:{d.pk}:{d.status}", body, url, doc.is_confidential)
        for uid in _clerk_of(d.sender_unit_id)
    ]


def on_completed(record_id: int, **_ids) -> list[Message]:
    record = IncomingRecord.objects.select_related("document").filter(pk=record_id).first()
    if record is None:
        return []
    assigners = set(
        Assignment.objects.filter(record_id=record_id, role=AssignmentRole.LEAD).values_list(
            "assigned_by_id", flat=True
        )
    )
    recipients = {uid for uid in [record.submitted_to_id, *assigners] if uid}
    title = _("Đã xử lý xong: %(label)s") % {"label": doc_label(record.document)}
    return [
        Message(
            uid,
            NotificationKind.COMPLETED,
            title,
            f"completed:{record.pk}",
            "",
            record_url(record.pk),
            record.confidential,
        )
        for uid in recipients
    ]


def on_reminder(assignment_id: int, user_id: int | None = None, **_ids) -> list[Message]:
    """Đôn đốc by hand from the document page: once per assignment, sender and day."""
    a = _assignment(assignment_id)
    if a is None or a.status == AssignmentStatus.DONE:
        return []
    sender = User.objects.filter(pk=user_id).first() if user_id else None
    today = timezone.localdate()
    title, body = _assignment_text(a)
    lead = _("%(name)s đôn đốc xử lý.") % {"name": sender} if sender else _("Đôn đốc xử lý.")
    if a.due_date and a.due_date < today:
        late = WorkCalendar(a.due_date, today).working_days_between(a.due_date, today)
        lead += " " + _("Đã quá hạn %(n)d ngày làm việc.") % {"n": late}
    return [
        Message(
            uid,
            NotificationKind.REMINDER,
            _("Đôn đốc — %(title)s") % {"title": title},
            f"reminder:{a.pk}:{user_id or 0}:{today.isoformat()}",
            f"{lead} {body}".strip(),
            record_url(a.record_id),
            a.record.confidential,
        )
        for uid in _assignment_recipients([a])[a.id]
    ]


def on_confidential_duplicate(record_id: int, user_id: int | None = None, **_ids) -> list[Message]:
    """A clerk without a grant tried to register a document that may be this confidential record again: those
    who hold it are told (the clerk was told only that the confidential register may hold a duplicate)."""
    from documents.models import DocumentUserObjectPermission

    record = IncomingRecord.objects.select_related("document").filter(pk=record_id).first()
    if record is None:
        return []
    clerk = User.objects.filter(pk=user_id).first() if user_id else None
    holders = DocumentUserObjectPermission.objects.filter(content_object_id=record.document_id).values_list(
        "user_id", flat=True
    )
    today = timezone.localdate().isoformat()
    title = _("Có thể trùng văn bản mật số đến %(n)s") % {"n": record.arrival_number}
    body = _("%(clerk)s vào sổ một văn bản có thể trùng với văn bản này; hãy kiểm tra với văn thư.") % {
        "clerk": clerk or _("Văn thư")
    }
    # Only those who may open it: `deliver` keeps the holders whose link opens (a grant on another unit's record
    # of the same document does not).
    return [
        Message(
            uid,
            NotificationKind.INCOMING,
            title,
            f"confidential_duplicate:{record.pk}:{user_id or 0}:{today}",
            body,
            record_url(record.pk),
            True,
        )
        for uid in dict.fromkeys(holders)
        if uid != user_id
    ]


def _draft(draft_id: int):
    from documents.models import OutgoingDraft

    return OutgoingDraft.objects.select_related("author", "signer", "unit").filter(pk=draft_id).first()


def _draft_messages(draft, recipients: Iterable[int], title: str, key: str, body: str = "") -> list[Message]:
    url = _url([("documents:draft_detail", [draft.pk]), ("documents:outgoing_list", [])])
    return [
        Message(uid, NotificationKind.DRAFT, title, key, body, url, draft.confidential)
        for uid in dict.fromkeys(recipients)
        if uid
    ]


def _draft_label(draft) -> str:
    if draft.confidential:
        return str(_SECRET_DRAFT)
    return draft.summary if len(draft.summary) <= 140 else draft.summary[:139] + "…"


def on_draft_to_review(draft_id: int, **_ids) -> list[Message]:
    draft = _draft(draft_id)
    if draft is None:
        return []
    heads = _leads_of_units([draft.unit_id]).get(draft.unit_id, [])
    stamp = int(draft.updated_at.timestamp())
    return _draft_messages(
        draft,
        [h for h in heads if h != draft.author_id],
        _("Dự thảo chờ duyệt: %(label)s") % {"label": _draft_label(draft)},
        f"draft_to_review:{draft.pk}:{stamp}",
        _("Người soạn: %(name)s.") % {"name": draft.author},
    )


def on_draft_to_sign(draft_id: int, user_id: int | None = None, **_ids) -> list[Message]:
    draft = _draft(draft_id)
    if draft is None:
        return []
    stamp = int(draft.updated_at.timestamp())
    return _draft_messages(
        draft,
        [user_id or draft.signer_id],
        _("Dự thảo chờ ký duyệt: %(label)s") % {"label": _draft_label(draft)},
        f"draft_to_sign:{draft.pk}:{stamp}",
        _("Đơn vị soạn thảo: %(unit)s; người soạn: %(name)s.") % {"unit": draft.unit, "name": draft.author},
    )


def on_draft_returned(draft_id: int, **_ids) -> list[Message]:
    draft = _draft(draft_id)
    if draft is None:
        return []
    stamp = int(draft.updated_at.timestamp())
    return _draft_messages(
        draft,
        [draft.author_id],
        _("Dự thảo bị trả lại: %(label)s") % {"label": _draft_label(draft)},
        f"draft_returned:{draft.pk}:{stamp}",
        _("Xem ý kiến và sửa lại dự thảo."),
    )


def on_draft_signed(draft_id: int, **_ids) -> list[Message]:
    """Signed: the issuing unit's clerk numbers and dispatches it; the author learns it was signed."""
    draft = _draft(draft_id)
    if draft is None:
        return []
    return _draft_messages(
        draft,
        [*_clerk_of(draft.issuer_unit_id), draft.author_id],
        _("Đã ký duyệt, chờ cấp số và phát hành: %(label)s") % {"label": _draft_label(draft)},
        f"draft_signed:{draft.pk}",
        _("Người ký: %(name)s.") % {"name": draft.signer},
    )


def on_exchange_failed(package_id: int, **_ids) -> list[Message]:
    """Liên thông: a package could not be delivered to a peer system after every attempt (Gửi lỗi)."""
    from documents.exchange.models import Package
    from documents.exchange.services import failure_recipients

    related = ("peer", "delivery__document", "delivery__recipient_unit")
    package = Package.objects.select_related(*related).filter(pk=package_id).first()
    if package is None:
        return []
    delivery = package.delivery
    what = doc_label(delivery.document) if delivery else package.document_id
    to = delivery.recipient_unit.name if delivery else package.to_organ
    title = _("Gửi lỗi liên thông: %(label)s tới %(to)s") % {"label": what, "to": to}
    body = _("Lỗi: %(e)s") % {"e": package.last_error[:300] or "—"}
    url = _url([("documents:issued_detail", [delivery.document_id])] if delivery else [])
    confidential = bool(delivery and delivery.document.is_confidential)
    return [
        Message(uid, NotificationKind.RECEIPT, title, f"exchange_failed:{package.pk}", body, url, confidential)
        for uid in failure_recipients(package)
    ]


def on_recalled(delivery_id: int, **_ids) -> list[Message]:
    d = Delivery.objects.select_related("document", "sender_unit").filter(pk=delivery_id).first()
    if d is None:
        return []
    title = _("%(sender)s thu hồi văn bản: %(label)s") % {"sender": d.sender_unit.name, "label": doc_label(d.document)}
    body = (
        "" if d.document.is_confidential else _("Lý do: %(r)s") % {"r": getattr(d.document, "recall_reason", "") or "—"}
    )
    # Not the delivery's own page: a recalled delivery is no longer waiting there.
    url = _url([("documents:deliveries", []), ("documents:incoming_list", [])])
    return [
        Message(uid, NotificationKind.DELIVERED, title, f"recalled:{d.pk}", body, url, d.document.is_confidential)
        for uid in _clerk_of(d.recipient_unit_id)
    ]


def _meeting(meeting_id: int):
    from documents.models import Meeting

    return Meeting.objects.select_related("invitation", "chair").filter(pk=meeting_id).first()


def _meeting_people(meeting) -> list[int]:
    """Who is told about a meeting: invited people and their deputies; for an invited unit, its head(s) and its
    clerk (who answers for it). Two queries."""
    from documents.models import MeetingInvitee

    people: list[int] = []
    unit_ids: set[int] = set()
    for user_id, unit_id, deputy_id in MeetingInvitee.objects.filter(meeting=meeting).values_list(
        "user_id", "unit_id", "deputy_id"
    ):
        if user_id:
            people.append(user_id)
        elif unit_id:
            unit_ids.add(unit_id)
        if deputy_id:
            people.append(deputy_id)
    if unit_ids:
        leads = _leads_of_units(unit_ids)
        clerks = User.objects.filter(unit_id__in=unit_ids, role=Role.CLERK, is_active=True).values_list("id", flat=True)
        people += [uid for ids in leads.values() for uid in ids] + list(clerks)
    return [uid for uid in dict.fromkeys(people) if uid != meeting.organiser_id]


def _meeting_confidential(meeting) -> bool:
    # A meeting on defence, security or public order, or one whose giấy mời is confidential: never named by e-mail.
    return meeting.restricted or bool(meeting.invitation_id and meeting.invitation.secrecy > Secrecy.NONE)


def _meeting_messages(meeting, recipients: list[int], verb: str, key: str, body: str = "") -> list[Message]:
    secret = _meeting_confidential(meeting)
    when = date_format(timezone.localtime(meeting.start), "H:i d/m/Y")
    subject = _("cuộc họp mật") if secret else meeting.title
    title = _("%(verb)s: %(subject)s, %(when)s") % {"verb": verb, "subject": subject, "when": when}
    if not secret and not body:
        body = _("Địa điểm: %(place)s. Chủ trì: %(chair)s.") % {"place": meeting.place, "chair": meeting.chair}
    url = _url([("documents:meeting_detail", [meeting.pk]), ("meetings", [])])
    return [Message(uid, NotificationKind.MEETING, title, key, body, url, secret) for uid in recipients]


def on_meeting_invited(meeting_id: int, **_ids) -> list[Message]:
    meeting = _meeting(meeting_id)
    if meeting is None:
        return []
    return _meeting_messages(meeting, _meeting_people(meeting), _("Giấy mời họp"), f"meeting_invited:{meeting.pk}")


def on_meeting_changed(meeting_id: int, event_id: int | None = None, **_ids) -> list[Message]:
    meeting = _meeting(meeting_id)
    if meeting is None:
        return []
    return _meeting_messages(
        meeting,
        _meeting_people(meeting),
        _("Thay đổi lịch họp"),
        f"meeting_changed:{meeting.pk}:{event_id or 0}",
        ""
        if _meeting_confidential(meeting)
        else _("Thời gian hoặc địa điểm mới: %(place)s.") % {"place": meeting.place},
    )


def on_meeting_cancelled(meeting_id: int, event_id: int | None = None, **_ids) -> list[Message]:
    meeting = _meeting(meeting_id)
    if meeting is None:
        return []
    return _meeting_messages(
        meeting,
        _meeting_people(meeting),
        _("Hủy cuộc họp"),
        f"meeting_cancelled:{meeting.pk}:{event_id or 0}",
        _("Cuộc họp đã bị hủy."),
    )


def on_meeting_deputy(meeting_id: int, user_id: int | None = None, **_ids) -> list[Message]:
    meeting = _meeting(meeting_id)
    if meeting is None or not user_id:
        return []
    return _meeting_messages(meeting, [user_id], _("Được cử dự họp thay"), f"meeting_deputy:{meeting.pk}:{user_id}")


def meeting_reminders(now: datetime.datetime | None = None) -> int:
    """Remind every invitee before a meeting: the day before and one hour before (IDESK_MEETING_REMINDERS,
    minutes). Idempotent: one reminder per meeting, lead time and start time (a rescheduled meeting is reminded
    again at its new time)."""
    from django.conf import settings

    from documents.models import Meeting, MeetingStatus

    now = now or timezone.now()
    made = 0
    for minutes in sorted(settings.IDESK_MEETING_REMINDERS, reverse=True):
        upcoming = Meeting.objects.filter(
            status=MeetingStatus.SCHEDULED, start__gt=now, start__lte=now + datetime.timedelta(minutes=minutes)
        ).select_related("invitation", "chair")
        label = _("Nhắc lịch họp ngày mai") if minutes >= 12 * 60 else _("Sắp đến giờ họp")
        for meeting in upcoming:
            key = f"meeting_reminder:{meeting.pk}:{minutes}:{meeting.start.isoformat()}"
            made += len(deliver(_meeting_messages(meeting, _meeting_people(meeting), label, key)))
    return made


EVENTS = {
    "incoming_registered": on_incoming_registered,
    "submitted": on_submitted,
    "assigned": on_assigned,
    "delegated": on_delegated,
    "delivered": on_delivered,
    "receipt": on_receipt,
    "completed": on_completed,
    "reminder": on_reminder,
    "recalled": on_recalled,
    "exchange_failed": on_exchange_failed,
    "draft_to_review": on_draft_to_review,
    "draft_to_sign": on_draft_to_sign,
    "draft_returned": on_draft_returned,
    "draft_signed": on_draft_signed,
    "meeting_invited": on_meeting_invited,
    "meeting_changed": on_meeting_changed,
    "meeting_cancelled": on_meeting_cancelled,
    "meeting_deputy": on_meeting_deputy,
    "confidential_duplicate": on_confidential_duplicate,
}


def handle_event(event: str, ids: dict, email: bool = True) -> list[Notification]:
    builder = EVENTS.get(event)
    if builder is None:
        # A newer documents app may send events this worker does not know yet: log, do not fail and retry.
        log.warning("unknown notification event %r %r", event, ids)
        return []
    return deliver(builder(**ids), email=email)


# --- Daily đôn đốc -------------------------------------------------------------------------------------------


REMINDER_BATCH = 2000


def daily_reminders(today: datetime.date) -> int:
    """Remind handlers one working day before a deadline and on every working day after it (once a day).
    Returns how many notifications hold today's reminders (a second run adds none).

    The open assignments are read and told in batches of REMINDER_BATCH: a province keeps tens of thousands open
    past their deadline, and holding them all with their records, documents and notifications took the worker
    past 800 MB. Constant queries per batch: the assignments, their units' leads, the notifications."""
    calendar = WorkCalendar(today - datetime.timedelta(days=366), today + datetime.timedelta(days=40))
    if not calendar.is_working_day(today):
        return 0
    next_working = calendar.add_working_days(today, 1)
    open_assignments = (
        Assignment.objects.exclude(role=AssignmentRole.INFORM)
        .exclude(status=AssignmentStatus.DONE)
        .filter(due_date__isnull=False, due_date__lte=next_working)
        .exclude(due_date=today)  # due today: the day before already said so, and it is not late yet
    )
    ids = list(open_assignments.order_by("pk").values_list("pk", flat=True))
    lateness: dict[datetime.date, int] = {}
    told = 0
    for start in range(0, len(ids), REMINDER_BATCH):
        batch = list(
            Assignment.objects.filter(pk__in=ids[start : start + REMINDER_BATCH]).select_related(
                "record__document", "assigned_by"
            )
        )
        recipients = _assignment_recipients(batch)
        messages = []
        for a in batch:
            title, body = _assignment_text(a)
            if a.due_date > today:
                kind, key = NotificationKind.DUE_SOON, f"due_soon:{a.pk}:{today.isoformat()}"
                title = _("Đến hạn %(d)s — %(title)s") % {"d": _vndate(a.due_date), "title": title}
            else:
                if a.due_date not in lateness:  # counted once per deadline: a year late is 250 days to walk
                    lateness[a.due_date] = calendar.working_days_between(a.due_date, today)
                late = lateness[a.due_date]
                kind, key = NotificationKind.OVERDUE, f"overdue:{a.pk}:{today.isoformat()}"
                title = _("Quá hạn %(n)d ngày làm việc — %(title)s") % {"n": late, "title": title}
            for uid in recipients[a.id]:
                messages.append(Message(uid, kind, title, key, body, record_url(a.record_id), a.record.confidential))
        told += len(deliver(messages))
    return told


# --- Daily e-mail to leadership -----------------------------------------------------------------------------


def breach_report(day: datetime.date) -> list[Notification]:
    """Tell the district leaders which units are in breach on a computed day; nothing when none is."""
    units = compliance.units_in_breach(day)
    if not units:
        return []
    required = compliance.stored_range(day, day)["required"] or compliance.required_visits()
    lines = []
    for u in units:
        parts = [_("văn thư truy cập %(v)d/%(r)d lượt") % {"v": u["visits"], "r": required}]
        if u["unopened"]:
            parts.append(_("%(n)d văn bản chậm mở") % {"n": u["unopened"]})
        if u["overdue"]:
            parts.append(_("%(n)d nhiệm vụ quá hạn") % {"n": u["overdue"]})
        if u["unexcused_absences"]:
            parts.append(_("%(n)d lượt vắng họp không lý do") % {"n": u["unexcused_absences"]})
        lines.append(f"- {u['unit__name']}: " + "; ".join(parts))
    title = _("Ngày %(d)s: %(n)d đơn vị vi phạm quy định truy cập iDesk") % {"d": _vndate(day), "n": len(units)}
    body = "\n".join([_("Các đơn vị không truy cập đủ số lần quy định và có văn bản, nhiệm vụ bị chậm:"), *lines])
    url = reverse("compliance") + f"?from={day.isoformat()}&to={day.isoformat()}"
    leaders = User.objects.filter(role=Role.LEADER, is_active=True).values_list("id", flat=True)
    return deliver(
        [Message(uid, NotificationKind.BREACH, title, f"breach:{day.isoformat()}", body, url) for uid in leaders]
    )
