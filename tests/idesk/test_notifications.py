"""Notifications from document events, đôn đốc and the leadership e-mail: who, what, once."""

import datetime

import pytest
import time_machine
from django.core import mail

from accounts.models import Channel, NotificationKind, NotificationPreference, User
from documents.core import notify, services
from documents.models import (
    Assignment,
    AssignmentRole,
    AssignmentStatus,
    DeliveryStatus,
    IncomingStatus,
    Secrecy,
    Urgency,
)
from idesk import compliance, notifications, tasks
from idesk.models import Notification
from tests.idesk.factories import FRI, MON, THU, TUE, WED, assign, at, deliver, document, record, unit, user, visit

SECRET_SUMMARY = "V/v phương án bảo vệ mục tiêu quan trọng về an ninh quốc phòng"


@pytest.fixture(autouse=True)
def no_earlier_notifications(db):
    """The demo documents seeded for the session already told people things; start each test from none."""
    Notification.objects.all().delete()


def notes(username: str, kind: str | None = None):
    qs = Notification.objects.filter(recipient__username=username)
    return qs.filter(kind=kind) if kind else qs


def test_a_delivery_tells_the_receiving_clerk_once_in_app_and_by_email(db):
    d = deliver(document(urgency=Urgency.HOA_TOC), unit("xa-canh-hien"), at(MON, "09:00"))
    tasks.handle_event("delivered", {"delivery_id": d.pk})
    tasks.handle_event("delivered", {"delivery_id": d.pk})  # a retried task
    n = notes("vanthu.canhhien").get()
    assert n.kind == NotificationKind.DELIVERED
    assert n.title.startswith("[Hỏa tốc] Văn bản mới từ UBND huyện Vân Canh")
    assert d.document.number_symbol in n.title
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["vanthu.canhhien@vancanh.binhdinh.gov.vn"]
    assert f"/notifications/{n.pk}/" in mail.outbox[0].body
    assert n.emailed_at is not None
    assert not Notification.objects.exclude(recipient__username="vanthu.canhhien").exists()


def test_an_email_never_names_a_confidential_document(db):
    doc = document(SECRET_SUMMARY, secrecy=Secrecy.MAT)
    d = deliver(doc, unit("xa-canh-hien"), at(MON, "09:00"))
    rec = record(doc, unit("noi-vu"))
    a = assign(rec, to_user=user("cv1.noivu"), due=WED)
    # The grants the flow gives (dispatch: the receiving clerk; assignment: the assignee): only those who may
    # open a confidential document are told about it.
    services.grant_confidential([user("vanthu.canhhien"), user("cv1.noivu")], doc)
    tasks.handle_event("delivered", {"delivery_id": d.pk})
    tasks.handle_event("assigned", {"assignment_id": a.pk})
    tasks.handle_event("reminder", {"assignment_id": a.pk, "user_id": user("chutich").pk})
    assert len(mail.outbox) == 3
    for message in mail.outbox:
        text = message.subject + message.body
        assert "Có văn bản mật mới" in message.subject
        assert SECRET_SUMMARY not in text and doc.number_symbol not in text
        assert "Văn bản mới từ" not in text and "Hạn xử lý" not in text and "Chủ trì" not in text
        assert "/notifications/" in message.body
    for n in Notification.objects.all():
        assert n.confidential and SECRET_SUMMARY not in n.title + n.body and doc.number_symbol not in n.title


def test_in_app_only_means_no_email(db):
    clerk = user("vanthu.canhhien")
    NotificationPreference.objects.create(user=clerk, kind=NotificationKind.DELIVERED, channel=Channel.IN_APP)
    d = deliver(document(), unit("xa-canh-hien"), at(MON, "09:00"))
    tasks.handle_event("delivered", {"delivery_id": d.pk})
    assert notes(clerk.username).count() == 1
    assert mail.outbox == []


def test_no_email_address_means_no_email(db):
    User.objects.filter(username="vanthu.canhhien").update(email="")
    tasks.handle_event("delivered", {"delivery_id": deliver(document(), unit("xa-canh-hien"), at(MON, "9:00")).pk})
    assert notes("vanthu.canhhien").count() == 1 and mail.outbox == []


