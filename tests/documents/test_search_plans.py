"""The one search's two ways of matching the words (issue 18), which must find the same: tested on each row a person
may see when they are few (`selectors.SCAN_LIMIT`), or looked up in the trigram index; and its capped count and
first rows asked in one statement, whose two branches (all the matches known, or more than the cap) must agree."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from documents.incoming import policy as incoming_policy
from documents.search import selectors
from tests.documents import meeting_builders, outgoing_builders
from tests.documents.conftest import register, submitted
from tests.helpers import user


def found(person, q: str) -> dict:
    return {g.kind: (g.count, g.capped, [r.pk for r in g.rows]) for g in selectors.search_all(person, q)}


def test_the_words_tested_on_each_row_find_what_the_index_finds(district_clerk, monkeypatch):
    fee = register(district_clerk, summary="Giảm 50% lệ phí trước bạ", signer_name="Lê Thanh Tuấn")
    register(district_clerk, summary="Giảm 500 nghìn lệ phí", signer_name="Lê Thanh Tùng")
    register(district_clerk, summary="Thông báo a_b", signer_name="Phan Văn Ba")
    register(district_clerk, summary="Thông báo aXb", signer_name="Phan Văn Ba")
    issued = outgoing_builders.issued(summary="Quyết định giảm 50% lệ phí")
    outgoing_builders.issued(summary="Quyết định giảm 500 đồng lệ phí")

    assert selectors.few_to_scan(district_clerk) == {"incoming": True, "issued": True}
    searches = ["50%", "a_b", "lệ phí", "le phi", "Lê Thanh Tuấn", "le thanh tu", issued.signer_name, "không có"]
    with CaptureQueriesContext(connection) as ctx:
        scanned = {q: found(district_clerk, q) for q in searches}
    sqls = " ".join(q["sql"] for q in ctx.captured_queries).upper()
    assert "STRPOS(" in sqls or "INSTR(" in sqls

    monkeypatch.setattr(selectors, "SCAN_LIMIT", 0)  # every person's rows too many: the index
    assert selectors.few_to_scan(district_clerk) == {"incoming": False, "issued": False}
    with CaptureQueriesContext(connection) as ctx:
        indexed = {q: found(district_clerk, q) for q in searches}
    sqls = " ".join(q["sql"] for q in ctx.captured_queries).upper()
    assert "STRPOS(" not in sqls and "INSTR(" not in sqls

    assert scanned == indexed
    # Wildcards of LIKE are letters like any other, both ways.
    assert scanned["50%"]["incoming"] == (1, False, [fee.pk])
    assert scanned["50%"]["issued"] == (1, False, [issued.pk])
    assert scanned["a_b"]["incoming"][0] == 1
    assert scanned["le thanh tu"]["incoming"][0] == 2


def test_a_capped_count_reads_the_first_rows_of_every_match(db, monkeypatch):
    """More matches than COUNT_CAP: the statement's other branch gives the first rows of every match, the same
    rows, as typed first, as when the cap is not reached."""
    clerk = "vanthu.ubnd"
    for i in range(3):
        meeting_builders.scheduled(clerk, title=f"Họp giao ban Omega tuần {i}")
    typed = meeting_builders.scheduled(clerk, title="Họp tổ Ômêga")
    meeting_builders.scheduled(clerk, title="Họp bàn Omega đặc biệt")
    person = user(clerk)
    for q in ("omega", "Ômêga"):
        whole = selectors.meetings_group(person, selectors.words(q))
        assert (whole.count, whole.capped) == (5, False)
        monkeypatch.setattr(selectors, "COUNT_CAP", 2)
        capped = selectors.meetings_group(person, selectors.words(q))
        monkeypatch.setattr(selectors, "COUNT_CAP", 1000)
        assert (capped.count, capped.capped) == (2, True)
        assert [r.pk for r in capped.rows] == [r.pk for r in whole.rows]
        assert len(whole.rows) == selectors.FIRST_ROWS
    # As typed first, though another meeting was scheduled after it.
    assert selectors.meetings_group(person, selectors.words("Ômêga")).rows[0].pk == typed.pk
    assert selectors.meetings_group(person, selectors.words("omega")).rows[0].pk != typed.pk


def test_the_limit_is_on_the_rows_of_a_persons_relations(district_clerk, chairman, monkeypatch):
    """The Chủ tịch reaches a record submitted to him twice (the district's register, submitted to him): the limit
    counts the relations' rows, read from their indexes alone, an upper bound of the records tested."""
    for i in range(3):
        submitted(district_clerk, chairman, summary=f"Tờ trình số {i}")
    records = incoming_policy.visible_to(chairman).count()
    rows = sum(part.count() for part in incoming_policy.candidate_parts(chairman))
    assert rows >= records + 3

    monkeypatch.setattr(selectors, "SCAN_LIMIT", rows)
    assert selectors.few_to_scan(chairman)["incoming"]
    monkeypatch.setattr(selectors, "SCAN_LIMIT", rows - 1)
    assert not selectors.few_to_scan(chairman)["incoming"]
    assert found(chairman, "tờ trình")["incoming"][0] == 3  # through the index then
