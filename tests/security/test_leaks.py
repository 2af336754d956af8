"""Issue 14, "Leaks (fix first)": what a confidential thing must not show, through every channel, to whom.

Each test names the leak a black-box test found on a fresh install and goes through the channel it leaked
through (page, list, calendar, feed, PDF, form, notification, duplicate warning), with a control that the
people it concerns still get it. The rules themselves are held in tests/documents/test_permission_matrix.py.
"""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from accounts.models import Role, User
from documents.core import grants
from documents.core.services import ServiceError
from documents.incoming import policy, services
from documents.incoming.services import DuplicateDocument
from documents.meetings import calendar_feed
from documents.meetings import policy as meetings_policy
from documents.meetings import services as meetings
from documents.meetings.selectors import week_schedule
from documents.models import AuditEvent, DocumentUserObjectPermission, DraftFile, IncomingRecord, Secrecy
from documents.outgoing import services as outgoing
from idesk.models import Notification
from tests.conftest import client_as
from tests.documents.conftest import pdf_upload, register, submitted, unit, user
from tests.documents.meeting_builders import meeting_data, with_material
from tests.documents.outgoing_builders import drafted, pdf_text

VN = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime.datetime(2030, 3, 5, 9, 0, tzinfo=VN)  # a Tuesday; the meetings are next Monday
SECRET_TITLE = "Họp Ban Chỉ đạo KX47 của Phòng Tư pháp"
CODEWORD = "KX47"


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False):
        yield


def _page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


# --- 1. A restricted meeting: only those it concerns -------------------------------------------------------


@pytest.fixture
def restricted(db):
    """Phòng Tư pháp's họp mật, organised and chaired by its head, xã Canh Hiển invited, with a material."""
    meeting = meetings.create_meeting(
        organiser=user("truong.tuphap"),
        data=meeting_data(
            title=SECRET_TITLE, chair=user("truong.tuphap"), restricted=True, invited_units=[unit("xa-canh-hien")]
        ),
    )
    material = with_material(meeting, "ke-hoach-bao-mat.pdf", by="truong.tuphap")
    return meeting, material


HIDDEN_FROM = ["cv1.tuphap", "cv2.tuphap", "cv1.canhhien", "chutich", "cv1.noivu"]
SHOWN_TO = ["truong.tuphap", "pho.tuphap", "vanthu.tuphap", "vanthu.canhhien", "truong.canhhien"]


@pytest.mark.parametrize("username", HIDDEN_FROM + SHOWN_TO)
def test_a_restricted_meeting_is_shown_only_to_those_it_concerns_through_every_channel(restricted, username):
    meeting, material = restricted
    person = user(username)
    client = client_as(person)
    shown = username in SHOWN_TO
    monday = meeting.start.astimezone(VN).date()
    week = f"?tuan={monday.isocalendar()[0]}-W{monday.isocalendar()[1]:02d}"

    assert client.get(meeting.get_absolute_url()).status_code == (200 if shown else 404)
    material_url = reverse("documents:meeting_material", args=[material.pk])
    assert client.get(material_url).status_code == (200 if shown else 404)
    assert (SECRET_TITLE in _page(client, reverse("meetings"))) is shown
    assert (SECRET_TITLE in _page(client, reverse("documents:meeting_week") + week)) is shown
    pdf = client.get(reverse("documents:meeting_week_pdf") + week)
    assert (CODEWORD in pdf_text(pdf.content)) is shown
    assert (SECRET_TITLE in calendar_feed.feed_ics(person, base_url="http://idesk.test").decode()) is shown
    assert (SECRET_TITLE in _page(client, reverse("home"))) is shown
    assert (person in meetings_policy.audience(meeting)) is shown


