"""Người được mời (issue 18): the organiser is not offered himself, and a chair ticked among the people is the
chair, not one of the invitees."""

from __future__ import annotations

import re

from django.urls import reverse

from documents.models import Meeting, MeetingInvitee
from tests.conftest import client_as
from tests.documents.conftest import user
from tests.documents.test_meetings_views import form_post


def people_offered(html: str) -> set[str]:
    picker = re.search(r'<div class="idesk-picker" data-picker id="id_invited_users">.*?</div></div>', html, re.S)
    assert picker
    return set(re.findall(r'name="invited_users" value="(\d+)"', picker.group(0)))


def test_the_organiser_is_not_offered_himself(db):
    organiser = user("vanthu.ubnd")
    html = client_as(organiser).get(reverse("documents:meeting_new")).content.decode()

    offered = people_offered(html)
    assert str(user("truong.noivu").pk) in offered
    assert str(organiser.pk) not in offered


def test_a_chair_ticked_among_the_people_is_not_an_invitee(db):
    chair, head = user("chutich"), user("truong.noivu")
    response = client_as(user("vanthu.ubnd")).post(
        reverse("documents:meeting_new"), form_post(invited_users=[str(chair.pk), str(head.pk)])
    )

    assert response.status_code == 302
    meeting = Meeting.objects.get(title="Họp giao ban tháng 12")
    assert meeting.chair == chair
    assert set(MeetingInvitee.objects.filter(meeting=meeting, user__isnull=False).values_list("user", flat=True)) == {
        head.pk
    }
    detail = client_as(chair).get(meeting.get_absolute_url()).content.decode()
    invitees = re.search(r'data-testid="invitees">.*?</table>', detail, re.S).group(0)
    assert chair.full_name not in invitees and head.full_name in invitees
