"""Our records as edXML packages: an issued outgoing document → the document package its recipients receive."""

from __future__ import annotations

import re
from collections.abc import Sequence

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from documents.core import faces
from documents.core.models import Document, DocumentFile
from documents.exchange.edxml import (
    Attachment,
    Business,
    BusinessDocType,
    DocumentPackage,
    EdxmlError,
    Organ,
    OtherInfo,
    ResponseFor,
    SignerInfo,
    StaffInfo,
    TraceHeader,
    make_document_id,
)
from documents.outgoing.services import attach_official_pdf
from units.models import Unit

# QCVN 102's DocumentType/Type: 1 for a legal normative document, 2 for an administrative one.
TYPE_LEGAL, TYPE_ADMINISTRATIVE = "1", "2"


def organ_of(unit: Unit) -> Organ:
    """A unit as a party of the exchange; one without a mã định danh cannot be one."""
    if not unit.organ_id:
        raise EdxmlError(_("Đơn vị “%(u)s” chưa có mã định danh (QĐ 20/2020).") % {"u": unit.name})
    return Organ(
        organ_id=unit.organ_id,
        organ_name=unit.name,
        organization_in_charge=unit.parent.name if unit.parent_id else "",
        organ_add=unit.address,
        email=unit.email,
        telephone=unit.phone,
    )


def split_code(number_symbol: str) -> tuple[str, str]:
    """`36/2016/QĐ-UBND` → (`36`, `2016/QĐ-UBND`): CodeNumber is the number, CodeNotation the rest."""
    number, _sep, notation = number_symbol.partition("/")
    return number.strip(), notation.strip()


def document_id_of(document: Document) -> str:
    return make_document_id(document.issuer_unit.organ_id, document.issued_date, document.number_symbol)


def _places(recipients_text: str) -> list[str]:
    """The Nơi nhận lines without their dashes and end punctuation."""
    lines = (re.sub(r"^[-+•]\s*|[;.,]\s*$", "", line.strip()) for line in recipients_text.splitlines())
    return [line for line in lines if line]


def _files(document: Document) -> list[DocumentFile]:
    """The official PDF first (the document as issued), then the draft's attachments in their order, each content
    once. The worker may build the package at the very moment issue() attaches the official PDF after its commit:
    should both have attached it, the second row (same content hash, or a second official copy) is left out."""
    official = attach_official_pdf(document)
    chosen, hashes = [official], {official.blob.sha256}
    for f in document.files.select_related("blob").order_by("id"):
        twin = f.name == official.name and f.added_by_id is None and f.blob.content_type == official.blob.content_type
        if f.pk == official.pk or f.blob.sha256 in hashes or twin:
            continue
        hashes.add(f.blob.sha256)
        chosen.append(f)
    return chosen


def _description(position: int, file: DocumentFile) -> str:
    if position == 1:
        return _("Văn bản điện tử")
    if file.update_id:  # added by an update (BussinessDocType 2) after issue
        return _("Tệp bổ sung ngày %(d)s") % {"d": timezone.localtime(file.added_at).strftime("%d/%m/%Y")}
    return _("Tệp đính kèm")


def _read(file: DocumentFile) -> bytes:
    with file.blob.content.open("rb") as stream:
        return stream.read()


def _response_for(document: Document) -> list[ResponseFor]:
    """The incoming document this one answers, when it came from a body with a mã định danh."""
    draft = getattr(document, "draft", None)
    record = draft.reply_to if draft is not None else None
    answered = record.document if record is not None else None
    if answered is None or answered.issuer_unit is None or not answered.issuer_unit.organ_id:
        return []
    return [
        ResponseFor(
            organ_id=answered.issuer_unit.organ_id,
            code=answered.number_symbol,
            promulgation_date=answered.issued_date,
            document_id=(
                make_document_id(answered.issuer_unit.organ_id, answered.issued_date, answered.number_symbol)
                if answered.issued_date
                else ""
            ),
        )
    ]


def package_for_issued(
    issued_document: Document, recipient_units: Sequence[Unit], *, business: Business | None = None
) -> DocumentPackage:
    """The edXML document package of an issued outgoing document for the given recipients: header fields from the
    record, the official PDF and the attachments as attachments, our DocumentId and a TraceHeader."""
    document = issued_document
    if not document.issued_at or not document.number or not document.issuer_unit_id:
        raise EdxmlError(_("Văn bản chưa được cấp số và phát hành."))
    if document.cancelled_at:
        raise EdxmlError(_("Văn bản đã bị hủy số."))
    if document.is_confidential:  # classified content never crosses the network (Luật Bảo vệ bí mật nhà nước 2018)
        raise EdxmlError(_("Văn bản mật chỉ gửi bản giấy, không gửi liên thông."))
    if not recipient_units:
        raise EdxmlError(_("Gói tin thiếu thông tin cơ quan nhận (To/OrganId)."))
    issuer = document.issuer_unit
    sender = organ_of(issuer)
    code_number, code_notation = split_code(document.number_symbol)
    issued_by = document.issued_by
    if business is None:
        replaces = document.replaces
        business = Business(
            doc_type=BusinessDocType.REPLACEMENT if replaces else BusinessDocType.NEW,
            reason=_("Thay thế văn bản %(s)s") % {"s": replaces.number_symbol} if replaces else "",
            # The receiver finds what is replaced by its DocumentId (ReplacementInfo), as QCVN 102 names it.
            replaces=[document_id_of(replaces)]
            if replaces and replaces.issued_date and replaces.issuer_unit_id and replaces.issuer_unit.organ_id
            else [],
        )
    if business.staff is None and issued_by is not None:
        business.staff = StaffInfo(
            department=issued_by.unit.name if issued_by.unit_id else issuer.name,
            staff=issued_by.full_name,
            mobile=issued_by.phone,
            email=issued_by.email,
        )
    files = _files(document)
    return DocumentPackage(
        from_organ=sender,
        to_organs=[organ_of(unit) for unit in recipient_units],
        document_id=document_id_of(document),
        code_number=code_number,
        code_notation=code_notation,
        promulgation_place=faces.place_name(issuer) or settings.IDESK_PLACE_NAME,
        promulgation_date=document.issued_date,
        document_type=TYPE_LEGAL if document.is_legal else TYPE_ADMINISTRATIVE,
        document_type_name=document.get_doc_type_display(),
        subject=document.summary,
        content=document.body,
        signer=SignerInfo(
            competence=faces.signer_block(issuer, document.signing_capacity, document.signer_position)[0]
            if document.signing_capacity
            else "",
            position=document.signer_position,
            full_name=document.signer_name,
        ),
        to_places=_places(document.recipients_text),
        other_info=OtherInfo(priority=int(document.urgency), page_amount=document.pages),
        steering_type="0",
        response_for=_response_for(document),
        traces=[TraceHeader(organ_id=sender.organ_id, timestamp=timezone.now().replace(microsecond=0))],
        business=business,
        attachments=[
            Attachment(
                name=f.name,
                content_type=f.blob.content_type or "application/octet-stream",
                data=_read(f),
                content_id=str(i),
                description=_description(i, f),
            )
            for i, f in enumerate(files, start=1)
        ],
    )
