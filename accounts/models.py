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
    pass


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
                condition=Q(role="clerk", is_active=True),
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
    def is_clerk(self) -> bool:
        return self.role == Role.CLERK

    @property
    def is_leader(self) -> bool:
        return self.role == Role.LEADER

    @property
    def is_head(self) -> bool:
        return self.role in (Role.HEAD, Role.DEPUTY_HEAD)

    @property
    def sees_compliance(self) -> bool:
        return self.role in (Role.LEADER, Role.HEAD, Role.DEPUTY_HEAD, Role.ADMIN) or self.is_superuser


class AccessKind(models.TextChoices):
    LOGIN = "login", _("Đăng nhập")
    VISIT = "visit", _("Truy cập")


class AccessEvent(models.Model):
    """One visit to the system (append-only, high volume; read by the daily compliance report)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="access_events", verbose_name=_("người dùng"))
    unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("đơn vị")
    )
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
