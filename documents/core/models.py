"""Documents, their files, registers (sổ), incoming records, assignments, deliveries and the audit trail."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
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


def _blob_path(instance: StoredFile, filename: str) -> str:
    return f"blobs/{instance.sha256[:2]}/{instance.sha256[2:4]}/{instance.sha256}"


class StoredFile(models.Model):
    """File content addressed by SHA-256: the same bytes are stored once however many documents use them."""

    sha256 = models.CharField(max_length=64, unique=True)
    size = models.PositiveBigIntegerField()
    content_type = models.CharField(max_length=120)
    content = models.FileField(upload_to=_blob_path, max_length=200)
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
    # number-symbol + summary + issuer folded, so accent-insensitive search is one LIKE (trigram-indexed on PG).
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
        self.search_key = build_search_key(self.number_symbol, self.summary, self.issuer_name)
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
        if self.doc_type == DocType.CONG_VAN or fold(self.summary).startswith(fold(label)):
            return self.summary
        return f"{label} {self.summary}"


def build_search_key(*parts: str) -> str:
    return fold(" ".join(p for p in parts if p))


class DocumentFile(models.Model):
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="files")
    blob = models.ForeignKey(StoredFile, on_delete=models.PROTECT, related_name="uses")
    name = models.CharField(_("tên tệp"), max_length=255)
    added_at = models.DateTimeField(auto_now_add=True)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

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

    content_object = models.ForeignKey(Document, on_delete=models.CASCADE)


# --- Registers (sổ văn bản) and their counters ----------------------------------------------------------


class RegisterKind(models.TextChoices):
    INCOMING = "in", _("Sổ đăng ký văn bản đến")
    OUTGOING = "out", _("Sổ đăng ký văn bản đi")
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


# --- Incoming records ---------------------------------------------------------------------------------------


class IncomingStatus(models.TextChoices):
    REGISTERED = "registered", _("Đã vào sổ")
    SUBMITTED = "submitted", _("Chờ ý kiến chỉ đạo")
    IN_PROGRESS = "in_progress", _("Đang xử lý")
    DONE = "done", _("Đã xong")


class IncomingRecord(models.Model):
    """One entry of a unit's incoming register: the document as it arrived at that unit."""

    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="incoming_records")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="incoming_records", verbose_name=_("đơn vị"))
    register = models.ForeignKey(Register, on_delete=models.PROTECT, related_name="incoming_records")
    year = models.PositiveSmallIntegerField(_("năm"))
    arrival_number = models.PositiveIntegerField(_("số đến"))
    arrived_at = models.DateTimeField(_("ngày đến"), default=timezone.now)
    due_date = models.DateField(_("hạn xử lý"), null=True, blank=True)
    note = models.TextField(_("ghi chú"), blank=True)
    status = models.CharField(
        _("trạng thái"), max_length=16, choices=IncomingStatus.choices, default=IncomingStatus.REGISTERED
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("người vào sổ")
    )
    submitted_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="submitted_records",
        verbose_name=_("trình"),
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    # Denormalised from the document so lists sort urgent-first without a join.
    urgency = models.PositiveSmallIntegerField(choices=Urgency.choices, default=Urgency.NORMAL)
    secrecy = models.PositiveSmallIntegerField(choices=Secrecy.choices, default=Secrecy.NONE)

    class Meta:
        verbose_name = _("văn bản đến")
        verbose_name_plural = _("văn bản đến")
        ordering = ["-urgency", "-arrived_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["register", "arrival_number"], name="incoming_number_unique"),
        ]
        indexes = [
            models.Index(fields=["unit", "year", "arrival_number"], name="incoming_unit_year_no"),
            models.Index(fields=["unit", "arrived_at"], name="incoming_unit_arrived"),
            models.Index(fields=["submitted_to", "status"], name="incoming_submitted_to"),
            # The lists' order (urgent first, newest first): a page is read by walking the index and stopping
            # after its rows, not by sorting every row of a register (or every match of a search).
            models.Index(fields=["unit", "-urgency", "-arrived_at", "-id"], name="incoming_unit_list_order"),
            models.Index(fields=["-urgency", "-arrived_at", "-id"], name="incoming_list_order"),
            # The tab counts (selectors._tab_counts_sql): the clerk's records waiting to be submitted, and the
            # register's size counted from the index alone (secrecy and document checked without the table).
            models.Index(fields=["unit"], condition=Q(status="registered"), name="incoming_unit_registered"),
            models.Index(fields=["unit", "secrecy", "document"], name="incoming_unit_visible"),
        ]

    def __str__(self) -> str:
        return f"Số đến {self.arrival_number}/{self.year} — {self.unit}"

    def get_absolute_url(self) -> str:
        return reverse("documents:incoming_detail", args=[self.pk])

    @property
    def confidential(self) -> bool:
        return self.secrecy > Secrecy.NONE

    @property
    def withdrawn(self) -> bool:
        return self.document.recalled_at is not None