def test_an_ordinary_meeting_of_the_unit_is_still_shown_to_its_staff(db):
    meeting = meetings.create_meeting(
        organiser=user("truong.tuphap"),
        data=meeting_data(title="Họp giao ban Phòng Tư pháp", chair=user("truong.tuphap")),
    )
    for username in ("cv1.tuphap", "cv1.canhhien", "chutich"):
        assert meetings_policy.can(user(username), "view", meeting), username
        assert meeting in week_schedule(user(username), meeting.start.astimezone(VN).date()).days[0].morning


# --- 2. A confidential material: who sees its name, who may grant it, to whom ------------------------------------


@pytest.fixture
def secret_material(db):
    """Phòng Tư pháp's ordinary meeting chaired by its head; the confidential material added by its head."""
    meeting = meetings.create_meeting(
        organiser=user("truong.tuphap"),
        data=meeting_data(title="Họp chuyên đề Phòng Tư pháp", chair=user("truong.tuphap")),
    )
    return with_material(meeting, "phuong-an-mat-so-7.pdf", confidential=True, by="truong.tuphap")


@pytest.mark.parametrize("username", ["pho.tuphap", "vanthu.tuphap", "chutich", "pct.kinhte", "vanthu.canhhien"])
def test_an_organiser_side_account_without_the_material_neither_reads_its_name_nor_grants_it(secret_material, username):
    meeting, person = secret_material.meeting, user(username)
    client = client_as(person)

    assert "phuong-an-mat-so-7" not in _page(client, meeting.get_absolute_url())  # list, timeline, grant form
    response = client.post(
        reverse("documents:meeting_action", args=[meeting.pk, "grant"]),
        {"material": str(secret_material.pk), "users": [str(person.pk)]},
    )
    assert response.status_code == 403
    assert not grants.has(person, secret_material)
    with pytest.raises(PermissionDenied):
        meetings.grant_material(user=person, material=secret_material, people=[person])


def test_the_holder_grants_a_confidential_material_only_to_people_of_the_meeting(secret_material):
    head, clerk = user("truong.tuphap"), user("vanthu.tuphap")
    client = client_as(head)
    url = reverse("documents:meeting_action", args=[secret_material.meeting_id, "grant"])

    assert "phuong-an-mat-so-7" in _page(client, secret_material.meeting.get_absolute_url())
    assert client.post(url, {"material": str(secret_material.pk), "users": [str(clerk.pk)]}).status_code == 302
    assert meetings_policy.can(clerk, meetings_policy.READ, secret_material)
    outsider = user("cv1.noivu")  # not invited, not of the organising unit
    assert client.post(url, {"material": str(secret_material.pk), "users": [str(outsider.pk)]}).status_code == 400
    with pytest.raises(ServiceError):
        meetings.grant_material(user=head, material=secret_material, people=[outsider])
    assert not grants.has(outsider, secret_material)


def test_the_chair_grants_without_reading_the_name(db):
    meeting = meetings.create_meeting(organiser=user("vanthu.ubnd"), data=meeting_data())  # chaired by chutich
    secret = with_material(meeting, "phuong-an-mat-so-8.pdf", confidential=True)
    chair = client_as(user("chutich"))

    html = _page(chair, meeting.get_absolute_url())
    assert "phuong-an-mat-so-8" not in html and "Cấp quyền xem tài liệu mật" in html
    url = reverse("documents:meeting_action", args=[meeting.pk, "grant"])
    assert chair.post(url, {"material": str(secret.pk), "users": [str(user("chutich").pk)]}).status_code == 302
    assert meetings_policy.can(user("chutich"), meetings_policy.READ, secret)
    assert AuditEvent.objects.filter(object_id=meeting.pk, verb="material_granted", actor=user("chutich")).exists()


# --- 3. A confidential draft: its author, its reviewers and signer while under review, then grant holders ----------


