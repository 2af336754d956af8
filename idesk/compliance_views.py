"""Tuân thủ truy cập: the dashboard, a unit's drill-down, and the exports. They read only the stored results."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET

from accounts.models import Role, User
from idesk import compliance
from idesk.lib import reports
from units.calendar import working_days_between
from units.models import Unit

MAX_DAYS = 366
DASHBOARD_PAGE_UNITS = 50
TREND_DAYS = 30
FIRST_DAY, LAST_DAY = datetime.date(2000, 1, 1), datetime.date(2100, 12, 31)


@dataclass
class Period:
    start: datetime.date
    end: datetime.date

    @property
    def single(self) -> bool:
        return self.start == self.end

    @property
    def query(self) -> str:
        return f"from={self.start.isoformat()}&to={self.end.isoformat()}"

    @property
    def whole_month(self) -> bool:
        next_day = self.end + datetime.timedelta(days=1)
        return self.start.day == 1 and next_day.day == 1 and self.start.month == self.end.month

    @property
    def label(self) -> str:
        if self.single:
            return _("ngày %(d)s") % {"d": _d(self.start)}
        if self.whole_month:
            return _("tháng %(m)02d năm %(y)d") % {"m": self.start.month, "y": self.start.year}
        return _("từ ngày %(a)s đến ngày %(b)s") % {"a": _d(self.start), "b": _d(self.end)}


def _d(day: datetime.date) -> str:
    return date_format(day, "d/m/Y")


def _parse_day(raw: str | None) -> datetime.date | None:
    raw = (raw or "").strip()
    if not raw:
        return None
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y"):
        try:
            day = datetime.datetime.strptime(raw, fmt).date()
        except ValueError:
            continue
        # Year 0001 overflowed the period's arithmetic (a 500); nothing was recorded before 2000 anyway.
        if not FIRST_DAY <= day <= LAST_DAY:
            break
        return day
    raise ValueError(raw[:40])


def parse_period(request: HttpRequest) -> Period:
    """`from` and `to` from the URL (YYYY-MM-DD or dd/mm/yyyy); by default the latest computed day."""
    today = timezone.localdate()
    try:
        start = _parse_day(request.GET.get("from"))
        end = _parse_day(request.GET.get("to"))
    except ValueError as exc:
        messages.warning(request, _("Ngày không hợp lệ: «%(v)s». Đang hiển thị ngày gần nhất.") % {"v": exc.args[0]})
        start = end = None
    if start is None and end is None:
        latest = compliance.latest_day(today) or today
        return Period(latest, latest)
    start, end = start or end, end or start
    if start > end:
        messages.warning(
            request,
            _("Ngày bắt đầu (%(a)s) sau ngày kết thúc (%(b)s): đang hiển thị từ ngày %(b)s đến ngày %(a)s.")
            % {"a": _d(start), "b": _d(end)},
        )
        start, end = end, start
    end = min(end, today)
    start = min(start, end)
    if (end - start).days >= MAX_DAYS:
        start = end - datetime.timedelta(days=MAX_DAYS - 1)
        messages.info(request, _("Chỉ xem tối đa %(n)d ngày một lần.") % {"n": MAX_DAYS})
    return Period(start, end)


def presets(today: datetime.date, latest: datetime.date | None) -> list[tuple[str, Period]]:
    first_this = today.replace(day=1)
    last_prev = first_this - datetime.timedelta(days=1)
    out = []
    if latest:
        out.append((_("Ngày gần nhất"), Period(latest, latest)))
    out += [
        (_("7 ngày"), Period(today - datetime.timedelta(days=6), today)),
        (_("Tháng này"), Period(first_this, today)),
        (_("Tháng trước"), Period(last_prev.replace(day=1), last_prev)),
    ]
    return out


def _summary(rows: list[compliance.UnitPeriod]) -> dict:
    counts = {compliance.BREACH: 0, compliance.NOT_COMPLIANT: 0, compliance.COMPLIANT: 0}
    for row in rows:
        counts[row.status] += 1
    return {"units": len(rows), **counts}


def _trend_chart(points: list[compliance.DayPoint]) -> dict:
    return {
        "labels": [date_format(p.date, "d/m") for p in points],
        "series": [
            {"label": _("Vi phạm"), "color": "#c62828", "data": [p.breach for p in points]},
            {"label": _("Không đạt"), "color": "#f0ad00", "data": [p.not_compliant_only for p in points]},
            {"label": _("Đạt"), "color": "#2e7d32", "data": [p.compliant for p in points]},
        ],
        "y_label": _("Số đơn vị"),
    }


_BADGES = {
    compliance.BREACH: ("row-breach", "badge-breach", "bi-exclamation-octagon-fill"),
    compliance.NOT_COMPLIANT: ("row-warn", "badge-warn", "bi-exclamation-triangle-fill"),
    compliance.COMPLIANT: ("", "badge-ok", "bi-check-circle-fill"),
}
_DANGER = " text-danger fw-semibold"


def table_rows(rows: list[compliance.UnitPeriod], period: Period, required: int) -> list[dict]:
    """The dashboard table's rows as the template prints them: every text and class made here, each translated
    pattern looked up once for the page (50 rows of blocktranslate, includes and url tags cost more than the
    rest of the page). Numbers are printed as they are (no grouping: counts of a unit's days and items)."""
    base = reverse("compliance_unit", args=["CODE"])
    query = period.query
    status_text = {key: str(label) for key, label in STATUS_LABELS.items()}
    late = _("%(n)s chậm mở")
    overdue = _("%(n)s quá hạn")
    absent = _("%(n)s vắng họp")
    no_clerk = _("chưa có văn thư")
    out = []
    for r in rows:
        cls, badge, icon = _BADGES[r.status]
        days = r.breach_days if r.status == compliance.BREACH else r.not_compliant_days
        status = status_text[r.status]
        if r.status != compliance.COMPLIANT and days and not period.single:
            status += " · " + ngettext("%(n)s ngày", "%(n)s ngày", days) % {"n": days}
        if period.single:
            visits_text = _("%(v)s/%(n)s lượt") % {"v": r.visits, "n": required}
        else:
            visits_text = (
                _("%(v)s lượt") % {"v": r.visits}
                + " · "
                + _("đạt %(a)s/%(b)s ngày") % {"a": r.compliant_days, "b": r.days}
            )
        out.append(
            {
                "cls": cls,
                "url": f"{base.replace('CODE', r.code)}?{query}",
                "name": r.name,
                "clerk": r.clerk or "—",
                "clerk_or_none": r.clerk or no_clerk,
                "visits": str(r.visits),
                "visits_cls": _DANGER.strip() if r.visits < required else "",
                "visits_text": visits_text,
                "average_text": _("TB %(a)s/ngày") % {"a": floatformat(r.average_visits, 1)},
                "days_met": f"{r.compliant_days}/{r.days}",
                "unopened": str(r.unopened),
                "unopened_cls": _DANGER if r.unopened else "",
                "unopened_text": late % {"n": r.unopened} if r.unopened else "",
                "overdue": str(r.overdue),
                "overdue_cls": _DANGER if r.overdue else "",
                "overdue_text": overdue % {"n": r.overdue} if r.overdue else "",
                "absences": str(r.unexcused_absences),
                "absences_cls": _DANGER if r.unexcused_absences else "",
                "absences_text": absent % {"n": r.unexcused_absences} if r.unexcused_absences else "",
                "badge": badge,
                "icon": icon,
                "status_text": status,
            }
        )
    return out


def _trend_start(period: Period) -> datetime.date:
    return period.end - datetime.timedelta(days=TREND_DAYS - 1) if period.single else period.start


def say_coverage(request: HttpRequest, period: Period, stored: dict) -> None:
    """A period reaching before the first computed day, or past the last one by a working day (today, say, which
    is computed once it is over), says so, rather than showing those days as missing from its heading's range."""
    if not stored["days"]:  # no day at all: the page's empty state says it
        return
    if stored["first"] > period.start:
        messages.info(
            request,
            _("Số liệu chỉ có từ ngày %(d)s: những ngày trước đó trong khoảng đã chọn chưa được tính.")
            % {"d": _d(stored["first"])},
        )
    if stored["last"] < period.end and working_days_between(stored["last"], period.end):
        messages.info(
            request,
            _(
                "Số liệu đến hết ngày %(d)s: ngày làm việc sau đó trong khoảng đã chọn chưa được tính (mỗi ngày "
                "được tính khi đã kết thúc)."
            )
            % {"d": _d(stored["last"])},
        )


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    scope = compliance.unit_scope(request.user)
    if scope is not None and len(scope) == 1:
        # A head sees one unit: its own page says more (its people, its late documents) than a one-row table.
        code = Unit.objects.filter(pk=scope[0]).values_list("code", flat=True).first()
        query = request.GET.urlencode()
        return redirect(reverse("compliance_unit", args=[code]) + (f"?{query}" if query else ""))
    period = parse_period(request)
    rows = compliance.period_rows(period.start, period.end, scope, count_items=False)
    # A province has 500 units: the table shows them a page at a time (worst first), and its late documents and
    # tasks are counted for the units of that page only; the cards and the trend still cover every unit.
    page = Paginator(rows, DASHBOARD_PAGE_UNITS).get_page(request.GET.get("page"))
    compliance.count_period_items(page.object_list, period.start, period.end)
    stored = compliance.stored_range(period.start, period.end)
    say_coverage(request, period, stored)
    required = stored["required"] or compliance.required_visits()
    trend = compliance.district_trend(_trend_start(period), period.end, scope)
    today = timezone.localdate()
    return render(
        request,
        "idesk/compliance.html",
        {
            "period": period,
            "rows": table_rows(page.object_list, period, required),
            "page": page,
            "stored": stored,
            "required": required,
            "summary": _summary(rows),
            "chart": _trend_chart(trend),
            "trend_single": period.single,
            "presets": presets(today, compliance.latest_day(today)),
            "whole_district": scope is None,
            "own_unit": request.user.unit if scope is not None else None,
            "workday_ends": "{:02d}:{:02d}".format(*settings.IDESK_WORKDAY_ENDS_AT),
        },
    )


@login_required
@require_GET
def unit_detail(request: HttpRequest, code: str) -> HttpResponse:
    unit = get_object_or_404(Unit.objects.internal(), code=code)
    compliance.require_unit(request.user, unit)
    period = parse_period(request)
    days = compliance.unit_days(unit.id, _trend_start(period), period.end)
    in_period = [d for d in days if period.start <= d.date <= period.end]
    stored = compliance.stored_range(period.start, period.end)
    say_coverage(request, period, stored)
    required = stored["required"] or compliance.required_visits()
    unopened, overdue, absences = compliance.counted_items(request.user, unit.id, period.start, period.end)
    chronological = list(reversed(days))
    chart = {
        "labels": [date_format(d.date, "d/m") for d in chronological],
        "series": [
            {
                "label": _("Lượt truy cập của văn thư"),
                "data": [d.visits for d in chronological],
                "colors": [
                    "#c62828" if d.in_breach else "#f0ad00" if not d.compliant else "#2e7d32" for d in chronological
                ],
            }
        ],
        "legend": [
            {"text": _("Đạt"), "color": "#2e7d32"},
            {"text": _("Không đạt"), "color": "#f0ad00"},
            {"text": _("Vi phạm"), "color": "#c62828"},
        ],
        "required": required,
        "required_label": _("Yêu cầu: %(n)d lượt/ngày") % {"n": required},
        "y_label": _("Lượt truy cập"),
    }
    summary = {
        "days": len(in_period),
        "compliant_days": sum(d.compliant for d in in_period),
        "breach_days": sum(d.in_breach for d in in_period),
        "visits": sum(d.visits for d in in_period),
    }
    return render(
        request,
        "idesk/compliance_unit.html",
        {
            "unit": unit,
            "period": period,
            "days": in_period,
            "required": required,
            "summary": summary,
            "users": compliance.unit_users(unit.id, period.start, period.end),
            "unopened": unopened,
            "overdue": overdue,
            "absences": absences,
            "chart": chart,
            "trend_single": period.single,
            "whole_district": compliance.unit_scope(request.user) is None,
            "presets": presets(timezone.localdate(), compliance.latest_day(timezone.localdate())),
        },
    )


EXPORT_HEADERS = [
    gettext_lazy("STT"),
    gettext_lazy("Cơ quan, đơn vị"),
    gettext_lazy("Tài khoản văn thư"),
    gettext_lazy("Số ngày làm việc"),
    gettext_lazy("Số ngày đạt"),
    gettext_lazy("Số ngày không đạt"),
    gettext_lazy("Số ngày vi phạm"),
    gettext_lazy("Tổng lượt truy cập của văn thư"),
    gettext_lazy("Bình quân lượt/ngày"),
    gettext_lazy("Văn bản chậm mở"),
    gettext_lazy("Nhiệm vụ quá hạn"),
    gettext_lazy("Vắng họp không lý do"),
    gettext_lazy("Kết quả"),
]

STATUS_LABELS = {
    compliance.BREACH: gettext_lazy("Vi phạm"),
    compliance.NOT_COMPLIANT: gettext_lazy("Không đạt"),
    compliance.COMPLIANT: gettext_lazy("Đạt"),
}


def _export_rows(rows: list[compliance.UnitPeriod]):
    for i, r in enumerate(rows, start=1):
        yield [
            i,
            r.name,
            r.clerk or "",
            r.days,
            r.compliant_days,
            r.days - r.compliant_days,
            r.breach_days,
            r.visits,
            round(r.average_visits, 1),
            r.unopened,
            r.overdue,
            r.unexcused_absences,
            str(STATUS_LABELS[r.status]),
        ]


def _export_scope(request: HttpRequest) -> tuple[list[int] | None, Unit | None]:
    """The units an export covers: those the user may see, or the one named by `unit` (if they may see it)."""
    scope = compliance.unit_scope(request.user)
    code = request.GET.get("unit")
    if not code:
        return scope, None
    unit = get_object_or_404(Unit.objects.internal(), code=code)
    compliance.require_unit(request.user, unit)
    return [unit.id], unit


def _file_stem(period: Period, unit: Unit | None = None) -> str:
    stem = f"tuan-thu-{unit.code}" if unit else "tuan-thu"
    if period.single:
        return f"{stem}-{period.start.isoformat()}"
    return f"{stem}-{period.start.isoformat()}-den-{period.end.isoformat()}"


@login_required
@require_GET
def export_xlsx(request: HttpRequest) -> HttpResponse:
    scope, unit = _export_scope(request)
    period = parse_period(request)
    rows = compliance.period_rows(period.start, period.end, scope)
    content = reports.xlsx_bytes(
        _("Tuân thủ truy cập"),
        [str(h) for h in EXPORT_HEADERS],
        _export_rows(rows),
        heading=_("Tình hình truy cập hệ thống iDesk %(period)s — %(site)s")
        % {"period": period.label, "site": settings.IDESK_SITE_NAME},
        widths=[6, 40, 20, 10, 10, 10, 10, 14, 12, 12, 12, 12, 12],
    )
    return reports.attachment(content, reports.XLSX_TYPE, _file_stem(period, unit) + ".xlsx")


def _signer() -> User | None:
    """The Chủ tịch signs the monthly report: the first district leader."""
    return User.objects.filter(role=Role.LEADER, is_active=True).order_by("sort_order", "id").first()


@login_required
@require_GET
def export_pdf(request: HttpRequest) -> HttpResponse:
    scope, unit = _export_scope(request)
    period = parse_period(request)
    rows = compliance.period_rows(period.start, period.end, scope)
    stored = compliance.stored_range(period.start, period.end)
    signer = _signer()
    context = {
        "period": period,
        "rows": rows,
        "summary": _summary(rows),
        "stored": stored,
        "required": stored["required"] or compliance.required_visits(),
        "site": settings.IDESK_SITE_NAME,
        "place": settings.IDESK_PLACE_NAME,
        "today": timezone.localdate(),
        "signer": signer,
        "dashboard_url": request.build_absolute_uri(reverse("compliance") + "?" + period.query),
        "status_labels": STATUS_LABELS,
    }
    content = reports.pdf_bytes("idesk/compliance_pdf.html", context)
    return reports.attachment(content, "application/pdf", _file_stem(period, unit) + ".pdf")
