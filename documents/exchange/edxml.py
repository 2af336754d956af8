"""edXML packages (QCVN 102:2016): read and write document and status packages, safely.

Reading is tolerant in syntax (stray bytes before the XML declaration, prefixed and default namespaces mixed, a
signature element in the default namespace, uneven whitespace) and strict in content (a missing DocumentId, From
or To is an EdxmlError whose message is the reason a status 02 carries back). Hostile XML is refused before it can
do harm: the size is checked before parsing, a DOCTYPE is refused outright (no DTD, so no entity expansion and no
external entity), and the parser never touches the network. Attachments are decoded from base64 as the parser
streams them, so a large attachment is never held twice as text.
"""

from __future__ import annotations

import binascii
import dataclasses
import datetime
import enum
import io
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import BinaryIO
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from lxml import etree

NS = "http://www.mic.gov.vn/TBT/QCVN_102_2016"
XLINK_NS = "http://www.w3.org/1999/xlink"
DATE_FORMAT = "%Y/%m/%d"
TIMESTAMP_FORMAT = "%Y/%m/%d %H:%M:%S"
# Timestamps in packages carry no zone: they are Vietnam's wall clock.
VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")

MAX_DEPTH = 64  # real packages nest about 8 deep
_FEED_CHUNK = 1 << 20


def max_package_bytes() -> int:
    return getattr(settings, "IDESK_EDXML_MAX_MB", 80) * 1024 * 1024


def max_attachment_bytes() -> int:
    return getattr(settings, "IDESK_MAX_UPLOAD_MB", 50) * 1024 * 1024


class EdxmlError(ValueError):
    """A package that cannot be accepted; the message is a Vietnamese reason fit for a status 02 description."""


# --- The vocabulary --------------------------------------------------------------------------------------------


class StatusCode(models.TextChoices):
    ARRIVED = "01", gettext_lazy("Đã đến, văn thư chưa xử lý")
    REFUSED = "02", gettext_lazy("Từ chối tiếp nhận")
    REGISTERED = "03", gettext_lazy("Đã tiếp nhận, vào sổ")
    ASSIGNED = "04", gettext_lazy("Đã phân công xử lý")
    IN_PROGRESS = "05", gettext_lazy("Đang xử lý")
    DONE = "06", gettext_lazy("Hoàn thành")
    RECALL_REQUESTED = "13", gettext_lazy("Đề nghị lấy lại hoặc cập nhật văn bản")
    RECALL_AGREED = "15", gettext_lazy("Đồng ý lấy lại hoặc cập nhật văn bản")
    RECALL_REFUSED = "16", gettext_lazy("Từ chối lấy lại hoặc cập nhật văn bản")


class BusinessDocType(enum.IntEnum):
    NEW = 0
    REVOCATION = 1  # thu hồi
    UPDATE = 2
    REPLACEMENT = 3

    @property
    def label(self) -> str:
        return {0: _("Văn bản mới"), 1: _("Thu hồi"), 2: _("Cập nhật"), 3: _("Thay thế")}[self.value]


# --- The packages ----------------------------------------------------------------------------------------------


@dataclass
class Organ:
    organ_id: str
    organ_name: str = ""
    organization_in_charge: str = ""
    organ_add: str = ""
    email: str = ""
    telephone: str = ""
    fax: str = ""
    website: str = ""


@dataclass
class StaffInfo:
    department: str = ""
    staff: str = ""
    mobile: str = ""
    email: str = ""


@dataclass
class ResponseFor:
    organ_id: str
    code: str = ""
    promulgation_date: datetime.date | None = None
    document_id: str = ""


@dataclass
class SignerInfo:
    competence: str = ""
    position: str = ""
    full_name: str = ""


@dataclass
class OtherInfo:
    priority: int = 0  # 0 thường, 1 khẩn, 2 thượng khẩn, 3 hỏa tốc (4 hỏa tốc hẹn giờ)
    sphere_of_promulgation: str = ""
    typer_notation: str = ""
    promulgation_amount: int | None = None
    page_amount: int | None = None
    appendixes: list[str] = field(default_factory=list)


