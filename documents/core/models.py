"""The shared core: documents, their files, registers (sổ), deliveries and the audit trail (the parts' models
live in incoming/, outgoing/, meetings/ and signing/; documents/models.py gathers them for Django)."""

from __future__ import annotations

import re

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _
from guardian.models import UserObjectPermissionBase

from units.models import Unit
from units.text import fold

# --- Vocabularies of NĐ30 -------------------------------------------------------------------------------


class DocType(models.TextChoices):
    """Loại văn bản (NĐ30 Appendix III). Values are ASCII keys; ABBREVIATIONS gives the symbol part."""

    CONG_VAN = "cv", _("Công văn")
    NGHI_QUYET = "nq", _("Nghị quyết")
    QUYET_DINH = "qd", _("Quyết định")
    CHI_THI = "ct", _("Chỉ thị")
    QUY_CHE = "qc", _("Quy chế")
    QUY_DINH = "qyd", _("Quy định")
    THONG_CAO = "tc", _("Thông cáo")
    THONG_BAO = "tb", _("Thông báo")
    HUONG_DAN = "hd", _("Hướng dẫn")
    CHUONG_TRINH = "ctr", _("Chương trình")
    KE_HOACH = "kh", _("Kế hoạch")
    PHUONG_AN = "pa", _("Phương án")
    DE_AN = "dea", _("Đề án")
    DU_AN = "dua", _("Dự án")
    BAO_CAO = "bc", _("Báo cáo")
    BIEN_BAN = "bb", _("Biên bản")
    TO_TRINH = "ttr", _("Tờ trình")
    HOP_DONG = "hdg", _("Hợp đồng")
    CONG_DIEN = "cd", _("Công điện")
    BAN_GHI_NHO = "bgn", _("Bản ghi nhớ")
    BAN_THOA_THUAN = "btt", _("Bản thỏa thuận")
    GIAY_UY_QUYEN = "guq", _("Giấy ủy quyền")
    GIAY_MOI = "gm", _("Giấy mời")
    GIAY_GIOI_THIEU = "ggt", _("Giấy giới thiệu")
    GIAY_NGHI_PHEP = "gnp", _("Giấy nghỉ phép")
    PHIEU_GUI = "pg", _("Phiếu gửi")
    PHIEU_CHUYEN = "pc", _("Phiếu chuyển")
    PHIEU_BAO = "pb", _("Phiếu báo")
    THU_CONG = "thc", _("Thư công")


ABBREVIATIONS: dict[str, str] = {
    "nq": "NQ",
    "qd": "QĐ",
    "ct": "CT",
    "qc": "QC",
    "qyd": "QyĐ",
    "tc": "TC",
    "tb": "TB",
    "hd": "HD",
    "ctr": "CTr",
    "kh": "KH",
    "pa": "PA",
    "dea": "ĐA",
    "dua": "DA",
    "bc": "BC",
    "bb": "BB",
    "ttr": "TTr",
    "hdg": "HĐ",
    "cd": "CĐ",
    "bgn": "BGN",
    "btt": "BTT",
    "guq": "GUQ",
    "gm": "GM",
    "ggt": "GGT",
    "gnp": "GNP",
    "pg": "PG",
    "pc": "PC",
    "pb": "PB",
}  # fmt: skip  (Công văn and Thư công have none)


class Urgency(models.IntegerChoices):
    NORMAL = 0, _("Thường")
    KHAN = 1, _("Khẩn")
    THUONG_KHAN = 2, _("Thượng khẩn")
    HOA_TOC = 3, _("Hỏa tốc")


class Secrecy(models.IntegerChoices):
    NONE = 0, _("Không mật")
    MAT = 1, _("Mật")
    TOI_MAT = 2, _("Tối mật")
    TUYET_MAT = 3, _("Tuyệt mật")


# --- Files, stored once by content ------------------------------------------------------------------------


@deconstructible(path="documents.core.models.BlobPath")
class BlobPath:
    """upload_to of stored files: blobs/ab/cd/<sha256>. A class, so migration 0001 can carry its own copy under
    this path instead of importing this module."""

    def __call__(self, instance: StoredFile, filename: str) -> str:
        return f"blobs/{instance.sha256[:2]}/{instance.sha256[2:4]}/{instance.sha256}"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, BlobPath)

    def __hash__(self) -> int:
        return hash(BlobPath)


