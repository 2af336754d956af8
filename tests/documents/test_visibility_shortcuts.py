"""The lists' shortcuts through the policy give exactly what visible_to gives: an inbox tab and the unit's
register apply only the confidentiality rule (documents.incoming.policy.relations_visible_to and
unit_register_visible_to), which is right only because every tab keeps to the user's own relations."""

from __future__ import annotations

import pytest
from django.utils import timezone

from documents.core import roles
from documents.incoming import policy, selectors
from documents.models import Assignment, AssignmentRole, AssignmentStatus, Document
from idesk.lib.queries import count_many
from tests.documents.test_permission_matrix import PERSONAS, persona, world  # noqa: F401  (fixtures)


def _counts(user) -> dict[str, int]:
    return count_many(selectors.box_querysets(user, pending=True))


@pytest.mark.parametrize("persona", list(PERSONAS), indirect=True)
def test_each_tab_and_the_register_hold_what_visible_to_holds(world, persona):  # noqa: F811
    today = timezone.localdate()
    visible = policy.visible_to(persona)
    for box in selectors.BOXES:
        if box == "so":
            if not roles.sees_unit_register(persona):
                continue
            expected = visible.filter(unit_id=persona.unit_id)
        else:
            expected = visible.filter(selectors.box_filter(persona, box, today))
        listed = selectors.incoming_list(persona, selectors.IncomingFilters(box=box))

        assert set(listed.values_list("pk", flat=True)) == set(expected.values_list("pk", flat=True)), box
        # The tab counts (the badges' request: count_many over box_querysets) must each equal its list.
        assert _counts(persona).get(box) == expected.count() == listed.count(), box


# The matrix's world lists nothing in any tab for these: their cells check that it stays so.
SEE_NOTHING = {"department staff not assigned", "user of another unit", "inactive user"}


@pytest.mark.parametrize("persona", sorted(SEE_NOTHING), indirect=True)
def test_who_is_given_nothing_is_counted_nothing(world, persona):  # noqa: F811
    assert not any(_counts(persona).values())


@pytest.mark.parametrize("persona", [name for name in PERSONAS if name not in SEE_NOTHING], indirect=True)
def test_a_recalled_document_leaves_the_tab_counts_with_its_row(world, persona):  # noqa: F811
    before = _counts(persona)
    box = next(b for b, n in before.items() if n and b != "pending")
    record = selectors.incoming_list(persona, selectors.IncomingFilters(box=box)).first()
    Document.objects.filter(pk=record.document_id).update(recalled_at=timezone.now())

    after = _counts(persona)
    assert after[box] == before[box] - 1
    for other in selectors.BOXES:
        if other in after:
            listed = selectors.incoming_list(persona, selectors.IncomingFilters(box=other))
            assert after[other] == listed.count(), other


@pytest.mark.parametrize("persona", list(PERSONAS), indirect=True)
def test_my_tasks_are_my_open_assignments_on_records_visible_to_me(world, persona):  # noqa: F811
    expected = (
        Assignment.objects.filter(policy.my_assignments(persona), record__in=policy.visible_to(persona))
        .exclude(role=AssignmentRole.INFORM)
        .exclude(status=AssignmentStatus.DONE)
    )

    assert set(selectors.my_tasks(persona)) == set(expected)
