"""The paper rule: does this delivery still need a paper copy, may its content travel electronically, and why (in
one sentence that names the rule). Founding letter R3 (PaperRule, in versions) and, before it, the state-secret
rule: classified content never travels electronically (Luật Bảo vệ bí mật nhà nước 2018; NĐ30)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from documents.core import liaison
from documents.core.models import DocType, Document, Secrecy
from documents.outgoing.models import CopyKind, MeetingKind, PaperRule
from units.models import Unit, UnitKind

# Named in every classified decision: the law, and the decree whose văn thư rules send it back to that law.
STATE_SECRET_RULE = "Luật Bảo vệ bí mật nhà nước 2018; Nghị định 30/2020/NĐ-CP"


@dataclass(frozen=True)
class PaperDecision:
    paper_required: bool
    reason: str
    # Whether the content (the file) may go through the system; False for classified documents, which travel on
    # paper and of which the system carries at most a notice.
    electronic: bool = True


def classified(secrecy: int) -> bool:
    return secrecy > Secrecy.NONE


def classified_decision(secrecy: int | None, what: str | None = None) -> PaperDecision:
    """Paper only, naming the state-secret rule. `secrecy` None: classified without a recorded degree (a meeting's
    confidential material)."""
    values = {"w": what or _("văn bản"), "r": STATE_SECRET_RULE}
    if secrecy is None:
        reason = _("Gửi bản giấy: %(w)s, nội dung bí mật nhà nước không gửi qua hệ thống (%(r)s).") % values
    else:
        values["s"] = str(Secrecy(secrecy).label)
        reason = _("Gửi bản giấy: %(w)s độ %(s)s, nội dung bí mật nhà nước không gửi qua hệ thống (%(r)s).") % values
    return PaperDecision(True, reason, electronic=False)


def decide(
    document: Document,
    recipient: Unit,
    on: datetime.date,
    rule: PaperRule | None = None,
    *,
    district_leader_comment: bool = False,
) -> PaperDecision:
    """Decide for one recipient. The first matching case wins; every decision names its case and its rule.

    `district_leader_comment`: the document reaches the recipient with a comment of the district's leaders that
    is not on the document itself (an incoming document the Chủ tịch directs to units through their clerks)."""
    rule = rule or PaperRule.current(on)
    basis = {"b": rule.basis}
    if classified(document.secrecy):
        return classified_decision(document.secrecy)
    if not liaison.on_system(recipient, on, document):
        return PaperDecision(
            True, _("Gửi bản giấy: đơn vị nhận chưa tham gia hệ thống văn phòng điện tử (%(b)s).") % basis
        )
    if on < rule.effective_date:
        return PaperDecision(
            True,
            _("Gửi bản giấy: trước ngày %(d)s quy định chỉ gửi điện tử chưa áp dụng (%(b)s).")
            % {"d": rule.effective_date.strftime("%d/%m/%Y"), **basis},
        )
    # Signers belong to the issuing body, so only a document of UBND huyện carries its leaders' comment.
    from_district = document.issuer_unit is not None and document.issuer_unit.kind == UnitKind.DISTRICT
    commented = district_leader_comment or (from_district and bool(document.leader_comment.strip()))
    if rule.leader_comment_keeps_paper and commented:
        return PaperDecision(True, _("Gửi bản giấy: văn bản có ý kiến của lãnh đạo UBND huyện (%(b)s).") % basis)
    if rule.invitations_electronic_only and document.doc_type == DocType.GIAY_MOI:
        return PaperDecision(False, _("Chỉ gửi điện tử: giấy mời gửi đơn vị đã dùng hệ thống (%(b)s).") % basis)
    if document.meeting_kind == MeetingKind.SECURITY and rule.security_meetings_keep_paper:
        return PaperDecision(
            True, _("Gửi bản giấy: tài liệu họp về quốc phòng, an ninh, trật tự xã hội hoặc họp mật (%(b)s).") % basis
        )
    # Without the security exception, a security meeting's materials are meeting materials like any other.
    if rule.meeting_materials_electronic_only and document.meeting_kind in (MeetingKind.ORDINARY, MeetingKind.SECURITY):
        return PaperDecision(False, _("Chỉ gửi điện tử: tài liệu phục vụ hội họp (%(b)s).") % basis)
    if rule.copies_electronic_only and document.copy_kind in (CopyKind.SAO_Y, CopyKind.SAO_LUC):
        kind = CopyKind(document.copy_kind).label
        return PaperDecision(False, _("Chỉ gửi điện tử: bản %(k)s (%(b)s).") % {"k": str(kind).lower(), **basis})
    return PaperDecision(
        True, _("Gửi kèm bản giấy: loại văn bản này không thuộc diện chỉ gửi điện tử (%(b)s).") % basis
    )


def decide_all(document: Document, recipients: Iterable[Unit], on: datetime.date) -> list[tuple[Unit, PaperDecision]]:
    """The decision for each recipient under the version in force on `on`: what issuing stores, and what the draft
    page previews before the number is taken (the same call, so the preview is the decision)."""
    rule = PaperRule.current(on)
    return [(unit, decide(document, unit, on, rule)) for unit in recipients]


@dataclass
class PaperLine:
    """Recipients that get the same decision, for a page: the reason once, then the units."""

    paper_required: bool
    reason: str
    electronic: bool = True
    units: list[str] = field(default_factory=list)


def grouped(decisions: Iterable[tuple[Unit, PaperDecision]]) -> list[PaperLine]:
    """Group per-recipient decisions by decision, in the recipients' order (paper first on the page)."""
    lines: dict[tuple[bool, str], PaperLine] = {}
    for unit, d in decisions:
        key = (d.paper_required, d.reason)
        lines.setdefault(key, PaperLine(d.paper_required, d.reason, d.electronic)).units.append(unit.name)
    return sorted(lines.values(), key=lambda line: not line.paper_required)
