"""The permission policy as a matrix: every role × every action × own unit / other unit / confidential with and
without a grant. `visible_to` (lists, search, counts, exports) must agree with `can(user, "view", …)` (details),
so nobody finds in a list what the detail would refuse.

The world, built once for the module through the real services (so the flow gives its own grants):

  ubnd          UBND huyện, in progress: submitted to chutich, chủ trì = Phòng Nội vụ (the unit, not delegated)
  ubnd_mat      UBND huyện, Mật, submitted to chutich (not yet directed)
  noivu         Phòng Nội vụ, in progress: submitted to truong.noivu, chủ trì = cv1.noivu
  noivu_mat     Phòng Nội vụ, Mật, same flow; hand-granted to cv2.noivu and to a deactivated former head
  noivu_mat_x   Phòng Nội vụ, Mật, registered only, and nobody holds a grant (e.g. the clerk changed)
  canhhien      xã Canh Hiển, submitted to truong.canhhien
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404

from accounts.models import Role, User
from documents.core import grants
from documents.incoming import policy, services
from documents.models import Delivery, DocumentUserObjectPermission, IncomingRecord, Secrecy
from documents.outgoing import policy as outgoing_policy
from tests.documents.conftest import coop, directed, lead, make_delivery, register, submitted, unit, user

ACTIONS = ["view", "submit", "direct", "forward", "delegate", "note", "complete", "grant", "export"]

PERSONAS = {
    "district leader": "chutich",
    "district leader not submitted to": "pct.kinhte",
    "district clerk": "vanthu.ubnd",
    "department head": "truong.noivu",
    "department deputy": "pho.noivu",
    "department staff assigned": "cv1.noivu",
    "department staff not assigned": "cv2.noivu",
    "department clerk": "vanthu.noivu",
    "commune clerk": "vanthu.canhhien",
    "commune head": "truong.canhhien",
    "user of another unit": "cv1.tuphap",
    "inactive user": "cu.truong.noivu",
}

# What each persona may do on each record; anything not listed is refused (and hidden if "view" is absent).
ALLOWED: dict[tuple[str, str], set[str]] = {
    ("chutich", "ubnd"): {"view", "export"},
    ("chutich", "ubnd_mat"): {"view", "direct", "forward", "grant", "export"},
    ("pct.kinhte", "ubnd"): {"view", "export"},
    ("vanthu.ubnd", "ubnd"): {"view", "export"},
    ("vanthu.ubnd", "ubnd_mat"): {"view", "submit", "grant", "export"},
    # Directed to Phòng Nội vụ, it reached the unit through its clerk (issue 15): the unit's leaders see the
    # district's record and its progress, but handle the work on the unit's own record, not here.
    ("truong.noivu", "ubnd"): {"view"},
    ("pho.noivu", "ubnd"): {"view"},
    ("truong.noivu", "noivu"): {"view", "export"},
    ("truong.noivu", "noivu_mat"): {"view", "grant", "export"},
    ("pho.noivu", "noivu"): {"view", "export"},
    ("cv1.noivu", "noivu"): {"view", "note", "complete"},
    ("cv1.noivu", "noivu_mat"): {"view", "note", "complete"},
    ("cv2.noivu", "noivu_mat"): {"view"},
    ("vanthu.noivu", "noivu"): {"view", "export"},
    ("vanthu.noivu", "noivu_mat"): {"view", "grant", "export"},
    ("vanthu.canhhien", "canhhien"): {"view", "submit", "export"},
    ("truong.canhhien", "canhhien"): {"view", "direct", "forward", "export"},
}

RECORDS = ["ubnd", "ubnd_mat", "noivu", "noivu_mat", "noivu_mat_x", "canhhien"]


def _build_world() -> dict[str, IncomingRecord]:
    chutich, noivu_head, noivu_clerk = user("chutich"), user("truong.noivu"), user("vanthu.noivu")
    inactive = User.objects.create(
        username="cu.truong.noivu",
        full_name="Phạm Văn Cũ",
        unit=noivu_head.unit,
        role=Role.HEAD,
        position="Nguyên Trưởng phòng",
        is_active=False,
    )
    records = {
        "ubnd": directed(submitted(user("vanthu.ubnd"), chutich), chutich, lead(unit("noi-vu"))),
        "ubnd_mat": submitted(user("vanthu.ubnd"), chutich, secrecy=Secrecy.MAT),
        "noivu": directed(submitted(noivu_clerk, noivu_head), noivu_head, lead(user("cv1.noivu"))),
        "noivu_mat": directed(
            submitted(noivu_clerk, noivu_head, secrecy=Secrecy.TOI_MAT), noivu_head, lead(user("cv1.noivu"))
        ),
        "noivu_mat_x": register(noivu_clerk, secrecy=Secrecy.MAT),
        "canhhien": submitted(user("vanthu.canhhien"), user("truong.canhhien")),
    }
    services.grant_access(granter=noivu_head, record=records["noivu_mat"], users=[user("cv2.noivu"), inactive])
    DocumentUserObjectPermission.objects.filter(content_object=records["noivu_mat_x"].document).delete()
    return {key: IncomingRecord.objects.get(pk=record.pk) for key, record in records.items()}


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Built once, inside a transaction rolled back when the module ends (each test adds its own savepoint)."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield _build_world()
        transaction.set_rollback(True)


@pytest.fixture
def persona(db, request):
    return user(PERSONAS[request.param])


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("record_key", RECORDS)
@pytest.mark.parametrize("persona", list(PERSONAS), indirect=True)
def test_the_policy_allows_exactly_the_matrix(world, persona, record_key, action):
    record = world[record_key]
    expected = action in ALLOWED.get((persona.username, record_key), set())

    assert policy.can(persona, action, record) is expected


@pytest.mark.parametrize("persona", list(PERSONAS), indirect=True)
def test_lists_show_exactly_what_the_detail_allows(world, persona):
    ids = {record.pk: key for key, record in world.items()}
    listed = {ids[pk] for pk in policy.visible_to(persona).filter(pk__in=ids).values_list("pk", flat=True)}
    detail = {key for key, record in world.items() if policy.can(persona, "view", record)}
    expected = {key for key in RECORDS if "view" in ALLOWED.get((persona.username, key), set())}

    assert listed == detail == expected


@pytest.mark.parametrize("persona", list(PERSONAS), indirect=True)
def test_a_hidden_record_is_404_and_a_refused_action_403(world, persona):
    for key, record in world.items():
        allowed = ALLOWED.get((persona.username, key), set())
        for action in ACTIONS:
            if action in allowed:
                policy.require(persona, action, record)
            else:
                with pytest.raises(PermissionDenied if "view" in allowed else Http404):
                    policy.require(persona, action, record)


def test_lists_never_repeat_a_record_reached_through_several_relations(db, world):
    # truong.noivu reaches "ubnd" through a unit assignment and Nội vụ's records through the register.
    head = user("truong.noivu")
    pks = list(policy.visible_to(head).values_list("pk", flat=True))

    assert len(pks) == len(set(pks))


def test_nobody_anonymous_sees_anything(db, world):
    assert not policy.visible_to(AnonymousUser()).exists()


@pytest.mark.parametrize("persona", list(PERSONAS), indirect=True)
def test_the_documents_files_follow_the_records(world, persona):
    """A document's files are downloaded by whoever sees a record of it (these came on paper: no delivery, not
    issued here), and the documents policy's list agrees with its answer for each one."""
    docs = {record.document_id: key for key, record in world.items()}
    listed = {
        docs[pk]
        for pk in outgoing_policy.documents.visible_to(persona).filter(pk__in=docs).values_list("pk", flat=True)
    }
    allowed = {
        key
        for key, record in world.items()
        if outgoing_policy.documents.can(persona, outgoing_policy.VIEW_FILE, record.document)
    }
    expected = {key for key in RECORDS if "view" in ALLOWED.get((persona.username, key), set())}
    if persona.username == "vanthu.noivu":
        expected.add("ubnd")  # directed to Phòng Nội vụ: delivered to its clerk's Chờ vào sổ, files and all (issue 15)

    assert listed == allowed == expected


