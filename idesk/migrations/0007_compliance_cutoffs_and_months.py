"""Compliance: the day's cut-offs and totals stored with each day, the per-item id lists dropped (the items are
re-derived from the cut-offs) and monthly summaries. The indexes the rules read on the documents tables, once raw
SQL here, are declared in the documents models (documents migration 0011)."""

import datetime

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

CUTOFFS = ("starts_at", "ends_at", "due_sent_before", "due_today_sent_from")

# The indexes compliance reads on the documents tables were created here with raw SQL; they are declared in the
# documents models' Meta now (documents migration 0011 drops these and creates them from there).


# Frozen copies of idesk.compliance.day_cutoffs and units.calendar.WorkCalendar as they were when this migration
# was written: a migration must not import live application code (which may change or vanish later).
ONE_DAY = datetime.timedelta(days=1)
SATURDAY = 5
WORKING_DAY = "work"  # CalendarExceptionKind.WORKING_DAY


class FrozenCalendar:
    """Working days: administrator exceptions first, then Vietnamese public holidays, then Monday–Friday."""

    def __init__(self, exceptions: dict):
        import holidays

        self.exceptions = exceptions
        self.holidays = holidays
        self.years: dict = {}

    def year(self, year: int) -> tuple:
        if year not in self.years:
            vn = self.holidays.country_holidays("VN", years=year)
            self.years[year] = (
                frozenset(d for d in vn if d.year == year),
                frozenset(d for d in getattr(vn, "weekend_workdays", ()) if d.year == year),
            )
        return self.years[year]

    def is_working_day(self, day: datetime.date) -> bool:
        if day in self.exceptions:
            return self.exceptions[day] == WORKING_DAY
        off, workdays = self.year(day.year)
        if day in off:
            return False
        if day in workdays:
            return True
        return day.weekday() < SATURDAY

    def add_working_days(self, day: datetime.date, n: int) -> datetime.date:
        step = ONE_DAY if n >= 0 else -ONE_DAY
        remaining = abs(n)
        while remaining:
            day += step
            if self.is_working_day(day):
                remaining -= 1
        return day


def day_cutoffs(day: datetime.date, calendar: FrozenCalendar) -> dict:
    from django.utils import timezone

    tz = timezone.get_default_timezone()
    hours, minutes = settings.IDESK_WORKDAY_ENDS_AT

    def workday_end(d):
        return datetime.datetime.combine(d, datetime.time(hours, minutes), tzinfo=tz)

    n = max(settings.IDESK_OPEN_WITHIN_WORKING_DAYS, 1)
    return {
        "starts_at": datetime.datetime.combine(day, datetime.time.min, tzinfo=tz),
        "ends_at": workday_end(day),
        "due_sent_before": workday_end(calendar.add_working_days(day, -(n - 1)) - ONE_DAY),
        "due_today_sent_from": workday_end(calendar.add_working_days(day, -n) - ONE_DAY),
    }


def fill_days(apps, schema_editor):
    """Days computed before: their cut-offs as the computation would set them then, and their units' totals."""
    from django.db.models import Count, Q, Sum

    ComplianceDay = apps.get_model("idesk", "ComplianceDay")
    UnitCompliance = apps.get_model("idesk", "UnitCompliance")
    CalendarException = apps.get_model("units", "CalendarException")
    days = list(ComplianceDay.objects.order_by("date"))
    if not days:
        return
    calendar = FrozenCalendar(dict(CalendarException.objects.values_list("date", "kind")))
    totals = {
        r["date"]: r
        for r in UnitCompliance.objects.values("date").annotate(
            n=Count("id"),
            ok=Count("id", filter=Q(compliant=True)),
            bad=Count("id", filter=Q(in_breach=True)),
            v=Sum("visits"),
        )
    }
    for day in days:
        for name, value in day_cutoffs(day.date, calendar).items():
            setattr(day, name, value)
        t = totals.get(day.date, {})
        day.units, day.compliant_units, day.breach_units = t.get("n", 0), t.get("ok", 0), t.get("bad", 0)
        day.clerk_visits = t.get("v") or 0
    ComplianceDay.objects.bulk_update(days, [*CUTOFFS, "units", "compliant_units", "breach_units", "clerk_visits"])


