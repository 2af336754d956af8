"""The daily access-compliance report (founding letter R2): computing a day, and reading the stored results.

Rules, for one working day D and each internal unit on the e-office on D:
- visits: access events (login/visit) of a user during the local day D, where an event less than the visit gap
  (30 minutes) after the user's previous event is the same visit (two logins 5 minutes apart count once);
- a unit is compliant when its active clerk account made at least IDESK_REQUIRED_VISITS visits; a user likewise;
- unopened: electronic deliveries to the unit not opened within IDESK_OPEN_WITHIN_WORKING_DAYS working days after
  arriving (a delivery sent after the end of the working day arrives the next day), counted from their opening
  deadline until the day they are finally opened;
- overdue: assignments (chủ trì, phối hợp) of the unit or of its people whose deadline is before D and that were
  still open at the start of D;
- unexcused absences: invitations to meetings held on D that the organiser marked absent without a valid reason
  (the invited unit's, or the invited person's unit's);
- in breach (the head answers for it): not compliant and at least one consequence.

Everything about D is judged as of D's end of working day, from timestamps, so recomputing a past day from
unchanged data gives the same rows. The computation is a constant number of queries whatever the district's size.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, F, Max, Min, OuterRef, Q, Subquery, Sum, Window
from django.db.models.functions import Coalesce, Lag
from django.urls import NoReverseMatch
from django.utils import timezone
from django.utils.translation import gettext_lazy

from accounts.models import AccessEvent, AccessKind, Role, User
from documents.models import Assignment, AssignmentRole, AssignmentStatus, Delivery, DeliveryStatus
from idesk.models import ComplianceDay, UnitCompliance, UserCompliance
from units.calendar import WorkCalendar
from units.models import Unit

ONE_DAY = datetime.timedelta(days=1)
_SECRET = gettext_lazy("Văn bản mật")
_MEETING = gettext_lazy("Cuộc họp")


# --- Time helpers ---------------------------------------------------------------------------------------------


def local_midnight(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=timezone.get_default_timezone())


def workday_end(day: datetime.date) -> datetime.datetime:
    """The end of the working day D (IDESK_WORKDAY_ENDS_AT, local time): the report's cut-off."""
    hours, minutes = settings.IDESK_WORKDAY_ENDS_AT
    return datetime.datetime.combine(day, datetime.time(hours, minutes), tzinfo=timezone.get_default_timezone())


def required_visits() -> int:
    return settings.IDESK_REQUIRED_VISITS


# --- Computing one day -----------------------------------------------------------------------------------------


@dataclass
class UnitResult:
    unit: Unit
    clerk_id: int | None
    unopened_ids: list[int]
    overdue_ids: list[int]
    absence_ids: list[int]
    visits: int = 0
    compliant: bool = False

    @property
    def unexcused_absences(self) -> int:
        return len(self.absence_ids)

    @property
    def in_breach(self) -> bool:
        return not self.compliant and bool(self.unopened_ids or self.overdue_ids or self.absence_ids)


def units_on_system(day: datetime.date):
    return Unit.objects.on_system(day).internal()