# --- The flow's own grants on confidential documents ------------------------------------------------------------


def test_the_flow_grants_a_confidential_document_to_each_person_it_reaches(
    district_clerk, chairman, other_leader, dept_head, dept_deputy, dept_staff, dept_clerk
):
    record = submitted(district_clerk, chairman, secrecy=Secrecy.MAT)
    assert {u.username for u in _granted(record)} == {"vanthu.ubnd", "chutich"}

    # Nội vụ's clerk away when it is directed: the old path, its head delegates on the district record (with a
    # clerk, a Mật document would reach the unit as a paper notice: test_classified_notices.py).
    clerks = User.objects.filter(pk=dept_clerk.pk)
    clerks.update(is_active=False)
    record = directed(record, chairman, lead(unit("noi-vu")), coop(user("cv1.tuphap")))
    clerks.update(is_active=True)
    dept_clerk.refresh_from_db()
    assert {u.username for u in _granted(record)} == {
        "vanthu.ubnd",
        "chutich",
        "truong.noivu",
        "pho.noivu",
        "cv1.tuphap",
    }

    services.delegate(head=dept_head, assignment=record.assignments.get(role="lead"), to_user=dept_staff)
    assert policy.can(dept_staff, "complete", record)
    for outsider in (other_leader, dept_clerk, user("cv2.noivu"), user("truong.tuphap")):
        assert not policy.can(outsider, "view", record), outsider.username


