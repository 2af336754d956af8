"""Meeting materials and the paper rule: a confidential material stays on paper for everyone (the state-secret rule,
the letter's "họp mật" exception), and what the meeting page marks "Gửi bản giấy" is on the organising clerk's
Bản giấy cần gửi until the meeting ends."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from documents.meetings import services as meetings
from documents.meetings.selectors import material_paper_decisions, paper_materials_to_send
from tests.documents.conftest import user
from tests.documents.meeting_builders import move_to_past, scheduled, with_material
from tests.helpers import client_as

STATE_SECRET = "Luật Bảo vệ bí mật nhà nước 2018"
COMMUNES = ["UBND xã Canh Hiển", "UBND xã Canh Vinh"]


def lines_of(meeting):
    return [
        (line.paper_required, line.electronic, line.units)
        for line in material_paper_decisions(meeting, timezone.localdate())
    ]


def test_a_confidential_material_stays_on_paper_and_names_the_state_secret_rule(db):
    meeting = scheduled()
    with_material(meeting, "ke-hoach.pdf")
    with_material(meeting, "phuong-an-bao-ve.pdf", confidential=True)

    lines = material_paper_decisions(meeting, timezone.localdate())

    assert [(line.paper_required, line.electronic, line.units) for line in lines] == [
        (False, True, COMMUNES),  # the ordinary material: electronic-only (R3)
        (True, False, COMMUNES),  # the confidential one: paper, for everyone
    ]
    assert "tài liệu họp mật" in lines[1].reason and STATE_SECRET in lines[1].reason


def test_a_meeting_with_only_confidential_materials_has_only_the_paper_line(db):
    meeting = scheduled()
    with_material(meeting, "phuong-an.pdf", confidential=True)
    assert lines_of(meeting) == [(True, False, COMMUNES)]


def test_the_meeting_page_shows_the_confidential_materials_paper_line(db):
    meeting = scheduled()
    with_material(meeting, "phuong-an.pdf", confidential=True)
    html = client_as(user("vanthu.ubnd")).get(reverse("documents:meeting_detail", args=[meeting.pk])).content.decode()
    block = html.split('data-testid="paper-decisions"', 1)[1].split("</div>", 1)[0]
    assert STATE_SECRET in block


def test_a_security_meetings_materials_are_on_the_paper_list_until_it_ends(db):
    restricted = scheduled(restricted=True, title="Họp Ban Chỉ đạo an ninh trật tự huyện")
    with_material(restricted, "bao-cao-an-ninh.pdf")
    ordinary = scheduled(title="Họp giao ban tuần")
    with_material(ordinary, "bao-cao-tuan.pdf")  # electronic-only to the communes: not on the list
    scheduled(restricted=True, title="Họp quân sự địa phương")  # no materials yet: nothing to print
    clerk = user("vanthu.ubnd")

    assert [m.pk for m, _lines in paper_materials_to_send(clerk)] == [restricted.pk]
    page = client_as(clerk).get(reverse("documents:paper_list")).content.decode()
    block = page.split('data-testid="paper-materials"', 1)[1]
    assert "Họp Ban Chỉ đạo an ninh trật tự huyện" in block and "quốc phòng, an ninh" in block
    assert "UBND xã Canh Hiển, UBND xã Canh Vinh" in block
    assert "Họp giao ban tuần" not in block

    assert paper_materials_to_send(user("vanthu.noivu")) == []  # another unit's clerk
    assert paper_materials_to_send(user("chutich")) == []  # not a clerk

    move_to_past(restricted)
    assert paper_materials_to_send(clerk) == []


def test_a_cancelled_meeting_leaves_the_paper_list(db):
    meeting = scheduled(restricted=True)
    with_material(meeting, "bao-cao.pdf")
    meetings.cancel(user=user("vanthu.ubnd"), meeting=meeting, reason="Hoãn họp")
    assert paper_materials_to_send(user("vanthu.ubnd")) == []