def compute_day(day: datetime.date) -> bool:
    """Compute (or recompute) day D and store its rows in place of any earlier ones (one transaction).

    Returns whether D is a working day; a day that is not (any more) has no rows. The per-user rows are made
    by the database itself (INSERT … SELECT over the visit count), so no row of the ten thousand a district
    has travels to Python and back; the per-unit rows, a few hundred, are built here.
    """
    calendar = WorkCalendar(day - datetime.timedelta(days=45), day)
    if not calendar.is_working_day(day):
        with transaction.atomic():
            _delete_day(day)
        return False
    required = required_visits()
    units = list(units_on_system(day).order_by("code"))
    unit_ids = units_on_system(day).values("id")
    clerks = dict(
        User.objects.filter(is_active=True, role=Role.CLERK, unit_id__in=unit_ids).values_list("unit_id", "id")
    )  # at most one active clerk per unit (a database constraint)
    unopened = unopened_by_unit(day, calendar, unit_ids)
    overdue = overdue_by_unit(day, unit_ids)
    absences = unexcused_absences(day, unit_ids)
    results = [
        UnitResult(
            unit=unit,
            clerk_id=clerks.get(unit.id),
            unopened_ids=sorted(unopened.get(unit.id, [])),
            overdue_ids=sorted(overdue.get(unit.id, [])),
            absence_ids=sorted(absences.get(unit.id, [])),
        )
        for unit in units
    ]
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # Derived data, recomputable at will: a crash right after commit could at worst lose this
            # recompute (never corrupt anything), so do not wait for the WAL flush of ten thousand rows.
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
        _delete_day(day)
        ComplianceDay.objects.create(date=day, required_visits=required, computed_at=timezone.now())
        _insert_user_rows(day, required, unit_ids)
        clerk_visits = dict(
            UserCompliance.objects.filter(
                date=day, user_id__in=[r.clerk_id for r in results if r.clerk_id]
            ).values_list("user_id", "visits")
        )
        for r in results:
            r.visits = clerk_visits.get(r.clerk_id, 0)
            r.compliant = r.clerk_id is not None and r.visits >= required
        UnitCompliance.objects.bulk_create(
            [
                UnitCompliance(
                    date=day,
                    unit=r.unit,
                    clerk_id=r.clerk_id,
                    visits=r.visits,
                    compliant=r.compliant,
                    unopened=len(r.unopened_ids),
                    overdue=len(r.overdue_ids),
                    unexcused_absences=r.unexcused_absences,
                    in_breach=r.in_breach,
                    unopened_ids=r.unopened_ids,
                    overdue_ids=r.overdue_ids,
                    absence_ids=r.absence_ids,
                )
                for r in results
            ],
            batch_size=1000,
        )
    return True


def _delete_day(day: datetime.date) -> None:
    UserCompliance.objects.filter(date=day).delete()
    UnitCompliance.objects.filter(date=day).delete()
    ComplianceDay.objects.filter(date=day).delete()


def _sql(qs) -> tuple[str, tuple]:
    sql, params = qs.query.get_compiler(connection=connection).as_sql()
    return sql, tuple(params)


def _insert_user_rows(day: datetime.date, required: int, unit_ids) -> None:
    """One row per active user of the units on the system: their visits and whether they met the rule."""
    people_sql, people_params = _sql(
        User.objects.filter(is_active=True, unit_id__in=unit_ids).order_by().values("id", "unit_id")
    )
    visits_sql, visits_params = _visits_sql(day)
    table = UserCompliance._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (date, user_id, unit_id, visits, compliant) "
            f"SELECT %s, p.id, p.unit_id, COALESCE(v.n, 0), COALESCE(v.n, 0) >= %s "
            f"FROM ({people_sql}) p LEFT JOIN ({visits_sql}) v ON v.user_id = p.id",
            (connection.ops.adapt_datefield_value(day), required, *people_params, *visits_params),
        )


def _visits_sql(day: datetime.date) -> tuple[str, tuple]:
    """SQL of (user_id, n): visits per user on the local day (see visits_by_user)."""
    gap = datetime.timedelta(minutes=settings.IDESK_VISIT_GAP_MINUTES)
    start = local_midnight(day)
    events = (
        AccessEvent.objects.filter(at__gte=start, at__lt=start + ONE_DAY, kind__in=[AccessKind.LOGIN, AccessKind.VISIT])
        .annotate(previous=Window(Lag("at"), partition_by=[F("user_id")], order_by=F("at").asc()))
        .filter(Q(previous__isnull=True) | Q(at__gte=F("previous") + gap))
        .values("user_id")
    )
    inner, params = _sql(events)
    # Django cannot aggregate over a filtered window function, so its SQL is wrapped in a GROUP BY.
    return f"SELECT e.user_id, COUNT(*) AS n FROM ({inner}) e GROUP BY e.user_id", params


