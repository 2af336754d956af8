import io

import openpyxl
import pytest

from units.text import fold


def test_fold_strips_vietnamese_diacritics():
    assert fold("UBND xã Canh Hiển") == "ubnd xa canh hien"
    assert fold("Đinh Thị Hồng Nhung") == "dinh thi hong nhung"
    assert fold("  Kế   hoạch ") == "ke hoach"


def test_search_without_accents_finds_the_commune(dept_staff, as_user):
    page = as_user(dept_staff).get("/units/", {"q": "canh hien"}).content.decode()
    assert "UBND xã Canh Hiển" in page
    assert "UBND xã Canh Vinh" not in page


def test_search_finds_a_person_by_name_without_accents(dept_staff, as_user):
    page = as_user(dept_staff).get("/units/", {"q": "tran kim vu"}).content.decode()
    assert "Trần Kim Vũ" in page
    assert "Phòng Tư pháp" not in page


def test_a_search_with_no_match_shows_an_empty_state(dept_staff, as_user):
    page = as_user(dept_staff).get("/units/", {"q": "khong co gi ca"}).content.decode()
    assert "Không tìm thấy đơn vị hay người nào" in page


def test_directory_shows_head_clerk_and_staff_with_contacts(dept_staff, as_user, commune_clerk):
    page = as_user(dept_staff).get("/units/").content.decode()
    assert commune_clerk.full_name in page and commune_clerk.phone in page and commune_clerk.email in page
    assert "Văn phòng HĐND và UBND huyện" in page


def test_directory_runs_a_constant_number_of_queries(dept_staff, as_user, django_assert_max_num_queries):
    client = as_user(dept_staff)
    client.get("/units/")
    # 8: the page's own queries (the bell's unread count arrives with the navigation badges, after the page).
    with django_assert_max_num_queries(8):
        client.get("/units/")
    with django_assert_max_num_queries(8):
        client.get("/units/", {"q": "canh"})


def test_excel_export_holds_the_right_rows(dept_staff, as_user, commune_clerk):
    from accounts.models import User

    response = as_user(dept_staff).get("/units/danh-ba.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][:3] == ("Cơ quan, đơn vị", "Họ và tên", "Chức vụ")
    people = rows[2:]
    internal_active = User.objects.filter(is_active=True, unit__active=True).exclude(unit__kind="external").count()
    assert len(people) == internal_active
    assert ("UBND xã Canh Hiển", commune_clerk.full_name) in {(r[0], r[1]) for r in people}


def test_excel_export_follows_the_search(dept_staff, as_user):
    response = as_user(dept_staff).get("/units/danh-ba.xlsx", {"q": "canh hien"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    units = {row[0] for row in list(sheet.iter_rows(values_only=True))[2:]}
    assert units == {"UBND xã Canh Hiển"}


@pytest.mark.skipif(not __import__("shutil").which("pdftotext"), reason="poppler-utils not installed")
def test_pdf_export_contains_the_directory(dept_staff, as_user, tmp_path):
    import subprocess

    response = as_user(dept_staff).get("/units/danh-ba.pdf", {"q": "canh hien"})
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    path = tmp_path / "d.pdf"
    path.write_bytes(response.content)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True).stdout
    assert "DANH BẠ" in text.upper() and "Canh Hiển" in text


def test_the_directory_needs_a_login(client, db):
    response = client.get("/units/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_large_directory_is_paged_by_whole_units(dept_staff, as_user, monkeypatch):
    """A province has 10,000 people: the directory shows about DIRECTORY_PAGE_PEOPLE of them a page, never
    cutting a unit in two, and its count line still counts everyone."""
    import re

    from accounts import selectors
    from accounts.models import User

    monkeypatch.setattr(selectors, "DIRECTORY_PAGE_PEOPLE", 12)
    client = as_user(dept_staff)
    first = client.get("/units/").content.decode()
    pages = int(re.search(r"Trang 1/(\d+)", first).group(1))
    seen_units, seen_people = [], set()
    for number in range(1, pages + 1):
        page = client.get("/units/", {"page": number}).content.decode()
        seen_units += re.findall(r'id="unit-([a-z0-9-]+)"', page)
        seen_people |= set(re.findall(r'font-monospace">([^<]+)</td>', page))

    internal_active = User.objects.filter(is_active=True, unit__active=True).exclude(unit__kind="external")
    assert pages > 1
    assert len(seen_units) == len(set(seen_units))  # each unit on one page only
    assert seen_people == set(internal_active.values_list("username", flat=True))
    assert f"{internal_active.count()} người" in first