class Direction(models.Model):
    """Bút phê: a leader's written direction on an incoming record."""

    record = models.ForeignKey(IncomingRecord, on_delete=models.CASCADE, related_name="directions")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("ý kiến chỉ đạo"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("ý kiến chỉ đạo")
        verbose_name_plural = _("ý kiến chỉ đạo")

    def __str__(self) -> str:
        return self.text[:60]


class AssignmentRole(models.TextChoices):
    LEAD = "lead", _("Chủ trì")
    COOPERATE = "coop", _("Phối hợp")
    INFORM = "info", _("Để biết")


class AssignmentStatus(models.TextChoices):
    PENDING = "pending", _("Chờ xử lý")
    IN_PROGRESS = "in_progress", _("Đang xử lý")
    DONE = "done", _("Đã xong")


class Assignment(models.Model):
    """Phân công: a unit or a person handles (chủ trì / phối hợp) or is informed (để biết), by a deadline."""

    record = models.ForeignKey(IncomingRecord, on_delete=models.CASCADE, related_name="assignments")
    role = models.CharField(_("vai trò"), max_length=4, choices=AssignmentRole.choices)
    assignee_unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("đơn vị")
    )
    # For a unit assignment, the person its head delegated it to (giao cho).
    assignee_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assignments",
        verbose_name=_("người xử lý"),
    )
    due_date = models.DateField(_("hạn xử lý"), null=True, blank=True)
    status = models.CharField(
        _("trạng thái"), max_length=16, choices=AssignmentStatus.choices, default=AssignmentStatus.PENDING
    )
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    assigned_at = models.DateTimeField(default=timezone.now)
    first_opened_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    result = models.TextField(_("kết quả xử lý"), blank=True)
    reply_document = models.ForeignKey(
        Document, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("văn bản trả lời")
    )

    class Meta:
        verbose_name = _("phân công")
        verbose_name_plural = _("phân công")
        # chủ trì, then phối hợp, then để biết
        ordering = [models.Case(models.When(role="lead", then=0), models.When(role="coop", then=1), default=2), "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(assignee_unit__isnull=False) | Q(assignee_user__isnull=False),
                name="assignment_has_assignee",
            ),
            models.UniqueConstraint(fields=["record"], condition=Q(role="lead"), name="one_lead_per_record"),
        ]
        indexes = [
            models.Index(fields=["assignee_user", "status", "due_date"], name="assignment_user_due"),
            models.Index(fields=["assignee_unit", "status", "due_date"], name="assignment_unit_due"),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()}: {self.assignee_label}"

    @property
    def assignee_label(self) -> str:
        if self.assignee_user_id and self.assignee_unit_id:
            return f"{self.assignee_unit} ({self.assignee_user})"
        return str(self.assignee_user or self.assignee_unit)

    def is_overdue(self, today: datetime.date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.status != AssignmentStatus.DONE and self.due_date is not None and self.due_date < today


class ProgressNote(models.Model):
    """Tiến độ: a handler's note on the work, with files."""

    record = models.ForeignKey(IncomingRecord, on_delete=models.CASCADE, related_name="notes")
    assignment = models.ForeignKey(Assignment, null=True, blank=True, on_delete=models.SET_NULL, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("nội dung"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("tiến độ xử lý")
        verbose_name_plural = _("tiến độ xử lý")

    def __str__(self) -> str:
        return self.text[:60]


class NoteFile(models.Model):
    """A handler's working file: it belongs to this unit's record, never to the shared (issued) document."""

    note = models.ForeignKey(ProgressNote, on_delete=models.CASCADE, related_name="files")
    blob = models.ForeignKey(StoredFile, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("tên tệp"), max_length=255)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


# --- Deliveries (one document to one recipient unit) -----------------------------------------------------


class DeliveryStatus(models.TextChoices):
    """Mapped onto edXML status codes: sent 01, returned 02, registered 03."""

    SENT = "sent", _("Đã gửi")
    OPENED = "opened", _("Đã xem")
    REGISTERED = "registered", _("Đã vào sổ")
    RETURNED = "returned", _("Bị trả lại")
    RECALLED = "recalled", _("Đã thu hồi")


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
        IncomingRecord, null=True, blank=True, on_delete=models.SET_NULL, related_name="delivery"
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
        indexes = [models.Index(fields=["recipient_unit", "status", "sent_at"], name="delivery_inbox")]

    def __str__(self) -> str:
        return f"{self.document} → {self.recipient_unit}"


# --- Audit trail ------------------------------------------------------------------------------------------


class AuditEvent(models.Model):
    """Append-only: who did what to which record, when. Timelines and read receipts are read from here."""

    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
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


# --- Outgoing drafts (văn bản đi, before issue) ----------------------------------------------------------


class DraftStatus(models.TextChoices):
    DRAFT = "draft", _("Đang soạn")
    IN_REVIEW = "review", _("Chờ trưởng đơn vị duyệt")
    RETURNED = "returned", _("Bị trả lại")
    TO_SIGN = "to_sign", _("Chờ ký duyệt")
    SIGNED = "signed", _("Đã ký duyệt, chờ phát hành")
    ISSUED = "issued", _("Đã phát hành")


class SigningCapacity(models.TextChoices):
    NONE = "", _("Ký trực tiếp")
    TM = "TM.", _("TM. (thay mặt tập thể)")
    KT = "KT.", _("KT. (ký thay)")
    Q = "Q.", _("Q. (quyền)")
    TL = "TL.", _("TL. (thừa lệnh)")
    TUQ = "TUQ.", _("TUQ. (thừa ủy quyền)")


class RecipientGroup(models.TextChoices):
    DEPARTMENTS = "departments", _("Các phòng, ban, ngành")
    COMMUNES = "communes", _("UBND các xã, thị trấn")


class MeetingKind(models.TextChoices):
    NONE = "", _("Không phải tài liệu họp")
    ORDINARY = "meeting", _("Tài liệu phục vụ cuộc họp")
    SECURITY = "security", _("Tài liệu họp về quốc phòng, an ninh, trật tự xã hội hoặc họp mật")


class CopyKind(models.TextChoices):
    SAO_Y = "SY", _("Sao y")
    SAO_LUC = "SL", _("Sao lục")
    TRICH_SAO = "TrS", _("Trích sao")


class OutgoingDraft(models.Model):
    """A document being written: drafted by staff, reviewed by the unit head, signed by a leader, issued by a clerk."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="drafts", verbose_name=_("đơn vị soạn thảo"))
    issuer_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="issued_drafts", verbose_name=_("cơ quan ban hành")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="drafts", verbose_name=_("người soạn")
    )
    doc_type = models.CharField(_("loại văn bản"), max_length=8, choices=DocType.choices, default=DocType.CONG_VAN)
    is_legal = models.BooleanField(_("văn bản quy phạm pháp luật"), default=False)
    summary = models.TextField(_("trích yếu"))
    body = models.TextField(_("nội dung"), blank=True)
    kinh_gui = models.TextField(_("kính gửi"), blank=True)
    recipient_units = models.ManyToManyField(Unit, blank=True, related_name="+", verbose_name=_("nơi nhận (đơn vị)"))
    recipient_groups = models.JSONField(_("nơi nhận (nhóm)"), default=list, blank=True)
    external_recipients = models.TextField(_("nơi nhận khác"), blank=True)
    archive_note = models.CharField(_("lưu"), max_length=100, default="VT", blank=True)
    symbol_suffix = models.CharField(_("ký hiệu đơn vị soạn thảo"), max_length=20, blank=True)
    urgency = models.PositiveSmallIntegerField(_("độ khẩn"), choices=Urgency.choices, default=Urgency.NORMAL)
    secrecy = models.PositiveSmallIntegerField(_("độ mật"), choices=Secrecy.choices, default=Secrecy.NONE)
    meeting_kind = models.CharField(
        _("tài liệu họp"), max_length=10, choices=MeetingKind.choices, blank=True, default=""
    )
    signer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="drafts_to_sign", verbose_name=_("người ký")
    )
    signing_capacity = models.CharField(
        _("thẩm quyền ký"), max_length=8, choices=SigningCapacity.choices, blank=True, default=""
    )
    leader_comment = models.TextField(_("ý kiến của lãnh đạo"), blank=True)
    reply_to = models.ForeignKey(
        IncomingRecord,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="replies",
        verbose_name=_("trả lời văn bản đến"),
    )
    replaces = models.ForeignKey(
        Document, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("thay thế văn bản")
    )
    status = models.CharField(_("trạng thái"), max_length=10, choices=DraftStatus.choices, default=DraftStatus.DRAFT)
    document = models.OneToOneField(Document, null=True, blank=True, on_delete=models.PROTECT, related_name="draft")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("dự thảo văn bản đi")
        verbose_name_plural = _("dự thảo văn bản đi")
        ordering = ["-updated_at", "-id"]
        indexes = [models.Index(fields=["unit", "status"], name="draft_unit_status")]

    def __str__(self) -> str:
        return self.summary[:80]

    def get_absolute_url(self) -> str:
        return reverse("documents:draft_detail", args=[self.pk])

    @property
    def confidential(self) -> bool:
        return self.secrecy > Secrecy.NONE


class DraftFile(models.Model):
    draft = models.ForeignKey(OutgoingDraft, on_delete=models.CASCADE, related_name="files")
    blob = models.ForeignKey(StoredFile, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("tên tệp"), max_length=255)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class DraftComment(models.Model):
    """Review and signing comments; returned drafts keep them as their history."""

    class Kind(models.TextChoices):
        RETURNED_BY_REVIEWER = "review_return", _("Trưởng đơn vị trả lại")
        RETURNED_BY_SIGNER = "sign_return", _("Lãnh đạo trả lại")
        APPROVED = "approved", _("Duyệt")
        SIGNED = "signed", _("Ký duyệt")
        COMMENT = "comment", _("Ý kiến")

    draft = models.ForeignKey(OutgoingDraft, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    text = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.text[:40]}"


class DraftVersion(models.Model):
    """A snapshot each time the draft goes up for review, so returned drafts keep their history."""

    draft = models.ForeignKey(OutgoingDraft, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    summary = models.TextField()
    body = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["number"]
        constraints = [models.UniqueConstraint(fields=["draft", "number"], name="draft_version_unique")]

    def __str__(self) -> str:
        return f"v{self.number}"


class PaperRule(models.Model):
    """Founding letter R3 as data an administrator can see and adjust (one row)."""

    effective_date = models.DateField(_("áp dụng từ ngày"), default=datetime.date(2017, 1, 1))
    invitations_electronic_only = models.BooleanField(_("Thư mời, giấy mời chỉ gửi điện tử"), default=True)
    meeting_materials_electronic_only = models.BooleanField(_("Tài liệu họp chỉ gửi điện tử"), default=True)
    copies_electronic_only = models.BooleanField(_("Bản sao y, sao lục chỉ gửi điện tử"), default=True)
    security_meetings_keep_paper = models.BooleanField(
        _("Trừ tài liệu họp về quốc phòng, an ninh, trật tự xã hội, họp mật"), default=True
    )
    leader_comment_keeps_paper = models.BooleanField(_("Trừ văn bản có ý kiến của lãnh đạo UBND huyện"), default=True)
    basis = models.CharField(
        _("căn cứ"), max_length=255, default="Công văn số 3261/UBND ngày 05/12/2016 của UBND huyện Vân Canh, mục 3"
    )

    class Meta:
        verbose_name = _("quy tắc gửi bản giấy")
        verbose_name_plural = _("quy tắc gửi bản giấy")

    def __str__(self) -> str:
        return str(_("Quy tắc gửi bản giấy từ %(d)s") % {"d": self.effective_date.strftime("%d/%m/%Y")})

    @classmethod
    def current(cls) -> PaperRule:
        rule = cls.objects.order_by("pk").first()
        return rule or cls.objects.create()


class PdfCache(models.Model):
    """Rendered PDFs by the hash of what they were rendered from: the same inputs never render twice."""

    key = models.CharField(max_length=64, unique=True)
    blob = models.ForeignKey(StoredFile, on_delete=models.PROTECT, related_name="+")
    pages = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.key[:12]


# --- Meetings (họp), invitations, materials, attendance --------------------------------------------------


class MeetingStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Đã lên lịch")
    CANCELLED = "cancelled", _("Đã hủy")


class Meeting(models.Model):
    """A meeting: its giấy mời goes out through the outgoing flow; attendance feeds the compliance report."""

    title = models.CharField(_("nội dung cuộc họp"), max_length=500)
    organiser = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="organised_meetings",
        verbose_name=_("người tổ chức"),
    )
    organiser_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="meetings", verbose_name=_("đơn vị tổ chức")
    )
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="chaired_meetings", verbose_name=_("chủ trì")
    )
    start = models.DateTimeField(_("bắt đầu"))
    end = models.DateTimeField(_("kết thúc"))
    place = models.CharField(_("địa điểm"), max_length=255)
    agenda = models.TextField(_("chương trình"), blank=True)
    restricted = models.BooleanField(
        _("họp về quốc phòng, an ninh, trật tự xã hội hoặc họp mật"),
        default=False,
        help_text=_("Tài liệu của cuộc họp này vẫn gửi bản giấy."),
    )
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=MeetingStatus.choices, default=MeetingStatus.SCHEDULED
    )
    invitation = models.ForeignKey(
        Document, null=True, blank=True, on_delete=models.SET_NULL, related_name="meetings", verbose_name=_("giấy mời")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("cuộc họp")
        verbose_name_plural = _("cuộc họp")
        ordering = ["start", "id"]
        indexes = [models.Index(fields=["start"], name="meeting_start")]
        constraints = [models.CheckConstraint(condition=Q(end__gt=models.F("start")), name="meeting_end_after_start")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("documents:meeting_detail", args=[self.pk])

    @property
    def cancelled(self) -> bool:
        return self.status == MeetingStatus.CANCELLED

    @property
    def ended(self) -> bool:
        return self.end <= timezone.now()


class Response(models.TextChoices):
    PENDING = "pending", _("Chưa trả lời")
    ATTEND = "attend", _("Tham dự")
    DEPUTY = "deputy", _("Cử người dự thay")
    DECLINE = "decline", _("Vắng, có lý do")


class Attendance(models.TextChoices):
    UNKNOWN = "", _("Chưa ghi nhận")
    PRESENT = "present", _("Có mặt")
    EXCUSED = "excused", _("Vắng có lý do chính đáng")
    UNEXCUSED = "unexcused", _("Vắng không có lý do chính đáng")


class MeetingInvitee(models.Model):
    """One invited unit or person, with the answer and the attendance the organiser records."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="invitees")
    unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("đơn vị")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="meeting_invitations"
    )
    response = models.CharField(_("trả lời"), max_length=8, choices=Response.choices, default=Response.PENDING)
    responded_at = models.DateTimeField(null=True, blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    deputy = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="deputised_meetings",
        verbose_name=_("người dự thay"),
    )  # fmt: skip
    decline_reason = models.TextField(_("lý do vắng"), blank=True)
    reason_accepted = models.BooleanField(_("lý do chính đáng"), null=True, blank=True)
    attendance = models.CharField(_("điểm danh"), max_length=10, choices=Attendance.choices, blank=True, default="")
    attendance_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("thành phần mời")
        verbose_name_plural = _("thành phần mời")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(unit__isnull=False) | Q(user__isnull=False), name="invitee_has_target"),
            models.UniqueConstraint(
                fields=["meeting", "unit"], condition=Q(user__isnull=True), name="invitee_unit_once"
            ),
            models.UniqueConstraint(
                fields=["meeting", "user"], condition=Q(user__isnull=False), name="invitee_user_once"
            ),
        ]
        indexes = [models.Index(fields=["unit", "attendance"], name="invitee_unit_attendance")]

    def __str__(self) -> str:
        return str(self.user or self.unit)

    @property
    def label(self) -> str:
        if self.user_id and self.unit_id:
            return f"{self.user} ({self.unit})"
        return str(self.user or self.unit)

    @property
    def counted_unit_id(self) -> int | None:
        """The unit an absence is counted against: the invited unit, or the invited person's unit."""
        return self.unit_id or (self.user.unit_id if self.user_id else None)


class MeetingMaterial(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="materials")
    blob = models.ForeignKey(StoredFile, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("tên tài liệu"), max_length=255)
    confidential = models.BooleanField(_("tài liệu mật"), default=False)
    granted_users = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="+", verbose_name=_("được xem")
    )
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("tài liệu họp")
        verbose_name_plural = _("tài liệu họp")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class CalendarFeed(models.Model):
    """A private iCalendar feed URL (secret token, revocable)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feeds")
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("lịch iCalendar")
        verbose_name_plural = _("lịch iCalendar")

    def __str__(self) -> str:
        return f"{self.user} {'(thu hồi)' if self.revoked_at else ''}"


# Signing (documents/signing/models.py) lives in its own sub-package; imported here so Django registers it.
from documents.signing.models import (  # noqa: E402, F401
    RevocationList,
    SealImage,
    SignatureImage,
    SigningCertificate,
    TrustedRoot,
)
