"""`exchange_peer add|list|organ …`: configure liên thông peers from the shell (the admin does the same)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils.text import slugify

from documents.exchange.models import Peer, new_token
from units.models import Unit, UnitKind


class Command(BaseCommand):
    help = "Khai báo hệ thống liên thông (peer) và mã định danh đơn vị."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        add = actions.add_parser("add", help="Thêm hoặc cập nhật một hệ thống liên thông.")
        add.add_argument("name")
        add.add_argument(
            "url", help="địa chỉ nhận gói tin của hệ thống kia, ví dụ http://127.0.0.1:8001/lien-thong/goi-tin/"
        )
        add.add_argument(
            "--reach",
            action="append",
            default=[],
            metavar="MA_DINH_DANH[=Tên cơ quan]",
            help="cơ quan liên thông qua hệ thống này (tạo đơn vị bên ngoài nếu chưa có); lặp lại được",
        )
        add.add_argument("--inbound-token", default="", help="mã hệ thống kia dùng khi gửi cho ta (mặc định: tạo mới)")
        add.add_argument("--outbound-token", default="", help="mã hệ thống kia cấp cho ta")
        actions.add_parser("list", help="Liệt kê các hệ thống liên thông.")
        organ = actions.add_parser("organ", help="Đặt mã định danh của một đơn vị (bỏ mã đó khỏi đơn vị khác).")
        organ.add_argument("unit_code")
        organ.add_argument("organ_id")

    def handle(self, *args, **options) -> None:
        actions = {"add": self.add, "list": self.list, "organ": self.organ}
        actions[options["action"]](options)

    @transaction.atomic
    def add(self, options) -> None:
        peer = Peer.objects.filter(name=options["name"]).first() or Peer(name=options["name"])
        peer.base_url = options["url"]
        peer.outbound_token = options["outbound_token"] or peer.outbound_token
        token = options["inbound_token"] or (None if peer.inbound_token_hash else new_token())
        if token:
            peer.set_inbound_token(token)
        peer.active = True
        peer.save()
        for spec in options["reach"]:
            organ_id, _sep, name = spec.partition("=")
            organ_id = organ_id.strip()
            unit = Unit.objects.filter(organ_id=organ_id).first()
            if unit is None:
                unit = Unit(
                    name=name.strip() or organ_id,
                    code=slugify(f"lt-{organ_id}")[:64],
                    kind=UnitKind.EXTERNAL,
                    organ_id=organ_id,
                )
                unit.full_clean()
                unit.save()
            elif not unit.is_external:
                raise CommandError(f"{organ_id} là mã của đơn vị trên hệ thống này ({unit.name}).")
            peer.units.add(unit)
        self.stdout.write(f"Peer {peer.pk}: {peer.name} → {peer.base_url}; reaches {', '.join(sorted(peer.codes()))}")
        if token and not options["inbound_token"]:
            self.stdout.write(f"Inbound token (give it to the other side; shown once): {token}")

    def list(self, options) -> None:
        for peer in Peer.objects.prefetch_related("units"):
            state = "active" if peer.active else "inactive"
            self.stdout.write(f"{peer.pk}\t{peer.name}\t{peer.base_url}\t{state}\t{','.join(sorted(peer.codes()))}")

    @transaction.atomic
    def organ(self, options) -> None:
        try:
            unit = Unit.objects.get(code=options["unit_code"])
        except Unit.DoesNotExist as exc:
            raise CommandError(f"Không có đơn vị mã {options['unit_code']}.") from exc
        organ_id = options["organ_id"].strip()
        if organ_id:
            Unit.objects.filter(organ_id=organ_id).exclude(pk=unit.pk).update(organ_id="")
        unit.organ_id = organ_id
        unit.full_clean(exclude=["parent"])
        unit.save(update_fields=["organ_id"])
        self.stdout.write(f"{unit.code}: {unit.name} = {organ_id or '—'}")
