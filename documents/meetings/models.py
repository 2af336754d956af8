"""Meetings (họp), invitations, materials, attendance and calendar feeds."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from guardian.models import UserObjectPermissionBase

from documents.core.models import Document, StoredFile
from units.models import Unit
from units.text import fold

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
    # The content and the place folded (units.text.fold) for the one search, which matches them in SQL;
    # trigram-indexed on PostgreSQL (migration 0023: a GIN index SQLite cannot build, so not in Meta).
    search_key = models.TextField(editable=False, default="")

    class Meta:
        verbose_name = _("cuộc họp")
        verbose_name_plural = _("cuộc họp")
        ordering = ["start", "id"]
        # By end too: what is not over yet (a few meetings among years of past ones) is found by its end.
        indexes = [
            models.Index(fields=["start"], name="meeting_start"),
            models.Index(fields=["end"], name="meeting_end"),
        ]
        constraints = [models.CheckConstraint(condition=Q(end__gt=models.F("start")), name="meeting_end_after_start")]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        self.search_key = fold(" ".join(filter(None, [self.title, self.place])))
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_key"}
        super().save(*args, **kwargs)

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
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("tài liệu họp")
        verbose_name_plural = _("tài liệu họp")
        ordering = ["id"]
        # Granted per material through django-guardian (documents/core/grants.py), like a confidential document.
        permissions = [("view_confidential", _("Được xem tài liệu họp mật"))]

    def __str__(self) -> str:
        return self.name


class MeetingMaterialUserObjectPermission(UserObjectPermissionBase):
    """Grants on confidential materials (django-guardian, direct foreign key so lookups stay indexed)."""

    content_object = models.ForeignKey(MeetingMaterial, on_delete=models.CASCADE, verbose_name=_("tài liệu họp"))

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = _("quyền xem tài liệu họp mật")
        verbose_name_plural = _("quyền xem tài liệu họp mật")

    def __str__(self) -> str:
        # guardian's own reads "object | user | codename", in English, on the admin's pages.
        return f"{self.user} — {self.content_object}"


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