def test_a_failed_email_is_sent_on_the_retry_and_only_once(db, monkeypatch):
    d = deliver(document(), unit("xa-canh-hien"), at(MON, "09:00"))
    calls = {"n": 0}
    original = mail.EmailMessage.send

    def flaky(self, fail_silently=False):
        calls["n"] += 1
        if calls["n"] == 1:
            raise ConnectionRefusedError("SMTP down")
        return original(self, fail_silently)

    monkeypatch.setattr(mail.EmailMessage, "send", flaky)
    with pytest.raises(ConnectionRefusedError):
        tasks.handle_event("delivered", {"delivery_id": d.pk})
    assert notes("vanthu.canhhien").get().emailed_at is None
    tasks.handle_event("delivered", {"delivery_id": d.pk})  # the queue retries
    tasks.handle_event("delivered", {"delivery_id": d.pk})
    assert len(mail.outbox) == 1 and notes("vanthu.canhhien").count() == 1


def test_submitting_tells_the_leader(db):
    rec = record(
        document(),
        unit("ubnd"),
        status=IncomingStatus.SUBMITTED,
        submitted_to=user("chutich"),
        submitted_at=at(MON, "08:30"),
    )
    tasks.handle_event("submitted", {"record_id": rec.pk, "user_id": user("chutich").pk})
    n = notes("chutich", NotificationKind.SUBMITTED).get()
    assert "Trình xin ý kiến chỉ đạo" in n.title and rec.document.summary in n.title


def test_an_assignment_to_a_unit_tells_its_head_and_a_delegation_tells_the_person(db):
    rec = record(document(), unit("ubnd"))
    a = assign(rec, to_unit=unit("noi-vu"), due=FRI)
    tasks.handle_event("assigned", {"assignment_id": a.pk})
    n = notes("truong.noivu", NotificationKind.ASSIGNED).get()
    assert n.title.startswith("Chủ trì:") and "Hạn xử lý: 20/11/2026" in n.body
    a.assignee_user = user("cv1.noivu")
    a.save(update_fields=["assignee_user"])
    tasks.handle_event("delegated", {"assignment_id": a.pk})
    tasks.handle_event("delegated", {"assignment_id": a.pk})
    assert notes("cv1.noivu", NotificationKind.ASSIGNED).count() == 1


def test_receipt_and_return_tell_the_sending_clerk(db):
    ok = deliver(
        document(), unit("xa-canh-hien"), at(MON, "09:00"), status=DeliveryStatus.REGISTERED, opened_at=at(MON, "10:00")
    )
    back = deliver(
        document(),
        unit("xa-canh-hiep"),
        at(MON, "09:00"),
        status=DeliveryStatus.RETURNED,
        returned_reason="Gửi nhầm đơn vị",
        opened_at=at(MON, "10:00"),
    )
    tasks.handle_event("receipt", {"delivery_id": ok.pk})
    tasks.handle_event("receipt", {"delivery_id": back.pk})
    titles = sorted(notes("vanthu.ubnd", NotificationKind.RECEIPT).values_list("title", flat=True))
    assert any(t.startswith("UBND xã Canh Hiển đã vào sổ") for t in titles)
    assert any(t.startswith("UBND xã Canh Hiệp trả lại") for t in titles)
    assert "Gửi nhầm đơn vị" in notes("vanthu.ubnd").get(title__contains="trả lại").body
    assert notes("vanthu.ubnd").get(title__contains="trả lại").url == f"/documents/outgoing/{back.document_id}/"


def test_completion_tells_the_leader_who_directed(db):
    rec = record(document(), unit("ubnd"), submitted_to=user("chutich"))
    assign(rec, to_unit=unit("noi-vu"), due=FRI, by=user("pct.kinhte"))
    tasks.handle_event("completed", {"record_id": rec.pk})
    assert notes("chutich", NotificationKind.COMPLETED).count() == 1
    assert notes("pct.kinhte", NotificationKind.COMPLETED).count() == 1


def test_registering_tells_the_head_but_not_the_clerk_who_registered(db):
    rec = record(document(), unit("noi-vu"), registered_by=user("vanthu.noivu"))
    tasks.handle_event("incoming_registered", {"record_id": rec.pk})
    assert notes("truong.noivu", NotificationKind.INCOMING).count() == 1
    assert not notes("vanthu.noivu").exists()


