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
import datetime
import io
import os
import re
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import BinaryIO

from django.utils.translation import gettext as _

# Writing and the model live in their own modules; callers keep using edxml.* for all of it.
from documents.exchange.edxml_build import build, summary, write  # noqa: F401
from documents.exchange.edxml_model import (  # noqa: F401
    DATE_FORMAT,
    NS,
    TIMESTAMP_FORMAT,
    VIETNAM,
    XLINK_NS,
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
    StatusCode,
    StatusPackage,
    TraceHeader,
    make_document_id,
    max_attachment_bytes,
    max_package_bytes,
    split_document_id,
)

MAX_DEPTH = 64  # real packages nest about 8 deep
_FEED_CHUNK = 1 << 20


# --- Reading ---------------------------------------------------------------------------------------------------


@dataclass
class _Node:
    name: str  # local name; elements of our namespace or of none
    attrib: dict[str, str]
    children: list[_Node] = field(default_factory=list)
    parts: list[str] = field(default_factory=list)
    data: bytes | BinaryIO | None = None  # a decoded ContentTransferEncoded (a temporary file when spooled)

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

    def __init__(self, limit: int, spool: bool = False) -> None:
        self.limit = limit
        self.pending = b""
        self.spool = spool
        # Spooled: decoded straight to a temporary file, piece by piece (the inbox); else in memory.
        self.out: BinaryIO = tempfile.TemporaryFile() if spool else io.BytesIO()

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

    def close(self) -> bytes | BinaryIO:
        if self.pending:
            raise EdxmlError(_("Tệp đính kèm không được mã hóa base64 hợp lệ."))
        if self.spool:
            self.out.seek(0)
            return self.out
        return self.out.getvalue()

    def discard(self) -> None:
        self.out.close()


class _Target:
    """lxml parser target: a small tree of the edXML elements, attachments decoded on the fly.

    A target parser hands text over in chunks, so libxml2's limit on one text node (10 MB without huge_tree)
    does not cap an attachment, while huge_tree stays off for everything else."""

    def __init__(self, attachment_limit: int, spool: bool = False) -> None:
        self.stack: list[_Node | None] = []
        self.root: _Node | None = None
        self.sink: _Base64Sink | None = None
        self.attachment_limit = attachment_limit
        self.spool = spool
        self.spooled: list[BinaryIO] = []  # closed if the package is refused after all

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
                self.sink = _Base64Sink(self.attachment_limit, self.spool)
        self.stack.append(node)

    def end(self, tag: str) -> None:
        node = self.stack.pop()
        if node is not None and node.name == "ContentTransferEncoded" and self.sink is not None:
            node.data = self.sink.close()
            if self.spool:
                self.spooled.append(node.data)
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


def _parse_tree(chunks: Iterator[bytes], spool: bool = False) -> _Node:
    target = _Target(max_attachment_bytes(), spool)
    try:
        return _parse_with(target, chunks)
    except BaseException:
        for handle in target.spooled:
            handle.close()
        if target.sink is not None:
            target.sink.discard()
        raise


def _parse_with(target: _Target, chunks: Iterator[bytes]) -> _Node:
    from lxml import etree  # here, not with the module: a web process that never parses a package saves ~5 MB

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
    source: str | os.PathLike | BinaryIO, *, max_bytes: int | None = None, spool: bool = False
) -> DocumentPackage | StatusPackage:
    """A package from a file or stream, read in chunks: an over-size package is refused before it is all read.

    With `spool`, each attachment is decoded to a temporary file as it streams (Attachment.file), so neither the
    package nor its files are ever held in memory whole; the caller closes them (close_attachments)."""
    limit = max_bytes if max_bytes is not None else max_package_bytes()
    if isinstance(source, (str, os.PathLike)):
        if os.path.getsize(source) > limit:
            raise _too_large(limit)
        with open(source, "rb") as stream:
            return _spooled_package(_parse_tree(_chunks_from(stream, limit), spool))
    return _spooled_package(_parse_tree(_chunks_from(source, limit), spool))


def _spooled_package(root: _Node) -> DocumentPackage | StatusPackage:
    try:
        return _package(root)
    except BaseException:
        _close_nodes(root)
        raise


def _close_nodes(node: _Node) -> None:
    if node.data is not None and not isinstance(node.data, bytes):
        node.data.close()
    for child in node.children:
        _close_nodes(child)


def close_attachments(package: DocumentPackage | StatusPackage) -> None:
    """Close (and so delete) the temporary files of a spooled package's attachments."""
    for attachment in getattr(package, "attachments", ()):
        if attachment.file is not None:
            attachment.file.close()


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
        try:
            doc_type = BusinessDocType(kind)
        except ValueError:
            raise EdxmlError(_("Loại nghiệp vụ (BussinessDocType) không hợp lệ: %(k)s.") % {"k": kind}) from None
        business = Business(
            doc_type=doc_type,
            reason=node.get("BussinessDocReason") or node.get("BusinessDocReason"),
            staff=_staff(node.child("StaffInfo")),
            paper=node.get("Paper") == "1",
            replaces=_replaced_ids(node),
            **_document_info(node.child("BussinessDocumentInfo")),
        )
    return {"traces": traces, "business": business}


def _document_info(node: _Node | None) -> dict:
    if node is None:
        return {}
    return {"document_info": node.get("DocumentInfo")[:1], "document_receiver": node.get("DocumentReceiver")[:1]}


def _replaced_ids(business: _Node) -> list[str]:
    listed = business.child("ReplacementInfoList")
    infos = listed.all("ReplacementInfo") if listed is not None else business.all("ReplacementInfo")
    return [i.get("DocumentId") for i in infos if i.get("DocumentId")]


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
        attachment = Attachment(
            name=name,
            content_type=node.get("ContentType") or ref.get("ContentType") or "application/octet-stream",
            data=data if isinstance(data, bytes) else b"",
            content_id=content_id,
            description=node.get("Description") or ref.get("Description"),
            file=None if isinstance(data, bytes) else data,
        )
        total += attachment.size
        attachments.append(attachment)
    missing = [r.get("AttachmentName") or key for key, r in references.items() if key]
    if missing:
        raise EdxmlError(_("Tệp đính kèm được khai báo nhưng không có nội dung: %(n)s.") % {"n": ", ".join(missing)})
    return attachments