@dataclass
class TraceHeader:
    organ_id: str
    timestamp: datetime.datetime | None = None


@dataclass
class Business:
    doc_type: BusinessDocType = BusinessDocType.NEW
    reason: str = ""
    staff: StaffInfo | None = None
    paper: bool = False  # a paper copy follows


@dataclass
class Attachment:
    name: str
    content_type: str
    data: bytes
    content_id: str = ""
    description: str = ""

    @property
    def size(self) -> int:
        return len(self.data)


@dataclass
class DocumentPackage:
    from_organ: Organ
    to_organs: list[Organ]
    document_id: str
    code_number: str = ""
    code_notation: str = ""
    promulgation_place: str = ""
    promulgation_date: datetime.date | None = None
    document_type: str = ""  # Type: 1 văn bản quy phạm pháp luật, 2 văn bản hành chính
    document_type_detail: str = ""
    document_type_name: str = ""
    subject: str = ""
    content: str = ""
    signer: SignerInfo = field(default_factory=SignerInfo)
    due_date: datetime.date | None = None
    to_places: list[str] = field(default_factory=list)
    other_info: OtherInfo = field(default_factory=OtherInfo)
    steering_type: str = ""
    response_for: list[ResponseFor] = field(default_factory=list)
    traces: list[TraceHeader] = field(default_factory=list)
    business: Business = field(default_factory=Business)
    attachments: list[Attachment] = field(default_factory=list)

    kind = "document"

    @property
    def code(self) -> str:
        return f"{self.code_number}/{self.code_notation}" if self.code_notation else self.code_number


@dataclass
class StatusPackage:
    from_organ: Organ
    response_for: ResponseFor
    status_code: StatusCode
    description: str = ""
    timestamp: datetime.datetime | None = None
    staff: StaffInfo = field(default_factory=StaffInfo)
    to_organs: list[Organ] = field(default_factory=list)  # not in every vendor's status; kept when given

    kind = "status"


def make_document_id(organ_id: str, promulgation_date: datetime.date, code: str) -> str:
    """`OrganId,yyyy/MM/dd,number/notation`: the key of the whole exchange."""
    return f"{organ_id},{promulgation_date:%Y/%m/%d},{code}"


def split_document_id(document_id: str) -> tuple[str, datetime.date, str] | None:
    """The three parts of a DocumentId in the standard's shape, or None (other vendors use other shapes)."""
    parts = document_id.split(",", 2)
    if len(parts) != 3:
        return None
    try:
        return parts[0].strip(), datetime.datetime.strptime(parts[1].strip(), DATE_FORMAT).date(), parts[2].strip()
    except ValueError:
        return None


# --- Reading ---------------------------------------------------------------------------------------------------


@dataclass
class _Node:
    name: str  # local name; elements of our namespace or of none
    attrib: dict[str, str]
    children: list[_Node] = field(default_factory=list)
    parts: list[str] = field(default_factory=list)
    data: bytes | None = None  # a decoded ContentTransferEncoded

    @property
    def text(self) -> str:
        return " ".join("".join(self.parts).split())  # uneven whitespace and line breaks folded

    @property
    def raw_text(self) -> str:
        return "".join(self.parts).strip()

    def child(self, name: str) -> _Node | None:
        return next((c for c in self.children if c.name == name), None)

    def all(self, name: str) -> list[_Node]:
        return [c for c in self.children if c.name == name]

    def get(self, name: str) -> str:
        node = self.child(name)
        return node.text if node is not None else ""

    def get_raw(self, name: str) -> str:
        node = self.child(name)
        return node.raw_text if node is not None else ""

    def find(self, name: str) -> _Node | None:
        """The first descendant named so, depth first."""
        for c in self.children:
            if c.name == name:
                return c
            found = c.find(name)
            if found is not None:
                return found
        return None