def visits_by_user(day: datetime.date) -> dict[int, int]:
    """Visits per user on the local day: events at least the visit gap after the user's previous event.

    The window function (lag() over each user's events) runs in the database, in one query.
    """
    sql, params = _visits_sql(day)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return dict(cursor.fetchall())


def unopened_by_unit(day: datetime.date, calendar: WorkCalendar, unit_ids) -> dict[int, list[int]]:
    """Deliveries counted as unopened on D, per recipient unit (one query).

    With N = IDESK_OPEN_WITHIN_WORKING_DAYS and P_k the k-th working day before D, a delivery's opening deadline
    (the N-th working day after it arrives) is on or before D when it arrived before P_(N-1), and is D itself
    when it arrived on or after P_N. It arrives on day X or later exactly when it was sent at or after the end
    of the working day before X. So the rule becomes plain comparisons of timestamps the database can index.
    """
    n = max(settings.IDESK_OPEN_WITHIN_WORKING_DAYS, 1)
    due_by_d = workday_end(calendar.add_working_days(day, -(n - 1)) - ONE_DAY)  # sent before: deadline ≤ D
    due_on_d = workday_end(calendar.add_working_days(day, -n) - ONE_DAY)  # sent at/after: deadline == D
    late = (
        Q(opened_at__isnull=True)
        # Opened on D or later: late if the deadline was before D, or if it was D and opened after its end.
        | Q(opened_at__gte=local_midnight(day)) & (Q(sent_at__lt=due_on_d) | Q(opened_at__gte=workday_end(day)))
    )
    rows = (
        Delivery.objects.filter(recipient_unit_id__in=unit_ids, electronic=True, sent_at__lt=due_by_d)
        .exclude(status=DeliveryStatus.RECALLED)
        .filter(late)
        .values_list("recipient_unit_id", "id")
    )
    found: dict[int, list[int]] = defaultdict(list)
    for unit_id, delivery_id in rows:
        found[unit_id].append(delivery_id)
    return found


def overdue_by_unit(day: datetime.date, unit_ids) -> dict[int, list[int]]:
    """Assignments to handle (not "để biết") past their deadline on D, per unit of the assignee (one query)."""
    still_open = Q(completed_at__isnull=True) & ~Q(status=AssignmentStatus.DONE) | Q(
        completed_at__gte=local_midnight(day)
    )
    rows = (
        Assignment.objects.exclude(role=AssignmentRole.INFORM)
        .filter(due_date__lt=day, assigned_at__lt=workday_end(day))
        .filter(still_open)
        .annotate(owner_unit=Coalesce("assignee_unit_id", "assignee_user__unit_id"))
        .filter(owner_unit__in=unit_ids)
        .values_list("owner_unit", "id")
    )
    found: dict[int, list[int]] = defaultdict(list)
    for unit_id, assignment_id in rows:
        found[unit_id].append(assignment_id)
    return found


def unexcused_absences(day: datetime.date, unit_ids) -> dict[int, list[int]]:
    """Invitations to meetings held on D that the organiser marked "vắng không có lý do chính đáng", per unit
    (the invited unit, or the invited person's unit); cancelled meetings do not count (one query).

    The single hook between meetings and compliance: what counts as an unexcused absence is decided here.
    """
    from documents.models import Attendance, MeetingInvitee, MeetingStatus

    start = local_midnight(day)
    rows = (
        MeetingInvitee.objects.filter(
            attendance=Attendance.UNEXCUSED, meeting__start__gte=start, meeting__start__lt=start + ONE_DAY
        )
        .exclude(meeting__status=MeetingStatus.CANCELLED)
        .annotate(owner_unit=Coalesce("unit_id", "user__unit_id"))
        .filter(owner_unit__in=unit_ids)
        .values_list("owner_unit", "id")
    )
    found: dict[int, list[int]] = defaultdict(list)
    for unit_id, invitee_id in rows:
        found[unit_id].append(invitee_id)
    return found


