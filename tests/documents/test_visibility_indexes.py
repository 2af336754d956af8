"""The incoming records' visibility is walked from indexes alone (docs/performance.md, the Chủ tịch's search):
each relation the policy starts from is a query whose filter leads one of its model's indexes and whose
selected id is in that index, and the confidentiality checks of the records found read an index led by the id.
Read off the querysets the policy builds, so a new relation or a changed index fails here, not only in
`make bench`."""

from __future__ import annotations

import pytest
from django.db import models
from django.db.models.expressions import Col
from django.db.models.lookups import Lookup

from documents.incoming import policy
from documents.incoming.models import IncomingRecord
from tests.helpers import user


def _index_columns(index: models.Index) -> tuple[list[str], set[str]]:
    """An index's key fields in order (without their sort sign) and every field it holds (keys and include)."""
    keys = [name.lstrip("-") for name in index.fields]
    return keys, set(keys) | set(index.include)


def _name(model: type[models.Model], name: str) -> str:
    """A model field's name as indexes spell it, from "pk", a name or an attname ("record_id")."""
    field = model._meta.pk if name == "pk" else model._meta._forward_fields_map[name]
    return "id" if field.primary_key else field.name


def _filtered_fields(query) -> list[str]:
    """The fields a relation's query filters on, in the order written (equalities before ranges here)."""
    names = []
    for child in query.where.children:
        assert isinstance(child, Lookup), f"a relation filtered by more than plain lookups: {child!r}"
        names.append(child.lhs.target.name)
    return names


def _covered(model: type[models.Model], filtered: list[str], selected: str) -> bool:
    for index in model._meta.indexes:
        keys, held = _index_columns(index)
        if set(keys[: len(filtered)]) == set(filtered) and selected in held and not index.condition:
            return True
    return False


def _record_fields(node) -> set[str]:
    """Fields of the base table IncomingRecord referenced anywhere in a where tree (not inside subqueries)."""
    found = set()
    for child in getattr(node, "children", []):
        found |= _record_fields(child)
    if isinstance(node, Lookup) and isinstance(node.lhs, Col) and node.lhs.target.model is IncomingRecord:
        found.add(_name(IncomingRecord, node.lhs.target.name))
    return found


@pytest.mark.parametrize(
    "username",
    ["vanthu.ubnd", "chutich", "truong.noivu", "cv1.noivu", "vanthu.canhhien"],
)
def test_every_relation_the_policy_starts_from_is_read_from_an_index(db, username):
    person = user(username)
    parts = policy.candidate_parts(person)
    assert len(parts) >= 2
    for part in parts:
        model = part.model
        (selected,) = part.query.values_select
        selected = _name(model, selected)
        filtered = _filtered_fields(part.query)
        assert _covered(model, filtered, selected), (
            f"{model.__name__} filtered on {filtered} for {selected}: no index leads with those and holds it"
        )


def test_the_records_found_are_checked_from_an_index_led_by_their_id(db):
    checked = _record_fields(policy.visible_to(user("cv1.noivu")).query.where) - {"id"}
    assert {"secrecy", "document"} <= checked
    led_by_id = [held for keys, held in map(_index_columns, IncomingRecord._meta.indexes) if keys[0] == "id"]
    assert any(checked <= held for held in led_by_id), f"no index led by id holds {sorted(checked)}"
