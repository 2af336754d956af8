"""Restore a backup made by `manage.py backup` into an empty database and an empty file store."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections

from idesk import backup


class Command(BaseCommand):
    help = (
        "Phục hồi bản sao lưu DIR vào cơ sở dữ liệu trống và kho tệp trống. Kiểm tra toàn bộ bản sao lưu "
        "(SHA-256 từng tệp) trước khi ghi; lỗi thì không để lại gì."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("directory", metavar="DIR", help="Thư mục bản sao lưu (có manifest.json).")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help="Cơ sở dữ liệu đích (mặc định: default).")

    def handle(self, *args, directory: str, database: str, **options) -> None:
        connection = connections[database]
        connection.close()  # the restore writes through its own connection
        try:
            outcome = backup.restore(directory, settings_dict=connection.settings_dict, media_root=settings.MEDIA_ROOT)
        except backup.BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            f"Đã phục hồi từ {directory}: {len(outcome.manifest['tables'])} bảng, {outcome.rows} dòng, "
            f"{outcome.files} tệp, khớp manifest. Tiếp theo: manage.py migrate (nếu phiên bản mới hơn bản sao lưu)."
        )
        if outcome.missing:
            self.stderr.write(
                f"Lưu ý: {len(outcome.missing)} tệp đã thiếu trong kho tệp từ lúc sao lưu: "
                + ", ".join(outcome.missing[:5])
            )