# --- Reading the stored results -------------------------------------------------------------------------------


def report(day: datetime.date, *, working_day: bool | None = None) -> dict:
    """The stored results of D in the shape `compliance_report --json` prints (three queries)."""
    if working_day is None:
        working_day = WorkCalendar(day, day).is_working_day(day)
    stored = ComplianceDay.objects.filter(date=day).first()
    out = {
        "date": day.isoformat(),
        "working_day": working_day,
        "required_visits": stored.required_visits if stored else required_visits(),
        "units": [],
    }
    if not working_day or stored is None:
        return out
    users: dict[int, list[dict]] = defaultdict(list)
    for unit_id, username, visits, compliant in (
        UserCompliance.objects.filter(date=day)
        .order_by("user__username")
        .values_list("unit_id", "user__username", "visits", "compliant")
    ):
        users[unit_id].append({"username": username, "visits": visits, "compliant": compliant})
    for row in (
        UnitCompliance.objects.filter(date=day)
        .order_by("unit__code")
        .values(
            "unit_id",
            "unit__code",
            "unit__name",
            "clerk__username",
            "visits",
            "compliant",
            "unopened",
            "overdue",
            "unexcused_absences",
            "in_breach",
        )
    ):
        out["units"].append(
            {
                "code": row["unit__code"],
                "name": row["unit__name"],
                "clerk": row["clerk__username"],
                "visits": row["visits"],
                "compliant": row["compliant"],
                "unopened": row["unopened"],
                "overdue": row["overdue"],
                "unexcused_absences": row["unexcused_absences"],
                "in_breach": row["in_breach"],
                "users": users.get(row["unit_id"], []),
            }
        )
    return out


def latest_day(on_or_before: datetime.date) -> datetime.date | None:
    return ComplianceDay.objects.filter(date__lte=on_or_before).order_by("-date").values_list("date", flat=True).first()


def units_in_breach(day: datetime.date) -> list[dict]:
    """Units in breach on a stored day, by code, with what they did not do (one query)."""
    return list(
        UnitCompliance.objects.filter(date=day, in_breach=True)
        .order_by("unit__sort_order", "unit__code")
        .values("unit__code", "unit__name", "clerk__username", "visits", "unopened", "overdue", "unexcused_absences")
    )


# The status a unit has over a period: breach on any day beats non-compliance on any day beats compliant.
BREACH, NOT_COMPLIANT, COMPLIANT = "breach", "not_compliant", "compliant"
STATUS_ORDER = {BREACH: 0, NOT_COMPLIANT: 1, COMPLIANT: 2}


@dataclass
class UnitPeriod:
    """A unit's stored results summed over a period (one day or many)."""

    unit_id: int
    code: str
    name: str
    sort_order: int
    clerk: str | None
    days: int
    compliant_days: int
    breach_days: int
    visits: int
    unopened: int  # distinct deliveries counted on any day of the period
    overdue: int  # distinct assignments counted on any day of the period
    unexcused_absences: int

    @property
    def status(self) -> str:
        if self.breach_days:
            return BREACH
        if self.compliant_days < self.days:
            return NOT_COMPLIANT
        return COMPLIANT

    @property
    def not_compliant_days(self) -> int:
        return self.days - self.compliant_days

    @property
    def average_visits(self) -> float:
        return self.visits / self.days if self.days else 0.0


