from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import NotificationKind
from units.models import Unit


class NoticeQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True, published_at__lte=timezone.now())


class Notice(models.Model):
    """Thông báo on the public page (founding letter R5), posted by an administrator."""

    title = models.CharField(_("tiêu đề"), max_length=255)
    body = models.TextField(_("nội dung"))
    published_at = models.DateTimeField(_("ngày đăng"), default=timezone.now)
    attachment = models.FileField(_("tệp đính kèm"), upload_to="notices/%Y/", blank=True)
    is_published = models.BooleanField(_("công khai"), default=True)

    objects = NoticeQuerySet.as_manager()

    class Meta:
        verbose_name = _("thông báo")
        verbose_name_plural = _("thông báo")
        ordering = ["-published_at"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("public:notice", args=[self.pk])


# --- Notifications (in-app, and e-mail by preference) -----------------------------------------------------


class Notification(models.Model):
    """One message to one person. `dedup_key` names the event it came from, so a task run twice adds nothing."""

    # What a person was told stays: deleting them is refused (deactivate instead).
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="notifications", verbose_name=_("người nhận")
    )
    kind = models.CharField(_("loại"), max_length=16, choices=NotificationKind.choices)
    title = models.CharField(_("tiêu đề"), max_length=255)
    body = models.TextField(_("nội dung"), blank=True)
    url = models.CharField(_("liên kết"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("thời điểm"), default=timezone.now)
    read_at = models.DateTimeField(_("đã đọc lúc"), null=True, blank=True)
    dedup_key = models.CharField(max_length=120)
    # About a confidential document (độ mật): the e-mail then says only that there is one, with the link.
    confidential = models.BooleanField(default=False)
    # Decided from the recipient's preference when the notification is made; emailed_at is set (claimed)
    # just before sending, so two workers never send the same e-mail and a failed send is retried.
    email_wanted = models.BooleanField(_("gửi thư điện tử"), default=False)
    emailed_at = models.DateTimeField(_("đã gửi thư lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("thông báo cá nhân")
        verbose_name_plural = _("thông báo cá nhân")
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["recipient", "dedup_key"], name="notification_once")]
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="notification_inbox"),
            # The bell counts unread rows on every page: a partial index keeps it to the few unread ones.
            models.Index(fields=["recipient"], condition=Q(read_at__isnull=True), name="notification_unread"),
        ]

    def __str__(self) -> str:
        return f"{self.recipient_id}: {self.title}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


# --- Daily access compliance (founding letter R2): stored results, read by the dashboard -------------------


class ComplianceDay(models.Model):
    """One computed working day: the rule it was computed with, its cut-offs, and the district's totals."""

    date = models.DateField(_("ngày"), unique=True)
    required_visits = models.PositiveSmallIntegerField(_("số lượt truy cập yêu cầu"))
    computed_at = models.DateTimeField(_("tính lúc"))
    # The day's cut-offs as computed (idesk.compliance.day_cutoffs): which deliveries and assignments a day
    # counted is re-derived from them and the timestamps of those records, for any unit and any range of days.
    starts_at = models.DateTimeField(_("bắt đầu ngày"))
    ends_at = models.DateTimeField(_("hết giờ làm việc"))
    due_sent_before = models.DateTimeField(_("văn bản gửi trước thời điểm này phải mở xong trong ngày"))
    due_today_sent_from = models.DateTimeField(_("văn bản gửi từ thời điểm này có hạn mở là chính ngày này"))
    # Totals of the unit rows, for the district's trend chart.
    units = models.PositiveIntegerField(_("số đơn vị"), default=0)
    compliant_units = models.PositiveIntegerField(_("số đơn vị đạt"), default=0)
    breach_units = models.PositiveIntegerField(_("số đơn vị vi phạm"), default=0)
    clerk_visits = models.PositiveIntegerField(_("lượt truy cập của văn thư"), default=0)

    class Meta:
        verbose_name = _("ngày đã tính tuân thủ")
        verbose_name_plural = _("ngày đã tính tuân thủ")
        ordering = ["-date"]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y}"


class UnitCompliance(models.Model):
    """A unit's result for one working day."""

    date = models.DateField(_("ngày"))
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("đơn vị"))
    clerk = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("tài khoản văn thư"),
    )
    visits = models.PositiveIntegerField(_("lượt truy cập của văn thư"))
    compliant = models.BooleanField(_("đạt"))
    unopened = models.PositiveIntegerField(_("văn bản chậm mở"))
    overdue = models.PositiveIntegerField(_("nhiệm vụ quá hạn"))
    unexcused_absences = models.PositiveIntegerField(_("vắng họp không lý do"))
    in_breach = models.BooleanField(_("vi phạm"))

    class Meta:
        verbose_name = _("kết quả tuân thủ của đơn vị")
        verbose_name_plural = _("kết quả tuân thủ của đơn vị")
        ordering = ["date", "unit__code"]
        constraints = [models.UniqueConstraint(fields=["date", "unit"], name="unit_compliance_once")]
        indexes = [models.Index(fields=["unit", "date"], name="unit_compliance_unit_date")]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} {self.unit_id}"


