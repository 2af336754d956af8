import io
import shutil
import subprocess

import openpyxl
import pytest

from tests.documents.outgoing_builders import founding_letter


@pytest.fixture
def letter(db):
    return founding_letter()


def test_the_clerk_downloads_the_outgoing_register_as_excel(letter, district_clerk, as_user):
    response = as_user(district_clerk).get("/documents/outgoing/register/", {"year": 2016, "format": "xlsx"})
    assert response.status_code == 200
    rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[1][0] == "Số, ký hiệu văn bản"
    assert any(row[0] == "3261/UBND" and row[3] == "Trần Kim Vũ" for row in rows[2:])


def test_nơi_nhận_names_the_kính_gửi_addressees_first(letter, district_clerk, as_user):
    """'Như trên' in the letter's Nơi nhận means its Kính gửi: the register spells them out."""
    response = as_user(district_clerk).get("/documents/outgoing/register/", {"year": 2016, "format": "xlsx"})
    rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    column = rows[1].index("Nơi nhận văn bản")
    recipients = next(row[column] for row in rows[2:] if row[0] == "3261/UBND").split("; ")
    assert recipients[:2] == ["Các phòng, ban, ngành", "UBND các xã, thị trấn"]
    assert recipients[-2:] == ["Lãnh đạo UBND huyện", "LĐVP"]
    assert "Như trên" not in recipients


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils not installed")
def test_the_clerk_downloads_the_outgoing_register_as_pdf(letter, district_clerk, as_user, tmp_path):
    response = as_user(district_clerk).get("/documents/outgoing/register/", {"year": 2016, "format": "pdf"})
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    path = tmp_path / "so-di.pdf"
    path.write_bytes(response.content)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True).stdout
    assert "SỔ ĐĂNG KÝ VĂN BẢN ĐI" in text and "3261/UBND" in text and "Trang 1/1" in text


def test_another_unit_and_staff_cannot_print_the_register(letter, commune_clerk, dept_staff, as_user):
    other = as_user(commune_clerk).get("/documents/outgoing/register/", {"year": 2016, "format": "xlsx"})
    rows = list(openpyxl.load_workbook(io.BytesIO(other.content)).active.iter_rows(values_only=True))
    assert not any(row[0] == "3261/UBND" for row in rows[2:])  # its own unit's register: empty
    assert as_user(dept_staff).get("/documents/outgoing/register/").status_code == 403
