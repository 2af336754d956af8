"""Search ranks the diacritics the user typed above accent-stripped matches: folding makes "năm" and "Nam" the
same word, so "quảng nam" also finds "Tuyên Quang năm 2024" — it must come after Quảng Nam."""

from __future__ import annotations

import re
import unicodedata

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from documents import selectors
from documents.models import IncomingRecord
from tests.conftest import client_as
from tests.documents.conftest import register


def shown(url: str, user, q: str) -> list[int]:
    page = client_as(user).get(url, {"q": q}).content.decode()
    return [int(pk) for pk in re.findall(r'href="/documents/incoming/(\d+)/"', page)]


@pytest.fixture
def records(commune_clerk) -> dict[str, IncomingRecord]:
    """Quảng Nam registered first, so newest-first would put the accent-stripped matches above it."""
    return {
        "quang_nam": register(commune_clerk, summary="V/v phòng, chống thiên tai tại Quảng Nam"),
        "tuyen_quang": register(commune_clerk, summary="Báo cáo công tác văn thư tỉnh Tuyên Quang năm 2024"),
        "urgent_tuyen_quang": register(
            commune_clerk, summary="Triển khai chuyển đổi số Tuyên Quang năm 2025", urgency=1
        ),
    }


@pytest.mark.parametrize("url", ["/documents/incoming/", "/documents/search/"])
def test_typed_diacritics_rank_exact_matches_first(commune_clerk, records, url):
    rows = shown(url, commune_clerk, "quảng nam")

    assert rows[0] == records["quang_nam"].pk
    assert {records["tuyen_quang"].pk, records["urgent_tuyen_quang"].pk} <= set(rows[1:])


def test_without_diacritics_every_match_counts_the_same_and_urgent_come_first(commune_clerk, records):
    rows = shown("/documents/incoming/", commune_clerk, "quang nam")

    assert rows[:3] == [records["urgent_tuyen_quang"].pk, records["tuyen_quang"].pk, records["quang_nam"].pk]


def test_the_typed_words_match_in_any_unicode_form(commune_clerk, records):
    decomposed = unicodedata.normalize("NFD", "quảng nam")  # some keyboards send combining marks

    assert shown("/documents/incoming/", commune_clerk, decomposed)[0] == records["quang_nam"].pk


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite's LIKE folds the case of ASCII letters only")
def test_the_typed_words_match_in_any_case(commune_clerk, records):
    assert shown("/documents/incoming/", commune_clerk, "QUẢNG NAM")[0] == records["quang_nam"].pk


def test_ranking_adds_no_query(commune_clerk, records):
    def count(q: str) -> int:
        with CaptureQueriesContext(connection) as ctx:
            list(selectors.incoming_list(commune_clerk, selectors.IncomingFilters(box="so", q=q))[:50])
        return len(ctx.captured_queries)

    assert count("quảng nam") == count("quang nam")
