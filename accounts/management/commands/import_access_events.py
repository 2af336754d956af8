"""Import historic access logs from a previous system: CSV with username,timestamp,kind."""

from __future__ import annotations

import csv
import datetime
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.models import AccessEvent, AccessKind, User

COLUMNS = ["username", "timestamp", "kind"]
BATCH = 5000


class Command(BaseCommand):
    help = (
        "Nhập nhật ký truy cập cũ từ tệp CSV (cột username,timestamp,kind; thời điểm ISO 8601 có múi giờ). "
        "Nhập lại cùng tệp không thêm gì; tệp sai định dạng thì không nhập dòng nào."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options) -> None:
        rows = self._parse(file)
        usernames = {username for _, username, _, _ in rows}
        users = {u.username: u for u in User.objects.filter(username__in=usernames).only("id", "username", "unit_id")}
        unknown = [(line, username) for line, username, _, _ in rows if username not in users]
        events = [
            AccessEvent(user_id=users[username].id, unit_id=users[username].unit_id, at=at, kind=kind)
            for _, username, at, kind in rows
            if username in users
        ]
        with transaction.atomic():
            before = AccessEvent.objects.count()
            for start in range(0, len(events), BATCH):
                AccessEvent.objects.bulk_create(events[start : start + BATCH], ignore_conflicts=True)
            added = AccessEvent.objects.count() - before
        for line, username in unknown:
            self.stderr.write(f"Dòng {line}: không có tài khoản “{username}”, bỏ qua.")
        self.stdout.write(
            f"Đã nhập {added} lượt truy cập mới; {len(events) - added} lượt đã có sẵn; "
            f"{len(unknown)} dòng có tài khoản không tồn tại."
        )

    def _parse(self, file: Path) -> list[tuple[int, str, datetime.datetime, str]]:
        """Read and check every row first, so a bad file imports nothing."""
        try:
            handle = file.open(encoding="utf-8-sig", newline="")
        except OSError as exc:
            raise CommandError(f"Không đọc được tệp {file}: {exc.strerror}") from exc
        kinds = set(AccessKind.values)
        rows: list[tuple[int, str, datetime.datetime, str]] = []
        errors: list[str] = []
        with handle:
            reader = csv.reader(handle)
            header = next(reader, None)
            if header is None or [h.strip().lower() for h in header] != COLUMNS:
                raise CommandError("Dòng 1: tiêu đề phải là “username,timestamp,kind”.")
            for row in reader:
                line = reader.line_num
                if not row or all(not cell.strip() for cell in row):
                    continue
                if len(row) != 3:
                    errors.append(f"Dòng {line}: cần đúng 3 cột, có {len(row)}.")
                    continue
                username, raw_time, kind = (cell.strip() for cell in row)
                try:
                    at = datetime.datetime.fromisoformat(raw_time)
                except ValueError:
                    errors.append(f"Dòng {line}: thời điểm “{raw_time}” không đúng ISO 8601.")
                    continue
                if at.tzinfo is None:
                    errors.append(f"Dòng {line}: thời điểm “{raw_time}” thiếu múi giờ (ví dụ +07:00).")
                    continue
                if kind not in kinds:
                    errors.append(f"Dòng {line}: loại “{kind}” không hợp lệ (login hoặc visit).")
                    continue
                if not username:
                    errors.append(f"Dòng {line}: thiếu tên đăng nhập.")
                    continue
                rows.append((line, username, at.astimezone(datetime.UTC), kind))
        if errors:
            shown = "\n".join(errors[:20])
            more = f"\n… và {len(errors) - 20} lỗi khác." if len(errors) > 20 else ""
            raise CommandError(f"Tệp sai định dạng, không nhập dòng nào:\n{shown}{more}")
        return rows
