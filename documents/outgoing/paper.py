"""The paper rule (founding letter R3): does this delivery still need a paper copy, and why (in one sentence)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext as _

from documents.core import liaison
from documents.core.models import DocType, Document
from documents.outgoing.models import CopyKind, MeetingKind, PaperRule
from units.models import Unit, UnitKind


@dataclass(frozen=True)
class PaperDecision:
    paper_required: bool
    reason: str


def decide(document: Document, recipient: Unit, on: datetime.date, rule: PaperRule | None = None) -> PaperDecision:
    """Decide for one recipient. The first matching case wins; every decision names its case."""
    rule = rule or PaperRule.current()
    if not liaison.on_system(recipient, on, document):
        return PaperDecision(True, _("Gửi bản giấy: đơn vị nhận chưa tham gia hệ thống văn phòng điện tử."))
    if on < rule.effective_date:
        return PaperDecision(
            True,
            _("Gửi bản giấy: trước ngày %(d)s quy định chỉ gửi điện tử chưa áp dụng.")
            % {"d": rule.effective_date.strftime("%d/%m/%Y")},
        )
    # Signers belong to the issuing body, so only a document of UBND huyện carries its leaders' comment.
    from_district = document.issuer_unit is not None and document.issuer_unit.kind == UnitKind.DISTRICT
    if rule.leader_comment_keeps_paper and from_district and document.leader_comment.strip():
        return PaperDecision(True, _("Gửi bản giấy: văn bản có ý kiến của lãnh đạo UBND huyện."))
    if rule.invitations_electronic_only and document.doc_type == DocType.GIAY_MOI:
        return PaperDecision(
            False, _("Chỉ gửi điện tử: giấy mời gửi đơn vị đã dùng hệ thống (%(b)s).") % {"b": rule.basis}
        )
    if document.meeting_kind == MeetingKind.SECURITY and rule.security_meetings_keep_paper:
        return PaperDecision(True, _("Gửi bản giấy: tài liệu họp về quốc phòng, an ninh, trật tự xã hội hoặc họp mật."))
    # Without the security exception, a security meeting's materials are meeting materials like any other.
    if rule.meeting_materials_electronic_only and document.meeting_kind in (MeetingKind.ORDINARY, MeetingKind.SECURITY):
        return PaperDecision(False, _("Chỉ gửi điện tử: tài liệu phục vụ hội họp (%(b)s).") % {"b": rule.basis})
    if rule.copies_electronic_only and document.copy_kind in (CopyKind.SAO_Y, CopyKind.SAO_LUC):
        kind = CopyKind(document.copy_kind).label
        return PaperDecision(
            False, _("Chỉ gửi điện tử: bản %(k)s (%(b)s).") % {"k": str(kind).lower(), "b": rule.basis}
        )
    return PaperDecision(True, _("Gửi kèm bản giấy: loại văn bản này không thuộc diện chỉ gửi điện tử."))
