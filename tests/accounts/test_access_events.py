import datetime

import time_machine
from django.test import Client
from django.utils import timezone

from accounts.models import AccessEvent, AccessKind

START = datetime.datetime(2026, 11, 24, 8, 0, tzinfo=datetime.UTC)


def _events(user):
    return list(AccessEvent.objects.filter(user=user).order_by("at").values_list("kind", flat=True))


def test_a_login_is_recorded_once_and_requests_soon_after_add_nothing(commune_clerk):
    client = Client()
    with time_machine.travel(START, tick=False):
        assert (
            client.post("/accounts/login/", {"username": commune_clerk.username, "password": "idesk-demo"}).status_code
            == 302
        )
        client.get("/")
    assert _events(commune_clerk) == [AccessKind.LOGIN]
    with time_machine.travel(START + datetime.timedelta(minutes=5), tick=False):
        client.get("/")
    assert _events(commune_clerk) == [AccessKind.LOGIN]
    with time_machine.travel(START + datetime.timedelta(minutes=36), tick=False):
        client.get("/")
    assert _events(commune_clerk) == [AccessKind.LOGIN, AccessKind.VISIT]


def test_the_gap_runs_from_the_last_request_not_from_the_last_visit(commune_clerk):
    client = Client()
    with time_machine.travel(START - datetime.timedelta(minutes=1), tick=False):
        client.force_login(commune_clerk)  # force_login also fires user_logged_in
    base = AccessEvent.objects.filter(user=commune_clerk).count()
    for minutes in (0, 20, 40, 60):  # never 30 minutes idle
        with time_machine.travel(START + datetime.timedelta(minutes=minutes), tick=False):
            client.get("/")
    assert AccessEvent.objects.filter(user=commune_clerk).count() == base
    with time_machine.travel(START + datetime.timedelta(minutes=91), tick=False):
        client.get("/")
    assert AccessEvent.objects.filter(user=commune_clerk, kind=AccessKind.VISIT).count() == 1


def test_a_visit_records_user_unit_and_utc_time(commune_clerk):
    client = Client()
    client.force_login(commune_clerk)
    before = set(AccessEvent.objects.filter(user=commune_clerk).values_list("pk", flat=True))  # the login's
    session = client.session
    session.pop("idesk_seen", None)
    session.save()
    with time_machine.travel(START, tick=False):
        client.get("/")
    event = AccessEvent.objects.exclude(pk__in=before).get(user=commune_clerk)
    assert event.kind == AccessKind.VISIT
    assert event.unit_id == commune_clerk.unit_id
    assert event.at == START
    assert event.at.tzinfo is not None


def test_an_ordinary_request_costs_no_extra_query(commune_clerk, django_assert_num_queries):
    client = Client()
    client.force_login(commune_clerk)
    client.get("/units/")  # first request may touch the session
    with django_assert_num_queries(2):  # the session and the user, nothing for access recording
        client.get("/thong-bao/huong-dan/")


def test_anonymous_requests_record_nothing(db):
    before = AccessEvent.objects.count()
    Client().get("/thong-bao/")
    assert AccessEvent.objects.count() == before


def test_stored_time_is_utc_now(commune_clerk):
    client = Client()
    client.force_login(commune_clerk)
    event = AccessEvent.objects.filter(user=commune_clerk, kind=AccessKind.LOGIN).latest("at")
    assert abs((timezone.now() - event.at).total_seconds()) < 60
