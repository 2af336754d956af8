"""The lists' shortcuts through the policy give exactly what visible_to gives: an inbox tab and the unit's
register apply only the confidentiality rule (documents.permissions.relations_visible_to and
unit_register_visible_to), which is right only because every tab keeps to the user's own relations."""

from __future__ import annotations

import pytest
from django.utils import timezone

from documents import permissions as policy
from documents import selectors
from documents.models import Assignment, AssignmentRole, AssignmentStatus
from tests.documents.test_permission_matrix import PERSONAS, persona, world  # noqa: F401  (fixtures)


@pytest.mark.parametrize("persona", list(PERSONAS), indirect=True)
def test_each_tab_and_the_register_hold_what_visible_to_holds(world, persona):  # noqa: F811
    today = timezone.localdate()
    visible = policy.visible_to(persona)
    for box in selectors.BOXES:
        if box == "so":
            if not policy.sees_unit_register(persona):
                continue
            expected = visible.filter(unit_id=persona.unit_id)
        else:
            expected = visible.filter(selectors.box_filter(persona, box, today))
        listed = selectors.incoming_list(persona, selectors.IncomingFilters(box=box))

        assert set(listed.values_list("pk", flat=True)) == set(expected.values_list("pk", flat=True)), box
        assert selectors.box_counts(persona).get(box) == expected.count(), box


@pytest.mark.parametrize("persona", list(PERSONAS), indirect=True)
def test_my_tasks_are_my_open_assignments_on_records_visible_to_me(world, persona):  # noqa: F811
    expected = (
        Assignment.objects.filter(selectors._my_assignments(persona), record__in=policy.visible_to(persona))
        .exclude(role=AssignmentRole.INFORM)
        .exclude(status=AssignmentStatus.DONE)
    )

    assert set(selectors.my_tasks(persona)) == set(expected)