class UserCompliance(models.Model):
    """A person's visits on one working day."""

    # No foreign-key constraints in the database: a district's ten thousand rows a day are written by one
    # INSERT … SELECT from the user table itself, and re-checking each of them at commit cost as much as the
    # whole computation. Django still refuses to delete a person or unit with results (PROTECT). Nor an index per
    # key: (date, user) and (unit, date) below serve every read; only deleting a person scans the table.
    date = models.DateField(_("ngày"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,
        db_index=False,
        verbose_name=_("người dùng"),
    )
    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,
        db_index=False,
        verbose_name=_("đơn vị"),
    )
    visits = models.PositiveIntegerField(_("lượt truy cập"))
    compliant = models.BooleanField(_("đạt"))

    class Meta:
        verbose_name = _("kết quả tuân thủ của người dùng")
        verbose_name_plural = _("kết quả tuân thủ của người dùng")
        constraints = [models.UniqueConstraint(fields=["date", "user"], name="user_compliance_once")]
        indexes = [models.Index(fields=["unit", "date"], name="user_compliance_unit_date")]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} {self.user_id}"


class ComplianceMonth(models.Model):
    """A month whose stored days are summed up per unit (UnitComplianceMonth), so that a month's dashboard reads
    a few hundred rows. Computing any day of the month deletes it; idesk.compliance.summarize_month makes it."""

    month = models.DateField(_("tháng"), unique=True)  # its first day
    first_day = models.DateField(_("ngày đầu đã tính"))
    last_day = models.DateField(_("ngày cuối đã tính"))
    days = models.PositiveSmallIntegerField(_("số ngày đã tính"))
    computed_at = models.DateTimeField(_("tính lúc"))

    class Meta:
        verbose_name = _("tháng đã tổng hợp tuân thủ")
        verbose_name_plural = _("tháng đã tổng hợp tuân thủ")
        ordering = ["-month"]

    def __str__(self) -> str:
        return f"{self.month:%m/%Y}"


class UnitComplianceMonth(models.Model):
    """A unit's stored days of one month, summed; unopened and overdue count each delivery or assignment once."""

    month = models.DateField(_("tháng"))
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("đơn vị"))
    clerk = models.ForeignKey(  # the clerk account of the unit's last stored day in the month
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("tài khoản văn thư"),
    )
    days = models.PositiveSmallIntegerField(_("số ngày làm việc"))
    compliant_days = models.PositiveSmallIntegerField(_("số ngày đạt"))
    breach_days = models.PositiveSmallIntegerField(_("số ngày vi phạm"))
    visits = models.PositiveIntegerField(_("lượt truy cập của văn thư"))
    unopened = models.PositiveIntegerField(_("văn bản chậm mở"))
    overdue = models.PositiveIntegerField(_("nhiệm vụ quá hạn"))
    unexcused_absences = models.PositiveIntegerField(_("vắng họp không lý do"))

    class Meta:
        verbose_name = _("kết quả tuân thủ tháng của đơn vị")
        verbose_name_plural = _("kết quả tuân thủ tháng của đơn vị")
        constraints = [models.UniqueConstraint(fields=["month", "unit"], name="unit_compliance_month_once")]

    def __str__(self) -> str:
        return f"{self.month:%m/%Y} {self.unit_id}"


# --- Long PDFs made by the worker ---------------------------------------------------------------------------


class ExportStatus(models.TextChoices):
    PENDING = "pending", _("Đang chờ")
    RUNNING = "running", _("Đang tạo")
    DONE = "done", _("Đã xong")
    FAILED = "failed", _("Không tạo được")


ACTIVE_EXPORT = [ExportStatus.PENDING, ExportStatus.RUNNING]


class ExportJob(models.Model):
    """A long PDF (a register book of hundreds of entries, the whole directory) asked for by one person and made
    by the worker; the result is a stored file only the requester downloads. `key` names the request (who, what,
    which parameters) so asking again while it runs finds the same job."""

    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("người yêu cầu")
    )
    kind = models.CharField(_("loại"), max_length=32)
    params = models.JSONField(_("tham số"), default=dict)
    key = models.CharField(max_length=64)
    title = models.CharField(_("tên"), max_length=255)
    filename = models.CharField(_("tên tệp"), max_length=200)
    status = models.CharField(_("trạng thái"), max_length=8, choices=ExportStatus.choices, default=ExportStatus.PENDING)
    done = models.PositiveIntegerField(_("đã xong"), default=0)
    total = models.PositiveIntegerField(_("tổng"), default=0)
    unit_label = models.CharField(max_length=16, default="phần")
    blob = models.ForeignKey(
        "documents.StoredFile", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("tệp")
    )
    error = models.TextField(_("lỗi"), blank=True)
    created_at = models.DateTimeField(_("yêu cầu lúc"), default=timezone.now)
    finished_at = models.DateTimeField(_("xong lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("bản PDF tạo nền")
        verbose_name_plural = _("bản PDF tạo nền")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["key"], condition=Q(status__in=ACTIVE_EXPORT), name="export_job_active_once"
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def active(self) -> bool:
        return self.status in ACTIVE_EXPORT
