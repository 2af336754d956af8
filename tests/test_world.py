"""The test world's snapshot (tests/world.py keep/restore), which every transactional test's set-up relies on:
the database comes back whole, and new rows still get ids of their own after it, on either database."""

from __future__ import annotations

from django.core.management import call_command
from django.test import TransactionTestCase
from django_q.models import Schedule

from tests import world
from units.models import Unit


def test_a_restored_world_is_the_kept_one_and_takes_new_rows_after_a_flush_that_restarted_the_ids(seeded):
    units = set(Unit.objects.values_list("code", flat=True))
    schedules = set(Schedule.objects.values_list("pk", flat=True))
    assert units and schedules  # the world, and the worker's schedules the migrations made
    world.keep("test_world")
    # The flush command (as the demo fixture runs it) restarts every table's ids, unlike a test's own flush.
    call_command("flush", verbosity=0, interactive=False)

    assert world.restore("test_world")

    assert set(Unit.objects.values_list("code", flat=True)) == units
    assert set(Schedule.objects.values_list("pk", flat=True)) == schedules
    added = Schedule.objects.create(name="sau khi chép lại", func="idesk.tasks.noop")
    assert added.pk > max(schedules)


def test_a_transactional_tests_teardown_copies_the_world_back_in_place_of_a_flush(seeded):
    """tests/conftest.py: after a transactional test the world as the session's set-up made it, not an empty
    database: what the test added is gone, what it deleted is back, its content types are the world's."""
    from django.contrib.contenttypes.models import ContentType

    kinds = dict(ContentType.objects.values_list("model", "pk"))
    Unit.objects.create(code="them-boi-test", name="Đơn vị thêm trong lúc thử")
    Schedule.objects.all().delete()

    TransactionTestCase(methodName="__init__")._fixture_teardown()

    assert not Unit.objects.filter(code="them-boi-test").exists()
    assert Unit.objects.filter(code="ubnd").exists() and Schedule.objects.exists()
    assert dict(ContentType.objects.values_list("model", "pk")) == kinds