def test_a_confidential_draft_files_and_preview_are_hidden_from_the_units_leaders_without_a_grant(db):
    draft = drafted(secrecy=Secrecy.MAT, uploads=[pdf_upload("du-thao-mat.pdf")])
    attached = DraftFile.objects.get(draft=draft)
    urls = [
        draft.get_absolute_url(),
        reverse("documents:draft_file", args=[attached.pk]),
        reverse("documents:draft_preview", args=[draft.pk]),
    ]

    def opens(username: str) -> bool:
        client = client_as(user(username))
        codes = {client.get(url).status_code for url in urls}
        assert len(codes) == 1, (username, codes)
        return codes == {200} or codes == {302}

    draft = outgoing.submit_draft(author=user("cv1.vp"), draft=draft)
    assert opens("truong.vp") and opens("pho.vp")  # either may review it
    assert not opens("cv2.vp") and not opens("chutich")

    draft = outgoing.review_draft(head=user("truong.vp"), draft=draft, approve=True)
    assert opens("truong.vp") and opens("chutich")  # who reviewed it; the signer it is before
    assert not opens("pho.vp")

    draft = outgoing.sign_draft(leader=user("chutich"), draft=draft, approve=True)
    document = outgoing.issue(clerk=user("vanthu.ubnd"), draft=draft)
    for username in ("truong.vp", "pho.vp", "pct.kinhte", "cv2.vp"):
        client = client_as(user(username))
        for url in urls:
            assert client.get(url).status_code == 404, (username, url)
        assert "V/v triển khai" not in _page(client, reverse("documents:outgoing_list") + "?tab=all")
    for username in ("cv1.vp", "chutich", "vanthu.ubnd"):
        assert grants.has(user(username), document)
        assert client_as(user(username)).get(draft.get_absolute_url()).status_code == 200


# --- 4. The duplicate warning never names a confidential record ---------------------------------------------


def _ungranted_secret(number_symbol: str = "15/BC-CAH") -> IncomingRecord:
    """Phòng Nội vụ's Mật record that its clerk holds no grant on (its head was given it by hand)."""
    record = register(
        user("vanthu.noivu"), secrecy=Secrecy.MAT, number_symbol=number_symbol, issuer_name="Công an huyện"
    )
    services.grant_access(granter=user("vanthu.noivu"), record=record, users=[user("truong.noivu")])
    DocumentUserObjectPermission.objects.filter(content_object=record.document, user=user("vanthu.noivu")).delete()
    return record


def test_the_duplicate_warning_says_only_that_the_confidential_register_may_hold_it(
    db, django_capture_on_commit_callbacks
):
    secret = _ungranted_secret()
    Notification.objects.all().delete()
    form = {
        "issuer_name": "Công an huyện", "number_symbol": "15/BC-CAH", "doc_type": "cv",
        "issued_date": secret.document.issued_date.strftime("%d/%m/%Y"), "summary": "Báo cáo khác", "urgency": "0",
        "secrecy": "0", "signer_name": "Nguyễn Văn A",
    }  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        response = client_as(user("vanthu.noivu")).post(reverse("documents:incoming_new"), form)

    assert response.status_code == 400
    html = response.content.decode()
    assert "có thể trùng với một văn bản trong sổ văn bản mật" in html, html
    assert secret.get_absolute_url() not in html and f"số đến {secret.arrival_number} " not in html.lower()
    with pytest.raises(DuplicateDocument) as refused:
        register(user("vanthu.noivu"), number_symbol="15/BC-CAH", issuer_name="Công an huyện")
    assert refused.value.existing == [] and refused.value.hidden == [secret]
    assert str(secret.arrival_number) not in " ".join(refused.value.messages)
    told = Notification.objects.filter(dedup_key__startswith=f"confidential_duplicate:{secret.pk}:")
    assert set(told.values_list("recipient__username", flat=True)) == {"truong.noivu"}
    assert all(n.confidential for n in told)


def test_a_clerk_who_holds_the_record_is_still_told_its_number(db):
    record = register(user("vanthu.noivu"), secrecy=Secrecy.MAT, number_symbol="16/BC-CAH", issuer_name="Công an huyện")
    with pytest.raises(DuplicateDocument) as refused:
        register(user("vanthu.noivu"), number_symbol="16/BC-CAH", issuer_name="Công an huyện")
    assert refused.value.existing == [record]
    assert f"số đến {record.arrival_number}" in " ".join(refused.value.messages)


