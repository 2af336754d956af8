"""The one search ("Tìm văn bản" in the top bar): every kind a person may see, grouped with counts, accent-
insensitive with the words as typed first, a fixed number of queries, nothing confidential leaking; and the
searches each person saves."""

from __future__ import annotations

import re

from django.db import connection
from django.test.utils import CaptureQueriesContext

from documents.core.models import Secrecy
from documents.search import selectors
from documents.search.models import SavedSearch
from tests.conftest import client_as
from tests.documents import meeting_builders, outgoing_builders
from tests.documents.conftest import register, user
from tests.helpers import vn_time


def groups(person, q: str) -> dict[str, selectors.Group]:
    return {g.kind: g for g in selectors.search_all(person, q)}


def page(person, q: str) -> str:
    response = client_as(person).get("/documents/find/", {"q": q})
    assert response.status_code == 200
    return response.content.decode()


def test_3261_finds_the_founding_letter(chairman):
    outgoing_builders.issued_as(3261, vn_time(2016, 12, 5, 9))
    found = groups(chairman, "3261")["issued"]
    assert found.count >= 1
    assert any(r.number_symbol == "3261/UBND" for r in found.rows)
    assert "3261/UBND" in page(chairman, "3261")


def test_every_kind_is_searched_without_diacritics(commune_clerk):
    clerk = user("vanthu.ubnd")
    register(commune_clerk, summary="Phòng cháy chữa cháy mùa khô tại xã Cẩm Hưng")
    draft = outgoing_builders.drafted("vanthu.ubnd", summary="Kế hoạch phòng cháy chữa cháy rừng Cẩm Xuyên")
    document = outgoing_builders.issued(summary="Chỉ thị về phòng cháy chữa cháy trong mùa hanh khô")
    meeting = meeting_builders.scheduled("vanthu.ubnd", title="Họp bàn phòng cháy chữa cháy rừng")

    assert groups(commune_clerk, "phong chay")["incoming"].count == 1
    found = groups(clerk, "PHONG CHAY")
    assert draft.pk in [r.pk for r in found["drafts"].rows]
    assert document.pk in [r.pk for r in found["issued"].rows]
    assert meeting.pk in [r.pk for r in found["meetings"].rows]
    html = page(clerk, "phong chay")
    for link in (f"/documents/outgoing/drafts/{draft.pk}/", f"/documents/outgoing/{document.pk}/"):
        assert link in html
    assert f"/documents/meetings/{meeting.pk}/" in html


def test_typed_diacritics_come_first_in_every_group(db):
    clerk = user("vanthu.ubnd")
    # Tuyên Quang last, so "latest first" alone would put it above Quảng Nam.
    outgoing_builders.issued(summary="Hỗ trợ đồng bào tỉnh Quảng Nam")
    later = outgoing_builders.issued(summary="Học tập kinh nghiệm tỉnh Tuyên Quang năm 2016")
    outgoing_builders.drafted("vanthu.ubnd", summary="Thăm hỏi tỉnh Quảng Nam")
    outgoing_builders.drafted("vanthu.ubnd", summary="Đoàn công tác Tuyên Quang năm 2017")
    found = groups(clerk, "quảng nam")
    for kind in ("issued", "drafts"):
        summaries = [r.summary for r in found[kind].rows]
        assert len(summaries) >= 2, kind
        assert "Quảng Nam" in summaries[0], kind
        assert any("Tuyên Quang năm" in s for s in summaries[1:]), kind
    # Without diacritics there is no "as typed": the newest first.
    assert groups(clerk, "quang nam")["issued"].rows[0].pk == later.pk


