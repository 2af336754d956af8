"""generate_scale_data (idesk/bench/scale/): the load builds the big tables' indexes and constraints after the
rows, in one transaction with them, and writes the same rows as before its shortcuts (folded search keys from pieces,
access events as COPY text)."""

from __future__ import annotations

import datetime
import random

import pytest
from django.db import connection

from accounts.models import AccessEvent
from documents.models import Document, IncomingRecord, build_search_key
from idesk.bench import scale
from units.models import Unit
from units.text import fold

pytestmark = pytest.mark.django_db(transaction=True)

TINY = scale.Sizes(units=8, users=40, documents=300, access_events=2000, years=2, seed=91)


def _schema() -> list[str]:
    """Every index and constraint of the loaded tables, as PostgreSQL defines them."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE tablename = ANY(%s) UNION ALL "
            "SELECT conrelid::regclass::text || ' ' || conname || ' ' || pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = ANY(%s::regclass[]) ORDER BY 1",
            [list(scale.LOADED_TABLES), list(scale.LOADED_TABLES)],
        )
        return [row[0] for row in cursor.fetchall()]


def test_the_loaded_tables_get_back_every_index_and_constraint(db):
    if connection.vendor != "postgresql":
        pytest.skip("indexes are dropped and rebuilt on PostgreSQL only")
    before = _schema()

    counts = scale.generate(TINY, log=lambda line: None)

    assert counts["documents"] == 300 and counts["access_events"] > 0
    assert _schema() == before
    assert any("gin_trgm_ops" in d for d in before) and any("FOREIGN KEY" in d for d in before)


def test_a_load_that_fails_half_way_leaves_the_database_as_it_was(db, monkeypatch):
    schema = _schema() if connection.vendor == "postgresql" else None
    units = Unit.objects.count()

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(scale.load, "reset_sequences", broken)  # the last step of the load, after every row
    with pytest.raises(RuntimeError):
        scale.generate(TINY, log=lambda line: None)

    assert Unit.objects.count() == units and not Unit.objects.filter(code__startswith="s91-").exists()
    assert not Document.objects.exists() and not AccessEvent.objects.exists()
    if schema is not None:
        assert _schema() == schema


def test_search_keys_built_from_folded_pieces_are_the_fold_of_the_whole(db):
    scale.generate(TINY, log=lambda line: None)

    documents = list(
        Document.objects.values_list(
            "number_symbol", "summary", "issuer_name", "signer_name", "search_key", "issuer_key"
        )
    )
    assert len(documents) == 300
    assert any("Đ" in symbol or any(ch in summary for ch in "ăâđêôơư") for symbol, summary, *_ in documents)
    for symbol, summary, issuer, signer, search_key, issuer_key in documents:
        assert search_key == build_search_key(symbol, summary, issuer, signer)  # what Document.save() builds
        assert issuer_key == fold(issuer)
    assert IncomingRecord.objects.exists()


def test_access_events_as_copy_text_are_the_events_drawn_one_by_one():
    days = [datetime.date(2025, 3, 3), datetime.date(2025, 3, 4)]
    user_unit = [(11, 1), (12, 1), (13, 2)]

    expected = list(scale.access_events(random.Random(5), days, 50, user_unit))
    chunks = list(scale.access_event_lines(random.Random(5), days, 50, user_unit))

    lines = "".join(text for text, _ in chunks).splitlines()
    assert [n for _, n in chunks] == [50, 50] and len(lines) == len(expected) == 100
    for line, (user_id, unit_id, at, kind) in zip(lines, expected, strict=True):
        user, unit, stamp, kind_text = line.split("\t")
        assert (int(user), int(unit), kind_text) == (user_id, unit_id, kind)
        assert datetime.datetime.fromisoformat(stamp) == at


def test_the_dataset_has_drafts_and_meetings_with_their_search_keys_and_gets_them_once(db):
    from documents.models import Meeting, MeetingInvitee, OutgoingDraft

    counts = scale.generate(TINY, log=lambda line: None)

    drafts = list(OutgoingDraft.objects.values_list("summary", "search_key", "status", "unit__code", "signer__unit_id"))
    assert counts["drafts"] == len(drafts) >= 10 and counts["meetings"] == Meeting.objects.count() >= 1
    assert all(key == fold(summary) and code.startswith("s91-") for summary, key, _status, code, _s in drafts)
    assert {status for *_, status, _code, _s in drafts} >= {"draft", "review", "to_sign"}
    assert "issued" not in {d[2] for d in drafts}  # an issued draft is its document, which the load holds already
    for meeting in Meeting.objects.all():
        assert meeting.search_key == fold(f"{meeting.title} {meeting.place}") and meeting.end > meeting.start
    assert MeetingInvitee.objects.filter(unit__code__startswith="s91-").exists()
    # What the models' save() would keep: saving one changes nothing.
    draft = OutgoingDraft.objects.first()
    key = draft.search_key
    draft.save()
    assert OutgoingDraft.objects.get(pk=draft.pk).search_key == key
    # Asked again (generate_scale_data --skip-existing on an older dataset), it adds nothing.
    assert scale.generate_work(TINY.seed, TINY.documents, log=lambda line: None) == {}
    assert OutgoingDraft.objects.count() == len(drafts)
