"""The load generator (issue 12, `make loadtest`): real logins and timed pages over HTTP, errors counted."""

from __future__ import annotations

import pytest
from django.urls import reverse

from idesk.bench import loadtest
from idesk.bench.management.commands.loadtest import MARK_END, MARK_START, write_between_marks


def test_percentile_is_the_nearest_rank():
    values = [float(v) for v in range(1, 101)]
    assert loadtest.percentile(values, 95) == 95
    assert loadtest.percentile(values, 50) == 50
    assert loadtest.percentile([7.0], 95) == 7
    assert loadtest.percentile([], 95) is None


def _run(url: str, users: list[str], password: str = "idesk-demo", extra: list[loadtest.Page] = ()):
    pages = [loadtest.Page("Bàn làm việc", reverse("home")), loadtest.Page("Danh bạ", reverse("directory"))]
    return loadtest.run(
        url,
        users,
        password,
        pages=pages + list(extra),
        login_path=reverse("accounts:login"),
        incoming_path=reverse("documents:incoming_list"),
        duration=1.5,
        think=0.1,
    )


def test_a_short_run_logs_people_in_and_times_every_page(seeded, live_server):
    from tests.documents.conftest import register
    from tests.helpers import user

    register(user("vanthu.ubnd"))  # a record in the clerk's Văn bản đến
    # One person: the live server's threads share one connection to the in-memory test database.
    report = _run(live_server.url, ["vanthu.ubnd"], extra=[loadtest.Page("Không có", "/khong-co-trang-nay/")])
    assert report.samples
    by_page = {row["page"]: row for row in report.rows()}
    # The clerk sees records in Văn bản đến, so one of them joins the round; the missing page is an error, not a pass.
    assert {"Bàn làm việc", "Danh bạ", "Một hồ sơ văn bản đến", "Không có", "Tất cả"} <= set(by_page)
    # After every page but Bàn làm việc (which counts its queues itself) the browser asks for the badges.
    badges = by_page[loadtest.BADGES]
    assert badges["errors"] == 0 and badges["requests"] >= by_page["Danh bạ"]["requests"]
    assert by_page["Bàn làm việc"]["errors"] == 0 and by_page["Bàn làm việc"]["p95"] > 0
    assert by_page["Không có"]["errors"] == by_page["Không có"]["requests"] > 0
    assert {e.error for e in report.errors} == {"HTTP 404"}
    assert by_page["Tất cả"]["requests"] == len(report.samples)
    assert report.throughput > 0
    assert "| **Tất cả** |" in loadtest.markdown(report, "context")


def test_a_wrong_password_stops_the_run_before_measuring(seeded, live_server):
    with pytest.raises(loadtest.LoadTestError, match="login answered 200"):
        _run(live_server.url, ["chutich"], password="sai-mat-khau")


def test_results_go_between_the_marks_and_the_rest_stays(tmp_path):
    doc = tmp_path / "performance.md"
    doc.write_text("# Performance\n\nintro\n", encoding="utf-8")
    write_between_marks(doc, "first\n")
    assert (
        doc.read_text(encoding="utf-8")
        == f"# Performance\n\nintro\n\n## Under load\n\n{MARK_START}\nfirst\n{MARK_END}\n"
    )
    doc.write_text(doc.read_text(encoding="utf-8") + "\n## Later\n\nkept\n", encoding="utf-8")
    write_between_marks(doc, "second\n")
    text = doc.read_text(encoding="utf-8")
    assert "first" not in text and f"{MARK_START}\nsecond\n{MARK_END}" in text
    assert text.startswith("# Performance\n\nintro\n") and text.endswith("## Later\n\nkept\n")
