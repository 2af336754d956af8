from __future__ import annotations

import datetime

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from units.text import fold

# Mã định danh (QĐ 20/2020/QĐ-TTg): four dotted levels, the first-level code last (`000.00.00.G22`, `000.00.31.H09`).
ORGAN_ID_PATTERN = r"^[0-9A-Z]{3}\.[0-9A-Z]{2}\.[0-9A-Z]{2}\.[A-Z][0-9A-Z]{2}$"


class UnitKind(models.TextChoices):
    DISTRICT = "district", _("UBND huyện")
    DEPARTMENT = "department", _("Phòng, ban, ngành")
    COMMUNE = "commune", _("Xã, thị trấn")
    EXTERNAL = "external", _("Cơ quan bên ngoài")


class UnitQuerySet(models.QuerySet):
    def on_system(self, on: datetime.date | None = None) -> UnitQuerySet:
        """Active units on the e-office (on `on`, when given)."""
        qs = self.filter(active=True, eoffice_since__isnull=False)
        if on is not None:
            qs = qs.filter(eoffice_since__lte=on)
        return qs

    def internal(self) -> UnitQuerySet:
        return self.exclude(kind=UnitKind.EXTERNAL)

    def search(self, query: str) -> UnitQuerySet:
        key = fold(query)
        return self.filter(search_key__contains=key) if key else self


class Unit(models.Model):
    """Cơ quan, đơn vị: a node of the district's tree, or an external body that sends documents."""

    name = models.CharField(_("tên cơ quan, đơn vị"), max_length=255)
    code = models.SlugField(
        _("mã đơn vị"),
        max_length=64,
        unique=True,
        validators=[
            RegexValidator(r"^[a-z0-9]+(-[a-z0-9]+)*$", _("Chỉ dùng chữ thường không dấu, số và dấu gạch ngang."))
        ],
        help_text=_("Mã ASCII dùng trong địa chỉ, báo cáo và tệp xuất, ví dụ: xa-canh-hien."),
    )
    short_name = models.CharField(
        _("tên viết tắt"), max_length=32, blank=True, help_text=_("Dùng trong ký hiệu văn bản, ví dụ: UBND, VP, NV.")
    )
    kind = models.CharField(_("loại"), max_length=16, choices=UnitKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("cơ quan cấp trên"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    organ_id = models.CharField(
        _("mã định danh"),
        max_length=13,
        blank=True,
        default="",
        validators=[RegexValidator(ORGAN_ID_PATTERN, _("Mã định danh có dạng 000.00.00.H09 (QĐ 20/2020/QĐ-TTg)."))],
        help_text=_("Mã định danh điện tử của cơ quan, dùng khi liên thông văn bản (edXML). Để trống nếu chưa có."),
    )
    eoffice_since = models.DateField(
        _("tham gia văn phòng điện tử từ ngày"),
        null=True,
        blank=True,
        help_text=_("Để trống nếu đơn vị chưa dùng hệ thống: văn bản gửi đơn vị sẽ gửi bản giấy."),
    )
    active = models.BooleanField(_("đang hoạt động"), default=True)
    sort_order = models.PositiveIntegerField(_("thứ tự"), default=0)
    address = models.CharField(_("địa chỉ"), max_length=255, blank=True)
    phone = models.CharField(_("điện thoại"), max_length=32, blank=True)
    email = models.EmailField(_("thư điện tử"), blank=True)
    # Folded name + short name + code, kept in step by save(), so search is one indexed LIKE everywhere.
    search_key = models.CharField(max_length=400, editable=False, db_index=True, default="")

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("cơ quan, đơn vị")
        verbose_name_plural = _("cơ quan, đơn vị")
        ordering = ["sort_order", "name"]
        constraints = [
            # Blank for bodies without one; a code names one agency in every exchange.
            models.UniqueConstraint(fields=["organ_id"], condition=~models.Q(organ_id=""), name="unit_organ_id_unique"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        self.search_key = fold(" ".join(filter(None, [self.name, self.short_name, self.code])))
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_key"}
        super().save(*args, **kwargs)

    @property
    def is_external(self) -> bool:
        return self.kind == UnitKind.EXTERNAL

    def is_on_system(self, on: datetime.date | None = None) -> bool:
        if not self.active or self.eoffice_since is None:
            return False
        return on is None or self.eoffice_since <= on


class CalendarExceptionKind(models.TextChoices):
    DAY_OFF = "off", _("Nghỉ (ngày làm việc được nghỉ)")
    WORKING_DAY = "work", _("Làm việc (làm bù ngày nghỉ)")


class CalendarException(models.Model):
    """A date the government swaps or adds each year, entered by an administrator.

    The `holidays` package knows the fixed and lunar holidays (and some swaps); what it misses, or what the
    province decides differently, goes here and wins over it.
    """

    date = models.DateField(_("ngày"), unique=True)
    kind = models.CharField(_("loại"), max_length=4, choices=CalendarExceptionKind.choices)
    reason = models.CharField(
        _("lý do"), max_length=255, help_text=_("Ví dụ: Làm bù cho ngày 02/5 theo Thông báo số …/TB-BNV.")
    )
    created_at = models.DateTimeField(_("ngày nhập"), auto_now_add=True)

    class Meta:
        verbose_name = _("ngày nghỉ, ngày làm bù")
        verbose_name_plural = _("lịch ngày nghỉ, ngày làm bù")
        ordering = ["-date"]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} — {self.get_kind_display()}"
