from accounts.models import User
from idesk.models import Notice
from tests.helpers import user as who


def test_public_page_needs_no_login_and_lists_clerk_accounts(client, commune_clerk):
    response = client.get("/thong-bao/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "vanthu.canhhien" in page and "vanthu.ubnd" in page
    head = who("truong.canhhien")
    assert head.full_name in page and head.position in page


def test_public_page_shows_no_private_field(client, db):
    page = client.get("/thong-bao/").content.decode()
    for user in User.objects.filter(is_active=True):
        if user.phone:
            assert user.phone not in page, user.username
        if user.email:
            assert user.email not in page, user.username
    staff = who("cv1.canhhien")
    assert staff.username not in page and staff.full_name not in page


def test_notices_are_listed_and_readable(client, db):
    notice = Notice.objects.create(title="Lịch nghỉ Tết Nguyên đán", body="Nội dung thông báo.")
    assert "Lịch nghỉ Tết Nguyên đán" in client.get("/thong-bao/").content.decode()
    assert "Nội dung thông báo." in client.get(notice.get_absolute_url()).content.decode()


def test_an_unpublished_notice_is_hidden(client, db):
    notice = Notice.objects.create(title="Bản nháp", body="x", is_published=False)
    assert client.get(notice.get_absolute_url()).status_code == 404


def test_user_guide_is_public(client, db):
    response = client.get("/thong-bao/huong-dan/")
    assert response.status_code == 200 and "Hướng dẫn sử dụng" in response.content.decode()