class _Base64Sink:
    """Decodes base64 text as it arrives, whatever the chunking and line breaks; refuses past `limit` bytes."""

    _WHITESPACE = b" \t\r\n"

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.pending = b""
        self.out = io.BytesIO()

    def feed(self, text: str) -> None:
        try:
            chunk = text.encode("ascii").translate(None, self._WHITESPACE)
        except UnicodeEncodeError as exc:
            raise EdxmlError(_("Tệp đính kèm không được mã hóa base64 hợp lệ.")) from exc
        chunk = self.pending + chunk
        cut = len(chunk) - len(chunk) % 4
        self.pending = chunk[cut:]
        self._decode(chunk[:cut])

    def _decode(self, chunk: bytes) -> None:
        if not chunk:
            return
        # Checked before decoding (at least this much would come out) and after (exactly).
        if self.out.tell() + len(chunk) // 4 * 3 - 2 > self.limit:
            raise self._too_large()
        try:
            self.out.write(binascii.a2b_base64(chunk, strict_mode=True))
        except binascii.Error as exc:
            raise EdxmlError(_("Tệp đính kèm không được mã hóa base64 hợp lệ.")) from exc
        if self.out.tell() > self.limit:
            raise self._too_large()

    def _too_large(self) -> EdxmlError:
        mb = self.limit // (1024 * 1024)
        return EdxmlError(_("Tệp đính kèm vượt quá dung lượng cho phép (%(mb)s MB).") % {"mb": mb})

    def close(self) -> bytes:
        if self.pending:
            raise EdxmlError(_("Tệp đính kèm không được mã hóa base64 hợp lệ."))
        return self.out.getvalue()


class _Target:
    """lxml parser target: a small tree of the edXML elements, attachments decoded on the fly.

    A target parser hands text over in chunks, so libxml2's limit on one text node (10 MB without huge_tree)
    does not cap an attachment, while huge_tree stays off for everything else."""

    def __init__(self, attachment_limit: int) -> None:
        self.stack: list[_Node | None] = []
        self.root: _Node | None = None
        self.sink: _Base64Sink | None = None
        self.attachment_limit = attachment_limit

    @staticmethod
    def _local(tag: str) -> tuple[str, str]:
        if tag.startswith("{"):
            ns, _sep, local = tag[1:].partition("}")
            return ns, local
        return "", tag

    def start(self, tag: str, attrib: dict, nsmap: dict | None = None) -> None:
        if len(self.stack) >= MAX_DEPTH:
            raise EdxmlError(_("Gói tin lồng quá sâu."))
        ns, local = self._local(tag)
        parent = self.stack[-1] if self.stack else None
        if not self.stack:
            if local != "edXML" or ns != NS:
                raise EdxmlError(
                    _("Gói tin không phải edXML (phần tử gốc phải là edXML trong không gian tên %(ns)s).") % {"ns": NS}
                )
            node = _Node(local, {self._local(k)[1]: v for k, v in attrib.items()})
            self.root = node
        elif parent is None or ns not in (NS, "") or local == "Signature":
            # Elements of other vocabularies (the XML signature, whatever its namespace) are skipped whole.
            node = None
        else:
            node = _Node(local, {self._local(k)[1]: v for k, v in attrib.items()})
            parent.children.append(node)
            if local == "ContentTransferEncoded":
                self.sink = _Base64Sink(self.attachment_limit)
        self.stack.append(node)

    def end(self, tag: str) -> None:
        node = self.stack.pop()
        if node is not None and node.name == "ContentTransferEncoded" and self.sink is not None:
            node.data = self.sink.close()
            self.sink = None

    def data(self, text: str) -> None:
        node = self.stack[-1] if self.stack else None
        if node is None:
            return
        if self.sink is not None and node.name == "ContentTransferEncoded":
            self.sink.feed(text)
        elif not node.children or text.strip():
            node.parts.append(text)

    def doctype(self, *args) -> None:
        raise _doctype()

    def comment(self, text: str) -> None:
        pass

    def pi(self, target: str, data: str | None = None) -> None:
        pass

    def close(self) -> _Node | None:
        return self.root


_ROOT_START = re.compile(rb"<[A-Za-z_]")


def _doctype() -> EdxmlError:
    return EdxmlError(_("Gói tin có khai báo DOCTYPE: không được chấp nhận (không xử lý DTD và thực thể XML)."))


