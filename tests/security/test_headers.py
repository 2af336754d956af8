"""Security headers (issue 14): a strict Content-Security-Policy with nothing inline in the pages, Permissions-Policy,
Referrer-Policy, nothing cached of what needs a login, no server software named."""

import re

import pytest
from django.http import HttpResponse
from django.test import Client
from django.urls import path
from django.views.decorators.clickjacking import xframe_options_sameorigin

from tests.conftest import client_as

STRICT_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


@xframe_options_sameorigin
def framed(request):
    return HttpResponse(b"%PDF-", content_type="application/pdf")


urlpatterns = [path("framed/", framed)]


def test_every_page_has_a_strict_policy_and_says_nothing_about_the_server(db):
    response = Client().get("/accounts/login/")
    assert response["Content-Security-Policy"] == STRICT_CSP
    assert "unsafe" not in response["Content-Security-Policy"]
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert "camera=()" in response["Permissions-Policy"] and "geolocation=()" in response["Permissions-Policy"]
    assert "Server" not in response


def test_error_responses_have_the_headers_too(db):
    response = Client().get("/khong-co-trang-nay/")
    assert response.status_code == 404
    assert response["Content-Security-Policy"] == STRICT_CSP


@pytest.mark.urls(__name__)
def test_a_view_our_pages_may_frame_lets_only_this_origin_frame_it(db):
    response = Client().get("/framed/")
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert response["Content-Security-Policy"].endswith("frame-ancestors 'self'")


def test_pages_and_files_behind_the_login_are_not_stored(chairman):
    client = client_as(chairman)
    for url in ("/", "/units/", "/units/danh-ba.xlsx", "/notifications/", "/units/compliance/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Cache-Control"] == "private, no-store", url


def test_public_pages_for_anonymous_visitors_may_be_cached(db):
    response = Client().get("/thong-bao/")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I)
INLINE_STYLE = re.compile(r"<style\b|\sstyle=|\son[a-z]+=", re.I)


def _assert_nothing_inline(html: str, url: str) -> None:
    assert not INLINE_SCRIPT.search(html), (url, INLINE_SCRIPT.search(html).group(0))
    match = INLINE_STYLE.search(html)
    assert not match, (url, html[max(0, match.start() - 80) : match.end() + 80])


def test_the_pages_outside_documents_carry_no_inline_script_or_style(chairman, commune_clerk):
    anonymous = Client()
    for url in ("/accounts/login/", "/thong-bao/", "/thong-bao/huong-dan/", "/khong-co/"):
        _assert_nothing_inline(anonymous.get(url).content.decode(), url)
    pages = ["/", "/units/", "/units/?q=noi", "/notifications/", "/notifications/preferences/", "/accounts/password/"]
    for user, more in ((chairman, ["/units/compliance/", "/units/compliance/noi-vu/"]), (commune_clerk, [])):
        client = client_as(user)
        for url in pages + more:
            response = client.get(url)
            assert response.status_code == 200, url
            _assert_nothing_inline(response.content.decode(), url)
    forbidden = client_as(commune_clerk).get("/units/compliance/")
    assert forbidden.status_code == 403
    _assert_nothing_inline(forbidden.content.decode(), "403")


def test_htmx_is_told_not_to_inject_its_indicator_style(chairman):
    page = client_as(chairman).get("/").content.decode()
    assert '<meta name="htmx-config" content=\'{"includeIndicatorStyles": false}\'>' in page
    assert "js/idesk.js" in page


TEMPLATES_DIR = __import__("pathlib").Path(__file__).resolve().parents[2] / "templates"


def _rendered_by_weasyprint(name: str) -> bool:
    """PDF templates never reach a browser: WeasyPrint reads their <style> and style= attributes."""
    return "/pdf/" in f"/{name}" or name.endswith("_pdf.html") or name.startswith("documents/outgoing/official/")


def test_no_page_template_carries_inline_script_style_or_handlers():
    names = sorted(str(p.relative_to(TEMPLATES_DIR)) for p in TEMPLATES_DIR.rglob("*.html"))
    assert "documents/meetings/detail.html" in names and "documents/incoming/_table.html" in names
    checked = [name for name in names if not _rendered_by_weasyprint(name)]
    assert len(checked) > 60
    for name in checked:
        _assert_nothing_inline((TEMPLATES_DIR / name).read_text(), name)