# --- 5. A replaced clerk: the unit's new clerk and head take over --------------------------------------------


def test_when_the_clerk_is_replaced_the_new_clerk_and_the_head_take_over_the_units_confidential_records(db):
    old_clerk, head = user("vanthu.noivu"), user("truong.noivu")
    record = register(old_clerk, secrecy=Secrecy.TOI_MAT)
    assert not policy.can(head, "view", record)

    old_clerk.is_active = False
    old_clerk.save()  # as the admin's user form does
    new_clerk = User.objects.create(
        username="vanthu2.noivu", full_name="Trần Thị Mới", unit=old_clerk.unit, role=Role.CLERK, position="Văn thư"
    )

    for person in (new_clerk, head):
        assert policy.can(person, "view", record), person.username
        assert policy.can(person, "grant", record), person.username
    services.grant_access(granter=new_clerk, record=record, users=[user("cv2.noivu")])
    assert policy.can(user("cv2.noivu"), "view", record)
    # Deactivating the clerk handed over to the head; the new clerk took over when the account was made.
    first, second = AuditEvent.objects.filter(object_type="incomingrecord", object_id=record.pk, verb="handed_over")
    assert (first.data["holders"], second.data["holders"]) == ([head.pk], [new_clerk.pk])
    assert old_clerk.full_name in first.data["reason"] and old_clerk.full_name in second.data["reason"]
    assert not policy.can(user("pho.noivu"), "view", record)  # the deputy does not take over


def test_the_admin_deactivating_a_clerk_hands_over_to_the_head(admin_client, db):
    old_clerk, head = user("vanthu.tuphap"), user("truong.tuphap")
    record = register(old_clerk, secrecy=Secrecy.MAT)
    form = {
        "username": old_clerk.username, "full_name": old_clerk.full_name, "unit": old_clerk.unit_id,
        "position": old_clerk.position, "role": Role.CLERK, "email": old_clerk.email, "sort_order": 100,
        "date_joined_0": "01/01/2026", "date_joined_1": "08:00:00",
    }  # fmt: skip
    response = admin_client.post(reverse("admin:accounts_user_change", args=[old_clerk.pk]), form)
    assert response.status_code == 302, response.content.decode()[:2000]

    assert not User.objects.get(pk=old_clerk.pk).is_active
    assert policy.can(head, "grant", record)
    assert AuditEvent.objects.filter(object_id=record.pk, verb="handed_over").count() == 1


# --- 6. A notification reaches only those who can open it ----------------------------------------------------


def test_a_head_without_a_grant_is_not_told_a_confidential_records_number(db, django_capture_on_commit_callbacks):
    Notification.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        record = register(user("vanthu.noivu"), secrecy=Secrecy.MAT)
    assert not Notification.objects.filter(recipient__username="truong.noivu").exists()

    with django_capture_on_commit_callbacks(execute=True):
        record = services.submit(clerk=user("vanthu.noivu"), record=record, leader=user("truong.noivu"))
    [told] = Notification.objects.filter(recipient__username="truong.noivu")
    assert client_as(user("truong.noivu")).get(told.url).status_code == 200


def test_an_ordinary_record_still_tells_the_head(db, django_capture_on_commit_callbacks):
    Notification.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        record = register(user("vanthu.noivu"))
    [told] = Notification.objects.filter(recipient__username="truong.noivu")
    assert str(record.arrival_number) in told.title


def test_submitted_sends_the_leader_a_link_that_opens(db, django_capture_on_commit_callbacks):
    Notification.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        record = submitted(user("vanthu.ubnd"), user("chutich"), secrecy=Secrecy.MAT)
    for n in Notification.objects.filter(confidential=True):
        assert client_as(n.recipient).get(n.url).status_code == 200, (n.recipient.username, n.title)
    assert Notification.objects.filter(recipient__username="chutich", url=record.get_absolute_url()).exists()
