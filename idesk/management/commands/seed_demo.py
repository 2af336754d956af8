"""Load the demo district (idempotent: a second run changes nothing)."""

import datetime

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role, User
from idesk import demo
from idesk.models import Notice
from units.models import Unit, UnitKind


class Command(BaseCommand):
    help = "Nạp dữ liệu mẫu huyện Vân Canh (chạy lại không thay đổi gì)."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--no-history", dest="history", action="store_false",
            help="Không tạo lịch sử truy cập, cuộc họp và báo cáo tuân thủ mẫu (dùng cho kiểm thử).",
        )  # fmt: skip
        parser.add_argument(
            "--force", action="store_true",
            help="Chạy cả khi DEBUG=0 (tạo tài khoản admin với mật khẩu công khai trong README).",
        )  # fmt: skip

    def handle(self, *args, **options) -> None:
        if not settings.DEBUG and not options["force"]:
            # The demo accounts, admin included, share the password printed in the README.
            raise CommandError(
                _(
                    "Không nạp dữ liệu mẫu khi DEBUG=0: lệnh này tạo tài khoản admin và các tài khoản mẫu với mật "
                    "khẩu công khai trong README. Nếu thật sự muốn (máy thử nghiệm), chạy lại với --force."
                )
            )
        from documents.core import notify
        from idesk import notifications

        # The demo's events become notifications in the bell here, without e-mail: nothing is left in the queue
        # for the worker to send on the first `make run`.
        with notify.collected() as events:
            with transaction.atomic():
                created = self._seed()
            extra = self._seed_documents()
            history = 0
            if options["history"]:
                from idesk.demo_history import seed_history

                history = seed_history()
        for event, ids in events:
            notifications.handle_event(event, ids, email=False)
        total = created + extra + history
        if total:
            self.stdout.write(self.style.SUCCESS(f"Đã nạp dữ liệu mẫu: {total} bản ghi mới."))
        else:
            self.stdout.write("Dữ liệu mẫu đã có sẵn, không thay đổi gì.")

    def _seed(self) -> int:
        self.created = 0
        self.password = make_password(demo.DEMO_PASSWORD)
        self.person_index = 0
        code, name, short, kind, slug = demo.DISTRICT
        district = self._unit(code, name, short, kind, None, 0)
        for order, (username, full_name, position) in enumerate(demo.LEADERS):
            self._user(username, full_name, district, position, Role.LEADER, sort_order=order)
        self._user("vanthu.ubnd", "Lê Thị Thu Hà", district, "Văn thư UBND huyện", Role.CLERK)
        for i in (1, 2):
            self._user(f"cv{i}.ubnd", self._name(), district, "Chuyên viên Văn phòng HĐND và UBND huyện", Role.STAFF)
        for order, (code, name, short, slug, head_position) in enumerate(demo.DEPARTMENTS, start=1):
            unit = self._unit(code, name, short, UnitKind.DEPARTMENT, district, order)
            self._staff_unit(
                unit, slug, head_position, deputy="Phó Chánh Văn phòng" if code == "vp" else "Phó Trưởng phòng"
            )
        for order, (code, name, short, slug, head_position) in enumerate(demo.COMMUNES, start=100):
            unit = self._unit(code, name, short, UnitKind.COMMUNE, district, order)
            self._staff_unit(unit, slug, head_position, deputy=head_position.replace("Chủ tịch", "Phó Chủ tịch"))
        for order, (code, name, short) in enumerate(demo.EXTERNALS, start=200):
            self._unit(code, name, short, UnitKind.EXTERNAL, None, order, on_system=False)
        vp = Unit.objects.get(code="vp")
        self._user("admin", "Quản trị hệ thống", vp, "Quản trị hệ thống", Role.ADMIN, is_staff=True, is_superuser=True)
        for title, body, when in demo.NOTICES:
            _, made = Notice.objects.get_or_create(
                title=title, defaults={"body": body, "published_at": timezone.make_aware(when)}
            )
            self.created += made
        return self.created

    def _seed_documents(self) -> int:
        """Demo documents, once the documents app provides them."""
        from documents import demo as document_demo

        return document_demo.seed() if hasattr(document_demo, "seed") else 0

    def _name(self) -> str:
        self.person_index += 1
        return demo.person_name(self.person_index)

    def _unit(self, code, name, short, kind, parent, order, on_system=True) -> Unit:
        unit, made = Unit.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "short_name": short,
                "kind": kind,
                "parent": parent,
                "sort_order": order,
                "eoffice_since": demo.ON_SYSTEM_SINCE if on_system else None,
                "phone": f"0256 388{order:04d}"[:14] if on_system else "",
                "organ_id": demo.ORGAN_IDS.get(code, ""),
            },
        )
        self.created += made
        if not made and not unit.organ_id and demo.ORGAN_IDS.get(code):
            # A district seeded before units had a mã định danh gets it once.
            unit.organ_id = demo.ORGAN_IDS[code]
            unit.save(update_fields=["organ_id"])
        return unit

    def _staff_unit(self, unit: Unit, slug: str, head_position: str, deputy: str) -> None:
        self._user(f"truong.{slug}", self._name(), unit, head_position, Role.HEAD, sort_order=1)
        self._user(f"pho.{slug}", self._name(), unit, deputy, Role.DEPUTY_HEAD, sort_order=2)
        self._user(f"vanthu.{slug}", self._name(), unit, "Văn thư", Role.CLERK, sort_order=3)
        for i in (1, 2):
            self._user(f"cv{i}.{slug}", self._name(), unit, "Chuyên viên", Role.STAFF, sort_order=10 + i)

    def _user(self, username, full_name, unit, position, role, sort_order=100, **flags) -> User:
        user, made = User.objects.get_or_create(
            username=username,
            defaults={
                "full_name": full_name,
                "unit": unit,
                "position": position,
                "role": role,
                "password": self.password,
                "email": f"{username}@vancanh.binhdinh.gov.vn",
                "phone": demo.phone_for(username),
                "sort_order": sort_order,
                "date_joined": timezone.make_aware(datetime.datetime(2016, 9, 1, 8, 0)),
                **flags,
            },
        )
        self.created += made
        return user