class Migration(migrations.Migration):
    dependencies = [
        ("idesk", "0006_meeting_reminder_schedule"),
        ("documents", "0007_list_order_indexes"),
        ("units", "0002_calendar_exception"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        *[
            migrations.AddField(
                model_name="complianceday",
                name=name,
                field=models.DateTimeField(null=True, verbose_name=label),
            )
            for name, label in [
                ("starts_at", "bắt đầu ngày"),
                ("ends_at", "hết giờ làm việc"),
                ("due_sent_before", "văn bản gửi trước thời điểm này phải mở xong trong ngày"),
                ("due_today_sent_from", "văn bản gửi từ thời điểm này có hạn mở là chính ngày này"),
            ]
        ],
        *[
            migrations.AddField(
                model_name="complianceday",
                name=name,
                field=models.PositiveIntegerField(default=0, verbose_name=label),
            )
            for name, label in [
                ("units", "số đơn vị"),
                ("compliant_units", "số đơn vị đạt"),
                ("breach_units", "số đơn vị vi phạm"),
                ("clerk_visits", "lượt truy cập của văn thư"),
            ]
        ],
        migrations.RunPython(fill_days, migrations.RunPython.noop),
        *[
            migrations.AlterField(
                model_name="complianceday",
                name=name,
                field=models.DateTimeField(verbose_name=label),
            )
            for name, label in [
                ("starts_at", "bắt đầu ngày"),
                ("ends_at", "hết giờ làm việc"),
                ("due_sent_before", "văn bản gửi trước thời điểm này phải mở xong trong ngày"),
                ("due_today_sent_from", "văn bản gửi từ thời điểm này có hạn mở là chính ngày này"),
            ]
        ],
        migrations.RemoveField(model_name="unitcompliance", name="unopened_ids"),
        migrations.RemoveField(model_name="unitcompliance", name="overdue_ids"),
        migrations.RemoveField(model_name="unitcompliance", name="absence_ids"),
        migrations.CreateModel(
            name="ComplianceMonth",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("month", models.DateField(unique=True, verbose_name="tháng")),
                ("first_day", models.DateField(verbose_name="ngày đầu đã tính")),
                ("last_day", models.DateField(verbose_name="ngày cuối đã tính")),
                ("days", models.PositiveSmallIntegerField(verbose_name="số ngày đã tính")),
                ("computed_at", models.DateTimeField(verbose_name="tính lúc")),
            ],
            options={
                "verbose_name": "tháng đã tổng hợp tuân thủ",
                "verbose_name_plural": "tháng đã tổng hợp tuân thủ",
                "ordering": ["-month"],
            },
        ),
        migrations.CreateModel(
            name="UnitComplianceMonth",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("month", models.DateField(verbose_name="tháng")),
                ("days", models.PositiveSmallIntegerField(verbose_name="số ngày làm việc")),
                ("compliant_days", models.PositiveSmallIntegerField(verbose_name="số ngày đạt")),
                ("breach_days", models.PositiveSmallIntegerField(verbose_name="số ngày vi phạm")),
                ("visits", models.PositiveIntegerField(verbose_name="lượt truy cập của văn thư")),
                ("unopened", models.PositiveIntegerField(verbose_name="văn bản chậm mở")),
                ("overdue", models.PositiveIntegerField(verbose_name="nhiệm vụ quá hạn")),
                ("unexcused_absences", models.PositiveIntegerField(verbose_name="vắng họp không lý do")),
                (
                    "clerk",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="tài khoản văn thư",
                    ),
                ),
                (
                    "unit",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="units.unit",
                        verbose_name="đơn vị",
                    ),
                ),
            ],
            options={
                "verbose_name": "kết quả tuân thủ tháng của đơn vị",
                "verbose_name_plural": "kết quả tuân thủ tháng của đơn vị",
                "constraints": [models.UniqueConstraint(fields=("month", "unit"), name="unit_compliance_month_once")],
            },
        ),
    ]
