from __future__ import annotations

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from units.models import Unit
from units.text import fold


class Role(models.TextChoices):
    STAFF = "staff", _("Chuyên viên")
    CLERK = "clerk", _("Văn thư")
    HEAD = "head", _("Thủ trưởng")
    DEPUTY_HEAD = "deputy_head", _("Phó thủ trưởng")
    LEADER = "leader", _("Lãnh đạo UBND")
    ADMIN = "admin", _("Quản trị hệ thống")


class UserQuerySet(models.QuerySet):
    def search(self, query: str) -> UserQuerySet:
        key = fold(query)
        return self.filter(search_key__contains=key) if key else self


class IDeskUserManager(UserManager.from_queryset(UserQuerySet)):
    # Kept out of migration state so migrations never import this module (historical models get a plain manager).
    use_in_migrations = False


class User(AbstractUser):
    """A person (or the clerk account that stands for a unit)."""

    # first_name/last_name make no sense for Vietnamese names: one full name, family name first.
    first_name = None
    last_name = None
    full_name = models.CharField(_("họ và tên"), max_length=150)
    unit = models.ForeignKey(
        Unit, verbose_name=_("cơ quan, đơn vị"), null=True, blank=True, on_delete=models.PROTECT, related_name="users"
    )
    position = models.CharField(_("chức vụ"), max_length=150, blank=True)
    role = models.CharField(_("vai trò"), max_length=16, choices=Role.choices, default=Role.STAFF)
    phone = models.CharField(_("điện thoại"), max_length=32, blank=True)
    sort_order = models.PositiveIntegerField(_("thứ tự"), default=100)
    search_key = models.CharField(max_length=400, editable=False, db_index=True, default="")

    objects = IDeskUserManager()

    REQUIRED_FIELDS = ["email", "full_name"]

    class Meta:
        verbose_name = _("người dùng")
        verbose_name_plural = _("người dùng")
        ordering = ["sort_order", "full_name"]
        constraints = [
            # Founding letter R4: one clerk account represents the unit.
            models.UniqueConstraint(
                fields=["unit"],
                condition=Q(role=Role.CLERK, is_active=True),
                name="one_active_clerk_per_unit",
                violation_error_message=_("Đơn vị này đã có một tài khoản văn thư đang hoạt động."),
            ),
        ]

    def __str__(self) -> str:
        return self.full_name or self.username

    def save(self, *args, **kwargs) -> None:
        self.search_key = fold(" ".join(filter(None, [self.full_name, self.username, self.position])))
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_key"}
        super().save(*args, **kwargs)

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.rsplit(" ", 1)[-1] if self.full_name else self.username

    @property
    def sees_compliance(self) -> bool:
        return self.role in (Role.LEADER, Role.HEAD, Role.DEPUTY_HEAD, Role.ADMIN) or self.is_superuser


class AccessKind(models.TextChoices):
    LOGIN = "login", _("Đăng nhập")
    VISIT = "visit", _("Truy cập")


class AccessEvent(models.Model):
    """One visit to the system (append-only, high volume; read by the daily compliance report)."""

    # Evidence (founding letter R2): a person or unit with visits is deactivated, never deleted, and the rows are
    # append-only in PostgreSQL too (migration 0004's trigger).
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="access_events", verbose_name=_("người dùng"))
    unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("đơn vị")
    )
    # BRIN-indexed on PostgreSQL (migration 0002, not in Meta: SQLite has no BRIN): a day's events, which arrive
    # in time order, found in a 10-million-row table for the compliance report.
    at = models.DateTimeField(_("thời điểm"))
    kind = models.CharField(_("loại"), max_length=8, choices=AccessKind.choices)

    class Meta:
        verbose_name = _("lượt truy cập")
        verbose_name_plural = _("lượt truy cập")
        constraints = [
            # Also the (user, at) index; makes re-importing the same log a no-op.
            models.UniqueConstraint(fields=["user", "at", "kind"], name="access_event_unique"),
        ]
        indexes = [models.Index(fields=["unit", "at"], name="access_event_unit_at")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind} {self.at:%Y-%m-%d %H:%M}"


