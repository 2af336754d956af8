"""Mã định danh (QĐ 20/2020): validated shape, unique when set, blank for bodies without one."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from units.models import Unit, UnitKind


def _unit(code: str, organ_id: str = "") -> Unit:
    return Unit(name=f"Cơ quan {code}", code=code, kind=UnitKind.EXTERNAL, organ_id=organ_id)


@pytest.mark.parametrize("organ_id", ["000.00.00.G22", "000.00.99.H09", "A01.02.03.H41"])
def test_dotted_codes_are_accepted(db, organ_id):
    unit = _unit("co-quan-a", organ_id)
    unit.full_clean()  # ValidationError on organ_id if the shape were refused
    unit.save()
    assert Unit.objects.get(organ_id=organ_id).code == "co-quan-a"


@pytest.mark.parametrize(
    "organ_id", ["G22", "000.00.00", "000.00.00.g22", "000-00-00-G22", "000.00.00.G22 ", "00.00.00.G22"]
)
def test_other_shapes_are_refused(db, organ_id):
    with pytest.raises(ValidationError) as caught:
        _unit("co-quan-a", organ_id).full_clean()
    assert "organ_id" in caught.value.message_dict


def test_a_code_names_one_unit(db):
    taken = Unit.objects.exclude(organ_id="").first()
    with pytest.raises(ValidationError):
        _unit("co-quan-trung", taken.organ_id).full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        _unit("co-quan-trung", taken.organ_id).save()


def test_many_units_may_have_none(db):
    _unit("co-quan-a").save()
    _unit("co-quan-b").save()
    assert Unit.objects.filter(organ_id="").count() >= 2


def test_the_demo_district_has_its_codes(db):
    codes = dict(Unit.objects.values_list("code", "organ_id"))
    assert codes["ubnd"] == "000.00.31.H09"
    assert codes["xa-canh-hien"] == "000.22.31.H09"
    assert codes["ubnd-tinh"] == "000.00.00.H09"
    assert codes["cong-an-huyen"] == ""
    internal = Unit.objects.internal().values_list("organ_id", flat=True)
    assert all(internal)
