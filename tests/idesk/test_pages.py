import pytest
from django.urls import reverse

PRIVATE = [
    "/",
    "/units/",
    "/units/danh-ba.xlsx",
    "/units/danh-ba.pdf",
    "/units/compliance/",
    "/meetings/",
    "/documents/incoming/",
    "/documents/outgoing/",
    "/documents/tasks/",
    "/documents/search/",
    "/accounts/password/",
]


@pytest.mark.parametrize("url", PRIVATE)
def test_an_anonymous_user_is_sent_to_login(client, db, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_home_shows_name_unit_and_role(commune_clerk, as_user):
    page = as_user(commune_clerk).get("/").content.decode()
    assert commune_clerk.full_name in page
    assert "UBND xã Canh Hiển" in page
    assert "Văn thư" in page
    assert '<html lang="vi">' in page


def test_compliance_link_only_for_heads_and_leaders(chairman, dept_head, dept_staff, as_user):
    assert "Tuân thủ truy cập" in as_user(chairman).get("/").content.decode()
    assert "Tuân thủ truy cập" in as_user(dept_head).get("/").content.decode()
    assert "Tuân thủ truy cập" not in as_user(dept_staff).get("/").content.decode()


@pytest.mark.parametrize("url", ["/documents/incoming/", "/documents/outgoing/", "/documents/tasks/", "/meetings/"])
def test_sections_never_500(dept_staff, as_user, url):
    assert as_user(dept_staff).get(url).status_code == 200


def test_unknown_url_gives_a_404_page_in_the_layout(dept_staff, as_user, settings):
    settings.DEBUG = False
    response = as_user(dept_staff).get("/khong-co-trang-nay/")
    assert response.status_code == 404
    assert "Không tìm thấy trang" in response.content.decode()


def test_static_assets_are_served_locally(client):
    from django.contrib.staticfiles import finders

    for path in [
        "vendor/bootstrap/bootstrap.min.css",
        "vendor/htmx/htmx.min.js",
        "vendor/bootstrap/bootstrap.bundle.min.js",
    ]:
        assert finders.find(path), path
