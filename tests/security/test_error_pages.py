"""With DEBUG=0 every error is a Vietnamese page in the layout, with nothing internal (issue 14)."""

import pytest
from django.test import Client
from django.urls import path

from tests.conftest import client_as

INTERNAL = (
    "Request Method",
    "Traceback",
    "Exception",
    "django",
    "DisallowedHost",
    "ALLOWED_HOSTS",
    "CSRF verification",
    "CSRF cookie",
    "Reason given",
)


def boom(request):
    raise RuntimeError("secret detail of a bug")


urlpatterns = [path("boom/", boom)]
handler500 = "idesk.views.error_500"


def _in_layout_and_clean(response, title: str) -> str:
    page = response.content.decode()
    assert '<html lang="vi">' in page
    assert "idesk-topbar" in page and "css/idesk.css" in page  # the layout
    assert title in page
    for word in INTERNAL:
        assert word not in page, word
    return page


@pytest.fixture(autouse=True)
def production(settings):
    settings.DEBUG = False


def test_a_host_that_is_not_ours_gets_the_400_page(db, settings):
    settings.ALLOWED_HOSTS = ["idesk.example.vn"]
    response = Client(raise_request_exception=False).get("/", HTTP_HOST="attacker.example")
    assert response.status_code == 400
    _in_layout_and_clean(response, "Yêu cầu không hợp lệ")


def test_a_form_without_its_csrf_token_gets_the_403_page(commune_clerk):
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    response = client.post("/accounts/login/", {"username": "x", "password": "y"})
    assert response.status_code == 403
    _in_layout_and_clean(response, "Biểu mẫu đã hết hạn")
    client.force_login(commune_clerk)
    response = client.post("/notifications/read-all/")
    assert response.status_code == 403
    page = _in_layout_and_clean(response, "tải lại trang")
    assert commune_clerk.full_name in page  # the full layout for a signed-in person


def test_an_unknown_address_gets_the_404_page(dept_staff):
    _in_layout_and_clean(Client().get("/khong-co-trang-nay/"), "Không tìm thấy trang")
    response = client_as(dept_staff).get("/documents/incoming/999999999/")
    assert response.status_code == 404
    _in_layout_and_clean(response, "Không tìm thấy trang")


def test_a_forbidden_page_gets_the_403_page(commune_clerk):
    response = client_as(commune_clerk).get("/units/compliance/")
    assert response.status_code == 403
    _in_layout_and_clean(response, "Không có quyền truy cập")


@pytest.mark.urls(__name__)
def test_a_server_error_gets_the_500_page(db):
    response = Client(raise_request_exception=False).get("/boom/", HTTP_X_REQUEST_ID="err-0123456789abcdef")
    assert response.status_code == 500
    page = _in_layout_and_clean(response, "Lỗi hệ thống")
    assert "secret detail" not in page and "RuntimeError" not in page
    assert "err-0123456789abcdef" in page


@pytest.mark.parametrize("debug", [True, False])
def test_a_page_not_found_is_the_vietnamese_page_in_the_layout_even_with_debug(chairman, settings, debug):
    settings.DEBUG = debug
    client = client_as(chairman)
    for url in ("/khong-co-trang-nay/", "/documents/incoming/987654/"):  # no URL matched; a view's Http404
        response = client.get(url)
        assert response.status_code == 404, url
        page = response.content.decode()
        assert "Không tìm thấy trang" in page and 'id="sidebar"' in page, url
        assert "URLconf" not in page and "Page not found" not in page, url
