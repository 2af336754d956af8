"""`manage.py check_health`: the report of GET /healthz, for the operator and cron; exit status 1 when unhealthy."""

import json

from django.core.management.base import BaseCommand, CommandError

from idesk import health


class Command(BaseCommand):
    help = "Kiểm tra tình trạng hệ thống (như GET /healthz); mã thoát khác 0 khi có lỗi."

    def handle(self, *args, **options):
        result = health.report()
        self.stdout.write(json.dumps(result, ensure_ascii=False, indent=2))
        if not health.is_healthy(result):
            failing = ", ".join(name for name, check in result["checks"].items() if not check["ok"])
            raise CommandError(f"Hệ thống có lỗi: {failing}", returncode=1)