def test_forwarding_grants_the_next_leader(district_clerk, chairman, other_leader):
    record = submitted(district_clerk, chairman, secrecy=Secrecy.MAT)
    assert not policy.can(other_leader, "view", record)

    record = services.forward(leader=chairman, record=record, to_leader=other_leader)

    assert policy.can(other_leader, "direct", record)
    assert not policy.can(chairman, "direct", record)


def test_an_ordinary_document_creates_no_grants(district_clerk, chairman, dept_staff):
    before = DocumentUserObjectPermission.objects.count()

    directed(submitted(district_clerk, chairman), chairman, lead(dept_staff))

    assert DocumentUserObjectPermission.objects.count() == before


def _granted(record) -> list[User]:
    return list(
        User.objects.filter(
            pk__in=DocumentUserObjectPermission.objects.filter(content_object=record.document).values("user_id")
        )
    )


# --- Granting by hand ---------------------------------------------------------------------------------------------


def test_the_clerk_grants_a_confidential_record_to_a_colleague(dept_clerk, dept_staff2):
    record = register(dept_clerk, secrecy=Secrecy.MAT)
    assert not policy.can(dept_staff2, "view", record)

    services.grant_access(granter=dept_clerk, record=record, users=[dept_staff2])

    assert policy.can(dept_staff2, "view", record)
    assert record in policy.visible_to(dept_staff2)
    assert not policy.can(dept_staff2, "grant", record)


@pytest.mark.parametrize("granter", ["cv1.noivu", "pho.noivu"])
def test_only_those_holding_the_record_grant_it(dept_clerk, granter):
    record = register(dept_clerk, secrecy=Secrecy.MAT)

    with pytest.raises(Http404):  # without the grant the record is hidden from them
        services.grant_access(granter=user(granter), record=record, users=[user(granter)])

    assert not policy.can(user(granter), "view", record)


def test_an_ordinary_record_needs_no_grant(dept_clerk, dept_staff2):
    record = register(dept_clerk)

    with pytest.raises(PermissionDenied):
        services.grant_access(granter=dept_clerk, record=record, users=[dept_staff2])


def test_a_grant_on_a_shared_confidential_document_does_not_open_another_units_record(commune_clerk):
    """GIVEN a Mật document delivered electronically to two communes, each registering its own record
    WHEN each clerk holds the grant the flow gave them
    THEN each sees only its own unit's record (directions and notes of the other commune stay hidden)."""
    first = make_delivery(commune_clerk.unit, number_symbol="07/UBND-M", secrecy=Secrecy.MAT)
    other_unit = unit("xa-canh-hiep")
    second = Delivery.objects.create(document=first.document, sender_unit=first.sender_unit, recipient_unit=other_unit)
    other_clerk = user("vanthu.canhhiep")
    mine = services.register_delivery(clerk=commune_clerk, delivery=first)
    theirs = services.register_delivery(clerk=other_clerk, delivery=second)

    assert grants.has(commune_clerk, mine.document) and grants.has(other_clerk, theirs.document)
    assert list(policy.visible_to(commune_clerk).filter(document=mine.document)) == [mine]
    assert list(policy.visible_to(other_clerk).filter(document=mine.document)) == [theirs]
    assert not policy.can(commune_clerk, "view", theirs)


# --- Restricted meetings, confidential materials, confidential drafts (issue 14) ---------------------------------
# One row per persona: what the policy answers, and every channel that reads it agrees (list, calendar week, feed,
# the meeting's audience used by grants). The channels themselves are driven in tests/security/test_leaks.py.

