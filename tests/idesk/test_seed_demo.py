import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command

from accounts.models import Role, User
from tests.helpers import user
from units.models import Unit

ROOT = Path(__file__).resolve().parents[2]


# The tests on the demo go to one worker (make test), which seeds it once for them and for the other modules of
# the group (tests/documents/test_demo.py, tests/idesk/test_demo_history.py: the demo fixture copies it back).
ON_ONE_WORKER = pytest.mark.xdist_group("demo")


def _counts():
    return {
        m._meta.label: m.objects.count()
        for m in apps.get_models()
        if m._meta.app_label in {"units", "accounts", "documents", "idesk"}
    }


@ON_ONE_WORKER
def test_seed_demo_twice_leaves_the_same_counts(demo, db):
    before = _counts()
    call_command("seed_demo", verbosity=0, history=False, force=True)  # pytest runs with DEBUG=False
    assert _counts() == before


@ON_ONE_WORKER
def test_the_demo_district_has_its_shape(demo, db):
    assert Unit.objects.get(code="ubnd").name == "UBND huyện Vân Canh"
    assert Unit.objects.filter(kind="department").count() == 13  # VP + the twelve phòng/ban
    assert Unit.objects.filter(kind="commune").count() == 7
    assert Unit.objects.filter(kind="external", eoffice_since__isnull=True).count() == 5
    chairman = user("chutich")
    assert chairman.full_name == "Trần Kim Vũ" and chairman.role == Role.LEADER
    assert User.objects.filter(unit__code="ubnd", role=Role.LEADER).count() == 3
    assert user("vanthu.ubnd").check_password("idesk-demo")
    for unit in Unit.objects.on_system().internal():
        roles = list(unit.users.values_list("role", flat=True))
        assert roles.count(Role.CLERK) == 1
        assert Role.HEAD in roles or Role.LEADER in roles
        assert roles.count(Role.STAFF) >= 2


@ON_ONE_WORKER
def test_seed_demo_refuses_to_run_without_debug_unless_forced(demo, db, settings):
    """The demo accounts, admin included, share the README's password: not on a production site by accident."""
    settings.DEBUG = False
    User.objects.filter(username="admin").delete()
    with pytest.raises(CommandError, match="--force"):
        call_command("seed_demo", verbosity=0, history=False)
    assert not User.objects.filter(username="admin").exists()
    call_command("seed_demo", verbosity=0, history=False, force=True)
    assert user("admin").check_password("idesk-demo")


def test_seed_demo_without_debug_exits_non_zero_with_the_reason(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}}
    env.update(DEBUG="0", SECRET_KEY="x" * 50, IDESK_VAR_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="idesk.settings")
    done = subprocess.run(
        [sys.executable, "manage.py", "seed_demo"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode != 0
    assert "DEBUG=0" in done.stderr and "--force" in done.stderr
    assert "Đã nạp" not in done.stdout


@pytest.mark.django_db(transaction=True)
def test_seeding_sends_no_mail_and_queues_nothing_but_fills_the_bell(mailoutbox):
    """A first `make run` used to print the demo's e-mails before the server's address: the seeding's events
    become bell notifications on the spot, without e-mail, and nothing is left for the worker."""
    from django_q.models import OrmQ

    from idesk.models import Notification

    call_command("seed_demo", verbosity=0, force=True)
    assert mailoutbox == []
    assert not OrmQ.objects.exists()
    assert Notification.objects.filter(recipient__username="chutich").exists()  # the demo's bell is not empty
    assert not Notification.objects.filter(email_wanted=True).exists()
    assert not Notification.objects.filter(emailed_at__isnull=False).exists()