def _start_of_xml(head: bytes) -> int:
    """Where the XML starts: the declaration, else the first tag (some vendors' packages carry stray bytes)."""
    at = head.find(b"<?xml")
    if at == -1:
        at = head.find(b"<")
    if at == -1:
        raise EdxmlError(_("Gói tin không phải XML."))
    return at


def _parse_tree(chunks: Iterator[bytes]) -> _Node:
    target = _Target(max_attachment_bytes())
    parser = etree.XMLParser(
        target=target,
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )
    prolog, first, tail = True, True, b""
    try:
        for chunk in chunks:
            if first:
                chunk = chunk[_start_of_xml(chunk[:4096]) :]
                first = False
            if prolog:
                # A DTD is refused before the parser sees it: no entity is ever declared, let alone expanded. The
                # prolog is scanned with the previous chunk's tail, so a chunk boundary cannot hide the keyword.
                scan = tail + chunk
                root_at = _ROOT_START.search(scan)
                if b"<!DOCTYPE" in scan[: root_at.start() if root_at else len(scan)]:
                    raise _doctype()
                prolog, tail = root_at is None, scan[-16:]
            parser.feed(chunk)
        if first:
            raise EdxmlError(_("Gói tin rỗng."))
        root = parser.close()
    except EdxmlError:
        raise
    except etree.XMLSyntaxError as exc:
        if isinstance(exc.__context__, EdxmlError):
            raise exc.__context__ from None
        raise EdxmlError(_("Gói tin không đúng cú pháp XML: %(e)s") % {"e": exc.msg or exc}) from exc
    except (etree.ParserError, ValueError) as exc:
        raise EdxmlError(_("Gói tin không đúng cú pháp XML: %(e)s") % {"e": exc}) from exc
    if root is None:
        raise EdxmlError(_("Gói tin không đúng cú pháp XML."))
    return root


def _chunks_of(data: bytes) -> Iterator[bytes]:
    for at in range(0, len(data), _FEED_CHUNK):
        yield data[at : at + _FEED_CHUNK]


def _chunks_from(stream: BinaryIO, limit: int) -> Iterator[bytes]:
    total = 0
    while chunk := stream.read(_FEED_CHUNK):
        total += len(chunk)
        if total > limit:
            raise _too_large(limit)
        yield chunk