MEETING_PERSONAS = [
    "chutich", "truong.tuphap", "pho.tuphap", "vanthu.tuphap", "cv1.tuphap", "cv2.tuphap",
    "vanthu.canhhien", "truong.canhhien", "cv1.canhhien", "cv1.noivu",
]  # fmt: skip
# persona → (sees the restricted meeting, reads the confidential material, may grant it)
MEETING_ROWS = {
    "chutich": (False, False, False),  # a district leader it does not concern
    "truong.tuphap": (True, True, True),  # organiser, chair, head: holds it (added it)
    "pho.tuphap": (True, False, False),  # organiser side without the material
    "vanthu.tuphap": (True, False, False),
    "cv1.tuphap": (False, False, False),  # staff of the organising unit
    "cv2.tuphap": (False, False, False),
    "vanthu.canhhien": (True, False, False),  # answers for the invited unit
    "truong.canhhien": (True, False, False),
    "cv1.canhhien": (False, False, False),  # staff of the invited unit
    "cv1.noivu": (False, False, False),
}


@pytest.fixture
def restricted_meeting(db):
    import datetime
    from zoneinfo import ZoneInfo

    import time_machine

    from documents.meetings import services as meetings_services
    from tests.documents.meeting_builders import meeting_data, with_material

    with time_machine.travel(datetime.datetime(2030, 3, 5, 9, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")), tick=False):
        meeting = meetings_services.create_meeting(
            organiser=user("truong.tuphap"),
            data=meeting_data(
                title="Họp mật", chair=user("truong.tuphap"), restricted=True, invited_units=[unit("xa-canh-hien")]
            ),
        )
        material = with_material(meeting, "mat.pdf", confidential=True, by="truong.tuphap")
        yield meeting, material


@pytest.mark.parametrize("username", MEETING_PERSONAS)
def test_restricted_meetings_and_confidential_materials_follow_the_matrix(restricted_meeting, username):
    from documents.meetings import calendar_feed
    from documents.meetings import policy as meetings

    meeting, material = restricted_meeting
    person = user(username)
    sees, reads, grants = MEETING_ROWS[username]

    assert meetings.can(person, "view", meeting) is sees
    assert meetings.visible_to(person).filter(pk=meeting.pk).exists() is sees
    assert meetings.audience(meeting).filter(pk=person.pk).exists() is sees
    assert meetings.grantees(meeting).filter(pk=person.pk).exists() is sees
    assert (meeting in calendar_feed.feed_meetings(person, meeting.start)) is sees
    assert meetings.can(person, meetings.READ, material) is reads
    assert meetings.can(person, meetings.GRANT, material) is grants


# persona → the stages at which a confidential draft of Văn phòng (cv1.vp drafts, truong.vp reviews, chutich
# signs, vanthu.ubnd issues) is visible to them.
DRAFT_ROWS = {
    "cv1.vp": {"draft", "review", "to_sign", "signed", "issued"},
    "truong.vp": {"review", "to_sign", "signed"},  # its reviewer: while under review, no grant after
    "pho.vp": {"review"},  # may review it while it waits; not after the head did
    "cv2.vp": set(),
    "chutich": {"to_sign", "signed", "issued"},  # the signer, then the grant issuing gives
    "pct.kinhte": set(),
    "vanthu.ubnd": {"signed", "issued"},
    "vanthu.vp": set(),
}


def test_a_confidential_draft_is_visible_by_stage_exactly_as_the_matrix(db):
    from documents.outgoing import services as outgoing
    from tests.documents.outgoing_builders import drafted

    draft = drafted(secrecy=Secrecy.MAT)
    seen: dict[str, set[str]] = {name: set() for name in DRAFT_ROWS}

    def look(stage: str) -> None:
        for name in DRAFT_ROWS:
            if outgoing_policy.drafts.visible_to(user(name)).filter(pk=draft.pk).exists():
                seen[name].add(stage)
            assert outgoing_policy.can(user(name), "view", draft) is (stage in seen[name])

    look("draft")
    draft = outgoing.submit_draft(author=user("cv1.vp"), draft=draft)
    look("review")
    draft = outgoing.review_draft(head=user("truong.vp"), draft=draft, approve=True)
    look("to_sign")
    draft = outgoing.sign_draft(leader=user("chutich"), draft=draft, approve=True)
    look("signed")
    outgoing.issue(clerk=user("vanthu.ubnd"), draft=draft)
    look("issued")

    assert seen == DRAFT_ROWS
