"""Issue 15: once a district leader's direction reaches a unit through its clerk (a Delivery carries the
assignment), the unit's people act on the unit's own record. The district's assignment is not in the unit head's
Nhiệm vụ or Chờ xử lý, and delegating, noting or completing it on the district record is refused; that page
points to the unit's record (or says it waits in the clerk's Chờ vào sổ). A unit without an active clerk keeps
the old path."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from accounts.models import User
from documents.core import roles
from documents.incoming import policy, selectors, services
from documents.models import AssignmentRole, Delivery
from tests.documents.conftest import directed, lead, submitted, unit, user, vn_time
from tests.helpers import client_as


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(vn_time(2026, 12, 8, 9), tick=False):
        yield


def _direct_to_noi_vu(district_clerk, chairman):
    record = submitted(district_clerk, chairman, due_date=datetime.date(2026, 12, 18))
    return directed(record, chairman, lead(unit("noi-vu"), datetime.date(2026, 12, 15)))


def test_the_district_assignment_carried_by_a_delivery_is_not_the_heads_task(district_clerk, chairman):
    record = _direct_to_noi_vu(district_clerk, chairman)
    assignment = record.assignments.get(role=AssignmentRole.LEAD)
    assert assignment.delivery_id is not None
    head = user("truong.noivu")

    assert assignment not in selectors.my_tasks(head)
    assert record not in selectors.tab(head, "cho_xu_ly")
    for action in (policy.DELEGATE, policy.NOTE, policy.COMPLETE):
        assert not policy.can(head, action, record), action
    with pytest.raises(PermissionDenied):
        services.delegate(head=head, assignment=assignment, to_user=user("cv1.noivu"))


def test_the_district_page_points_to_the_clerks_queue_then_to_the_units_record(district_clerk, chairman):
    record = _direct_to_noi_vu(district_clerk, chairman)
    head = user("truong.noivu")
    page = client_as(head).get(record.get_absolute_url()).content.decode()
    assert 'data-testid="handled-in-unit"' in page and "Chờ vào sổ" in page
    assert reverse("documents:incoming_action", args=[record.pk, "delegate"]) not in page

    delivery = Delivery.objects.get(document=record.document, recipient_unit=unit("noi-vu"))
    own = services.register_delivery(clerk=user("vanthu.noivu"), delivery=delivery)
    own = services.submit(clerk=user("vanthu.noivu"), record=own, leader=head)

    page = client_as(head).get(record.get_absolute_url()).content.decode()
    assert own.get_absolute_url() in page
    assert policy.can(head, policy.DIRECT, own)  # the work is on the unit's own record


def test_a_unit_without_an_active_clerk_keeps_the_old_path(district_clerk, chairman):
    User.objects.filter(roles.clerks(), unit=unit("noi-vu")).update(is_active=False)
    record = _direct_to_noi_vu(district_clerk, chairman)
    assignment = record.assignments.get(role=AssignmentRole.LEAD)
    head = user("truong.noivu")

    assert assignment.delivery_id is None
    assert assignment in selectors.my_tasks(head)
    services.delegate(head=head, assignment=assignment, to_user=user("cv1.noivu"))


def test_the_heads_delegate_post_on_the_district_record_is_refused(district_clerk, chairman):
    record = _direct_to_noi_vu(district_clerk, chairman)
    assignment = record.assignments.get(role=AssignmentRole.LEAD)
    url = reverse("documents:incoming_action", args=[record.pk, "delegate"])

    response = client_as(user("truong.noivu")).post(url, {"assignment": assignment.pk, "to_user": user("cv1.noivu").pk})

    assert response.status_code == 403
    assignment.refresh_from_db()
    assert assignment.assignee_user is None
