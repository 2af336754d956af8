"""Compute (or recompute) the access-compliance report of one day and print it."""

from __future__ import annotations

import datetime
import json

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from idesk import compliance


class Command(BaseCommand):
    help = "Tính (hoặc tính lại) báo cáo tuân thủ truy cập của một ngày và in ra."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--date", dest="day", help="Ngày cần tính, dạng YYYY-MM-DD (mặc định: hôm nay).")
        parser.add_argument("--json", dest="as_json", action="store_true", help="In kết quả dạng JSON.")

    def handle(self, *args, day: str | None = None, as_json: bool = False, **options) -> None:
        target = self._parse(day)
        working = bool(compliance.compute_days([target]))  # and its month's summary, for the dashboard
        data = compliance.report(target, working_day=working)
        if as_json:
            self.stdout.write(json.dumps(data, ensure_ascii=False))
        else:
            self._print(data)

    def _parse(self, raw: str | None) -> datetime.date:
        today = timezone.localdate()
        if raw is None:
            return today
        try:
            day = datetime.date.fromisoformat(raw.strip())
            if len(raw.strip()) != 10:
                raise ValueError
        except ValueError:
            raise CommandError(f"Ngày không hợp lệ: «{raw}». Nhập theo dạng YYYY-MM-DD, ví dụ 2026-11-25.") from None
        if day > today:
            raise CommandError(
                f"Không thể tính cho ngày trong tương lai: {day:%d/%m/%Y} (hôm nay là {today:%d/%m/%Y})."
            )
        return day

    def _print(self, data: dict) -> None:
        day = datetime.date.fromisoformat(data["date"])
        if not data["working_day"]:
            self.stdout.write(f"{day:%d/%m/%Y} không phải ngày làm việc: không tính.")
            return
        units = data["units"]
        breach = sum(u["in_breach"] for u in units)
        ok = sum(u["compliant"] for u in units)
        self.stdout.write(
            f"Ngày {day:%d/%m/%Y} — yêu cầu {data['required_visits']} lượt/ngày: {len(units)} đơn vị, "
            f"{ok} đạt, {len(units) - ok} không đạt, {breach} vi phạm."
        )
        for u in units:
            mark = "VI PHẠM" if u["in_breach"] else ("đạt" if u["compliant"] else "không đạt")
            self.stdout.write(
                f"  {u['code']:<16} {u['visits']:>3} lượt  chậm mở {u['unopened']:>3}  quá hạn {u['overdue']:>3}  "
                f"vắng họp {u['unexcused_absences']:>2}  {mark}  ({u['name']})"
            )