class StoredFile(models.Model):
    """File content addressed by SHA-256: the same bytes are stored once however many documents use them."""

    sha256 = models.CharField(max_length=64, unique=True)
    size = models.PositiveBigIntegerField()
    content_type = models.CharField(max_length=120)
    content = models.FileField(upload_to=BlobPath(), max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("tệp lưu trữ")
        verbose_name_plural = _("tệp lưu trữ")

    def __str__(self) -> str:
        return self.sha256[:12]


# --- The document itself -----------------------------------------------------------------------------------


class Document(models.Model):
    """The content of a document, stored once (an outgoing letter to 30 units is one Document)."""

    issuer_unit = models.ForeignKey(
        Unit, verbose_name=_("cơ quan ban hành"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    issuer_name = models.CharField(_("tác giả"), max_length=255)
    doc_type = models.CharField(_("loại văn bản"), max_length=8, choices=DocType.choices, default=DocType.CONG_VAN)
    number = models.PositiveIntegerField(_("số"), null=True, blank=True)
    number_symbol = models.CharField(_("số, ký hiệu"), max_length=100, blank=True)
    issued_date = models.DateField(_("ngày tháng văn bản"), null=True, blank=True)
    summary = models.TextField(_("trích yếu"))
    signer_name = models.CharField(_("người ký"), max_length=150, blank=True)
    signer_position = models.CharField(_("chức vụ người ký"), max_length=150, blank=True)
    urgency = models.PositiveSmallIntegerField(_("độ khẩn"), choices=Urgency.choices, default=Urgency.NORMAL)
    secrecy = models.PositiveSmallIntegerField(_("độ mật"), choices=Secrecy.choices, default=Secrecy.NONE)
    pages = models.PositiveIntegerField(_("số trang"), null=True, blank=True)
    body = models.TextField(_("nội dung"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # number-symbol, summary, issuer and signer folded: accent-insensitive search is one LIKE (trigram-indexed on PG:
    # every document's key, migration 0002, and issued documents' own, 0025, which the issued search reads).
    search_key = models.TextField(editable=False, default="")
    issuer_key = models.CharField(max_length=255, editable=False, default="", db_index=True)
    # --- set when the document is issued by this system (văn bản đi) ---
    register = models.ForeignKey(
        "Register", null=True, blank=True, on_delete=models.PROTECT, related_name="documents", verbose_name=_("sổ")
    )
    year = models.PositiveSmallIntegerField(_("năm"), null=True, blank=True)
    is_legal = models.BooleanField(_("văn bản quy phạm pháp luật"), default=False)
    kinh_gui = models.TextField(_("kính gửi"), blank=True)
    recipients_text = models.TextField(_("nơi nhận"), blank=True)
    archive_note = models.CharField(_("lưu"), max_length=100, blank=True)
    signing_capacity = models.CharField(_("thẩm quyền ký"), max_length=8, blank=True)
    signer_title = models.CharField(_("chức danh người ký"), max_length=150, blank=True)
    leader_comment = models.TextField(_("ý kiến của lãnh đạo"), blank=True)
    meeting_kind = models.CharField(_("tài liệu họp"), max_length=10, blank=True)
    copy_kind = models.CharField(_("hình thức sao"), max_length=4, blank=True)
    copy_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="copies", verbose_name=_("bản gốc")
    )
    replaces = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replaced_by",
        verbose_name=_("thay thế văn bản"),
    )
    issued_at = models.DateTimeField(_("thời điểm phát hành"), null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recalled_at = models.DateTimeField(_("thời điểm thu hồi"), null=True, blank=True)
    recall_reason = models.TextField(_("lý do thu hồi"), blank=True)
    cancelled_at = models.DateTimeField(_("thời điểm hủy số"), null=True, blank=True)
    cancel_reason = models.TextField(_("lý do hủy số"), blank=True)

    class Meta:
        verbose_name = _("văn bản")
        verbose_name_plural = _("văn bản")
        permissions = [("view_confidential", _("Được xem văn bản mật"))]
        indexes = [
            models.Index(fields=["issuer_name", "number_symbol", "issued_date"], name="document_identity"),
            # The few recalled documents, so lists leave them out without joining every row to its document.
            models.Index(fields=["recalled_at"], condition=Q(recalled_at__isnull=False), name="document_recalled"),
        ]
        constraints = [
            # A number appears once in a register (cancelled numbers stay, with their reason).
            models.UniqueConstraint(fields=["register", "number"], name="document_number_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.number_symbol or '—'} {self.summary[:60]}"

    def save(self, *args, **kwargs) -> None:
        self.search_key = build_search_key(self.number_symbol, self.summary, self.issuer_name, self.signer_name)
        self.issuer_key = fold(self.issuer_name)
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_key", "issuer_key"}
        super().save(*args, **kwargs)

    @property
    def is_confidential(self) -> bool:
        return self.secrecy > Secrecy.NONE

    @property
    def type_and_summary(self) -> str:
        """'Tên loại và trích yếu nội dung' as the register prints it."""
        label = self.get_doc_type_display()
        if self.doc_type == DocType.CONG_VAN:
            return listed_summary(self.doc_type, self.summary)
        if fold(self.summary).startswith(fold(label)):
            return self.summary
        return f"{label} {self.summary}"


_VV = re.compile(r"^\s*v\s*/\s*v\b\s*", re.IGNORECASE)


def listed_summary(doc_type: str, summary: str) -> str:
    """A công văn's subject as lists and registers show it, "V/v …": drafts keep it without the prefix (the
    official face prints "V/v" under the number), a clerk may type "v/v"."""
    if doc_type != DocType.CONG_VAN or not summary:
        return summary
    return "V/v " + _VV.sub("", summary, count=1)


def build_search_key(*parts: str) -> str:
    return fold(" ".join(p for p in parts if p))


class DocumentUpdate(models.Model):
    """Cập nhật văn bản đã phát hành (edXML BussinessDocType 2): an addition that leaves the signed official PDF as
    it is (a missing or corrected appendix), with its reason; made by the issuing clerk, or received from a peer
    (created_by empty). Its files are the document's files that name it."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="updates")
    reason = models.TextField(_("lý do cập nhật"))
    created_at = models.DateTimeField(_("thời điểm cập nhật"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("cập nhật văn bản")
        verbose_name_plural = _("cập nhật văn bản")

    def __str__(self) -> str:
        return f"{self.document} — {self.reason[:60]}"


class DocumentFile(models.Model):
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="files")
    blob = models.ForeignKey(StoredFile, on_delete=models.PROTECT, related_name="uses")
    name = models.CharField(_("tên tệp"), max_length=255)
    added_at = models.DateTimeField(auto_now_add=True)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    update = models.ForeignKey(
        DocumentUpdate, null=True, blank=True, on_delete=models.SET_NULL, related_name="files"
    )  # the update that added it (None: issued or received with the document)

    class Meta:
        ordering = ["id"]
        verbose_name = _("tệp đính kèm")
        verbose_name_plural = _("tệp đính kèm")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("documents:file", args=[self.pk])


class DocumentUserObjectPermission(UserObjectPermissionBase):
    """Explicit grants (django-guardian, direct foreign key so lookups stay indexed)."""

    content_object = models.ForeignKey(Document, on_delete=models.CASCADE, verbose_name=_("văn bản"))

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = _("quyền xem văn bản mật")
        verbose_name_plural = _("quyền xem văn bản mật")

    def __str__(self) -> str:
        # guardian's own reads "object | user | codename", in English, on the admin's pages.
        return f"{self.user} — {self.content_object}"


# --- Registers (sổ văn bản) and their counters ----------------------------------------------------------


class RegisterKind(models.TextChoices):
    INCOMING = "in", _("Sổ đăng ký văn bản đến")
    OUTGOING = "out", _("Sổ đăng ký văn bản đi")
    # Normative legal documents are numbered apart from the administrative series (NĐ30 Art. 15).
    LEGAL = "law", _("Sổ đăng ký văn bản quy phạm pháp luật")
    COPY = "copy", _("Sổ đăng ký bản sao văn bản")


class Register(models.Model):
    """A register book of one unit for one year; its row is the locked counter that gives gapless numbers."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="registers", verbose_name=_("đơn vị"))
    year = models.PositiveSmallIntegerField(_("năm"))
    kind = models.CharField(_("loại sổ"), max_length=4, choices=RegisterKind.choices)
    confidential = models.BooleanField(_("sổ văn bản mật"), default=False)
    last_number = models.PositiveIntegerField(_("số cuối đã cấp"), default=0)

    class Meta:
        verbose_name = _("sổ văn bản")
        verbose_name_plural = _("sổ văn bản")
        constraints = [
            models.UniqueConstraint(fields=["unit", "year", "kind", "confidential"], name="register_unique"),
        ]

    def __str__(self) -> str:
        secret = " (mật)" if self.confidential else ""
        return f"{self.get_kind_display()}{secret} {self.year} — {self.unit}"


class AssignmentRole(models.TextChoices):
    LEAD = "lead", _("Chủ trì")
    COOPERATE = "coop", _("Phối hợp")
    INFORM = "info", _("Để biết")


# --- Deliveries (one document to one recipient unit) -----------------------------------------------------


class DeliveryStatus(models.TextChoices):
    """Mapped onto edXML status codes: sent 01, returned 02, registered 03."""

    SENT = "sent", _("Đã gửi")
    OPENED = "opened", _("Đã xem")
    REGISTERED = "registered", _("Đã vào sổ")
    RETURNED = "returned", _("Bị trả lại")
    RECALLED = "recalled", _("Đã thu hồi")
    SENDING = "sending", _("Đang gửi liên thông")  # to another system (documents/exchange)
    FAILED = "failed", _("Gửi lỗi")
    # Issued from a draft the leader signed, its agency's signature not on it yet: created, not delivered (no
    # recipient sees it, no package leaves) until the signature succeeds (documents/outgoing/held.py).
    HELD = "held", _("Chờ ký số cơ quan")


class Delivery(models.Model):
    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="deliveries")
    sender_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="sent_deliveries")
    recipient_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="deliveries")
    status = models.CharField(
        _("trạng thái"), max_length=12, choices=DeliveryStatus.choices, default=DeliveryStatus.SENT
    )
    electronic = models.BooleanField(_("gửi điện tử"), default=True)
    paper_required = models.BooleanField(_("cần gửi bản giấy"), default=False)
    paper_reason = models.CharField(_("lý do gửi/không gửi bản giấy"), max_length=255, blank=True)
    paper_sent_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(default=timezone.now)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    opened_at = models.DateTimeField(null=True, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    record = models.OneToOneField(
        "IncomingRecord", null=True, blank=True, on_delete=models.SET_NULL, related_name="delivery"
    )
    returned_reason = models.TextField(_("lý do trả lại"), blank=True)
    returned_at = models.DateTimeField(null=True, blank=True)
    recall_acknowledged_at = models.DateTimeField(_("đã xác nhận thu hồi"), null=True, blank=True)
    recall_acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("lượt gửi")
        verbose_name_plural = _("lượt gửi")
        ordering = ["-sent_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["document", "recipient_unit"], name="delivery_once_per_recipient"),
        ]
        indexes = [
            models.Index(fields=["recipient_unit", "status", "sent_at"], name="delivery_inbox"),
            # Compliance's unopened rule (idesk.compliance) per unit and sending time; what it reads is included,
            # so a day reads the few thousand rows it counts from the index alone.
            models.Index(
                fields=["recipient_unit", "sent_at"],
                include=["id", "electronic", "status", "opened_at"],
                condition=Q(opened_at__isnull=True, electronic=True) & ~Q(status=DeliveryStatus.RECALLED),
                name="compliance_delivery_unopened",
            ),
            models.Index(fields=["opened_at"], condition=Q(opened_at__isnull=False), name="compliance_delivery_opened"),
        ]

    def __str__(self) -> str:
        return f"{self.document} → {self.recipient_unit}"

    @property
    def reader_state(self) -> str:
        """The state as the receiving clerk reads it: "Đã gửi" is the sender's word for an arrival not yet opened."""
        if self.status == DeliveryStatus.SENT:
            return _("Chưa xem")
        if self.status == DeliveryStatus.OPENED:
            return _("Đã xem, chưa vào sổ")
        return self.get_status_display()


# --- Audit trail ------------------------------------------------------------------------------------------


class AuditEvent(models.Model):
    """Append-only: who did what to which record, when. Timelines and read receipts are read from here."""

    # PROTECT: deleting a person never erases or anonymises what they did (the admin deactivates instead).
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    verb = models.CharField(max_length=32)
    object_type = models.CharField(max_length=32)
    object_id = models.BigIntegerField()
    at = models.DateTimeField(default=timezone.now)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("nhật ký")
        verbose_name_plural = _("nhật ký")
        ordering = ["at", "id"]
        indexes = [
            models.Index(fields=["object_type", "object_id", "at"], name="audit_object"),
            # Read receipts: has this person opened this record? (each list row asks)
            models.Index(
                fields=["object_id", "actor"],
                condition=Q(verb="opened", object_type="incomingrecord"),
                name="audit_record_opened",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.verb} {self.object_type}#{self.object_id}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise ValueError("Audit events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Audit events are append-only")
