"""Bad input never gives a 500 (issue 14): hostile query strings on every list and export, as every persona (the
pages that are the same for everyone, as one).

A NUL byte reached PostgreSQL (DataError) and year 0001 overflowed the compliance period (OverflowError); such
input now gets the page, with a Vietnamese message where something was dropped."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
import time_machine
from django.db import transaction
from django.test import Client

from accounts.models import User
from tests.helpers import user as who

PERSONAS = [
    "chutich",
    "pct.kinhte",
    "vanthu.ubnd",
    "truong.noivu",
    "pho.noivu",
    "cv1.noivu",
    "vanthu.canhhien",
    "truong.canhhien",
    "admin",
]

NUL = "\x00"
OVERFLOW = "99999999999999999999999"  # past any integer column, year or page
HOSTILE = [NUL, "ab\x00cd", "\x01\x07\x1b\x7f", "0001-01-01", "31/12/9999", OVERFLOW, "x" * 5000]
# PDFs cost a rendering each: the inputs that broke them, not the whole list.
HOSTILE_PDF = [NUL, "0001-01-01", OVERFLOW]

# (path, the query parameters it reads)
PAGES = [
    ("/", []),
    ("/units/compliance/", ["from", "to", "page"]),
    ("/units/compliance/tuan-thu.xlsx", ["unit", "from", "to"]),
    ("/units/compliance/tuan-thu.pdf", ["unit", "from", "to"]),
    ("/units/compliance/ubnd/", ["from", "to"]),
    ("/notifications/", ["unread", "page"]),
    ("/meetings/", ["trang"]),
    ("/documents/meetings/week/", ["tuan", "don_vi"]),
    ("/documents/meetings/week/lich-cong-tac.pdf", ["tuan", "don_vi"]),
    (
        "/documents/incoming/",
        ["box", "q", "status", "urgency", "secrecy", "date_from", "date_to", "issuer", "doc_type", "assignee"]
        + ["overdue", "sort", "page"],
    ),
    ("/documents/search/", ["q", "status", "date_from", "date_to", "issuer", "page"]),
    ("/documents/outgoing/", ["tab", "q", "year", "page"]),
    # The issued tab reads the year; no persona lands on it, and a bad tab falls back to the default one.
    ("/documents/outgoing/?tab=da_phat_hanh", ["q", "year", "page"]),
    ("/documents/outgoing/new/", ["tra_loi"]),
    ("/documents/outgoing/paper/", ["page"]),
    ("/documents/incoming/arrivals/", ["page"]),
    ("/documents/incoming/register/", ["year", "date_from", "date_to", "confidential", "format"]),
    ("/documents/outgoing/register/", ["year", "date_from", "date_to", "confidential", "format"]),
    ("/documents/tasks/", ["page"]),
]
# Pages whose views never read who asks (the directory and the public portal: the same for every signed-in
# person): crawled as one persona, since another would repeat the same parsing and the same page.
SAME_FOR_EVERYONE = [
    ("/units/", ["q", "page"]),
    ("/units/danh-ba.xlsx", ["q"]),
    ("/units/danh-ba.pdf", ["q"]),
    ("/thong-bao/", ["page"]),
]


def _hostile_page_urls(pages):
    for path, params in pages:
        values = HOSTILE_PDF if path.endswith(".pdf") else HOSTILE
        join = "&" if "?" in path else "?"  # a path may fix a parameter (a tab) that the others depend on
        for value in values:
            if params:
                yield f"{path}{join}{urlencode({p: value for p in params})}"
        # Each alone too: one bad value must not hide behind another's refusal. Not a NUL: the input guard drops
        # control characters before any view, so alone it would reach the view as an empty parameter.
        for param in params:
            yield f"{path}{join}{urlencode({param: OVERFLOW})}"


def _hostile_urls():
    yield from _hostile_page_urls(PAGES)
    for fmt in ("pdf", "xlsx"):
        for value in (NUL, "0001-01-01", OVERFLOW):
            query = urlencode({"year": "2026", "date_from": value, "date_to": value, "format": fmt})
            yield f"/documents/incoming/register/?{query}"
    # A year-0001 day on one side of the range only, then both sides in the other date format.
    for query in ("from=0001-01-01", "to=0001-01-01", "from=0001-01-01&to=2026-11-20", "from=01/01/0001&to=02/01/0001"):
        for path in ("/units/compliance/", "/units/compliance/tuan-thu.xlsx", "/units/compliance/ubnd/"):
            yield f"{path}?{query}"


def _crawl(client: Client, urls) -> list[str]:
    failures = []
    for url in urls:
        try:
            with transaction.atomic():  # a database error must not poison the requests after it
                response = client.get(url)
        except Exception as exc:  # noqa: BLE001 - the test lists every failing URL, not only the first
            failures.append(f"{url[:120]} -> {type(exc).__name__}: {str(exc)[:120]}")
            continue
        if response.status_code >= 500:
            failures.append(f"{url[:120]} -> {response.status_code}")
    return failures


_RENDERED: dict[tuple, bytes] = {}


@pytest.fixture
def pdf_once_per_html(monkeypatch):
    """Each PDF whose HTML was already rendered in this process is that rendering's bytes (WeasyPrint's output
    depends on its HTML and stylesheet alone): most hostile values fall back to the same page, and the personas
    print the same week, so the crawl renders each distinct page once (64 of its 69 renderings were repeats)."""
    from django.template.loader import render_to_string

    from idesk.lib import reports

    render = reports.pdf_bytes

    def once(template: str, context: dict, stylesheet: str | None = None) -> bytes:
        key = (template, render_to_string(template, context), stylesheet)
        if key not in _RENDERED:
            _RENDERED[key] = render(template, context, stylesheet)
        return _RENDERED[key]

    monkeypatch.setattr(reports, "pdf_bytes", once)


@pytest.mark.django_db
@pytest.mark.parametrize("username", PERSONAS)
def test_hostile_query_strings_never_give_a_server_error(username, pdf_once_per_html):
    client = Client()
    client.force_login(who(username))
    failures = _crawl(client, _hostile_urls())
    assert not failures, "\n".join(failures)


@pytest.mark.django_db
def test_hostile_query_strings_on_the_pages_that_are_the_same_for_everyone():
    client = Client()
    client.force_login(who("cv1.noivu"))
    failures = _crawl(client, _hostile_page_urls(SAME_FOR_EVERYONE))
    assert not failures, "\n".join(failures)


def _as(username: str) -> Client:
    client = Client()
    client.force_login(who(username))
    return client


def _page(response) -> str:
    return response.content.decode()


DROPPED = "Địa chỉ trang có ký tự không hợp lệ; iDesk đã bỏ các ký tự đó."


@pytest.mark.django_db
def test_a_nul_in_the_directory_search_gets_the_page_with_a_vietnamese_message():
    response = _as("cv1.noivu").get("/units/?q=Nguy%00n")
    assert response.status_code == 200
    assert DROPPED in _page(response)
    assert response.context["q"] == "Nguyn"


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/units/danh-ba.xlsx?q=%00", "/units/compliance/tuan-thu.xlsx?unit=%00"])
def test_a_nul_in_an_export_parameter_still_gives_the_export(path):
    response = _as("chutich").get(path)
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]


@pytest.mark.django_db
def test_year_0001_in_the_compliance_range_shows_the_latest_day_with_a_message():
    response = _as("chutich").get("/units/compliance/?from=0001-01-01&to=0001-01-01")
    assert response.status_code == 200
    assert "Ngày không hợp lệ: «0001-01-01». Đang hiển thị ngày gần nhất." in _page(response)


# --- Forms ------------------------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("content_type", ["application/json", "text/plain"])
def test_a_form_posted_as_json_or_text_gets_a_vietnamese_message(content_type):
    body = '{"summary": "x"}' if content_type == "application/json" else "summary=x"
    response = _as("vanthu.ubnd").post("/documents/incoming/new/", data=body, content_type=content_type)
    assert response.status_code == 400
    assert f"Nội dung gửi lên không phải biểu mẫu (kiểu “{content_type}”)" in _page(response)


def _dmy(day) -> str:
    return day.strftime("%d/%m/%Y")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"issued_date": "01/01/0001"}, "issued_date", "Ngày 01/01/0001 không hợp lệ: chỉ nhận từ 01/01/1945"),
        ({"issued_date": "0001-01-01"}, "issued_date", "Ngày 01/01/0001 không hợp lệ"),
        ({"issued_date": "21/11/2026"}, "issued_date", "Ngày tháng văn bản không thể ở tương lai."),
        ({"due_date": "31/12/9999"}, "due_date", "Ngày 31/12/9999 không hợp lệ"),
        ({"doc_type": "khong-co"}, "doc_type", "Hãy chọn một lựa chọn hợp lệ"),
        ({"urgency": "9"}, "urgency", "Hãy chọn một lựa chọn hợp lệ"),
        ({"secrecy": "-1"}, "secrecy", "Hãy chọn một lựa chọn hợp lệ"),
        ({"summary": "x" * 2001}, "summary", "tối đa 2000 kí tự"),
    ],
)
def test_the_registering_form_refuses_bad_input_next_to_the_field(overrides, field, message):
    from documents.models import IncomingRecord
    from tests.documents.test_incoming_views import form_data

    before = IncomingRecord.objects.count()
    with time_machine.travel("2026-11-20 10:00 +07:00", tick=False):
        data = form_data(issued_date="18/11/2026", due_date="27/11/2026")
        data.update(overrides)
        response = _as("vanthu.ubnd").post("/documents/incoming/new/", data)
    assert response.status_code == 400
    assert any(message in str(error) for error in response.context["form"].errors[field]), response.context[
        "form"
    ].errors
    assert IncomingRecord.objects.count() == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"body": "Nội dung. " * 10_001}, "body", "tối đa 100000 kí tự"),
        ({"kinh_gui": "k" * 10_001}, "kinh_gui", "tối đa 10000 kí tự"),
        ({"external_recipients": "e" * 10_001}, "external_recipients", "tối đa 10000 kí tự"),
        ({"meeting_kind": "bi-mat"}, "meeting_kind", "Hãy chọn một lựa chọn hợp lệ"),
        ({"recipient_groups": ["khong-co"]}, "recipient_groups", "Hãy chọn một lựa chọn hợp lệ"),
    ],
)
def test_the_draft_form_refuses_what_no_one_types_and_stores_nothing(overrides, field, message):
    from documents.models import OutgoingDraft
    from tests.documents.test_outgoing_views import form_data

    before = OutgoingDraft.objects.count()
    response = _as("cv1.vp").post("/documents/outgoing/new/", form_data(**overrides))
    assert response.status_code == 400
    assert any(message in str(error) for error in response.context["form"].errors[field])
    assert OutgoingDraft.objects.count() == before


@pytest.mark.django_db
def test_a_body_of_a_hundred_thousand_characters_is_still_accepted():
    from documents.models import OutgoingDraft
    from tests.documents.test_outgoing_views import form_data

    response = _as("cv1.vp").post("/documents/outgoing/new/", form_data(body="Nội dung " * 11_111 + "."))
    assert response.status_code == 302
    assert len(OutgoingDraft.objects.latest("id").body) == 100_000


@pytest.mark.django_db
def test_a_password_of_a_megabyte_is_refused_before_hashing():
    from accounts.forms import LoginForm

    form = LoginForm(data={"username": "chutich", "password": "p" * 1_000_000})
    assert not form.is_valid()
    assert "password" in form.errors


# --- Admin ------------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_admin_refuses_a_second_active_clerk_with_the_form_error():
    from units.models import Unit

    commune = Unit.objects.get(code="xa-canh-hien")
    before = User.objects.count()
    response = _as("admin").post(
        "/admin/accounts/user/add/",
        {
            "username": "vanthu2.canhhien",
            "full_name": "Nguyễn Văn Thư",
            "unit": commune.pk,
            "role": "clerk",
            "position": "Văn thư",
            "password1": "mat-khau-dai-1234",
            "password2": "mat-khau-dai-1234",
            "usable_password": "true",
        },
    )
    assert response.status_code == 200
    assert "Đơn vị này đã có một tài khoản văn thư đang hoạt động." in _page(response)
    assert User.objects.count() == before