# --- Notification preferences -----------------------------------------------------------------------------


class NotificationKind(models.TextChoices):
    """The events a person can be told about; each person chooses per kind whether e-mail is added."""

    DELIVERED = "delivered", _("Văn bản điện tử gửi đến đơn vị")
    RECEIPT = "receipt", _("Đơn vị nhận đã vào sổ hoặc trả lại văn bản")
    INCOMING = "incoming", _("Văn bản đến mới vào sổ của đơn vị")
    SUBMITTED = "submitted", _("Văn bản trình xin ý kiến chỉ đạo")
    ASSIGNED = "assigned", _("Phân công xử lý cho tôi hoặc đơn vị")
    DUE_SOON = "due_soon", _("Nhiệm vụ đến hạn vào ngày làm việc tiếp theo")
    OVERDUE = "overdue", _("Nhiệm vụ quá hạn (đôn đốc hằng ngày)")
    REMINDER = "reminder", _("Lãnh đạo đôn đốc xử lý")
    COMPLETED = "completed", _("Văn bản đã xử lý xong")
    DRAFT = "draft", _("Dự thảo văn bản đi chờ duyệt, chờ ký, bị trả lại hoặc đã ký")
    MEETING = "meeting", _("Giấy mời họp, thay đổi lịch họp")
    BREACH = "breach", _("Báo cáo hằng ngày: đơn vị vi phạm quy định truy cập")
    EXPORT = "export", _("Bản PDF dài đã tạo xong")

    @classmethod
    def relevant_to(cls, user: User) -> list[NotificationKind]:
        """The kinds a person can receive, for the preferences page (others would only confuse)."""
        # EXPORT answers the person's own request, always in iDesk: nothing to choose.
        kinds = [k for k in cls if k not in (cls.DELIVERED, cls.RECEIPT, cls.BREACH, cls.SUBMITTED, cls.EXPORT)]
        if user.role == Role.CLERK:
            kinds = [cls.DELIVERED, cls.RECEIPT, *kinds]
        if user.role in (Role.LEADER, Role.HEAD, Role.DEPUTY_HEAD):
            kinds.insert(0, cls.SUBMITTED)
        if user.role == Role.LEADER or user.is_superuser:
            kinds.append(cls.BREACH)
        return kinds


class Channel(models.TextChoices):
    IN_APP = "in_app", _("Chỉ thông báo trong iDesk")
    EMAIL = "email", _("Trong iDesk và qua thư điện tử")


# Without a saved choice: e-mail for what needs acting on, in-app only for what is merely informative.
DEFAULT_CHANNEL: dict[str, str] = {
    NotificationKind.DELIVERED: Channel.EMAIL,
    NotificationKind.RECEIPT: Channel.IN_APP,
    NotificationKind.INCOMING: Channel.IN_APP,
    NotificationKind.SUBMITTED: Channel.EMAIL,
    NotificationKind.ASSIGNED: Channel.EMAIL,
    NotificationKind.DUE_SOON: Channel.EMAIL,
    NotificationKind.OVERDUE: Channel.EMAIL,
    NotificationKind.REMINDER: Channel.EMAIL,
    NotificationKind.COMPLETED: Channel.IN_APP,
    NotificationKind.DRAFT: Channel.EMAIL,
    NotificationKind.MEETING: Channel.EMAIL,
    NotificationKind.BREACH: Channel.EMAIL,
    NotificationKind.EXPORT: Channel.IN_APP,
}


class NotificationPreference(models.Model):
    """One person's choice for one kind of notification (no row: DEFAULT_CHANNEL)."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="notification_preferences", verbose_name=_("người dùng")
    )
    kind = models.CharField(_("loại thông báo"), max_length=16, choices=NotificationKind.choices)
    channel = models.CharField(_("cách nhận"), max_length=8, choices=Channel.choices)

    class Meta:
        verbose_name = _("tùy chọn thông báo")
        verbose_name_plural = _("tùy chọn thông báo")
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="notification_preference_unique")]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_kind_display()}: {self.get_channel_display()}"
