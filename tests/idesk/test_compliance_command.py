"""`manage.py compliance_report`, the scheduled tasks and their schedules."""

import datetime
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from django.utils.module_loading import import_string
from django_q.models import Schedule

from idesk import compliance, schedules, tasks
from idesk.models import UnitCompliance
from tests.idesk.factories import MON, SAT, TUE, WED, at, user, visit

ROOT = Path(__file__).resolve().parents[2]


def run(*args) -> str:
    out = io.StringIO()
    call_command("compliance_report", *args, stdout=out)
    return out.getvalue()


def test_json_output_is_exactly_the_stored_report(db):
    visit(user("vanthu.canhhien"), TUE, "08:00", "15:00")
    data = json.loads(run("--date", TUE.isoformat(), "--json"))
    assert data == compliance.report(TUE)
    assert data["working_day"] is True and data["required_visits"] == 2
    assert [u["code"] for u in data["units"]] == sorted(u["code"] for u in data["units"])
    hien = next(u for u in data["units"] if u["code"] == "xa-canh-hien")
    assert hien["visits"] == 2 and hien["compliant"] is True and hien["clerk"] == "vanthu.canhhien"


def test_a_non_working_day_prints_working_day_false_and_no_units(db):
    assert json.loads(run("--date", SAT.isoformat(), "--json")) == {
        "date": "2026-11-21",
        "working_day": False,
        "required_visits": 2,
        "units": [],
    }
    assert "không phải ngày làm việc" in run("--date", SAT.isoformat())


def test_running_the_command_again_recomputes_the_same_day(db):
    run("--date", TUE.isoformat())
    visit(user("vanthu.canhhien"), TUE, "08:00", "15:00")
    text = run("--date", TUE.isoformat())
    assert "17/11/2026" in text and "xa-canh-hien" in text
    assert UnitCompliance.objects.get(date=TUE, unit__code="xa-canh-hien").compliant


@pytest.mark.parametrize("bad", ["2026-13-01", "17/11/2026", "hôm qua", "20261117", ""])
def test_a_malformed_date_is_refused(db, bad):
    with pytest.raises(CommandError, match="Ngày không hợp lệ"):
        run("--date", bad)


def test_a_future_date_is_refused(db):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(CommandError, match="tương lai"):
        run("--date", tomorrow.isoformat())


def test_bad_dates_exit_non_zero_from_the_shell():
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    for bad in ["2026-02-30", "2999-01-01"]:
        done = subprocess.run(
            [sys.executable, "manage.py", "compliance_report", "--date", bad, "--json"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
        )
        assert done.returncode != 0
        assert done.stdout == ""
        assert "Ngày không hợp lệ" in done.stderr or "tương lai" in done.stderr


# --- Scheduled tasks --------------------------------------------------------------------------------------------


def test_the_evening_task_computes_the_day_and_refreshes_the_day_before(db):
    visit(user("vanthu.canhhien"), MON, "08:00")
    compliance.compute_day(MON)  # Monday's 18:00 run
    visit(user("vanthu.canhhien"), MON, "20:30")  # an evening visit after it
    result = tasks.compute_compliance(at(TUE, "18:00").isoformat())
    assert "2026-11-17 computed" in result
    assert UnitCompliance.objects.get(date=MON, unit__code="xa-canh-hien").visits == 2
    assert UnitCompliance.objects.filter(date=TUE).exists()


def test_the_evening_task_on_a_saturday_computes_nothing_new(db):
    tasks.compute_compliance(at(SAT, "18:00").isoformat())
    assert not UnitCompliance.objects.filter(date=SAT).exists()


def test_schedules_are_created_by_the_migration(db):
    found = {s.name: s for s in Schedule.objects.filter(name__in=list(schedules.SCHEDULES))}
    assert set(found) == set(schedules.SCHEDULES)
    for name, (func, _setting) in schedules.SCHEDULES.items():
        s = found[name]
        assert s.func == func and callable(import_string(func))
        assert s.schedule_type == Schedule.DAILY and s.repeats == -1 and s.intended_date_kwarg == "scheduled_for"


def test_setup_schedules_moves_them_to_the_configured_time(db, settings):
    settings.IDESK_WORKDAY_ENDS_AT = (17, 30)
    call_command("setup_schedules", stdout=io.StringIO())
    s = Schedule.objects.get(func="idesk.tasks.compute_compliance")
    local = timezone.localtime(s.next_run)
    assert (local.hour, local.minute) == (17, 30)
    assert s.next_run > timezone.now()
    assert Schedule.objects.filter(func="idesk.tasks.compute_compliance").count() == 1


def test_next_run_is_the_next_occurrence_in_local_time():
    tz = timezone.get_default_timezone()
    before = datetime.datetime(2026, 11, 17, 9, 0, tzinfo=tz)
    after = datetime.datetime(2026, 11, 17, 19, 0, tzinfo=tz)
    assert schedules.next_run_at(18, 0, before) == datetime.datetime(2026, 11, 17, 18, 0, tzinfo=tz)
    assert schedules.next_run_at(18, 0, after) == datetime.datetime(2026, 11, 18, 18, 0, tzinfo=tz)


def test_the_scheduled_tasks_pass_django_q_signing(db):
    """A schedule's task must accept the intended date keyword django-q2 passes."""
    from django_q.tasks import async_task

    assert async_task("idesk.tasks.send_daily_reminders", scheduled_for=at(SAT, "07:30").isoformat(), sync=True)


def test_the_benchmark_command_runs_on_a_small_district_and_cleans_up(db):
    """Not a timed test: only that the command works (the real run is 500 units on PostgreSQL, see README)."""
    from units.models import Unit

    out = io.StringIO()
    call_command("compliance_benchmark", "--units", "3", "--users", "12", "--events", "60", "--runs", "2", stdout=out)
    text = out.getvalue()
    assert "compute_day: trung vị" in text and "(không đổi)" in text and "summarize_month" in text
    assert Unit.objects.filter(code__startswith="bench-").count() == 4  # three units and their district
    call_command("compliance_benchmark", "--cleanup", stdout=io.StringIO())
    assert not Unit.objects.filter(code__startswith="bench-").exists()


def test_the_evening_task_and_the_command_sum_up_the_month_again(db):
    from idesk.models import ComplianceMonth

    tasks.compute_compliance(at(TUE, "18:00").isoformat())
    assert ComplianceMonth.objects.get(month=TUE.replace(day=1)).last_day == TUE
    call_command("compliance_report", "--date", WED.isoformat(), stdout=io.StringIO())
    assert ComplianceMonth.objects.get(month=TUE.replace(day=1)).last_day == WED
