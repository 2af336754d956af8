"""Back up the office: the database, every stored file and a manifest, while the site goes on working."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections

from idesk import backup


class Command(BaseCommand):
    help = (
        "Sao lưu cơ sở dữ liệu, mọi tệp trong kho tệp (MEDIA_ROOT) và manifest.json (số dòng từng bảng, SHA-256 "
        "từng tệp) vào thư mục DIR (mới hoặc trống). Chạy được khi hệ thống đang dùng."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("directory", metavar="DIR", help="Thư mục sao lưu (mới hoặc trống).")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help="Cơ sở dữ liệu (mặc định: default).")

    def handle(self, *args, directory: str, database: str, **options) -> None:
        try:
            outcome = backup.backup(
                directory, settings_dict=connections[database].settings_dict, media_root=settings.MEDIA_ROOT
            )
        except backup.BackupError as error:
            raise CommandError(str(error)) from None
        manifest = outcome.manifest
        self.stdout.write(
            f"Đã sao lưu vào {directory}: {len(manifest['tables'])} bảng, {outcome.rows} dòng, {outcome.files} tệp, "
            f"{outcome.size / 1024 / 1024:.1f} MB ({manifest['engine']})."
        )
        if outcome.missing:
            shown = ", ".join(outcome.missing[:5])
            raise CommandError(
                f"Bản sao lưu đã ghi xong, nhưng {len(outcome.missing)} tệp mà cơ sở dữ liệu nhắc tới bị mất hoặc hỏng "
                f"trong kho tệp ({shown}): kiểm tra kho tệp. (Backup written, but files named by the database are "
                f"missing or corrupt in the store.)"
            )