def test_a_manual_reminder_is_sent_once_a_day(db):
    a = assign(record(document(), unit("ubnd")), to_user=user("cv1.noivu"), due=MON)
    chairman = user("chutich")
    with time_machine.travel(at(WED, "09:00"), tick=False):
        tasks.handle_event("reminder", {"assignment_id": a.pk, "user_id": chairman.pk})
        tasks.handle_event("reminder", {"assignment_id": a.pk, "user_id": chairman.pk})
    with time_machine.travel(at(THU, "09:00"), tick=False):
        tasks.handle_event("reminder", {"assignment_id": a.pk, "user_id": chairman.pk})
    reminders = notes("cv1.noivu", NotificationKind.REMINDER).order_by("created_at")
    assert reminders.count() == 2
    assert "Trần Kim Vũ đôn đốc xử lý" in reminders[0].body and "quá hạn 2 ngày làm việc" in reminders[0].body


def test_unknown_events_and_missing_objects_do_not_fail(db):
    assert tasks.handle_event("meeting_moved", {"meeting_id": 1}) == 0
    assert tasks.handle_event("delivered", {"delivery_id": 999999}) == 0


def test_the_documents_app_hands_events_over_after_commit(db, django_capture_on_commit_callbacks):
    d = deliver(document(), unit("xa-canh-hien"), at(MON, "09:00"))
    with django_capture_on_commit_callbacks(execute=True):
        notify.later("delivered", delivery_id=d.pk)
        assert not notes("vanthu.canhhien").exists()  # nothing inside the transaction
    assert notes("vanthu.canhhien").count() == 1  # tests run the queue synchronously


# --- Daily đôn đốc -----------------------------------------------------------------------------------------------


def test_daily_reminders_one_working_day_before_and_every_working_day_after(db):
    Assignment.objects.all().delete()  # the demo's own tasks are dated from the real today
    cv = user("cv1.noivu")
    due_monday = assign(record(document(), unit("ubnd")), to_user=cv, due=MON + datetime.timedelta(days=7))
    overdue = assign(record(document(), unit("ubnd")), to_unit=unit("tu-phap"), due=WED)
    assign(record(document(), unit("ubnd")), to_user=cv, due=FRI, role=AssignmentRole.INFORM)
    assign(record(document(), unit("ubnd")), to_user=cv, due=WED, status=AssignmentStatus.DONE)
    notifications.daily_reminders(FRI)
    notifications.daily_reminders(FRI)  # the schedule fired twice
    due = notes("cv1.noivu", NotificationKind.DUE_SOON).get()
    assert due.title.startswith("Đến hạn 23/11/2026") and due.dedup_key == f"due_soon:{due_monday.pk}:{FRI}"
    late = notes("truong.tuphap", NotificationKind.OVERDUE).get()
    assert late.title.startswith("Quá hạn 2 ngày làm việc")
    assert notes("cv1.noivu").count() == 1
    notifications.daily_reminders(FRI + datetime.timedelta(days=1))  # Saturday: nobody is chased
    assert Notification.objects.count() == 2
    notifications.daily_reminders(MON + datetime.timedelta(days=7))
    assert notes("truong.tuphap", NotificationKind.OVERDUE).count() == 2
    assert notes("cv1.noivu", NotificationKind.DUE_SOON).count() == 1  # due today: not chased on the day
    assert str(overdue.pk) in notes("truong.tuphap").latest("created_at").dedup_key


# --- The leadership e-mail ----------------------------------------------------------------------------------------


def test_the_days_breach_email_is_sent_once_and_only_when_there_are_breaches(db):
    compliance.compute_day(TUE)
    assert tasks.send_breach_report(at(TUE, "18:30").isoformat()) == 0
    assert mail.outbox == []
    deliver(document(), unit("xa-canh-hien"), at(TUE, "09:00"))
    visit(user("vanthu.canhhien"), WED, "08:00")
    compliance.compute_day(WED)
    tasks.send_breach_report(at(WED, "18:30").isoformat())
    tasks.send_breach_report(at(WED, "18:30").isoformat())
    leaders = set(User.objects.filter(role="leader").values_list("email", flat=True))
    assert {m.to[0] for m in mail.outbox} == leaders and len(mail.outbox) == len(leaders) == 3
    body = mail.outbox[0].body
    assert "UBND xã Canh Hiển: văn thư truy cập 1/2 lượt; 1 văn bản chậm mở" in body
    assert "18/11/2026" in mail.outbox[0].subject


