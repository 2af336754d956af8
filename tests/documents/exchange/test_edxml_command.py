"""`manage.py edxml read/write` and package_for_issued over an issued công văn shaped like the founding letter
(3261/UBND of 05/12/2016, built by the test)."""

from __future__ import annotations

import datetime
import json
import subprocess
import sys
from pathlib import Path

import pytest
import time_machine
from django.core.management import CommandError, call_command

from documents.exchange import edxml
from documents.exchange.packages import package_for_issued, split_code
from documents.models import Document
from tests.documents.outgoing_builders import issued_as
from units.models import Unit

from .test_edxml import UNTIDY, document_package, status_package

ROOT = Path(__file__).resolve().parents[3]


def _read_json(path) -> dict:
    from io import StringIO

    out = StringIO()
    call_command("edxml", "read", str(path), "--json", stdout=out)
    return json.loads(out.getvalue())


@pytest.fixture
def founding_letter(db):
    letter = issued_as(3261, datetime.datetime(2016, 12, 5, 9, 30, tzinfo=edxml.VIETNAM))
    assert letter.number_symbol == "3261/UBND"
    return Document.objects.select_related("issuer_unit").get(pk=letter.pk)


def test_read_summarises_a_document_package(tmp_path):
    path = tmp_path / "in.edxml"
    path.write_bytes(b"\x01\x02" + UNTIDY.encode())
    summary = _read_json(path)
    assert summary["kind"] == "document"
    assert summary["document_id"] == "000.00.00.G22,2015/09/30,7816/VPCP-TTĐT"
    assert summary["from"] == {"organ_id": "000.00.00.G22", "name": "Văn phòng Chính phủ"}
    assert [t["organ_id"] for t in summary["to"]] == ["000.00.31.H09", "000.00.00.H09"]
    assert (summary["code_number"], summary["code_notation"]) == ("7816", "VPCP-TTĐT")
    assert summary["promulgation_date"] == "2015-09-30"
    assert summary["document_type"] == "Công văn"
    assert summary["subject"] == "V/v triển khai liên thông văn bản"
    assert summary["business_doc_type"] == 0
    assert summary["status_code"] is None
    assert summary["attachments"] == [{"name": "7816-VPCP.pdf", "content_type": "application/pdf", "size": 10249}]


def test_read_summarises_a_status_package(tmp_path):
    path = tmp_path / "status.edxml"
    path.write_bytes(edxml.build(status_package(edxml.StatusCode.REFUSED)))
    summary = _read_json(path)
    assert summary["kind"] == "status"
    assert summary["document_id"] == "000.00.31.H09,2016/12/05,3261/UBND"
    assert summary["status_code"] == "02"
    assert summary["status_label"] == "Từ chối tiếp nhận"
    assert summary["description"] == "Mô tả cho mã 02: lý do & ghi chú"
    assert summary["from"]["organ_id"] == "000.00.00.H09"


def test_read_prints_a_readable_summary(tmp_path):
    from io import StringIO

    path = tmp_path / "in.edxml"
    path.write_bytes(edxml.build(document_package()))
    out = StringIO()
    call_command("edxml", "read", str(path), stdout=out)
    text = out.getvalue()
    assert "Loại gói tin: văn bản" in text
    assert "Số, ký hiệu: 3261/UBND" in text
    assert "Ngày ban hành: 05/12/2016" in text
    assert "Nghiệp vụ: 3 — Thay thế (Thay thế văn bản 3260/UBND)" in text
    assert "3261-UBND.pdf (application/pdf, 10,249 byte)" in text


def _run(*args) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", "edxml", *args], cwd=ROOT, capture_output=True, text=True, timeout=120
    )


