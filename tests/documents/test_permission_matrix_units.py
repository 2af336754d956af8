"""The permission matrix of the actions asked by unit (documents/core/policy.py: `can_for_unit`): those with no
object yet (vào sổ, lên lịch họp) and those a service judges under its lock before the object's own state (a
delivery's paper copy, a recall's answer). Personas × their own unit and another unit × every unit action of
every part's policy; `require_for_unit` refuses with 403, and an anonymous user may do none."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied

from documents.core import policy as core_policy
from documents.incoming import policy as incoming_policy
from documents.meetings import policy as meetings_policy
from documents.outgoing import policy as outgoing_policy
from tests.documents.conftest import unit, user
from tests.factories import RegisterFactory

POLICIES = [
    core_policy.deliveries,
    core_policy.registers,
    incoming_policy.records,
    outgoing_policy.drafts,
    outgoing_policy.issued,
    meetings_policy.meetings,
    meetings_policy.materials,
]

CLERK = {
    core_policy.RECEIVE,
    core_policy.ANSWER_RECALL,
    core_policy.READ_REGISTER,
    incoming_policy.REGISTER,
    incoming_policy.SUBMIT,
    outgoing_policy.ISSUE,
    outgoing_policy.PAPER,
    outgoing_policy.COPY,
    outgoing_policy.RESIGN,
    meetings_policy.ORGANISE,
    meetings_policy.PAPER_MATERIALS,
}
UNIT_HEAD = {core_policy.READ_REGISTER, outgoing_policy.REVIEW, meetings_policy.ORGANISE}

# (persona, its own unit?) -> the unit actions allowed. Another unit: only the district's leaders give work
# beyond a record's unit, and that rule is about the leader, not the unit.
ALLOWED = {
    ("chutich", True): UNIT_HEAD | {incoming_policy.DIRECT_OTHER_UNITS},
    ("chutich", False): {incoming_policy.DIRECT_OTHER_UNITS},
    ("vanthu.ubnd", True): CLERK,
    ("vanthu.ubnd", False): set(),
    ("truong.tuphap", True): UNIT_HEAD,
    ("truong.tuphap", False): set(),
    ("pho.tuphap", True): UNIT_HEAD,
    ("pho.tuphap", False): set(),
    ("vanthu.tuphap", True): CLERK,
    ("vanthu.tuphap", False): set(),
    ("cv1.tuphap", True): {meetings_policy.ORGANISE},
    ("cv1.tuphap", False): set(),
    ("admin", True): set(),  # an administrator's account runs the site, it takes no part in the documents
    ("admin", False): set(),
}


def _unit_actions() -> list[tuple[core_policy.Policy, str]]:
    return [(policy, action) for policy in POLICIES for action in policy.unit_rules]


@pytest.mark.parametrize(("username", "own"), list(ALLOWED))
def test_every_unit_action_follows_the_matrix(db, username, own):
    person = user(username)
    other = unit("noi-vu")  # Phòng Nội vụ: none of these personas is of it
    unit_id = person.unit_id if own else other.pk
    allowed = {action for policy, action in _unit_actions() if policy.can_for_unit(person, action, unit_id)}
    assert allowed == ALLOWED[(username, own)]
    for policy, action in _unit_actions():
        if action in allowed:
            policy.require_for_unit(person, action, unit_id)
        else:
            with pytest.raises(PermissionDenied):
                policy.require_for_unit(person, action, unit_id)
        if own:  # without a unit: the person's own
            assert policy.can_for_unit(person, action) is (action in allowed)


def test_the_matrix_covers_every_unit_action_and_parts_dispatch_them(db):
    """A new unit action must get its row here; a part answers each of its policies' unit actions."""
    actions = [action for _policy, action in _unit_actions()]
    assert set(actions) == CLERK | UNIT_HEAD | {incoming_policy.DIRECT_OTHER_UNITS}
    clerk = user("vanthu.ubnd")
    assert outgoing_policy.part.can_for_unit(clerk, core_policy.RECEIVE)
    assert outgoing_policy.part.can_for_unit(clerk, outgoing_policy.PAPER)
    assert incoming_policy.part.can_for_unit(clerk, incoming_policy.REGISTER)
    assert not meetings_policy.part.can_for_unit(user("cv1.tuphap"), meetings_policy.PAPER_MATERIALS)
    with pytest.raises(ValueError):
        meetings_policy.part.can_for_unit(clerk, incoming_policy.REGISTER)  # not this part's: an error, not a "no"
    with pytest.raises(ValueError):
        incoming_policy.records.can_for_unit(clerk, "regsiter")


def test_nobody_anonymous_may_do_anything_in_a_unit(db):
    anonymous = AnonymousUser()
    for policy, action in _unit_actions():
        assert not policy.can_for_unit(anonymous, action)
        assert not policy.can_for_unit(anonymous, action, unit("ubnd").pk)


@pytest.mark.parametrize("username", sorted({name for name, _own in ALLOWED}))
def test_a_units_registers_are_listed_to_exactly_who_reads_its_register(db, username):
    person = user(username)
    books = [RegisterFactory(unit=unit(code)) for code in ("ubnd", "tu-phap", "noi-vu", "vp")]
    listed = set(core_policy.registers.visible_to(person).values_list("pk", flat=True))
    for book in books:
        expected = core_policy.registers.can_for_unit(person, core_policy.READ_REGISTER, book.unit_id)
        assert (book.pk in listed) is expected, (username, book.unit.code)
