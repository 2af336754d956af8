"""Measure the daily compliance computation on a district-sized synthetic day (not a test: it prints numbers).

    DATABASE_URL=postgres://…/idesk_bench manage.py migrate
    DATABASE_URL=postgres://…/idesk_bench manage.py compliance_benchmark   # 500 units, 10,000 users, 100,000 events
    DATABASE_URL=postgres://…/idesk_bench manage.py compliance_benchmark --cleanup  # remove the synthetic rows

The synthetic units, people and documents are named "bench-…" and are reused by later runs. Use a scratch
database: the measured day is computed (and stored) for every unit in it, real ones included.
"""

from __future__ import annotations

import datetime
import random
import statistics
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.evidence import erasing_access_events
from accounts.models import AccessEvent, AccessKind, Role, User
from documents.models import (
    Assignment,
    AssignmentRole,
    Delivery,
    DeliveryStatus,
    Document,
    IncomingRecord,
    Register,
    RegisterKind,
)
from idesk import compliance
from idesk.models import UnitCompliance, UnitComplianceMonth, UserCompliance
from units.calendar import WorkCalendar
from units.models import Unit, UnitKind

PREFIX = "bench"
BATCH = 5000


class Command(BaseCommand):
    help = "Đo thời gian tính báo cáo tuân thủ một ngày trên dữ liệu giả lập cỡ lớn (mặc định 500 đơn vị)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--units", type=int, default=500)
        parser.add_argument("--users", type=int, default=10_000)
        parser.add_argument("--events", type=int, default=100_000)
        parser.add_argument("--date", dest="day", help="Ngày làm việc được đo (mặc định: ngày làm việc gần nhất).")
        parser.add_argument("--runs", type=int, default=5, help="Số lần tính để lấy trung vị.")
        parser.add_argument("--reset", action="store_true", help="Xóa và tạo lại dữ liệu giả lập.")
        parser.add_argument("--cleanup", action="store_true", help="Chỉ xóa dữ liệu giả lập rồi thoát.")

    def handle(self, *args, **o) -> None:
        if o["cleanup"] or o["reset"]:
            self._cleanup()
            if o["cleanup"]:
                self.stdout.write("Đã xóa dữ liệu giả lập.")
                return
        if connection.vendor != "postgresql":
            self.stderr.write("Lưu ý: số đo có ý nghĩa trên PostgreSQL (DATABASE_URL=postgres://…).")
        day = self._day(o["day"])
        if o["units"] < 1 or o["users"] < o["units"]:
            raise CommandError("Cần ít nhất 1 đơn vị và mỗi đơn vị ít nhất 1 người.")
        start = time.perf_counter()
        made = self._generate(day, o["units"], o["users"], o["events"])
        if made:
            self.stdout.write(f"Tạo dữ liệu giả lập: {time.perf_counter() - start:.1f} s")
        self._report_sizes(day)

        # Queries are counted on separate runs: capturing them (SQL text with hundreds of ids) costs time too.
        queries = []
        for _ in range(2):
            with CaptureQueriesContext(connection) as ctx:
                compliance.compute_day(day)
            queries.append(len(ctx.captured_queries))
        timings = []
        for _ in range(max(o["runs"], 1)):
            t0 = time.perf_counter()
            compliance.compute_day(day)
            timings.append((time.perf_counter() - t0) * 1000)
        t0 = time.perf_counter()
        visits = compliance.visits_by_user(day)
        visits_ms = (time.perf_counter() - t0) * 1000
        # What the daily task does next: the month's summary for the dashboard (not part of computing the day).
        month_ms = []
        for _ in range(max(o["runs"] // 2, 1)):
            t0 = time.perf_counter()
            compliance.summarize_month(day)
            month_ms.append((time.perf_counter() - t0) * 1000)
        units = UnitCompliance.objects.filter(date=day).count()
        users = UserCompliance.objects.filter(date=day).count()
        self.stdout.write(
            f"Ngày {day:%d/%m/%Y}: {units} đơn vị, {users} người, {sum(visits.values())} lượt truy cập được tính.\n"
            f"compute_day: trung vị {statistics.median(timings):.0f} ms (nhanh nhất {min(timings):.0f}, "
            f"chậm nhất {max(timings):.0f}) qua {len(timings)} lần; {queries[0]} truy vấn mỗi lần "
            f"({'không đổi' if len(set(queries)) == 1 else 'THAY ĐỔI: ' + str(queries)}).\n"
            f"  trong đó đếm lượt truy cập (window lag() trong SQL): {visits_ms:.0f} ms.\n"
            f"summarize_month (tổng hợp tháng cho trang tổng hợp, chạy sau khi tính ngày): trung vị "
            f"{statistics.median(month_ms):.0f} ms."
        )

    def _day(self, raw: str | None) -> datetime.date:
        today = timezone.localdate()
        calendar = WorkCalendar(today - datetime.timedelta(days=30), today)
        if raw:
            try:
                day = datetime.date.fromisoformat(raw)
            except ValueError:
                raise CommandError(f"Ngày không hợp lệ: «{raw}» (dạng YYYY-MM-DD).") from None
            if not calendar.is_working_day(day):
                raise CommandError(f"{day:%d/%m/%Y} không phải ngày làm việc.")
            return day
        return calendar.add_working_days(today, -1)

    def _report_sizes(self, day: datetime.date) -> None:
        start = compliance.local_midnight(day)
        events = AccessEvent.objects.filter(at__gte=start, at__lt=start + datetime.timedelta(days=1)).count()
        self.stdout.write(
            f"Dữ liệu: {Unit.objects.on_system(day).internal().count()} đơn vị trên hệ thống, "
            f"{User.objects.filter(is_active=True).count()} người dùng, {events} sự kiện truy cập trong ngày "
            f"({AccessEvent.objects.count()} trong bảng), "
            f"{Delivery.objects.count()} lượt gửi, {Assignment.objects.count()} phân công."
        )

    # --- Synthetic data --------------------------------------------------------------------------------------

    def _generate(self, day: datetime.date, n_units: int, n_users: int, n_events: int) -> bool:
        if Unit.objects.filter(code__startswith=f"{PREFIX}-").count() >= n_units:
            return False
        self._cleanup()
        rng = random.Random(20161205)
        since = day - datetime.timedelta(days=60)
        with transaction.atomic():
            hq = Unit.objects.create(
                code=f"{PREFIX}-hq", name="Bench: UBND huyện", kind=UnitKind.DISTRICT, eoffice_since=since
            )
            units = Unit.objects.bulk_create(
                [
                    Unit(
                        code=f"{PREFIX}-{i:04d}",
                        name=f"Bench: đơn vị {i:04d}",
                        kind=UnitKind.COMMUNE,
                        parent=hq,
                        eoffice_since=since,
                        search_key=f"bench don vi {i:04d}",
                    )
                    for i in range(n_units)
                ]
            )
            per_unit = max(n_users // n_units, 1)
            people = []
            for u in units:
                for j in range(per_unit):
                    role = Role.CLERK if j == 0 else Role.HEAD if j == 1 else Role.STAFF
                    people.append(
                        User(
                            username=f"{PREFIX}.{u.code[len(PREFIX) + 1 :]}.{j:02d}",
                            full_name=f"Người thử {j:02d}",
                            unit=u,
                            role=role,
                            password="!",
                        )
                    )
            people = User.objects.bulk_create(people, batch_size=BATCH)
        self._events(day, people, n_events, rng)
        self._documents(day, hq, units, rng)
        if connection.vendor == "postgresql":
            # What autovacuum would soon do: statistics, and a visibility map for index-only scans.
            with connection.cursor() as cursor:
                if not connection.in_atomic_block:  # VACUUM cannot run in a transaction (as under the tests)
                    cursor.execute("VACUUM ANALYZE accounts_accessevent")
                cursor.execute("ANALYZE")
        return True

    def _events(self, day: datetime.date, people: list[User], n_events: int, rng: random.Random) -> None:
        """Visits through the working day; a third of them close to the previous one (the same visit)."""
        start = compliance.local_midnight(day) + datetime.timedelta(hours=7)
        per_user = max(n_events // len(people), 1)
        rows = []
        for person in people:
            t = start + datetime.timedelta(seconds=rng.randint(0, 3600))
            for k in range(per_user):
                kind = AccessKind.LOGIN if k == 0 else AccessKind.VISIT
                rows.append(AccessEvent(user_id=person.pk, unit_id=person.unit_id, at=t, kind=kind))
                gap = rng.choice([rng.randint(60, 600), rng.randint(1900, 4000), rng.randint(1900, 4000)])
                t += datetime.timedelta(seconds=gap, microseconds=rng.randint(0, 999_999))
            if len(rows) >= BATCH:
                AccessEvent.objects.bulk_create(rows, batch_size=BATCH, ignore_conflicts=True)
                rows = []
        AccessEvent.objects.bulk_create(rows, batch_size=BATCH, ignore_conflicts=True)

    def _documents(self, day: datetime.date, hq: Unit, units: list[Unit], rng: random.Random) -> None:
        """Ten documents sent to every unit (some opened late), and each unit a co-handler on ten records."""
        clerk = User.objects.filter(unit__in=units[:1], role=Role.CLERK).first()
        sent = compliance.local_midnight(day) - datetime.timedelta(days=3, hours=-9)
        with transaction.atomic():
            docs = Document.objects.bulk_create(
                [
                    Document(issuer_unit=hq, issuer_name=hq.name, number_symbol=f"{i}/BENCH", summary=f"Bench {i}")
                    for i in range(10)
                ]
            )
            deliveries = []
            for doc in docs:
                for u in units:
                    opened = None if rng.random() < 0.2 else sent + datetime.timedelta(hours=rng.randint(1, 60))
                    deliveries.append(
                        Delivery(
                            document=doc,
                            sender_unit=hq,
                            recipient_unit=u,
                            sent_at=sent,
                            opened_at=opened,
                            status=DeliveryStatus.OPENED if opened else DeliveryStatus.SENT,
                        )
                    )
            Delivery.objects.bulk_create(deliveries, batch_size=BATCH)
            register = Register.objects.create(unit=hq, year=day.year, kind=RegisterKind.INCOMING)
            records = IncomingRecord.objects.bulk_create(
                [
                    IncomingRecord(document=doc, unit=hq, register=register, year=day.year, arrival_number=i + 1)
                    for i, doc in enumerate(docs)
                ]
            )
            due = day - datetime.timedelta(days=rng.randint(1, 5))
            Assignment.objects.bulk_create(
                [
                    Assignment(
                        record=rec,
                        role=AssignmentRole.COOPERATE,
                        assignee_unit=u,
                        due_date=due if rng.random() < 0.3 else day + datetime.timedelta(days=5),
                        assigned_by=clerk,
                        assigned_at=sent,
                    )
                    for rec in records
                    for u in units
                ],
                batch_size=BATCH,
            )

    def _cleanup(self) -> None:
        units = Unit.objects.filter(code__startswith=f"{PREFIX}-")
        # Its own synthetic people's access events, which are otherwise append-only (accounts/evidence.py).
        with erasing_access_events():
            UnitCompliance.objects.filter(unit__in=units).delete()
            UnitComplianceMonth.objects.filter(unit__in=units).delete()
            UserCompliance.objects.filter(unit__in=units).delete()
            Assignment.objects.filter(record__unit__in=units).delete()
            IncomingRecord.objects.filter(unit__in=units).delete()
            Register.objects.filter(unit__in=units).delete()
            Delivery.objects.filter(sender_unit__in=units).delete()
            Document.objects.filter(number_symbol__endswith="/BENCH").delete()
            AccessEvent.objects.filter(user__username__startswith=f"{PREFIX}.").delete()
            User.objects.filter(username__startswith=f"{PREFIX}.").delete()
            Unit.objects.filter(code__startswith=f"{PREFIX}-", parent__isnull=False).delete()
            units.delete()
