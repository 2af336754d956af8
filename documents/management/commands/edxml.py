"""`edxml read FILE [--json]` and `edxml write RECORD_ID FILE`: look into any edXML package, write ours."""

from __future__ import annotations

import json
import os

from django.core.management.base import BaseCommand, CommandError, CommandParser

from documents.core.models import Document
from documents.exchange import edxml
from documents.exchange.packages import package_for_issued
from units.models import Unit


def _date(value: str | None) -> str:
    """ISO date (or timestamp) → dd/mm/yyyy as the UI writes it."""
    if not value:
        return "—"
    day = value[:10].split("-")
    return "/".join(reversed(day)) + value[10:].replace("T", " ")[:9]


class Command(BaseCommand):
    help = "Đọc một gói tin edXML (QCVN 102:2016) hoặc ghi gói tin của một văn bản đi đã phát hành."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        read = actions.add_parser("read", help="Tóm tắt một gói tin văn bản hoặc gói tin trạng thái.")
        read.add_argument("file")
        read.add_argument("--json", action="store_true", help="In kết quả dạng JSON.")
        write = actions.add_parser("write", help="Ghi gói tin edXML của một văn bản đi đã phát hành.")
        write.add_argument("record_id", type=int, help="Mã (id) của văn bản đi đã phát hành.")
        write.add_argument("file")
        write.add_argument(
            "--to",
            action="append",
            default=[],
            metavar="UNIT_CODE",
            help="Mã đơn vị nhận (lặp lại được); mặc định: các đơn vị nhận có mã định danh.",
        )

    def handle(self, *args, **options) -> None:
        if options["action"] == "read":
            self.read(options["file"], as_json=options["json"])
        else:
            self.write(options["record_id"], options["file"], options["to"])

    def read(self, path: str, *, as_json: bool) -> None:
        if not os.path.isfile(path):
            raise CommandError(f"Không tìm thấy tệp: {path}")
        try:
            package = edxml.parse_file(path)
        except edxml.EdxmlError as exc:
            raise CommandError(f"Gói tin không hợp lệ: {exc}") from exc
        summary = edxml.summary(package)
        if as_json:
            self.stdout.write(json.dumps(summary, ensure_ascii=False, indent=2))
            return
        out = self.stdout.write
        organ = summary["from"]
        out(f"Loại gói tin: {'văn bản' if summary['kind'] == 'document' else 'trạng thái'}")
        out(f"DocumentId: {summary['document_id']}")
        out(f"Nơi gửi: {organ['organ_id']} — {organ['name'] or '—'}")
        for organ in summary["to"]:
            out(f"Nơi nhận: {organ['organ_id']} — {organ['name'] or '—'}")
        if summary["kind"] == "document":
            out(f"Số, ký hiệu: {summary['code_number']}/{summary['code_notation']}")
            out(f"Ngày ban hành: {_date(summary['promulgation_date'])}")
            out(f"Loại văn bản: {summary['document_type'] or '—'}")
            out(f"Trích yếu: {summary['subject'] or '—'}")
            reason = f" ({summary['business_reason']})" if summary["business_reason"] else ""
            out(f"Nghiệp vụ: {summary['business_doc_type']} — {summary['business_doc_type_label']}{reason}")
            out(f"Tệp đính kèm: {len(summary['attachments'])}")
            for attachment in summary["attachments"]:
                out(f"  - {attachment['name']} ({attachment['content_type']}, {attachment['size']:,} byte)")
        else:
            out(f"Văn bản được trả lời: {summary['code'] or '—'}, ngày {_date(summary['promulgation_date'])}")
            out(f"Trạng thái: {summary['status_code']} — {summary['status_label']}")
            out(f"Mô tả: {summary['description'] or '—'}")
            out(f"Thời điểm: {_date(summary['timestamp'])}")

    def write(self, record_id: int, path: str, unit_codes: list[str]) -> None:
        document = (
            Document.objects.select_related("issuer_unit__parent", "issued_by__unit", "replaces")
            .filter(pk=record_id)
            .first()
        )
        if document is None:
            raise CommandError(f"Không có văn bản mã {record_id}.")
        if unit_codes:
            units = {u.code: u for u in Unit.objects.filter(code__in=unit_codes).select_related("parent")}
            unknown = [code for code in unit_codes if code not in units]
            if unknown:
                raise CommandError(f"Không có đơn vị: {', '.join(unknown)}")
            recipients = [units[code] for code in unit_codes]
        else:
            recipients = list(
                Unit.objects.filter(deliveries__document=document)
                .exclude(organ_id="")
                .select_related("parent")
                .order_by("sort_order", "name")
                .distinct()
            )
            if not recipients:
                raise CommandError("Văn bản không có đơn vị nhận nào có mã định danh; chỉ định bằng --to.")
        try:
            package = package_for_issued(document, recipients)
        except edxml.EdxmlError as exc:
            raise CommandError(str(exc)) from exc
        with open(path, "wb") as stream:
            edxml.write(package, stream)
        self.stdout.write(
            f"Đã ghi gói tin {package.document_id} ({len(recipients)} nơi nhận, "
            f"{len(package.attachments)} tệp) vào {path}."
        )