def period_rows(
    start: datetime.date, end: datetime.date, unit_ids: list[int] | None = None, *, count_items: bool = True
) -> list[UnitPeriod]:
    """Each unit's results over [start, end], breaches first, then non-compliant, then compliant.

    count_items=False leaves the distinct unopened/overdue counts at 0 (the order does not depend on them), so a
    page of rows can have them counted by count_period_items for its own units only: over a month of a province
    the stored lists hold millions of ids."""
    qs = UnitCompliance.objects.filter(date__gte=start, date__lte=end)
    if unit_ids is not None:
        qs = qs.filter(unit_id__in=unit_ids)
    last_clerk = (
        UnitCompliance.objects.filter(unit_id=OuterRef("unit_id"), date__gte=start, date__lte=end)
        .order_by("-date")
        .values("clerk__username")[:1]
    )
    sums = (
        qs.values("unit_id", "unit__code", "unit__name", "unit__sort_order")
        .annotate(
            days=Count("id"),
            compliant_days=Count("id", filter=Q(compliant=True)),
            breach_days=Count("id", filter=Q(in_breach=True)),
            visits_sum=Sum("visits"),
            absences=Sum("unexcused_absences"),
            clerk=Subquery(last_clerk),
        )
        .order_by()
    )
    rows = [
        UnitPeriod(
            unit_id=s["unit_id"],
            code=s["unit__code"],
            name=s["unit__name"],
            sort_order=s["unit__sort_order"],
            clerk=s["clerk"],
            days=s["days"],
            compliant_days=s["compliant_days"],
            breach_days=s["breach_days"],
            visits=s["visits_sum"] or 0,
            unopened=0,
            overdue=0,
            unexcused_absences=s["absences"] or 0,
        )
        for s in sums
    ]
    rows.sort(key=lambda r: (STATUS_ORDER[r.status], -r.breach_days, r.compliant_days - r.days, r.sort_order, r.code))
    if count_items:
        count_period_items(rows, start, end)
    return rows


def count_period_items(rows: list[UnitPeriod], start: datetime.date, end: datetime.date) -> None:
    """Set each row's unopened and overdue: the distinct deliveries and assignments counted on any day of the
    period. Counted by the database from the stored id lists (one query each), not decoded into Python."""
    if not rows:
        return
    by_unit = {r.unit_id: r for r in rows}
    table = UnitCompliance._meta.db_table
    if connection.vendor == "postgresql":
        expand = "CROSS JOIN LATERAL jsonb_array_elements_text(c.{field}) AS v(item)"
    else:
        expand = "CROSS JOIN json_each(c.{field}) AS v"
    item = "v.item" if connection.vendor == "postgresql" else "v.value"
    marks = ", ".join(["%s"] * len(by_unit))
    date = connection.ops.adapt_datefield_value
    for field, attr, nonzero in (("unopened_ids", "unopened", "unopened"), ("overdue_ids", "overdue", "overdue")):
        sql = (
            f"SELECT c.unit_id, COUNT(DISTINCT {item}) FROM {table} c {expand.format(field=field)} "
            f"WHERE c.date >= %s AND c.date <= %s AND c.{nonzero} > 0 AND c.unit_id IN ({marks}) GROUP BY c.unit_id"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [date(start), date(end), *by_unit])
            for unit_id, n in cursor.fetchall():
                setattr(by_unit[unit_id], attr, n)


@dataclass
class DayPoint:
    date: datetime.date
    units: int
    compliant: int
    breach: int
    visits: int

    @property
    def not_compliant(self) -> int:
        return self.units - self.compliant

    @property
    def not_compliant_only(self) -> int:
        return self.units - self.compliant - self.breach


def district_trend(start: datetime.date, end: datetime.date, unit_ids: list[int] | None = None) -> list[DayPoint]:
    """Per stored day: units counted, compliant, in breach, clerk visits (one query)."""
    qs = UnitCompliance.objects.filter(date__gte=start, date__lte=end)
    if unit_ids is not None:
        qs = qs.filter(unit_id__in=unit_ids)
    return [
        DayPoint(date=r["date"], units=r["n"], compliant=r["ok"], breach=r["bad"], visits=r["v"] or 0)
        for r in qs.values("date")
        .annotate(
            n=Count("id"),
            ok=Count("id", filter=Q(compliant=True)),
            bad=Count("id", filter=Q(in_breach=True)),
            v=Sum("visits"),
        )
        .order_by("date")
    ]


