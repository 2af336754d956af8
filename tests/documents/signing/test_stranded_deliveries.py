"""Deliveries held for a signature that is on the document already (issue 16): the process that issued a document
or a signed copy stopped between its commit and attaching the signed face or releasing the deliveries. The
worker's 10-minute schedule (documents.outgoing.tasks.release_signed) sends them, once; a document still waiting for
the agency's signature keeps them for the clerk's "Ký lại"."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.utils import timezone

from documents.core.models import Delivery, DeliveryStatus, DocumentFile
from documents.outgoing import held, signatures, tasks
from documents.outgoing import selectors as outgoing_selectors
from documents.outgoing import services as outgoing
from idesk.models import Notification
from idesk.schedules import FREQUENT
from tests.documents.signing.test_held_deliveries import issue_failing, signed_draft
from tests.documents.signing.test_signed_copies import founding_letter, sao_y
from tests.helpers import user

pytestmark = pytest.mark.usefixtures("signatures_required")


def _statuses(document) -> set[str]:
    return set(Delivery.objects.filter(document=document, electronic=True).values_list("status", flat=True))


def _later(minutes: int):
    return time_machine.travel(timezone.now() + datetime.timedelta(minutes=minutes), tick=False)


def test_the_schedule_runs_the_sweep_every_10_minutes():
    assert FREQUENT["Gửi văn bản đã ký số còn chờ gửi"] == ("documents.outgoing.tasks.release_signed", 10)


def test_a_signed_copy_whose_face_was_never_attached_is_sent_by_the_sweep_once(db, commit, monkeypatch):
    with monkeypatch.context() as stopped:  # the process stops right after the commit
        stopped.setattr(outgoing, "attach_official_pdf", lambda document: None)
        copy = sao_y(founding_letter())
    assert _statuses(copy) == {DeliveryStatus.HELD}

    assert tasks.release_signed() == 0  # just issued: the issuing process may still be at it
    with _later(11):
        assert commit(tasks.release_signed) == 1
        assert commit(tasks.release_signed) == 0
    assert _statuses(copy) == {DeliveryStatus.SENT}
    face = outgoing_selectors.official_file(copy)
    assert face is not None and face.blob_id == copy.signed_file.blob_id
    assert DocumentFile.objects.filter(document=copy, added_by=None).count() == 1
    assert Notification.objects.filter(kind="delivered", recipient=user("vanthu.canhhien")).count() == 1


def test_an_issued_document_attached_but_not_released_is_sent_by_the_sweep(db, commit, monkeypatch):
    with monkeypatch.context() as stopped:  # signed and attached; the process stops before releasing
        stopped.setattr(held, "release", lambda document, by=None: [])
        document = commit(outgoing.issue, clerk=user("vanthu.ubnd"), draft=signed_draft())
    assert not signatures.awaiting_agency(document) and _statuses(document) == {DeliveryStatus.HELD}

    with _later(11):
        assert commit(tasks.release_signed) == 1
    assert _statuses(document) == {DeliveryStatus.SENT}
    assert Notification.objects.filter(kind="delivered", recipient=user("vanthu.canhhien")).count() == 1


def test_a_document_still_waiting_for_the_agency_keeps_its_deliveries_for_ky_lai(db, commit, monkeypatch):
    document = issue_failing(commit, monkeypatch)
    assert signatures.awaiting_agency(document)

    with _later(60):
        assert commit(tasks.release_signed) == 0
    assert _statuses(document) == {DeliveryStatus.HELD}
    assert not Notification.objects.filter(kind="delivered").exists()


@pytest.mark.parametrize("how", ["recall", "cancel"])
def test_a_stranded_document_withdrawn_meanwhile_is_not_sent(db, commit, monkeypatch, how):
    with monkeypatch.context() as stopped:
        stopped.setattr(outgoing, "attach_official_pdf", lambda document: None)
        copy = sao_y(founding_letter())
    field = "recalled_at" if how == "recall" else "cancelled_at"
    type(copy).objects.filter(pk=copy.pk).update(**{field: timezone.now()})

    with _later(11):
        commit(tasks.release_signed)
    assert _statuses(copy) == {DeliveryStatus.HELD}
    assert not Notification.objects.filter(kind="delivered").exists()
