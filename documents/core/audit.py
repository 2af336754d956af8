"""Append-only audit events and the timeline read from them."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from documents.core.models import AssignmentRole, AuditEvent

# The PostgreSQL trigger of migration documents/0014 lets a transaction that sets this delete events (only the
# benchmark's own rows, through accounts.evidence.erasing); nothing ever updates one.
ERASE_SETTING = "idesk.erase_audit_events"

# verb → how the timeline says it
VERBS = {
    "registered": _("Vào sổ văn bản đến"),
    "received": _("Vào sổ văn bản điện tử"),
    "returned": _("Trả lại văn bản"),
    "submitted": _("Trình"),
    "forwarded": _("Chuyển lãnh đạo khác"),
    "directed": _("Cho ý kiến chỉ đạo"),
    "assigned": _("Phân công"),
    "sent_to_unit": _("Chuyển văn thư đơn vị vào sổ"),
    "unit_completed": _("Đơn vị báo hoàn thành"),
    "delegated": _("Giao xử lý"),
    "opened": _("Đã xem"),
    "noted": _("Cập nhật tiến độ"),
    "completed": _("Hoàn thành"),
    "granted": _("Cấp quyền xem văn bản mật"),
    "handed_over": _("Bàn giao quyền xem văn bản mật"),
    "reminded": _("Đôn đốc"),
    "delivery_opened": _("Đơn vị nhận đã xem"),
    "paper_notice_registered": _("Đơn vị nhận đã vào sổ bản giấy văn bản mật"),
    "drafted": _("Soạn dự thảo"),
    "edited": _("Sửa dự thảo"),
    "draft_submitted": _("Trình duyệt dự thảo"),
    "draft_approved": _("Duyệt dự thảo"),
    "draft_returned": _("Trả lại dự thảo"),
    "draft_signed": _("Ký duyệt"),
    "issued": _("Cấp số và phát hành"),
    "agency_signing_failed": _("Ký số cơ quan không thành công"),
    "agency_signed_again": _("Ký lại chữ ký số cơ quan"),
    "deliveries_released": _("Gửi đến nơi nhận sau khi có chữ ký số cơ quan"),
    "attachment_unsigned": _("Tệp đính kèm không ký số được"),
    "paper_sent": _("Gửi bản giấy"),
    "number_cancelled": _("Hủy số"),
    "recalled": _("Thu hồi văn bản"),
    "recall_acknowledged": _("Xác nhận thu hồi"),
    "copied": _("Sao văn bản"),
    "document_updated": _("Cập nhật văn bản đã phát hành"),
    "meeting_created": _("Lên lịch họp"),
    "meeting_changed": _("Thay đổi thời gian, địa điểm họp"),
    "meeting_cancelled": _("Hủy cuộc họp"),
    "materials_added": _("Thêm tài liệu họp"),
    "material_granted": _("Cấp quyền xem tài liệu mật"),
    "material_opened": _("Đã xem tài liệu họp"),
    "invitation_issued": _("Phát hành giấy mời"),
    "meeting_answered": _("Trả lời giấy mời"),
    "reason_judged": _("Đánh giá lý do vắng"),
    "attendance_recorded": _("Điểm danh"),
}


def object_type_of(obj: models.Model) -> str:
    return obj._meta.model_name


def event(actor, verb: str, obj: models.Model, **data) -> AuditEvent:
    """An audit event about `obj`, not yet saved (to be written with others in one statement)."""
    return AuditEvent(actor=actor, verb=verb, object_type=object_type_of(obj), object_id=obj.pk, data=data)


def record(actor, verb: str, obj: models.Model, **data) -> AuditEvent:
    written = event(actor, verb, obj, **data)
    written.save(force_insert=True)
    return written


def timeline(obj: models.Model) -> list[AuditEvent]:
    """Events of one object, oldest first, with their actors (two queries)."""
    events = list(
        AuditEvent.objects.filter(object_type=object_type_of(obj), object_id=obj.pk)
        .select_related("actor", "actor__unit")
        .order_by("at", "id")
    )
    roles = dict(AssignmentRole.choices)
    for event in events:
        event.label = VERBS.get(event.verb, event.verb)
        if event.verb in ("assigned", "delegated") and event.data.get("role") in roles:
            event.label = f"{event.label} {roles[event.data['role']].lower()}"
    return events
