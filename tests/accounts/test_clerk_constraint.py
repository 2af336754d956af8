import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from accounts.admin import IDeskUserChangeForm
from accounts.models import Role, User


def test_a_second_active_clerk_in_a_unit_is_rejected_by_the_database(commune_clerk):
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username="vanthu2.canhhien", full_name="Ai Đó", unit=commune_clerk.unit, role=Role.CLERK)


def test_an_inactive_second_clerk_is_allowed(commune_clerk):
    User.objects.create(
        username="vanthu.cu", full_name="Văn thư cũ", unit=commune_clerk.unit, role=Role.CLERK, is_active=False
    )
    clerks = User.objects.filter(unit=commune_clerk.unit, role=Role.CLERK)
    assert sorted(clerks.values_list("username", "is_active")) == [("vanthu.canhhien", True), ("vanthu.cu", False)]


def test_the_admin_form_shows_a_clear_error_for_a_second_clerk(outsider):
    form = IDeskUserChangeForm(
        instance=outsider,
        data={
            "username": outsider.username,
            "full_name": outsider.full_name,
            "unit": outsider.unit_id,
            "role": Role.CLERK,
            "is_active": "on",
            "sort_order": 1,
            "date_joined_0": "01/09/2016",
            "date_joined_1": "08:00:00",
        },
    )
    assert not form.is_valid()
    assert "Đơn vị này đã có một tài khoản văn thư đang hoạt động." in str(form.errors)


def test_constraint_validation_is_available_to_model_forms(outsider):
    outsider.role = Role.CLERK
    with pytest.raises(ValidationError):
        outsider.validate_constraints()


def test_every_unit_on_the_system_has_exactly_one_active_clerk(db):
    from units.models import Unit

    for unit in Unit.objects.on_system().internal():
        assert unit.users.filter(role=Role.CLERK, is_active=True).count() == 1, unit.code
