"""Work in progress for the dataset: drafts (dự thảo văn bản đi) in every state before issue, and meetings with
their invited units, so that the one search (Tìm văn bản) and the lists that show them are measured over a
province's drafts and meetings too, not only its registers. One draft per 20 documents, one meeting per 100."""

from __future__ import annotations

import datetime
import random
from collections.abc import Callable

from django.db import connection, transaction
from django.utils import timezone

from idesk.bench.scale.bulk import Progress, copy_rows, max_id, reset_sequences
from idesk.bench.scale.words import PLACES, SUBJECTS, TYPES, VERBS, document_summary
from units.text import fold

# Drafts stop before "issued": an issued draft is the document it became, which the main load already holds.
DRAFT_STATES = [("draft", 30), ("review", 25), ("returned", 10), ("to_sign", 20), ("signed", 15)]
DRAFT_COLUMNS = [
    "id", "unit_id", "issuer_unit_id", "author_id", "doc_type", "is_legal", "summary", "body", "kinh_gui",
    "recipient_groups", "external_recipients", "archive_note", "symbol_suffix", "urgency", "secrecy", "meeting_kind",
    "signer_id", "signing_capacity", "leader_comment", "status", "created_at", "updated_at", "search_key",
]  # fmt: skip
MEETING_COLUMNS = [
    "id", "title", "organiser_id", "organiser_unit_id", "chair_id", "start", '"end"', "place", "agenda", "restricted",
    "status", "created_at", "search_key",
]  # fmt: skip
INVITEE_COLUMNS = ["meeting_id", "unit_id", "response", "decline_reason", "attendance"]


def generate_work(seed: int, documents: int, log: Callable[[str], None] = print) -> dict[str, int]:
    """Drafts and meetings of the dataset made with `seed`, unless it has some already (then nothing)."""
    from accounts.models import User
    from documents.models import Meeting, OutgoingDraft
    from units.models import Unit

    prefix = f"s{seed}-"
    units = list(Unit.objects.filter(code__startswith=prefix).values_list("id", "kind", "parent_id"))
    unit_ids = [u[0] for u in units]
    if not units or OutgoingDraft.objects.filter(unit_id__in=unit_ids).exists():
        return {}
    if Meeting.objects.filter(organiser_unit_id__in=unit_ids).exists():
        return {}
    people: dict[int, dict[str, list[int]]] = {}
    for pk, unit_id, role in User.objects.filter(username__startswith=prefix).values_list("id", "unit_id", "role"):
        people.setdefault(unit_id, {}).setdefault(role, []).append(pk)
    # A unit's drafts are signed by its head, or by its district's Chủ tịch for what the district issues.
    district_of = {u[0]: (u[0] if u[1] == "district" else u[2]) for u in units}
    rng = random.Random(seed + 1)
    now = timezone.now()
    today = timezone.localdate(now)
    with transaction.atomic():
        counts = {
            "drafts": _drafts(rng, documents // 20, units, people, district_of, now, today),
            **_meetings(rng, documents // 100, units, people, district_of, now),
        }
        reset_sequences(["documents_outgoingdraft", "documents_meeting", "documents_meetinginvitee"])
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE documents_outgoingdraft, documents_meeting, documents_meetinginvitee")
    log(", ".join(f"{k}: {v:,}" for k, v in counts.items()))
    return counts


def _pick(people: dict, unit_id: int, *roles: str) -> int | None:
    for role in roles:
        if found := people.get(unit_id, {}).get(role):
            return found[0]
    return None


def _drafts(rng, n: int, units, people, district_of, now, today) -> int:
    states = [state for state, weight in DRAFT_STATES for _ in range(weight)]
    base = max_id("documents_outgoingdraft")
    progress = Progress("drafts", n)

    def rows():
        for i in range(n):
            unit_id, kind, _parent = units[rng.randrange(len(units))]
            staff = people.get(unit_id, {}).get("staff") or people.get(unit_id, {}).get("head") or []
            if not staff:
                continue
            district = district_of[unit_id]
            by_district = kind == "department" and rng.random() < 0.5
            issuer = district if by_district else unit_id
            signer = _pick(people, district, "leader") if by_district else _pick(people, unit_id, "head", "leader")
            summary = document_summary(rng, today.year)
            at = now - datetime.timedelta(days=rng.randint(0, 120), minutes=rng.randint(0, 600))
            yield (
                base + i + 1, unit_id, issuer, rng.choice(staff), rng.choice(TYPES)[0], False, summary,
                f"Thực hiện {summary[0].lower()}{summary[1:]}.", "", "[]", "", "VT", "", rng.choice([0, 0, 0, 1, 2]),
                1 if rng.random() < 0.03 else 0, "", signer, "", "", rng.choice(states), at, at, fold(summary),
            )  # fmt: skip

    with transaction.atomic():
        count = copy_rows("documents_outgoingdraft", DRAFT_COLUMNS, rows(), progress)
    progress.finish()
    return count


def _meetings(rng, n: int, units, people, district_of, now) -> dict[str, int]:
    base = max_id("documents_meeting")
    by_district: dict[int, list[int]] = {}
    for unit_id, kind, _parent in units:
        if kind != "district":
            by_district.setdefault(district_of[unit_id], []).append(unit_id)
    districts = [d for d in by_district if _pick(people, d, "leader")]
    meetings, invitees = [], []
    for i in range(n):
        district = districts[rng.randrange(len(districts))]
        organiser = _pick(people, district, "clerk", "head")
        start = (now + datetime.timedelta(days=rng.randint(-400, 30))).replace(minute=0, second=0, microsecond=0)
        start = start.replace(hour=rng.choice([1, 2, 3, 7, 8]))  # 8-10 h or 14-15 h in Vietnam
        title = f"Họp {rng.choice(VERBS)} {rng.choice(SUBJECTS)}"
        place = f"Hội trường UBND huyện {rng.choice(PLACES)}"
        meeting_id = base + i + 1
        meetings.append(
            (meeting_id, title, organiser, district, _pick(people, district, "leader"), start,
             start + datetime.timedelta(hours=2), place, "", rng.random() < 0.02, "scheduled", start,
             fold(f"{title} {place}"))
        )  # fmt: skip
        for unit_id in rng.sample(by_district[district], min(4, len(by_district[district]))):
            invitees.append((meeting_id, unit_id, rng.choice(["pending", "attend", "attend"]), "", ""))
    with transaction.atomic():
        counts = {
            "meetings": copy_rows("documents_meeting", MEETING_COLUMNS, meetings),
            "meeting_invitees": copy_rows("documents_meetinginvitee", INVITEE_COLUMNS, invitees),
        }
    return counts
