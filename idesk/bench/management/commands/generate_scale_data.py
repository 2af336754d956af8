"""manage.py generate_scale_data --units 500 --users 10000 --documents 1000000 --access-events 10000000 [--seed N]"""

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from idesk.bench import scale


class Command(BaseCommand):
    help = "Sinh bộ dữ liệu quy mô tỉnh (tái lập được theo --seed) để đo hiệu năng; nạp bằng COPY trên PostgreSQL."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--units", type=int, default=500)
        parser.add_argument("--users", type=int, default=10_000)
        parser.add_argument("--documents", type=int, default=1_000_000)
        parser.add_argument("--access-events", type=int, default=10_000_000)
        parser.add_argument("--years", type=int, default=5)
        parser.add_argument("--seed", type=int, default=2016)
        parser.add_argument(
            "--skip-existing", action="store_true", help="Không làm gì nếu bộ dữ liệu của --seed đã có (make bench)."
        )
        parser.add_argument(
            "--allow-sqlite",
            action="store_true",
            help="Cho phép chạy trên SQLite (chỉ dùng cho dữ liệu nhỏ khi kiểm thử).",
        )

    def handle(self, *args, **o) -> None:
        if connection.vendor != "postgresql" and not o["allow_sqlite"]:
            raise CommandError("Cần PostgreSQL: đặt DATABASE_URL=postgres://… (hoặc --allow-sqlite cho dữ liệu nhỏ).")
        for name in ("units", "users", "documents", "access_events", "years"):
            if o[name] < 0 or (name in ("units", "users", "years") and o[name] < 1):
                raise CommandError(f"--{name.replace('_', '-')} phải là số dương.")
        if o["users"] < o["units"] * 2:
            raise CommandError("Cần ít nhất 2 người dùng cho mỗi đơn vị (văn thư và thủ trưởng).")
        from units.models import Unit

        if Unit.objects.filter(code__startswith=f"s{o['seed']}-").exists():
            if o["skip_existing"]:
                self.stdout.write(f"Bộ dữ liệu --seed {o['seed']} đã có: dùng lại.")
                # A dataset made before drafts and meetings were part of it gets them now (once).
                if added := scale.generate_work(o["seed"], o["documents"], log=lambda m: self.stdout.write(m)):
                    self.stdout.write("Đã thêm: " + ", ".join(f"{k}={v:,}" for k, v in added.items()))
                return
            raise CommandError(
                f"Cơ sở dữ liệu đã có bộ dữ liệu với --seed {o['seed']}; dùng cơ sở dữ liệu mới hoặc seed khác."
            )
        sizes = scale.Sizes(
            units=o["units"], users=o["users"], documents=o["documents"], access_events=o["access_events"],
            years=o["years"], seed=o["seed"],
        )  # fmt: skip
        counts = scale.generate(sizes, log=lambda m: self.stdout.write(m))
        self.stdout.write(self.style.SUCCESS("Đã nạp: " + ", ".join(f"{k}={v:,}" for k, v in counts.items())))
