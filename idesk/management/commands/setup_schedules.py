"""Move the recurring tasks to the times now in settings (migration idesk/0003 created them)."""

from django.core.management.base import BaseCommand
from django.utils import timezone
from django_q.models import Schedule

from idesk import schedules


class Command(BaseCommand):
    help = "Đặt lại giờ chạy các tác vụ định kỳ theo cấu hình hiện tại (IDESK_*_AT)."

    def handle(self, *args, **options) -> None:
        schedules.ensure(Schedule, reset_times=True)
        for s in Schedule.objects.filter(name__in=list(schedules.SCHEDULES)).order_by("next_run"):
            self.stdout.write(f"{s.name}: {s.func}, lần chạy tới {timezone.localtime(s.next_run):%d/%m/%Y %H:%M}")
