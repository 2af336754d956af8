"""Evidence cannot be erased (issue 14): access events, computed compliance results and notifications are read-only
in the admin and survive any attempt to delete a person or a unit; the admin deactivates instead; on PostgreSQL
the access events are append-only in the database too."""

import datetime

import pytest
from django.contrib.admin.sites import site
from django.db import IntegrityError, connection, transaction
from django.db.models import ProtectedError
from django.test import Client
from django.utils import timezone

from accounts.evidence import erasing_access_events
from accounts.models import AccessEvent, AccessKind, User
from idesk.models import ComplianceDay, Notification, UnitCompliance, UserCompliance
from tests.helpers import user as who
from units.models import Unit

EVIDENCE = [AccessEvent, Notification, ComplianceDay, UnitCompliance]


@pytest.fixture
def admin_client(db):
    client = Client()
    client.force_login(who("admin"))
    return client


@pytest.fixture
def evidence(commune_clerk):
    """A visit, a notification and a day's results of the commune clerk and their unit."""
    now = timezone.now()
    event = AccessEvent.objects.create(user=commune_clerk, unit=commune_clerk.unit, at=now, kind=AccessKind.LOGIN)
    note = Notification.objects.create(recipient=commune_clerk, kind="reminder", title="Đôn đốc", dedup_key="t1")
    day = datetime.date(2026, 12, 1)
    ComplianceDay.objects.create(
        date=day, required_visits=2, computed_at=now, starts_at=now, ends_at=now, due_sent_before=now,
        due_today_sent_from=now,
    )  # fmt: skip
    result = UnitCompliance.objects.create(
        date=day, unit=commune_clerk.unit, clerk=commune_clerk, visits=1, compliant=False, unopened=0, overdue=0,
        unexcused_absences=0, in_breach=True,
    )  # fmt: skip
    UserCompliance.objects.create(date=day, user=commune_clerk, unit=commune_clerk.unit, visits=1, compliant=False)
    return {"event": event, "note": note, "result": result}


@pytest.mark.parametrize("model", EVIDENCE)
def test_the_admin_can_neither_add_change_nor_delete_evidence(rf, db, model):
    request = rf.get("/admin/")
    request.user = who("admin")
    model_admin = site._registry[model]
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)
    assert "delete_selected" not in model_admin.get_actions(request)


def test_the_admins_delete_pages_refuse(admin_client, evidence, commune_clerk):
    event, note = evidence["event"], evidence["note"]
    for url in (
        f"/admin/accounts/accessevent/{event.pk}/delete/",
        f"/admin/idesk/notification/{note.pk}/delete/",
        f"/admin/idesk/unitcompliance/{evidence['result'].pk}/delete/",
        f"/admin/accounts/user/{commune_clerk.pk}/delete/",
        f"/admin/units/unit/{commune_clerk.unit_id}/delete/",
    ):
        assert admin_client.post(url, {"post": "yes"}).status_code == 403, url
    # Bulk deletion is not offered either.
    response = admin_client.post(
        "/admin/accounts/accessevent/", {"action": "delete_selected", "_selected_action": [event.pk], "post": "yes"}
    )
    assert AccessEvent.objects.filter(pk=event.pk).exists()
    assert response.status_code in (200, 302)
    # Nor can a row be changed.
    assert admin_client.post(f"/admin/idesk/notification/{note.pk}/change/", {"title": "x"}).status_code == 403
    assert AccessEvent.objects.filter(pk=event.pk).exists() and Notification.objects.get(pk=note.pk).title == "Đôn đốc"


def test_deleting_a_person_or_unit_with_evidence_is_refused_in_code(evidence, commune_clerk):
    with pytest.raises(ProtectedError), transaction.atomic():
        commune_clerk.delete()
    with pytest.raises(ProtectedError), transaction.atomic():
        Unit.objects.get(pk=commune_clerk.unit_id).delete()
    assert AccessEvent.objects.filter(user=commune_clerk, unit=commune_clerk.unit).exists()
    assert UnitCompliance.objects.get(pk=evidence["result"].pk).clerk == commune_clerk
    assert UserCompliance.objects.filter(user=commune_clerk).exists()
    assert Notification.objects.filter(recipient=commune_clerk).exists()


def test_the_admin_deactivates_people_and_units_instead(admin_client, evidence, commune_clerk):
    response = admin_client.post(
        "/admin/accounts/user/", {"action": "deactivate", "_selected_action": [commune_clerk.pk]}, follow=True
    )
    assert "Đã vô hiệu hóa 1 tài khoản" in response.content.decode()
    commune_clerk.refresh_from_db()
    assert commune_clerk.is_active is False
    unit = commune_clerk.unit
    response = admin_client.post(
        "/admin/units/unit/", {"action": "deactivate", "_selected_action": [unit.pk]}, follow=True
    )
    assert "Đã chuyển 1 đơn vị sang ngừng hoạt động" in response.content.decode()
    unit.refresh_from_db()
    assert unit.active is False
    assert AccessEvent.objects.filter(pk=evidence["event"].pk).exists()


def test_the_user_list_offers_deactivation_not_deletion(admin_client):
    page = admin_client.get("/admin/accounts/user/").content.decode()
    assert 'value="deactivate"' in page and 'value="delete_selected"' not in page


postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")


@postgres_only
def test_access_events_are_append_only_in_the_database(evidence):
    event = evidence["event"]
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        AccessEvent.objects.filter(pk=event.pk).update(kind=AccessKind.VISIT)
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM accounts_accessevent WHERE id = %s", [event.pk])
    assert AccessEvent.objects.get(pk=event.pk).kind == AccessKind.LOGIN


@postgres_only
def test_only_the_named_exception_may_delete_and_never_update(evidence):
    event = evidence["event"]
    with pytest.raises(IntegrityError, match="append-only"), erasing_access_events():
        AccessEvent.objects.filter(pk=event.pk).update(kind=AccessKind.VISIT)
    with erasing_access_events():
        AccessEvent.objects.filter(pk=event.pk).delete()
    assert not AccessEvent.objects.filter(pk=event.pk).exists()
    # The permission ended with its transaction.
    other = AccessEvent.objects.create(user=event.user, unit=event.unit, at=event.at, kind=AccessKind.VISIT)
    with pytest.raises(IntegrityError), transaction.atomic():
        AccessEvent.objects.filter(pk=other.pk).delete()


@pytest.mark.django_db(transaction=True)
def test_the_audit_trail_refuses_update_and_delete_in_postgresql_itself(seeded):
    from django.db import DatabaseError

    from accounts.evidence import erasing
    from documents.core.audit import ERASE_SETTING
    from documents.models import AuditEvent
    from tests.documents.conftest import register
    from tests.helpers import user

    if connection.vendor != "postgresql":
        pytest.skip("the trigger is PostgreSQL's")
    register(user("vanthu.ubnd"))  # its audit event
    event = AuditEvent.objects.order_by("pk").first()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(verb="forged")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.get(pk=event.pk).verb == event.verb
    with erasing(ERASE_SETTING):  # the benchmark's way, for its own rows
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert not AuditEvent.objects.filter(pk=event.pk).exists()


def test_deleting_a_person_never_erases_what_they_did(db):
    from documents.models import AuditEvent
    from tests.documents.conftest import register
    from tests.helpers import user

    actor = user("vanthu.ubnd")
    register(actor)  # its audit event names the clerk
    assert AuditEvent.objects.filter(actor=actor).exists()
    with pytest.raises(ProtectedError):
        User.objects.filter(pk=actor.pk).delete()
    assert AuditEvent.objects.filter(actor=actor).exists()