def unit_days(unit_id: int, start: datetime.date, end: datetime.date) -> list[UnitCompliance]:
    """A unit's stored days in the period, newest first (one query)."""
    return list(
        UnitCompliance.objects.filter(unit_id=unit_id, date__gte=start, date__lte=end)
        .select_related("clerk")
        .order_by("-date")
    )


@dataclass
class UserPeriod:
    user_id: int
    username: str
    full_name: str
    position: str
    role: str
    days: int
    compliant_days: int
    visits: int
    last_visits: int


def unit_users(unit_id: int, start: datetime.date, end: datetime.date) -> list[UserPeriod]:
    """The unit's people over the period: visits, days they met the rule (one query)."""
    last_visits = UserCompliance.objects.filter(user_id=OuterRef("user_id"), date__gte=start, date__lte=end).order_by(
        "-date"
    )
    rows = (
        UserCompliance.objects.filter(unit_id=unit_id, date__gte=start, date__lte=end)
        .values("user_id", "user__username", "user__full_name", "user__position", "user__role", "user__sort_order")
        .annotate(
            days=Count("id"),
            ok=Count("id", filter=Q(compliant=True)),
            v=Sum("visits"),
            last=Subquery(last_visits.values("visits")[:1]),
        )
        .order_by("user__sort_order", "user__full_name")
    )
    return [
        UserPeriod(
            user_id=r["user_id"],
            username=r["user__username"],
            full_name=r["user__full_name"],
            position=r["user__position"],
            role=r["user__role"],
            days=r["days"],
            compliant_days=r["ok"],
            visits=r["v"] or 0,
            last_visits=r["last"] or 0,
        )
        for r in rows
    ]


def counted_ids(unit_id: int, start: datetime.date, end: datetime.date) -> tuple[list[int], list[int], list[int]]:
    """The deliveries, assignments and meeting invitations counted against a unit in the period (one query)."""
    unopened: set[int] = set()
    overdue: set[int] = set()
    absences: set[int] = set()
    for u_ids, o_ids, a_ids in UnitCompliance.objects.filter(
        unit_id=unit_id, date__gte=start, date__lte=end
    ).values_list("unopened_ids", "overdue_ids", "absence_ids"):
        unopened.update(u_ids)
        overdue.update(o_ids)
        absences.update(a_ids)
    return sorted(unopened), sorted(overdue), sorted(absences)


def stored_range(start: datetime.date, end: datetime.date) -> dict:
    """The computed days in [start, end] and the rule used (one query)."""
    agg = ComplianceDay.objects.filter(date__gte=start, date__lte=end).aggregate(
        n=Count("id"), first=Min("date"), last=Max("date"), required=Max("required_visits")
    )
    return {"days": agg["n"], "first": agg["first"], "last": agg["last"], "required": agg["required"]}


# --- Who sees what ---------------------------------------------------------------------------------------------


def unit_scope(user: User) -> list[int] | None:
    """Units whose results the user may see: None for all (leaders, administrators), else their own unit.

    Raises PermissionDenied for everyone else (staff, clerks).
    """
    from django.core.exceptions import PermissionDenied

    if not user.is_authenticated or not user.is_active or not user.sees_compliance:
        raise PermissionDenied
    if user.is_superuser or user.role in (Role.LEADER, Role.ADMIN):
        return None
    return [user.unit_id] if user.unit_id else []


def require_unit(user: User, unit: Unit) -> None:
    """403 unless the user may see this unit's results (heads: their own unit only)."""
    from django.core.exceptions import PermissionDenied

    scope = unit_scope(user)
    if scope is not None and unit.id not in scope:
        raise PermissionDenied


