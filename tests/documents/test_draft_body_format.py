"""A draft's body on its page is formatted as its official PDF renders it (issue 18): **bold**, '- ' lists;
escaped, so a body can't inject HTML."""

from __future__ import annotations

import re

from documents.outgoing import pdf
from tests.documents.test_outgoing_views import as_, drafted

BODY = (
    "Đề nghị các đơn vị **khẩn trương** thực hiện:\n"
    "- Rà soát hồ sơ;\n"
    "- Báo cáo kết quả trước ngày 15/12/2026.\n"
    "Nội dung <script>alert(1)</script> không được thực thi./."
)


def shown_body(page: str) -> str:
    match = re.search(r'data-testid="draft-body">(.*?)</div>', page, re.S)
    assert match, "the draft page shows no body"
    return match.group(1)


def test_the_draft_page_shows_bold_and_lists_as_the_pdf_does(db):
    draft = drafted(body=BODY)
    page = as_("cv1.vp").get(draft.get_absolute_url()).content.decode()
    body = shown_body(page)
    assert "<strong>khẩn trương</strong>" in body
    assert re.search(r'<ul class="items"><li>- Rà soát hồ sơ;</li><li>- Báo cáo kết quả[^<]*</li></ul>', body)
    assert "**" not in body
    assert body.strip() == str(pdf.render_body(BODY))  # one formatter for the page and the PDF


def test_a_body_cannot_inject_html(db):
    draft = drafted(body=BODY)
    page = as_("cv1.vp").get(draft.get_absolute_url()).content.decode()
    body = shown_body(page)
    assert "<script>" not in body and "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert "<script>alert" not in page


def test_the_pdf_body_keeps_paragraphs_and_dashes():
    html = str(pdf.render_body("Mở đầu\n\n+ một\n- hai\nKết *thúc* <b>x</b>"))
    assert html == (
        "<p>Mở đầu</p>\n"
        '<ul class="items"><li>+ một</li><li>- hai</li></ul>\n'
        "<p>Kết <em>thúc</em> &lt;b&gt;x&lt;/b&gt;</p>"
    )
