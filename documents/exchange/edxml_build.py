"""edXML packages (QCVN 102:2016), writing: a package as edXML bytes in the public samples' shape, and the plain
summary `manage.py edxml read` shows."""

from __future__ import annotations

import binascii
import dataclasses
import datetime
import io
from typing import BinaryIO

from django.utils.translation import gettext as _

from documents.exchange.edxml_model import (
    DATE_FORMAT,
    NS,
    TIMESTAMP_FORMAT,
    VIETNAM,
    XLINK_NS,
    DocumentPackage,
    EdxmlError,
    Organ,
    ResponseFor,
    StaffInfo,
    StatusCode,
    StatusPackage,
)

# --- Writing ---------------------------------------------------------------------------------------------------


def _q(name: str) -> str:
    return f"{{{NS}}}{name}"


def _fmt_date(value: datetime.date | None) -> str:
    return value.strftime(DATE_FORMAT) if value else ""


def _fmt_timestamp(value: datetime.datetime | None) -> str:
    if value is None:
        return ""
    if value.tzinfo is not None:
        value = value.astimezone(VIETNAM)
    return value.strftime(TIMESTAMP_FORMAT)


class _Writer:
    def __init__(self, xf) -> None:
        self.xf = xf

    def leaf(self, name: str, value: object = "") -> None:
        with self.xf.element(_q(name)):
            if value not in ("", None):
                self.xf.write(str(value))

    def organ(self, name: str, organ: Organ) -> None:
        with self.xf.element(_q(name)):
            self.leaf("OrganId", organ.organ_id)
            self.leaf("OrganizationInCharge", organ.organization_in_charge)
            self.leaf("OrganName", organ.organ_name)
            self.leaf("OrganAdd", organ.organ_add)
            self.leaf("Email", organ.email)
            self.leaf("Telephone", organ.telephone)
            self.leaf("Fax", organ.fax)
            self.leaf("Website", organ.website)

    def staff(self, staff: StaffInfo) -> None:
        with self.xf.element(_q("StaffInfo")):
            self.leaf("Department", staff.department)
            self.leaf("Staff", staff.staff)
            self.leaf("Mobile", staff.mobile)
            self.leaf("Email", staff.email)

    def response_for(self, response: ResponseFor) -> None:
        with self.xf.element(_q("ResponseFor")):
            self.leaf("OrganId", response.organ_id)
            self.leaf("Code", response.code)
            self.leaf("PromulgationDate", _fmt_date(response.promulgation_date))
            self.leaf("DocumentId", response.document_id)


def build(package: DocumentPackage | StatusPackage) -> bytes:
    """The package as edXML bytes (UTF-8)."""
    out = io.BytesIO()
    write(package, out)
    return out.getvalue()


def write(package: DocumentPackage | StatusPackage, stream: BinaryIO) -> None:
    """Write the package to a binary stream, attachments base64 in slices (never one copy of them all as text).

    The root declares the namespace as the default and the envelope again with the prefix `edXML:`, as the
    public samples do: receivers that look elements up by their prefixed name find them."""
    from lxml import etree  # here, not with the module: only the worker writes packages

    _check(package)
    with etree.xmlfile(stream, encoding="utf-8") as xf:
        xf.write_declaration()
        w = _Writer(xf)
        with xf.element(_q("edXML"), nsmap={None: NS}):
            with xf.element(_q("edXMLEnvelope"), nsmap={"edXML": NS}):
                with xf.element(_q("edXMLHeader")):
                    if isinstance(package, StatusPackage):
                        _write_status_header(w, package)
                    else:
                        _write_document_header(w, package)
                if isinstance(package, DocumentPackage):
                    with xf.element(_q("edXMLBody")), xf.element(_q("edXMLManifest"), {"version": "1.0"}):
                        for i, attachment in enumerate(package.attachments):
                            cid = attachment.content_id or str(i + 1)
                            with xf.element(
                                _q("Reference"), {f"{{{XLINK_NS}}}href": f"cid:{cid}"}, nsmap={"xlink": XLINK_NS}
                            ):
                                w.leaf("ContentId", f"cid:{cid}")
                                w.leaf("ContentType", attachment.content_type)
                                w.leaf("Description", attachment.description)
                                w.leaf("AttachmentName", attachment.name)
            if isinstance(package, DocumentPackage) and package.attachments:
                with xf.element(_q("AttachmentEncoded")):
                    for i, attachment in enumerate(package.attachments):
                        with xf.element(_q("Attachment")):
                            w.leaf("ContentId", attachment.content_id or str(i + 1))
                            w.leaf("AttachmentName", attachment.name)
                            w.leaf("Description", attachment.description)
                            w.leaf("ContentType", attachment.content_type)
                            with xf.element(_q("ContentTransferEncoded")):
                                view = memoryview(attachment.content())
                                step = 57 * 1024  # whole base64 lines
                                for at in range(0, len(view), step):
                                    xf.write(binascii.b2a_base64(view[at : at + step], newline=False).decode("ascii"))


def _check(package: DocumentPackage | StatusPackage) -> None:
    """What a receiver refuses, refused before sending."""
    if not package.from_organ.organ_id:
        raise EdxmlError(_("Gói tin thiếu thông tin cơ quan gửi (From/OrganId)."))
    if isinstance(package, StatusPackage):
        if not package.response_for.document_id:
            raise EdxmlError(_("Gói tin trạng thái thiếu văn bản được trả lời (ResponseFor/DocumentId)."))
        return
    if not package.to_organs or not all(o.organ_id for o in package.to_organs):
        raise EdxmlError(_("Gói tin thiếu thông tin cơ quan nhận (To/OrganId)."))
    if not package.document_id:
        raise EdxmlError(_("Gói tin thiếu mã văn bản (DocumentId)."))


