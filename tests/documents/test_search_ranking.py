"""Search ranks the diacritics the user typed above accent-stripped matches: folding makes "năm" and "Nam" the
same word, so "quảng nam" also finds "Tuyên Quang năm 2024" — it must come after Quảng Nam."""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from documents.incoming import selectors
from documents.models import IncomingRecord
from tests.conftest import client_as
from tests.documents.conftest import register


def shown(url: str, user, q: str) -> list[int]:
    page = client_as(user).get(url + ("&" if "?" in url else "?") + urlencode({"q": q})).content.decode()
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


def test_a_ranked_search_runs_the_same_queries_for_3_and_30_matches(commune_clerk, records):
    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            client_as(commune_clerk).get("/documents/search/", {"q": "quảng nam"})
        return len(ctx.captured_queries)

    few = queries()
    for i in range(27):
        register(commune_clerk, summary=f"Báo cáo số {i} tỉnh Tuyên Quang năm 2024")

    assert queries() == few


def test_a_search_counts_up_to_a_cap_and_says_so(commune_clerk, records, monkeypatch):
    assert "3 văn bản" in client_as(commune_clerk).get("/documents/incoming/", {"q": "quang nam"}).content.decode()

    monkeypatch.setattr(selectors, "SEARCH_COUNT_CAP", 2)
    rows = selectors.incoming_list(commune_clerk, selectors.IncomingFilters(box="so", q="quảng nam"))
    page = client_as(commune_clerk).get("/documents/incoming/", {"q": "quảng nam"}).content.decode()

    assert rows.count() == 2 and rows.capped and len(rows[0:2]) == 2
    assert "Hơn 2 văn bản" in page


@pytest.mark.parametrize("small", [0, 200])
def test_pages_run_across_exact_and_accent_stripped_matches(commune_clerk, records, monkeypatch, settings, small):
    """Many matches are read part by part (exact, then the rest); few are ranked in one query: same pages."""
    monkeypatch.setattr(selectors, "SMALL_SEARCH", small)
    settings.IDESK_PAGE_SIZE = 2
    first = shown("/documents/incoming/", commune_clerk, "quảng nam")
    second = shown("/documents/incoming/?page=2", commune_clerk, "quảng nam")

    assert first == [records["quang_nam"].pk, records["urgent_tuyen_quang"].pk]
    assert second == [records["tuyen_quang"].pk]
