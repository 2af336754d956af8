"""Sổ đăng ký văn bản quy phạm pháp luật (issue 15): the QPPL are numbered in their own series, so they have their
own register book beside the outgoing one, as a page with PDF and Excel like the other books."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from documents.models import DocType, Document
from documents.outgoing.registers import legal_register_book
from tests.documents.conftest import unit, user
from tests.documents.outgoing_builders import issued
from tests.helpers import client_as

URL = "/documents/outgoing/register/qppl/"
TITLE = "Sổ đăng ký văn bản quy phạm pháp luật"


def _issue(**overrides) -> Document:
    return issued(doc_type=DocType.QUYET_DINH, summary="Ban hành Quy chế làm việc", **overrides)


def test_the_legal_register_lists_the_qppl_series_alone(fresh_year):
    _issue()
    _issue(is_legal=True)
    _issue(is_legal=True)

    book = legal_register_book(unit=unit("ubnd"), year=fresh_year)

    assert [row.number_symbol for row in book.rows] == [f"01/{fresh_year}/QĐ-UBND", f"02/{fresh_year}/QĐ-UBND"]
    assert (book.first_number, book.last_number) == (1, 2)
    assert book.heading.title == TITLE


def test_the_clerk_prints_it_beside_the_outgoing_register(fresh_year):
    _issue(is_legal=True)
    clerk = client_as(user("vanthu.ubnd"))

    page = clerk.get(URL)
    assert page.status_code == 200 and TITLE in page.content.decode()
    assert f'href="{URL}"' in clerk.get("/documents/outgoing/register/").content.decode()
    xlsx = clerk.get(URL, {"year": fresh_year, "format": "xlsx"})
    rows = list(load_workbook(io.BytesIO(xlsx.content)).active.iter_rows(values_only=True))
    assert rows[0][0].startswith(TITLE.upper())
    assert any(f"01/{fresh_year}/QĐ-UBND" in str(cell) for row in rows for cell in row)
    pdf = clerk.get(URL, {"year": fresh_year, "format": "pdf"})
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert client_as(user("cv1.vp")).get(URL).status_code == 403  # staff keep no book