def _write_document_header(w: _Writer, p: DocumentPackage) -> None:
    with w.xf.element(_q("MessageHeader")):
        w.organ("From", p.from_organ)
        for organ in p.to_organs:
            w.organ("To", organ)
        with w.xf.element(_q("Code")):
            w.leaf("CodeNumber", p.code_number)
            w.leaf("CodeNotation", p.code_notation)
        with w.xf.element(_q("PromulgationInfo")):
            w.leaf("Place", p.promulgation_place)
            w.leaf("PromulgationDate", _fmt_date(p.promulgation_date))
        with w.xf.element(_q("DocumentType")):
            w.leaf("Type", p.document_type)
            w.leaf("TypeDetail", p.document_type_detail)
            w.leaf("TypeName", p.document_type_name)
        w.leaf("Subject", p.subject)
        w.leaf("Content", p.content)
        with w.xf.element(_q("SignerInfo")):
            w.leaf("Competence", p.signer.competence)
            w.leaf("Position", p.signer.position)
            w.leaf("FullName", p.signer.full_name)
        w.leaf("DueDate", _fmt_date(p.due_date))
        with w.xf.element(_q("ToPlaces")):
            for place in p.to_places:
                w.leaf("Place", place)
        o = p.other_info
        with w.xf.element(_q("OtherInfo")):
            w.leaf("Priority", o.priority)
            w.leaf("SphereOfPromulgation", o.sphere_of_promulgation)
            w.leaf("TyperNotation", o.typer_notation)
            w.leaf("PromulgationAmount", o.promulgation_amount)
            w.leaf("PageAmount", o.page_amount)
            with w.xf.element(_q("Appendixes")):
                for appendix in o.appendixes:
                    w.leaf("Appendix", appendix)
        w.leaf("SteeringType", p.steering_type)
        for response in p.response_for:
            w.response_for(response)
        w.leaf("DocumentId", p.document_id)
    with w.xf.element(_q("TraceHeaderList")):
        for trace in p.traces:
            with w.xf.element(_q("TraceHeader")):
                w.leaf("OrganId", trace.organ_id)
                w.leaf("Timestamp", _fmt_timestamp(trace.timestamp))
        with w.xf.element(_q("Bussiness")):
            w.leaf("BussinessDocType", int(p.business.doc_type))
            w.leaf("BussinessDocReason", p.business.reason)
            if p.business.document_info or p.business.document_receiver:
                with w.xf.element(_q("BussinessDocumentInfo")):
                    w.leaf("DocumentInfo", p.business.document_info or "0")
                    w.leaf("DocumentReceiver", p.business.document_receiver or "0")
            if p.business.staff is not None:
                w.staff(p.business.staff)
            w.leaf("Paper", 1 if p.business.paper else 0)
            if p.business.replaces:
                with w.xf.element(_q("ReplacementInfoList")):
                    for document_id in p.business.replaces:
                        with w.xf.element(_q("ReplacementInfo")):
                            w.leaf("DocumentId", document_id)
                            with w.xf.element(_q("OrganIdList")):
                                for organ in p.to_organs:
                                    w.leaf("OrganId", organ.organ_id)


def _write_status_header(w: _Writer, p: StatusPackage) -> None:
    with w.xf.element(_q("MessageHeader")):
        w.organ("From", p.from_organ)
        for organ in p.to_organs:
            w.organ("To", organ)
        w.response_for(p.response_for)
        w.staff(p.staff)
        w.leaf("StatusCode", StatusCode(p.status_code).value)
        w.leaf("Description", p.description)
        w.leaf("Timestamp", _fmt_timestamp(p.timestamp))
    with w.xf.element(_q("TraceHeaderList")):
        with w.xf.element(_q("TraceHeader")):
            w.leaf("OrganId", p.from_organ.organ_id)
            w.leaf("Timestamp", _fmt_timestamp(p.timestamp))


def _iso(value: datetime.date | None) -> str | None:
    return value.isoformat() if value else None


def summary(package: DocumentPackage | StatusPackage) -> dict:
    """What `edxml read` shows: the package in plain values (JSON-ready, dates in ISO 8601)."""
    is_document = isinstance(package, DocumentPackage)
    result = {
        "kind": package.kind,
        "document_id": package.document_id if is_document else package.response_for.document_id,
        "from": {"organ_id": package.from_organ.organ_id, "name": package.from_organ.organ_name},
        "to": [{"organ_id": o.organ_id, "name": o.organ_name} for o in package.to_organs],
    }
    if is_document:
        result |= {
            "code_number": package.code_number,
            "code_notation": package.code_notation,
            "promulgation_date": _iso(package.promulgation_date),
            "document_type": package.document_type_name or package.document_type,
            "subject": package.subject,
            "business_doc_type": int(package.business.doc_type),
            "business_doc_type_label": str(package.business.doc_type.label),
            "business_reason": package.business.reason,
            "replaces": list(package.business.replaces),
            "business_document_info": package.business.document_info,
            "status_code": None,
            "description": "",
            "attachments": [
                {"name": a.name, "content_type": a.content_type, "size": a.size} for a in package.attachments
            ],
        }
    else:
        result |= {
            "code": package.response_for.code,
            "promulgation_date": _iso(package.response_for.promulgation_date),
            "status_code": package.status_code.value,
            "status_label": str(package.status_code.label),
            "description": package.description,
            "timestamp": _iso(package.timestamp),
            "staff": dataclasses.asdict(package.staff),
            "attachments": [],
        }
    return result
