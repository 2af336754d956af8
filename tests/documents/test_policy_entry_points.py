"""Every part's policy module exports the same three entry points, its Part's (issue 13): `visible_to(user, model or
queryset)`, `can(user, action, obj)`, `require(user, action, obj)`. The incoming part once exported its one
policy's methods, which took no model: `visible_to(user, IncomingRecord)` failed there alone."""

from __future__ import annotations

import pytest

from documents.incoming import policy as incoming_policy
from documents.meetings import policy as meetings_policy
from documents.outgoing import policy as outgoing_policy
from tests.documents.conftest import user

PARTS = [incoming_policy, outgoing_policy, meetings_policy]


@pytest.mark.parametrize("module", PARTS, ids=lambda m: m.__name__.split(".")[1])
def test_each_part_exports_its_parts_entry_points(module):
    assert (module.visible_to, module.can, module.require) == (
        module.part.visible_to,
        module.part.can,
        module.part.require,
    )


@pytest.mark.parametrize("module", PARTS, ids=lambda m: m.__name__.split(".")[1])
def test_visible_to_takes_each_kind_of_the_part_by_model_or_queryset(db, module):
    person = user("vanthu.ubnd")
    for model in module.part.by_model:
        by_model = module.visible_to(person, model)
        by_queryset = module.visible_to(person, model.objects.all())
        assert by_model.model is model and by_queryset.model is model
        assert set(by_model.values_list("pk", flat=True)) == set(by_queryset.values_list("pk", flat=True))
    assert module.visible_to(person).model is module.part.main.model
