"""edXML packages (QCVN 102:2016), the model: the vocabulary (status codes, business types) and the packages as
dataclasses, shared by reading (edxml.py) and writing (edxml_build.py)."""

from __future__ import annotations

import datetime
import enum
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import BinaryIO
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

NS = "http://www.mic.gov.vn/TBT/QCVN_102_2016"
XLINK_NS = "http://www.w3.org/1999/xlink"
DATE_FORMAT = "%Y/%m/%d"
TIMESTAMP_FORMAT = "%Y/%m/%d %H:%M:%S"
# Timestamps in packages carry no zone: they are Vietnam's wall clock.
VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")


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
    # The DocumentIds this one replaces or updates (ReplacementInfoList/ReplacementInfo/DocumentId); an update
    # (type 2) without one updates the document of its own DocumentId.
    replaces: list[str] = field(default_factory=list)
    # An update's BussinessDocumentInfo (as other vendors' libraries write it): DocumentInfo "1" when the document's
    # information or files changed, DocumentReceiver "1" when its recipients changed; "" when not given.
    document_info: str = ""
    document_receiver: str = ""


@dataclass
class Attachment:
    """A file of a package: its bytes in `data`, or (read by the inbox, see edxml.parse_file's `spool`) in a
    temporary `file`, so that a large attachment is never held in memory; `data` is then empty."""

    name: str
    content_type: str
    data: bytes
    content_id: str = ""
    description: str = ""
    file: BinaryIO | None = None

    @property
    def size(self) -> int:
        if self.file is None:
            return len(self.data)
        at = self.file.seek(0, os.SEEK_END)
        self.file.seek(0)
        return at

    def chunks(self, size: int = 1 << 20) -> Iterator[bytes]:
        if self.file is None:
            for at in range(0, len(self.data), size):
                yield self.data[at : at + size]
            return
        self.file.seek(0)
        while chunk := self.file.read(size):
            yield chunk
        self.file.seek(0)

    def content(self) -> bytes:
        """All the bytes at once (building a package, tests): the one place a spooled file is read whole."""
        return self.data if self.file is None else b"".join(self.chunks())


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