def _too_large(limit: int) -> EdxmlError:
    return EdxmlError(_("Gói tin vượt quá dung lượng cho phép (%(mb)s MB).") % {"mb": limit // (1024 * 1024)})


def parse(data: bytes, *, max_bytes: int | None = None) -> DocumentPackage | StatusPackage:
    """A package from its bytes; EdxmlError with a Vietnamese reason when it cannot be accepted."""
    limit = max_bytes if max_bytes is not None else max_package_bytes()
    if len(data) > limit:
        raise _too_large(limit)
    return _package(_parse_tree(_chunks_of(data)))


def parse_file(
    source: str | os.PathLike | BinaryIO, *, max_bytes: int | None = None
) -> DocumentPackage | StatusPackage:
    """A package from a file or stream, read in chunks: an over-size package is refused before it is all read."""
    limit = max_bytes if max_bytes is not None else max_package_bytes()
    if isinstance(source, (str, os.PathLike)):
        if os.path.getsize(source) > limit:
            raise _too_large(limit)
        with open(source, "rb") as stream:
            return _package(_parse_tree(_chunks_from(stream, limit)))
    return _package(_parse_tree(_chunks_from(source, limit)))


def _date(value: str, what: str) -> datetime.date | None:
    value = value.strip()
    if not value:
        return None
    for fmt in (DATE_FORMAT, "%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    # Some senders write a timestamp where a date belongs.
    stamp = _timestamp(value, what)
    return stamp.date() if stamp else None


def _timestamp(value: str, what: str) -> datetime.datetime | None:
    value = value.strip()
    if not value:
        return None
    for fmt in (TIMESTAMP_FORMAT, "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S", "%d/%m/%Y %H:%M:%S", "%Y/%m/%d %H:%M"):
        try:
            return datetime.datetime.strptime(value, fmt).replace(tzinfo=VIETNAM)
        except ValueError:
            continue
    try:
        parsed = datetime.datetime.fromisoformat(value)
    except ValueError:
        raise EdxmlError(_("%(what)s không đúng định dạng (%(v)s).") % {"what": what, "v": value[:40]}) from None
    return parsed.replace(tzinfo=VIETNAM) if parsed.tzinfo is None else parsed.astimezone(VIETNAM)


def _int(value: str) -> int | None:
    value = value.strip()
    return int(value) if value.isdigit() else None


def _organ(node: _Node | None) -> Organ | None:
    if node is None:
        return None
    organ_id = node.get("OrganId")
    if not organ_id:
        return None
    return Organ(
        organ_id=organ_id,
        organ_name=node.get("OrganName"),
        organization_in_charge=node.get("OrganizationInCharge"),
        organ_add=node.get("OrganAdd"),
        email=node.get("Email"),
        telephone=node.get("Telephone"),
        fax=node.get("Fax"),
        website=node.get("Website"),
    )


def _staff(node: _Node | None) -> StaffInfo | None:
    if node is None:
        return None
    return StaffInfo(
        department=node.get("Department"), staff=node.get("Staff"), mobile=node.get("Mobile"), email=node.get("Email")
    )


def _response_for(node: _Node) -> ResponseFor:
    return ResponseFor(
        organ_id=node.get("OrganId"),
        code=node.get("Code"),
        promulgation_date=_date(node.get("PromulgationDate"), _("Ngày ban hành của văn bản được trả lời")),
        document_id=node.get("DocumentId"),
    )


def _package(root: _Node) -> DocumentPackage | StatusPackage:
    header = root.find("MessageHeader") or root.find("Status")
    if header is None:
        raise EdxmlError(_("Gói tin thiếu phần MessageHeader."))
    from_organ = _organ(header.child("From"))
    if from_organ is None:
        raise EdxmlError(_("Gói tin thiếu thông tin cơ quan gửi (From/OrganId)."))
    if header.child("StatusCode") is not None:
        return _status(root, header, from_organ)
    return _document(root, header, from_organ)


def _status(root: _Node, header: _Node, from_organ: Organ) -> StatusPackage:
    code = header.get("StatusCode")
    if code.isdigit() and len(code) == 1:
        code = f"0{code}"
    if code not in StatusCode.values:
        raise EdxmlError(_("Mã trạng thái không hợp lệ: %(c)s.") % {"c": code[:10] or "—"})
    node = header.child("ResponseFor")
    response_for = _response_for(node) if node is not None else None
    if response_for is None or not response_for.document_id:
        raise EdxmlError(_("Gói tin trạng thái thiếu văn bản được trả lời (ResponseFor/DocumentId)."))
    return StatusPackage(
        from_organ=from_organ,
        response_for=response_for,
        status_code=StatusCode(code),
        description=header.get("Description"),
        timestamp=_timestamp(header.get("Timestamp"), _("Thời điểm cập nhật trạng thái")),
        staff=_staff(header.child("StaffInfo")) or StaffInfo(),
        to_organs=[o for o in map(_organ, header.all("To")) if o],
    )


def _document(root: _Node, header: _Node, from_organ: Organ) -> DocumentPackage:
    to_organs = [o for o in map(_organ, header.all("To")) if o]
    if not to_organs:
        raise EdxmlError(_("Gói tin thiếu thông tin cơ quan nhận (To/OrganId)."))
    document_id = header.get("DocumentId")
    if not document_id:
        raise EdxmlError(_("Gói tin thiếu mã văn bản (DocumentId)."))
    if len(document_id) > 255:
        raise EdxmlError(_("Mã văn bản (DocumentId) quá dài."))
    code = header.child("Code") or _Node("Code", {})
    promulgation = header.child("PromulgationInfo") or _Node("PromulgationInfo", {})
    doc_type = header.child("DocumentType") or _Node("DocumentType", {})
    signer = header.child("SignerInfo") or _Node("SignerInfo", {})
    other = header.child("OtherInfo") or _Node("OtherInfo", {})
    appendixes = other.child("Appendixes")
    to_places = header.child("ToPlaces")
    return DocumentPackage(
        from_organ=from_organ,
        to_organs=to_organs,
        document_id=document_id,
        code_number=code.get("CodeNumber"),
        code_notation=code.get("CodeNotation"),
        promulgation_place=promulgation.get("Place"),
        promulgation_date=_date(promulgation.get("PromulgationDate"), _("Ngày ban hành")),
        document_type=doc_type.get("Type"),
        document_type_detail=doc_type.get("TypeDetail"),
        document_type_name=doc_type.get("TypeName"),
        subject=header.get("Subject"),
        content=header.get_raw("Content"),
        signer=SignerInfo(
            competence=signer.get("Competence"), position=signer.get("Position"), full_name=signer.get("FullName")
        ),
        due_date=_date(header.get("DueDate"), _("Hạn xử lý")),
        to_places=[p.text for p in to_places.all("Place") if p.text] if to_places is not None else [],
        other_info=OtherInfo(
            priority=_int(other.get("Priority")) or 0,
            sphere_of_promulgation=other.get("SphereOfPromulgation"),
            typer_notation=other.get("TyperNotation"),
            promulgation_amount=_int(other.get("PromulgationAmount")),
            page_amount=_int(other.get("PageAmount")),
            appendixes=[a.text for a in appendixes.all("Appendix") if a.text] if appendixes is not None else [],
        ),
        steering_type=header.get("SteeringType"),
        response_for=[_response_for(n) for n in header.all("ResponseFor")],
        **_trace(root),
        attachments=_attachments(root),
    )


def _trace(root: _Node) -> dict:
    trace_list = root.find("TraceHeaderList")
    if trace_list is None:
        return {"traces": [], "business": Business()}
    traces = [
        TraceHeader(organ_id=t.get("OrganId"), timestamp=_timestamp(t.get("Timestamp"), _("Thời điểm gửi")))
        for t in trace_list.all("TraceHeader")
    ]
    node = trace_list.child("Bussiness") or trace_list.child("Business")
    business = Business()
    if node is not None:
        kind = _int(node.get("BussinessDocType") or node.get("BusinessDocType")) or 0
        if kind not in BusinessDocType._value2member_map_:
            raise EdxmlError(_("Loại nghiệp vụ (BussinessDocType) không hợp lệ: %(k)s.") % {"k": kind})
        business = Business(
            doc_type=BusinessDocType(kind),
            reason=node.get("BussinessDocReason") or node.get("BusinessDocReason"),
            staff=_staff(node.child("StaffInfo")),
            paper=node.get("Paper") == "1",
        )
    return {"traces": traces, "business": business}


def _content_id(value: str) -> str:
    value = value.strip().strip("<>")
    return value[4:] if value.lower().startswith("cid:") else value


def _attachments(root: _Node) -> list[Attachment]:
    manifest = root.find("edXMLManifest")
    references = {}
    for ref in manifest.all("Reference") if manifest is not None else []:
        key = _content_id(ref.get("ContentId") or ref.attrib.get("href", ""))
        references[key] = ref
    encoded = root.find("AttachmentEncoded")
    attachments = []
    total = 0
    for node in encoded.all("Attachment") if encoded is not None else []:
        content = node.child("ContentTransferEncoded")
        content_id = _content_id(node.get("ContentId"))
        ref = references.pop(content_id, None) or _Node("Reference", {})
        name = node.get("AttachmentName") or ref.get("AttachmentName")
        if not name:
            raise EdxmlError(_("Tệp đính kèm thiếu tên (AttachmentName)."))
        data = content.data if content is not None and content.data is not None else b""
        total += len(data)
        attachments.append(
            Attachment(
                name=name,
                content_type=node.get("ContentType") or ref.get("ContentType") or "application/octet-stream",
                data=data,
                content_id=content_id,
                description=node.get("Description") or ref.get("Description"),
            )
        )
    missing = [r.get("AttachmentName") or key for key, r in references.items() if key]
    if missing:
        raise EdxmlError(_("Tệp đính kèm được khai báo nhưng không có nội dung: %(n)s.") % {"n": ", ".join(missing)})
    return attachments


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
                                view = memoryview(attachment.data)
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
            if p.business.staff is not None:
                w.staff(p.business.staff)
            w.leaf("Paper", 1 if p.business.paper else 0)


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