def test_the_breach_email_computes_the_day_if_the_report_has_not_run(db):
    deliver(document(), unit("xa-canh-hien"), at(TUE, "09:00"))
    assert tasks.send_breach_report(at(WED, "18:30").isoformat()) == 3
    assert compliance.report(WED)["units"]


# --- Meetings and drafts ------------------------------------------------------------------------------------------


def _meeting(**extra):
    from documents.models import Meeting

    start = at(WED, "08:00")
    return Meeting.objects.create(
        title="Họp triển khai hệ thống Văn phòng điện tử iDesk",
        organiser=user("vanthu.ubnd"),
        organiser_unit=unit("ubnd"),
        chair=user("chutich"),
        start=start,
        end=start + datetime.timedelta(hours=3),
        place="Hội trường UBND huyện",
        **extra,
    )


def test_a_meeting_invitation_tells_invited_people_and_the_invited_units_head_and_clerk(db):
    from documents.models import MeetingInvitee

    meeting = _meeting()
    MeetingInvitee.objects.create(meeting=meeting, unit=unit("xa-canh-hien"))
    MeetingInvitee.objects.create(meeting=meeting, user=user("truong.noivu"))
    tasks.handle_event("meeting_invited", {"meeting_id": meeting.pk})
    tasks.handle_event("meeting_invited", {"meeting_id": meeting.pk})
    told = set(Notification.objects.filter(kind=NotificationKind.MEETING).values_list("recipient__username", flat=True))
    assert told == {"truong.canhhien", "vanthu.canhhien", "truong.noivu"}
    n = notes("truong.noivu").get()
    assert n.title == "Giấy mời họp: Họp triển khai hệ thống Văn phòng điện tử iDesk, 08:00 18/11/2026"
    assert "Hội trường UBND huyện" in n.body
    tasks.handle_event("meeting_changed", {"meeting_id": meeting.pk, "event_id": 1})
    tasks.handle_event("meeting_cancelled", {"meeting_id": meeting.pk, "event_id": 2})
    assert notes("truong.noivu").count() == 3


def test_a_security_meeting_is_never_named_by_email(db):
    from documents.models import MeetingInvitee

    meeting = _meeting(restricted=True)
    MeetingInvitee.objects.create(meeting=meeting, user=user("truong.noivu"))
    tasks.handle_event("meeting_invited", {"meeting_id": meeting.pk})
    (message,) = mail.outbox
    assert "Có văn bản mật mới" in message.subject
    assert meeting.title not in message.subject + message.body and meeting.place not in message.body


def test_draft_events_reach_the_reviewer_the_signer_and_the_author(db):
    from documents.models import DocType, OutgoingDraft

    draft = OutgoingDraft.objects.create(
        unit=unit("noi-vu"),
        issuer_unit=unit("ubnd"),
        author=user("cv1.noivu"),
        doc_type=DocType.CONG_VAN,
        summary="V/v tuyển dụng công chức cấp xã năm 2026",
        signer=user("chutich"),
    )
    tasks.handle_event("draft_to_review", {"draft_id": draft.pk})
    tasks.handle_event("draft_to_sign", {"draft_id": draft.pk, "user_id": user("chutich").pk})
    tasks.handle_event("draft_returned", {"draft_id": draft.pk})
    tasks.handle_event("draft_signed", {"draft_id": draft.pk})
    assert notes("truong.noivu", NotificationKind.DRAFT).get().title.startswith("Dự thảo chờ duyệt")
    assert notes("chutich", NotificationKind.DRAFT).get().title.startswith("Dự thảo chờ ký duyệt")
    assert {n.title.split(":")[0] for n in notes("cv1.noivu")} == {
        "Dự thảo bị trả lại",
        "Đã ký duyệt, chờ cấp số và phát hành",
    }
    assert notes("vanthu.ubnd", NotificationKind.DRAFT).count() == 1  # the issuing body's clerk numbers it


def test_a_recall_tells_the_receiving_clerk(db):
    d = deliver(document(), unit("xa-canh-hien"), at(MON, "09:00"), status=DeliveryStatus.RECALLED)
    tasks.handle_event("recalled", {"delivery_id": d.pk})
    assert notes("vanthu.canhhien").get().title.startswith("UBND huyện Vân Canh thu hồi văn bản")