def test_confidential_drafts_and_documents_never_leak(commune_clerk):
    secret = "Phương án bảo vệ bí mật khu vực Zeta"
    outgoing_builders.drafted("cv1.vp", summary=secret, secrecy=Secrecy.MAT)
    document = outgoing_builders.issued(summary=secret + " đã ban hành", secrecy=Secrecy.MAT)
    # The signer (the Chủ tịch) sees both kinds: the search does find them for those who may see them.
    signer = groups(user("chutich"), "zeta")
    assert signer["issued"].count == 1 and signer["issued"].rows[0].pk == document.pk
    for who in ("cv1.canhhien", "truong.noivu", "cv1.noivu"):
        found = groups(user(who), "zeta")
        assert {k: g.count for k, g in found.items()} == {"incoming": 0, "issued": 0, "drafts": 0, "meetings": 0}, who
        assert "Zeta" not in page(user(who), "zeta"), who


def test_query_count_does_not_grow_with_the_results(commune_clerk):
    clerk = user("vanthu.ubnd")

    def queries(q: str) -> int:
        client = client_as(clerk)
        client.get("/documents/find/", {"q": q})  # the session and caches warm
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/documents/find/", {"q": q}).status_code == 200
        return len(ctx)

    outgoing_builders.drafted("vanthu.ubnd", summary="Hội nghị Omega lần 1")
    few = queries("omega")
    for i in range(2, 9):
        outgoing_builders.drafted("vanthu.ubnd", summary=f"Hội nghị Omega lần {i}")
        outgoing_builders.issued(summary=f"Thông báo Omega số {i}")
        meeting_builders.scheduled("vanthu.ubnd", title=f"Họp Omega {i}")
    found = groups(clerk, "omega")
    assert found["drafts"].count == 8 and found["issued"].count == 7 and found["meetings"].count == 7
    assert queries("omega") == few


def test_saved_searches_belong_to_their_owner(chairman, dept_head):
    client = client_as(chairman)
    response = client.post("/documents/find/saved/", {"q": "  chuyển   đổi số ", "name": "Chuyển đổi số"})
    assert response.status_code == 302
    saved = SavedSearch.objects.get(user=chairman)
    assert (saved.name, saved.query) == ("Chuyển đổi số", "chuyển đổi số")
    html = page(chairman, "")
    assert "Tìm kiếm đã lưu" in html and saved.get_absolute_url().replace("&", "&amp;") in html
    # The results page offers to save only what is not saved yet.
    assert "Lưu tìm kiếm" not in page(chairman, "chuyển đổi số")

    other = client_as(dept_head)
    assert "Chuyển đổi số" not in page(dept_head, "")
    assert other.post(f"/documents/find/saved/{saved.pk}/delete/").status_code == 404
    assert SavedSearch.objects.filter(pk=saved.pk).exists()

    assert client.post(f"/documents/find/saved/{saved.pk}/delete/").status_code == 302
    assert not SavedSearch.objects.filter(pk=saved.pk).exists()


def test_saving_nothing_is_refused_with_a_message(chairman):
    response = client_as(chairman).post("/documents/find/saved/", {"q": "   "}, follow=True)
    assert "Nhập từ khóa trước khi lưu tìm kiếm." in response.content.decode()
    assert not SavedSearch.objects.filter(user=chairman).exists()


def test_the_top_bar_searches_everything_and_is_reachable_on_a_phone(chairman):
    html = client_as(chairman).get("/").content.decode()
    assert re.search(r'<form[^>]*role="search"[^>]*action="/documents/find/"', html)
    assert re.search(r'<a class="[^"]*d-md-none[^"]*" href="/documents/find/" aria-label="Tìm văn bản"', html)


def test_a_kind_with_more_than_its_first_rows_links_to_its_own_list(commune_clerk):
    for i in range(selectors.FIRST_ROWS + 1):
        register(commune_clerk, summary=f"Báo cáo Sigma đợt {i}", number_symbol=f"{i}/BC-SIGMA")
    found = groups(commune_clerk, "sigma")["incoming"]
    assert found.count == selectors.FIRST_ROWS + 1 and len(found.rows) == selectors.FIRST_ROWS
    assert 'href="/documents/search/?q=sigma"' in page(commune_clerk, "sigma")