def test_read_exits_non_zero_with_a_clear_message_on_a_malformed_package(tmp_path):
    cut = tmp_path / "cut.edxml"
    cut.write_bytes(edxml.build(document_package())[:700])
    result = _run("read", str(cut))
    assert result.returncode != 0
    assert "Gói tin không hợp lệ: Gói tin không đúng cú pháp XML" in result.stderr
    missing = tmp_path / "missing.edxml"
    missing.write_text(
        UNTIDY.replace("<edXML:DocumentId>", "<edXML:Other>").replace("</edXML:DocumentId>", "</edXML:Other>")
    )
    result = _run("read", str(missing), "--json")
    assert result.returncode != 0
    assert "thiếu mã văn bản (DocumentId)" in result.stderr
    assert result.stdout == ""
    ok = tmp_path / "ok.edxml"
    ok.write_text(UNTIDY)
    result = _run("read", str(ok), "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["code_number"] == "7816"


def test_read_of_a_missing_file_is_an_error(tmp_path):
    with pytest.raises(CommandError, match="Không tìm thấy tệp"):
        call_command("edxml", "read", str(tmp_path / "none.edxml"))


def test_codes_split_into_number_and_notation():
    assert split_code("3261/UBND") == ("3261", "UBND")
    assert split_code("36/2016/QĐ-UBND") == ("36", "2016/QĐ-UBND")
    assert split_code("12/UBND-VX") == ("12", "UBND-VX")


def test_package_for_the_issued_founding_letter(founding_letter):
    recipients = list(Unit.objects.filter(code__in=["noi-vu", "xa-canh-hien"]).order_by("code"))
    with time_machine.travel(datetime.datetime(2016, 12, 5, 9, 30, tzinfo=edxml.VIETNAM), tick=False):
        package = package_for_issued(founding_letter, recipients)
    assert package.document_id == "000.00.31.H09,2016/12/05,3261/UBND"
    assert package.from_organ.organ_id == "000.00.31.H09"
    assert package.from_organ.organ_name == "UBND huyện Vân Canh"
    assert [o.organ_id for o in package.to_organs] == ["000.02.31.H09", "000.22.31.H09"]
    assert (package.code_number, package.code_notation) == ("3261", "UBND")
    assert package.promulgation_date == datetime.date(2016, 12, 5)
    assert package.promulgation_place == "Vân Canh"
    assert package.subject == founding_letter.summary
    assert package.signer.full_name == "Trần Kim Vũ"
    assert package.document_type_name == "Công văn"
    assert package.traces[0].organ_id == "000.00.31.H09"
    assert package.traces[0].timestamp == datetime.datetime(2016, 12, 5, 9, 30, tzinfo=edxml.VIETNAM)
    assert package.business.doc_type == edxml.BusinessDocType.NEW
    official = package.attachments[0]
    assert official.name == "3261-UBND.pdf"
    assert official.content_type == "application/pdf"
    assert official.data.startswith(b"%PDF")
    assert official.data == founding_letter.files.get(name="3261-UBND.pdf").blob.content.open("rb").read()
    assert edxml.parse(edxml.build(package)) == package


def test_a_recipient_without_a_code_cannot_be_addressed(founding_letter):
    police = Unit.objects.get(code="cong-an-huyen")
    with pytest.raises(edxml.EdxmlError, match="chưa có mã định danh"):
        package_for_issued(founding_letter, [police])


def test_a_draft_is_not_packaged(db):
    unit = Unit.objects.get(code="ubnd")
    draft = Document(issuer_unit=unit, issuer_name=unit.name, summary="Chưa phát hành")
    with pytest.raises(edxml.EdxmlError, match="chưa được cấp số"):
        package_for_issued(draft, [unit])


def test_write_then_read_gives_the_same_fields(founding_letter, tmp_path):
    from io import StringIO

    path = tmp_path / "out.edxml"
    out = StringIO()
    call_command(
        "edxml", "write", str(founding_letter.pk), str(path), "--to", "noi-vu", "--to", "ubnd-tinh", stdout=out
    )
    assert "000.00.31.H09,2016/12/05,3261/UBND" in out.getvalue()
    summary = _read_json(path)
    assert summary["kind"] == "document"
    assert summary["document_id"] == "000.00.31.H09,2016/12/05,3261/UBND"
    assert summary["from"] == {"organ_id": "000.00.31.H09", "name": "UBND huyện Vân Canh"}
    assert summary["to"] == [
        {"organ_id": "000.02.31.H09", "name": "Phòng Nội vụ"},
        {"organ_id": "000.00.00.H09", "name": "UBND tỉnh Bình Định"},
    ]
    assert (summary["code_number"], summary["code_notation"]) == ("3261", "UBND")
    assert summary["promulgation_date"] == "2016-12-05"
    assert summary["subject"] == founding_letter.summary
    assert summary["business_doc_type"] == 0
    [pdf] = summary["attachments"]
    assert pdf["name"] == "3261-UBND.pdf" and pdf["content_type"] == "application/pdf"
    assert pdf["size"] == founding_letter.files.get(name="3261-UBND.pdf").blob.size


def test_write_addresses_the_deliveries_by_default(founding_letter, tmp_path):
    from documents.models import Delivery

    for code in ("noi-vu", "cong-an-huyen"):
        Delivery.objects.get_or_create(  # the seed may already deliver it to them
            document=founding_letter,
            recipient_unit=Unit.objects.get(code=code),
            defaults={"sender_unit": founding_letter.issuer_unit},
        )
    path = tmp_path / "out.edxml"
    call_command("edxml", "write", str(founding_letter.pk), str(path))
    # The police have no mã định danh: they are left to paper, not put in the package.
    to = [t["organ_id"] for t in _read_json(path)["to"]]
    assert "000.02.31.H09" in to and all(to)
    assert len(to) == founding_letter.deliveries.exclude(recipient_unit__organ_id="").count()


def test_write_refuses_what_it_cannot_package(founding_letter, tmp_path):
    founding_letter.deliveries.all().delete()
    with pytest.raises(CommandError, match="Không có văn bản"):
        call_command("edxml", "write", "999999", str(tmp_path / "x.edxml"))
    with pytest.raises(CommandError, match="chỉ định bằng --to"):
        call_command("edxml", "write", str(founding_letter.pk), str(tmp_path / "x.edxml"))
    with pytest.raises(CommandError, match="Không có đơn vị: khong-co"):
        call_command("edxml", "write", str(founding_letter.pk), str(tmp_path / "x.edxml"), "--to", "khong-co")
    assert not (tmp_path / "x.edxml").exists()
