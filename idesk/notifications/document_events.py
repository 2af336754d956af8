"""Who is told what about incoming records, assignments, deliveries and drafts (events from documents)."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import NotificationKind, Role, User
from documents.models import (
    Assignment,
    AssignmentRole,
    AssignmentStatus,
    Delivery,
    DeliveryStatus,
    IncomingRecord,
)
from idesk.notifications.store import CONFIDENTIAL_TITLE, SECRET_DRAFT, Message
from idesk.notifications.words import (
    assignment_by_id,
    assignment_recipients,
    clerk_of,
    doc_label,
    leads_of_units,
    link_to,
    record_url,
    urgency_prefix,
    vn_date,
)
from units.calendar import WorkCalendar

# --- Events from documents (documents.core.notify.later) ----------------------------------------------------------


def on_incoming_registered(record_id: int, **_ids) -> list[Message]:
    record = IncomingRecord.objects.select_related("document").filter(pk=record_id).first()
    if record is None:
        return []
    doc = record.document
    title = _("%(urgent)sVăn bản đến số %(n)s: %(label)s") % {
        "urgent": urgency_prefix(doc),
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
        "urgent": urgency_prefix(doc),
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


def assignment_text(a: Assignment) -> tuple[str, str]:
    doc = a.record.document
    title = _("%(urgent)s%(role)s: %(label)s") % {
        "urgent": urgency_prefix(doc),
        "role": a.get_role_display(),
        "label": doc_label(doc),
    }
    parts = []
    if a.due_date:
        parts.append(_("Hạn xử lý: %(d)s.") % {"d": vn_date(a.due_date)})
    if a.assigned_by_id:
        parts.append(_("Người phân công: %(name)s.") % {"name": a.assigned_by})
    return title, " ".join(parts)


def on_assigned(assignment_id: int, **_ids) -> list[Message]:
    a = assignment_by_id(assignment_id)
    if a is None:
        return []
    title, body = assignment_text(a)
    recipients = assignment_recipients([a])[a.id]
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
    a = assignment_by_id(assignment_id)
    if a is None or a.assignee_user_id is None:
        return []
    title, body = assignment_text(a)
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
    if d is None or not d.electronic or d.status == DeliveryStatus.HELD:  # held: told when released
        return []
    doc = d.document
    title = _("%(urgent)sVăn bản mới từ %(sender)s: %(label)s") % {
        "urgent": urgency_prefix(doc),
        "sender": d.sender_unit.name,
        "label": doc_label(doc),
    }
    if doc.is_confidential:
        title = str(CONFIDENTIAL_TITLE)
    body = _("Văn bản đang chờ vào sổ của đơn vị.")
    url = link_to(
        [("documents:delivery_detail", [d.pk]), ("documents:deliveries", []), ("documents:incoming_list", [])]
    )
    return [
        Message(uid, NotificationKind.DELIVERED, title, f"delivered:{d.pk}", body, url, doc.is_confidential)
        for uid in clerk_of(d.recipient_unit_id)
    ]


def on_document_updated(delivery_id: int, update_id: int | None = None, **_ids) -> list[Message]:
    """Cập nhật văn bản đã phát hành: the receiving unit's clerk, at its record (or the arrival still waiting)."""
    d = Delivery.objects.select_related("document", "sender_unit", "record").filter(pk=delivery_id).first()
    if d is None or not d.electronic or d.status in (DeliveryStatus.RETURNED, DeliveryStatus.RECALLED):
        return []
    doc = d.document
    update = doc.updates.filter(pk=update_id).first() if update_id else doc.updates.order_by("-pk").first()
    title = _("%(sender)s cập nhật văn bản: %(label)s") % {"sender": d.sender_unit.name, "label": doc_label(doc)}
    body = _("Văn bản đã được cập nhật: %(r)s") % {"r": update.reason} if update is not None else ""
    targets = [("documents:delivery_detail", [d.pk]), ("documents:deliveries", [])]
    if d.record is not None:
        targets.insert(0, ("documents:incoming_detail", [d.record.pk]))
    url = link_to([*targets, ("documents:incoming_list", [])])
    return [
        Message(uid, NotificationKind.DELIVERED, title, f"updated:{d.pk}:{update_id}", body, url, False)
        for uid in clerk_of(d.recipient_unit_id)
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
    url = link_to([("documents:issued_detail", [doc.pk]), ("documents:outgoing_list", [])])
    return [
        Message(uid, NotificationKind.RECEIPT, title, f"receipt:{d.pk}:{d.status}", body, url, doc.is_confidential)
        for uid in clerk_of(d.sender_unit_id)
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
    a = assignment_by_id(assignment_id)
    if a is None or a.status == AssignmentStatus.DONE:
        return []
    sender = User.objects.filter(pk=user_id).first() if user_id else None
    today = timezone.localdate()
    title, body = assignment_text(a)
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
        for uid in assignment_recipients([a])[a.id]
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
    url = link_to([("documents:draft_detail", [draft.pk]), ("documents:outgoing_list", [])])
    return [
        Message(uid, NotificationKind.DRAFT, title, key, body, url, draft.confidential)
        for uid in dict.fromkeys(recipients)
        if uid
    ]


def _draft_label(draft) -> str:
    if draft.confidential:
        return str(SECRET_DRAFT)
    return draft.summary if len(draft.summary) <= 140 else draft.summary[:139] + "…"


def on_draft_to_review(draft_id: int, **_ids) -> list[Message]:
    draft = _draft(draft_id)
    if draft is None:
        return []
    heads = leads_of_units([draft.unit_id]).get(draft.unit_id, [])
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
        [*clerk_of(draft.issuer_unit_id), draft.author_id],
        _("Đã ký duyệt, chờ cấp số và phát hành: %(label)s") % {"label": _draft_label(draft)},
        f"draft_signed:{draft.pk}",
        _("Người ký: %(name)s.") % {"name": draft.signer},
    )


def on_draft_issued(draft_id: int, **_ids) -> list[Message]:
    """Issued: its author learns the number and finds the document (the drafts list no longer shows it)."""
    draft = _draft(draft_id)
    if draft is None or draft.document_id is None:
        return []
    document = draft.document
    if document.issued_by_id == draft.author_id:
        return []  # the clerk issued what they drafted themselves (a meeting's giấy mời)
    url = link_to([("documents:issued_detail", [document.pk]), ("documents:outgoing_list", [])])
    title = _("Đã phát hành %(s)s: %(label)s") % {"s": document.number_symbol, "label": _draft_label(draft)}
    return [
        Message(
            draft.author_id, NotificationKind.DRAFT, title, f"draft_issued:{draft.pk}",
            _("Ngày %(d)s.") % {"d": document.issued_date.strftime("%d/%m/%Y")}, url, draft.confidential,
        )
    ]  # fmt: skip


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
    url = link_to([("documents:issued_detail", [delivery.document_id])] if delivery else [])
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
    url = link_to([("documents:deliveries", []), ("documents:incoming_list", [])])
    return [
        Message(uid, NotificationKind.DELIVERED, title, f"recalled:{d.pk}", body, url, d.document.is_confidential)
        for uid in clerk_of(d.recipient_unit_id)
    ]
