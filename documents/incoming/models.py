"""Incoming records (văn bản đến), directions, assignments and progress notes."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from documents.core.models import AssignmentRole, Delivery, Document, Register, Secrecy, StoredFile, Urgency
from units.models import Unit

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
            # `include`: the policy's visibility walks (documents.incoming.policy) read the ids from the index alone.
            models.Index(fields=["submitted_to", "status"], include=["id"], name="incoming_submitted_to"),
            # The lists' order (urgent first, newest first): a page is read by walking the index and stopping
            # after its rows, not by sorting every row of a register (or every match of a search).
            models.Index(fields=["unit", "-urgency", "-arrived_at", "-id"], name="incoming_unit_list_order"),
            models.Index(fields=["-urgency", "-arrived_at", "-id"], name="incoming_list_order"),
            # The tab counts (selectors.box_querysets): the clerk's records waiting to be submitted, and the
            # register's size counted from the index alone (secrecy and document checked without the table).
            models.Index(
                fields=["unit"], condition=Q(status=IncomingStatus.REGISTERED), name="incoming_unit_registered"
            ),
            models.Index(fields=["unit", "secrecy", "document"], include=["id"], name="incoming_unit_visible"),
            # The visibility checks of the records those walks found (secrecy, recalled document) by id without
            # the table: the Chủ tịch's search of his district's 1,500 records (docs/performance.md).
            models.Index(fields=["id"], include=["secrecy", "document"], name="incoming_id_visible"),
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
    # A district leader's direction to another unit reaches it through its clerk: this delivery into the unit's
    # "Chờ vào sổ" (the unit registers it in its own book; its record's completion completes this assignment).
    delivery = models.OneToOneField(
        Delivery,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assignment",
        verbose_name=_("chuyển đến đơn vị"),
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
            models.UniqueConstraint(
                fields=["record"], condition=Q(role=AssignmentRole.LEAD), name="one_lead_per_record"
            ),
        ]
        indexes = [
            # `include`: the visibility walks read an assignee's records from the index alone.
            models.Index(
                fields=["assignee_user", "status", "due_date"], include=["record"], name="assignment_user_due"
            ),
            models.Index(
                fields=["assignee_unit", "status", "due_date"], include=["record"], name="assignment_unit_due"
            ),
            # Compliance's overdue rule (idesk.compliance): open assignments by unit and deadline, with the
            # columns it reads included.
            models.Index(
                fields=["assignee_unit", "due_date"],
                include=["id", "assignee_user", "assigned_at", "role", "status", "completed_at"],
                condition=Q(completed_at__isnull=True)
                & ~Q(status=AssignmentStatus.DONE)
                & ~Q(role=AssignmentRole.INFORM),
                name="compliance_assignment_open",
            ),
            models.Index(
                fields=["completed_at"], condition=Q(completed_at__isnull=False), name="compliance_assignment_done"
            ),
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
