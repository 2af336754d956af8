from django.apps import apps
from django.core.management import call_command

from accounts.models import Role, User
from units.models import Unit


def _counts():
    return {
        m._meta.label: m.objects.count()
        for m in apps.get_models()
        if m._meta.app_label in {"units", "accounts", "documents", "idesk"}
    }


def test_seed_demo_twice_leaves_the_same_counts(db):
    before = _counts()
    call_command("seed_demo", verbosity=0, history=False)
    assert _counts() == before


def test_the_demo_district_has_its_shape(db):
    assert Unit.objects.get(code="ubnd").name == "UBND huyện Vân Canh"
    assert Unit.objects.filter(kind="department").count() == 13  # VP + the twelve phòng/ban
    assert Unit.objects.filter(kind="commune").count() == 7
    assert Unit.objects.filter(kind="external", eoffice_since__isnull=True).count() == 5
    chairman = User.objects.get(username="chutich")
    assert chairman.full_name == "Trần Kim Vũ" and chairman.role == Role.LEADER
    assert User.objects.filter(unit__code="ubnd", role=Role.LEADER).count() == 3
    assert User.objects.get(username="vanthu.ubnd").check_password("idesk-demo")
    for unit in Unit.objects.on_system().internal():
        roles = list(unit.users.values_list("role", flat=True))
        assert roles.count(Role.CLERK) == 1
        assert Role.HEAD in roles or Role.LEADER in roles
        assert roles.count(Role.STAFF) >= 2
