"""The bell, the list, marking read (htmx and plain forms) and the preferences page."""

import pytest
from django.template import Context, Template

from accounts.models import Channel, NotificationKind, NotificationPreference
from idesk.models import Notification


@pytest.fixture(autouse=True)
def no_earlier_notifications(db):
    Notification.objects.all().delete()


def make(user, n=1, **extra):
    return [
        Notification.objects.create(
            recipient=user,
            kind=extra.get("kind", NotificationKind.DELIVERED),
            title=extra.get("title", f"Văn bản mới số {i}"),
            body=extra.get("body", ""),
            url=extra.get("url", "/documents/incoming/"),
            dedup_key=f"test:{user.pk}:{i}:{extra.get('title', '')}",
        )
        for i in range(n)
    ]


def test_the_bell_shows_the_unread_count_on_every_page(commune_clerk, as_user):
    make(commune_clerk, 3)
    client = as_user(commune_clerk)
    # Every page shows the bell at once and its count with the navigation's badges, fetched after the page.
    for url in ("/", "/documents/incoming/"):
        page = client.get(url).content.decode()
        assert 'id="bell"' in page and "chưa đọc" not in page and "data-nav-counts" in page, url
    badges = client.get("/dieu-huong/dem/", HTTP_HX_REQUEST="true").content.decode()
    assert '<a id="bell"' in badges and 'hx-swap-oob="true"' in badges.split('<a id="bell"')[1].split(">")[0]
    assert "Thông báo: 3 chưa đọc" in badges and ">3</span>" in badges


def test_the_bell_costs_one_query(commune_clerk, django_assert_num_queries):
    make(commune_clerk, 2)
    template = Template("{% include 'components/bell.html' %}")
    with django_assert_num_queries(1):
        html = template.render(Context({"user": commune_clerk}))
    assert "Thông báo: 2 chưa đọc" in html


def test_the_bell_says_99_plus_beyond_99(commune_clerk, as_user):
    Notification.objects.bulk_create(
        [Notification(recipient=commune_clerk, kind="delivered", title="x", dedup_key=f"k{i}") for i in range(120)]
    )
    badges = as_user(commune_clerk).get("/dieu-huong/dem/", HTTP_HX_REQUEST="true").content.decode()
    assert ">99+</span>" in badges and "Thông báo: 120 chưa đọc" in badges


def test_the_list_shows_only_my_notifications_and_has_an_empty_state(commune_clerk, outsider, as_user):
    make(outsider, 1, title="Không phải của tôi")
    page = as_user(commune_clerk).get("/notifications/").content.decode()
    assert "Không phải của tôi" not in page
    assert "Chưa có thông báo nào" in page
    make(commune_clerk, 2)
    page = as_user(commune_clerk).get("/notifications/").content.decode()
    assert "2 thông báo" in page and "Văn bản mới số 1" in page


def test_mark_read_with_htmx_returns_the_row_and_refreshes_the_bell(commune_clerk, as_user):
    (n,) = make(commune_clerk)
    response = as_user(commune_clerk).post(f"/notifications/{n.pk}/read/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert response["HX-Trigger"] == "notifications-changed"
    assert f'id="notification-{n.pk}"' in response.content.decode()
    n.refresh_from_db()
    assert n.read_at is not None


def test_mark_read_without_javascript_redirects_back(commune_clerk, as_user):
    (n,) = make(commune_clerk)
    response = as_user(commune_clerk).post(f"/notifications/{n.pk}/read/", {"next": "/notifications/?unread=1"})
    assert response.status_code == 302 and response["Location"] == "/notifications/?unread=1"
    n.refresh_from_db()
    assert n.read_at is not None


def test_no_one_marks_someone_elses_notification(commune_clerk, outsider, as_user):
    (n,) = make(outsider)
    assert as_user(commune_clerk).post(f"/notifications/{n.pk}/read/").status_code == 404
    assert as_user(commune_clerk).get(f"/notifications/{n.pk}/").status_code == 404
    n.refresh_from_db()
    assert n.read_at is None


def test_marking_read_needs_a_post(commune_clerk, as_user):
    (n,) = make(commune_clerk)
    assert as_user(commune_clerk).get(f"/notifications/{n.pk}/read/").status_code == 405


def test_mark_all_read(commune_clerk, as_user):
    make(commune_clerk, 3)
    response = as_user(commune_clerk).post("/notifications/read-all/")
    assert response.status_code == 302
    assert not Notification.objects.filter(recipient=commune_clerk, read_at__isnull=True).exists()
    page = as_user(commune_clerk).get("/notifications/?unread=1").content.decode()
    assert "Không có thông báo chưa đọc" in page


def test_opening_a_notification_marks_it_read_and_follows_its_link(commune_clerk, as_user):
    (n,) = make(commune_clerk, url="/documents/incoming/")
    response = as_user(commune_clerk).get(f"/notifications/{n.pk}/")
    assert response.status_code == 302 and response["Location"] == "/documents/incoming/"
    n.refresh_from_db()
    assert n.read_at is not None


def test_opening_never_redirects_off_site(commune_clerk, as_user):
    (n,) = make(commune_clerk, url="https://evil.example/phish")
    assert as_user(commune_clerk).get(f"/notifications/{n.pk}/")["Location"] == "/notifications/"


def test_preferences_are_saved_per_kind(commune_clerk, as_user):
    client = as_user(commune_clerk)
    page = client.get("/notifications/preferences/").content.decode()
    assert "Văn bản điện tử gửi đến đơn vị" in page  # a clerk's kind
    assert "Báo cáo hằng ngày" not in page  # a leader's kind
    data = {kind: Channel.EMAIL for kind in NotificationKind.values}
    data[NotificationKind.DELIVERED] = Channel.IN_APP
    response = client.post("/notifications/preferences/", data)
    assert response.status_code == 302
    assert (
        NotificationPreference.objects.get(user=commune_clerk, kind=NotificationKind.DELIVERED).channel
        == Channel.IN_APP
    )
    assert client.post("/notifications/preferences/", {"delivered": "fax"}).status_code == 200  # error shown


def test_leaders_can_choose_the_breach_report(chairman, as_user):
    page = as_user(chairman).get("/notifications/preferences/").content.decode()
    assert "Báo cáo hằng ngày: đơn vị vi phạm quy định truy cập" in page
    assert "Văn bản trình xin ý kiến chỉ đạo" in page


def test_pages_need_a_login(client, db):
    for url in ["/notifications/", "/notifications/preferences/", "/notifications/bell/"]:
        assert client.get(url).status_code == 302