@dataclass
class CountedItem:
    """A delivery or assignment counted against a unit, named only as far as the viewer may see it."""

    number_symbol: str  # empty when hidden
    summary: str  # trích yếu, or "Văn bản mật"
    confidential: bool
    url: str
    sender: str = ""
    sent_at: datetime.datetime | None = None
    opened_at: datetime.datetime | None = None
    role: str = ""
    assignee: str = ""
    due_date: datetime.date | None = None
    done_at: datetime.datetime | None = None


def counted_items(user: User, unit_id: int, start: datetime.date, end: datetime.date):
    """The unopened deliveries and overdue assignments counted in the period, for the drill-down (≤ 5 queries).

    Confidential documents are named only to someone with a grant on them (documents.permissions); records the
    viewer may open get a link.
    """
    from documents import permissions
    from idesk.notifications import record_url

    delivery_ids, assignment_ids, absence_ids = counted_ids(unit_id, start, end)
    deliveries = list(
        Delivery.objects.filter(pk__in=delivery_ids).select_related("document", "sender_unit").order_by("sent_at")
    )
    assignments = list(
        Assignment.objects.filter(pk__in=assignment_ids)
        .select_related("record__document", "assignee_unit", "assignee_user")
        .order_by("due_date", "id")
    )
    secret_docs = {d.document_id for d in deliveries if d.document.is_confidential}
    granted = (
        set(
            permissions.granted_document_ids(user)
            .filter(content_object_id__in=secret_docs)
            .values_list("content_object_id", flat=True)
        )
        if secret_docs
        else set()
    )
    visible = (
        set(permissions.visible_to(user).filter(pk__in={a.record_id for a in assignments}).values_list("pk", flat=True))
        if assignments
        else set()
    )

    def named(document, may_see: bool) -> tuple[str, str]:
        if document.is_confidential and not may_see:
            return "", str(_SECRET)
        return document.number_symbol, document.summary

    unopened = []
    for d in deliveries:
        number_symbol, summary = named(d.document, d.document_id in granted)
        unopened.append(
            CountedItem(
                number_symbol=number_symbol,
                summary=summary,
                confidential=d.document.is_confidential,
                url="",
                sender=d.sender_unit.name,
                sent_at=d.sent_at,
                opened_at=d.opened_at,
            )
        )
    overdue = []
    for a in assignments:
        number_symbol, summary = named(a.record.document, a.record_id in visible)
        overdue.append(
            CountedItem(
                number_symbol=number_symbol,
                summary=summary,
                confidential=a.record.document.is_confidential,
                url=record_url(a.record_id) if a.record_id in visible else "",
                role=a.get_role_display(),
                assignee=a.assignee_label,
                due_date=a.due_date,
                done_at=a.completed_at,
            )
        )
    return unopened, overdue, _absences(user, absence_ids)


@dataclass
class Absence:
    title: str  # the meeting's subject, or "Cuộc họp" when the viewer may not see the meeting
    start: datetime.datetime
    invitee: str
    reason: str
    url: str


def _absences(user: User, invitee_ids: list[int]) -> list[Absence]:
    """Unexcused absences by meeting, named only for meetings the viewer may see (two queries)."""
    if not invitee_ids:
        return []
    from documents import meetings
    from documents.models import MeetingInvitee

    invitees = list(
        MeetingInvitee.objects.filter(pk__in=invitee_ids)
        .select_related("meeting", "unit", "user")
        .order_by("meeting__start", "id")
    )
    visible = set(
        meetings.visible_to(user).filter(pk__in={i.meeting_id for i in invitees}).values_list("pk", flat=True)
    )
    out = []
    for i in invitees:
        seen = i.meeting_id in visible
        url = ""
        if seen:
            try:
                url = i.meeting.get_absolute_url()
            except NoReverseMatch:
                url = ""
        out.append(
            Absence(
                title=i.meeting.title if seen else str(_MEETING),
                start=i.meeting.start,
                invitee=i.label,
                reason=i.decline_reason if seen else "",
                url=url,
            )
        )
    return out
