"""Loading the dataset: units, users, documents with their registers, deliveries and assignments, access events."""

from __future__ import annotations

import datetime
import functools
import random
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone

from idesk.bench.scale.access import access_event_lines, access_events
from idesk.bench.scale.bulk import (
    LOADED_TABLES,
    Progress,
    copy_rows,
    copy_text,
    indexes_built_after,
    max_id,
    reset_sequences,
)
from idesk.bench.scale.words import PLACES, TYPES, document_summary, person_name
from idesk.bench.scale.work import generate_work
from units.calendar import WorkCalendar
from units.text import fold


@dataclass
class Sizes:
    units: int = 500
    users: int = 10_000
    documents: int = 1_000_000
    access_events: int = 10_000_000
    years: int = 5
    seed: int = 2016


def generate(sizes: Sizes, log: Callable[[str], None] = print) -> dict[str, int]:
    """Load the dataset; returns row counts. IDs continue after what the database already holds.

    One transaction: the big tables' indexes and constraints are built after the rows (see LOADED_TABLES), and a
    failure half-way leaves the database as it was."""
    started = time.monotonic()
    with transaction.atomic(), indexes_built_after(LOADED_TABLES, log):
        counts = _load(sizes, log)
        counts.update(generate_work(sizes.seed, sizes.documents, log))
    if connection.vendor == "postgresql":
        # What autovacuum would soon do: planner statistics, and the visibility map index-only scans rely on.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    counts["seconds"] = int(time.monotonic() - started)
    return counts


def _load(sizes: Sizes, log: Callable[[str], None]) -> dict[str, int]:
    rng = random.Random(sizes.seed)
    now = timezone.now()
    today = timezone.localdate(now)
    first_year = today.year - sizes.years + 1
    counts: dict[str, int] = {}

    # --- units: province → districts → departments and communes --------------------------------------
    unit_base = max_id("units_unit")
    n_districts = max(1, sizes.units // 10)
    units = []  # (id, name, code, short, kind, parent_id)
    root = unit_base + 1
    units.append((root, "UBND tỉnh Quy mô", f"s{sizes.seed}-tinh", "UBND", "district", None))
    next_id = root + 1
    districts = []
    for d in range(n_districts):
        did = next_id
        next_id += 1
        districts.append(did)
        units.append(
            (did, f"UBND huyện {PLACES[d % len(PLACES)]} {d + 1}", f"s{sizes.seed}-h{d + 1}", "UBND", "district", root)
        )
    kinds = ["department", "commune"]
    while len(units) < sizes.units:
        parent = districts[len(units) % len(districts)]
        kind = kinds[len(units) % 2]
        label = (
            rng.choice(["Phòng Nội vụ", "Phòng Tư pháp", "Phòng Y tế", "Phòng Kinh tế và Hạ tầng"])
            if kind == "department"
            else f"UBND xã {rng.choice(PLACES)}"
        )
        units.append(
            (
                next_id,
                f"{label} {len(units)}",
                f"s{sizes.seed}-u{len(units)}",
                "NV" if kind == "department" else "UBND",
                kind,
                parent,
            )
        )
        next_id += 1
    since = datetime.date(first_year - 1, 1, 1)
    with transaction.atomic():
        counts["units"] = copy_rows(
            "units_unit",
            [
                "id",
                "name",
                "code",
                "short_name",
                "kind",
                "parent_id",
                "eoffice_since",
                "active",
                "sort_order",
                "address",
                "phone",
                "email",
                "organ_id",
                "search_key",
            ],
            (
                (u[0], u[1], u[2], u[3], u[4], u[5], since, True, i, "", "", "", "", fold(f"{u[1]} {u[3]} {u[2]}"))
                for i, u in enumerate(units)
            ),
        )
    unit_ids = [u[0] for u in units]
    log(f"units: {counts['units']}")

    # --- users: one clerk and one head per unit, leaders at districts, the rest staff ---------------------
    user_base = max_id("accounts_user")
    password = make_password("idesk-demo")
    users = []  # (id, username, unit_id, role)
    uid = user_base + 1
    for unit_id in unit_ids:
        for role in ("clerk", "head"):
            users.append((uid, f"s{sizes.seed}-{role}-{unit_id}", unit_id, role))
            uid += 1
    for d in districts[:]:
        users.append((uid, f"s{sizes.seed}-leader-{d}", d, "leader"))
        uid += 1
    while len(users) < sizes.users:
        unit_id = unit_ids[len(users) % len(unit_ids)]
        users.append((uid, f"s{sizes.seed}-staff-{uid}", unit_id, "staff"))
        uid += 1
    joined = timezone.make_aware(datetime.datetime(first_year - 1, 1, 1))
    progress = Progress("users", len(users))
    with transaction.atomic():
        counts["users"] = copy_rows(
            "accounts_user",
            [
                "id",
                "password",
                "is_superuser",
                "username",
                "email",
                "is_staff",
                "is_active",
                "date_joined",
                "full_name",
                "unit_id",
                "position",
                "role",
                "phone",
                "sort_order",
                "search_key",
            ],
            (
                (
                    u[0],
                    password,
                    False,
                    u[1],
                    "",
                    False,
                    True,
                    joined,
                    (n := person_name(rng)),
                    u[2],
                    {"clerk": "Văn thư", "head": "Thủ trưởng", "leader": "Chủ tịch", "staff": "Chuyên viên"}[u[3]],
                    u[3],
                    "",
                    100,
                    fold(f"{n} {u[1]}"),
                )
                for u in users
            ),
            progress,
        )
    progress.finish()
    by_unit: dict[int, dict[str, list[int]]] = {}
    for u in users:
        by_unit.setdefault(u[2], {}).setdefault(u[3], []).append(u[0])

    # --- documents, registers, incoming records, assignments, deliveries ---------------------------------
    doc_base, reg_base = max_id("documents_document"), max_id("documents_register")
    rec_base, asg_base, dlv_base = (
        max_id("documents_incomingrecord"),
        max_id("documents_assignment"),
        max_id("documents_delivery"),
    )
    registers: dict[tuple[int, int, str], list[int]] = {}  # (unit, year, kind) -> [id, last_number]
    written: set[int] = set()
    reg_id = reg_base

    def register(unit_id: int, year: int, kind: str) -> tuple[int, int]:
        nonlocal reg_id
        key = (unit_id, year, kind)
        if key not in registers:
            reg_id += 1
            registers[key] = [reg_id, 0]
        registers[key][1] += 1
        return registers[key][0], registers[key][1]

    n_docs = sizes.documents
    n_out = n_docs * 3 // 10
    days = (today - datetime.date(first_year, 1, 1)).days + 1
    doc_rows, rec_rows, asg_rows, dlv_rows, dir_rows, aud_rows = [], [], [], [], [], []
    extra_rng = random.Random(sizes.seed + 1)  # directions and timelines, so the documents stay as they were
    progress = Progress("documents", n_docs)
    doc_cols = [
        "id",
        "issuer_unit_id",
        "issuer_name",
        "doc_type",
        "number",
        "number_symbol",
        "issued_date",
        "summary",
        "signer_name",
        "signer_position",
        "urgency",
        "secrecy",
        "pages",
        "body",
        "created_at",
        "created_by_id",
        "search_key",
        "issuer_key",
        "register_id",
        "year",
        "is_legal",
        "kinh_gui",
        "recipients_text",
        "archive_note",
        "signing_capacity",
        "signer_title",
        "leader_comment",
        "meeting_kind",
        "copy_kind",
        "issued_at",
        "recall_reason",
        "cancel_reason",
    ]
    rec_cols = [
        "id",
        "document_id",
        "unit_id",
        "register_id",
        "year",
        "arrival_number",
        "arrived_at",
        "due_date",
        "note",
        "status",
        "registered_by_id",
        "submitted_to_id",
        "submitted_at",
        "completed_at",
        "urgency",
        "secrecy",
    ]
    asg_cols = [
        "id",
        "record_id",
        "role",
        "assignee_unit_id",
        "assignee_user_id",
        "due_date",
        "status",
        "assigned_by_id",
        "assigned_at",
        "first_opened_at",
        "completed_at",
        "result",
    ]
    dlv_cols = [
        "id",
        "document_id",
        "sender_unit_id",
        "recipient_unit_id",
        "status",
        "electronic",
        "paper_required",
        "paper_reason",
        "sent_at",
        "sent_by_id",
        "opened_at",
        "record_id",
        "returned_reason",
    ]
    unit_name = {u[0]: u[1] for u in units}
    # Search keys from folded pieces: fold() of a whole key cost more than the rest of a document's row. fold works
    # character by character, so fold("a b c") == " ".join(fold of each) for pieces without outer spaces; the
    # summaries come from a few thousand combinations.
    unit_key = {u[0]: fold(u[1]) for u in units}
    folded = functools.lru_cache(maxsize=None)(fold)
    symbol_tail = {abbr: f"/{abbr + '-' if abbr else ''}UBND" for _, abbr in TYPES}
    tail_key = {abbr: fold(tail) for abbr, tail in symbol_tail.items()}
    tz = timezone.get_current_timezone()
    doc_id, rec_id, asg_id, dlv_id = doc_base, rec_base, asg_base, dlv_base
    # Documents in date order, so registers number them as a clerk would have.
    offsets = sorted(rng.randrange(days) for _ in range(n_docs))
    outgoing_flags = [rng.random() < n_out / n_docs for _ in range(n_docs)]
    for i in range(n_docs):
        day = datetime.date(first_year, 1, 1) + datetime.timedelta(days=offsets[i])
        year = day.year
        at = datetime.datetime.combine(day, datetime.time(7, 30), tzinfo=tz) + datetime.timedelta(
            seconds=rng.randrange(9 * 3600)
        )
        unit_id = rng.choice(unit_ids)
        staff = by_unit[unit_id]
        dtype, abbr = rng.choice(TYPES)
        summary = document_summary(rng, year)
        urgency = rng.choices([0, 1, 2, 3], [85, 10, 4, 1])[0]
        secrecy = 1 if rng.random() < 0.02 else 0
        doc_id += 1
        if outgoing_flags[i]:
            reg, number = register(unit_id, year, "out")
            head = f"{number:02d}"
            signer = person_name(rng)  # (drawn where the row drew it, so the data set is unchanged)
            symbol = head + symbol_tail[abbr]
            key = f"{head}{tail_key[abbr]} {folded(summary)} {unit_key[unit_id]} {folded(signer)}"
            doc_rows.append(
                (
                    doc_id,
                    unit_id,
                    unit_name[unit_id],
                    dtype,
                    number,
                    symbol,
                    day,
                    summary,
                    signer,
                    "Chủ tịch",
                    urgency,
                    secrecy,
                    1,
                    "",
                    at,
                    staff["clerk"][0],
                    key,
                    unit_key[unit_id],
                    reg,
                    year,
                    False,
                    "",
                    "",
                    "VT",
                    "",
                    "CHỦ TỊCH",
                    "",
                    "",
                    "",
                    at,
                    "",
                    "",
                )
            )
            for recipient in rng.sample(unit_ids, k=min(len(unit_ids), rng.randint(1, 4))):
                if recipient == unit_id:
                    continue
                dlv_id += 1
                status = rng.choices(["registered", "opened", "sent", "returned"], [80, 8, 10, 2])[0]
                opened = at + datetime.timedelta(hours=rng.randint(1, 72)) if status != "sent" else None
                dlv_rows.append(
                    (
                        dlv_id,
                        doc_id,
                        unit_id,
                        recipient,
                        status,
                        True,
                        False,
                        "Chỉ gửi điện tử",
                        at,
                        staff["clerk"][0],
                        opened,
                        None,
                        "Sai thể thức" if status == "returned" else "",
                    )
                )
        else:
            issuer = rng.choice(unit_ids)
            head = str(rng.randint(1, 5000))
            issued_date = day - datetime.timedelta(days=rng.randint(0, 5))
            signer = person_name(rng)  # (both drawn in the row's order, so the data set is unchanged)
            symbol = head + symbol_tail[abbr]
            key = f"{head}{tail_key[abbr]} {folded(summary)} {unit_key[issuer]} {folded(signer)}"
            doc_rows.append(
                (
                    doc_id,
                    issuer,
                    unit_name[issuer],
                    dtype,
                    None,
                    symbol,
                    issued_date,
                    summary,
                    signer,
                    "Chủ tịch",
                    urgency,
                    secrecy,
                    rng.randint(1, 12),
                    "",
                    at,
                    staff["clerk"][0],
                    key,
                    unit_key[issuer],
                    None,
                    None,
                    False,
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                    None,
                    "",
                    "",
                )
            )
            reg, number = register(unit_id, year, "in")
            rec_id += 1
            age = (today - day).days
            status = (
                "done"
                if age > 60 and rng.random() < 0.9
                else rng.choice(["registered", "submitted", "in_progress", "in_progress", "done"])
            )
            leader = (staff.get("leader") or staff["head"])[0]
            due = day + datetime.timedelta(days=rng.randint(3, 30))
            rec_rows.append(
                (
                    rec_id,
                    doc_id,
                    unit_id,
                    reg,
                    year,
                    number,
                    at,
                    due,
                    "",
                    status,
                    staff["clerk"][0],
                    leader if status != "registered" else None,
                    at if status != "registered" else None,
                    at + datetime.timedelta(days=5) if status == "done" else None,
                    urgency,
                    secrecy,
                )
            )
            # The record's timeline (audit events) as the flow writes it.
            aud_rows.append(
                (staff["clerk"][0], "registered", "incomingrecord", rec_id, at, f'{{"arrival_number": {number}}}')
            )
            if status != "registered":
                aud_rows.append(
                    (
                        staff["clerk"][0],
                        "submitted",
                        "incomingrecord",
                        rec_id,
                        at + datetime.timedelta(minutes=20),
                        "{}",
                    )
                )
            if status in ("in_progress", "done"):
                handlers = staff.get("staff") or staff["head"]
                directed = at + datetime.timedelta(hours=2)
                for role in ("lead", "coop"):
                    asg_id += 1
                    a_status = "done" if status == "done" else rng.choice(["pending", "in_progress", "in_progress"])
                    handler = rng.choice(handlers)
                    asg_rows.append(
                        (
                            asg_id,
                            rec_id,
                            role,
                            unit_id,
                            handler,
                            due,
                            a_status,
                            leader,
                            at,
                            at + datetime.timedelta(hours=2),
                            at + datetime.timedelta(days=5) if a_status == "done" else None,
                            "",
                        )
                    )
                    if role == "lead":
                        lead_handler = handler
                dir_rows.append(
                    (
                        rec_id,
                        leader,
                        f"Giao {extra_rng.choice(['chuyên viên', 'bộ phận chuyên môn'])} tham mưu, xử lý; "
                        "báo cáo kết quả trước hạn.",
                        directed,
                    )
                )
                aud_rows.append((leader, "directed", "incomingrecord", rec_id, directed, "{}"))
                aud_rows.append((leader, "assigned", "incomingrecord", rec_id, directed, '{"role": "lead"}'))
                aud_rows.append(
                    (
                        lead_handler,
                        "opened",
                        "incomingrecord",
                        rec_id,
                        directed + datetime.timedelta(minutes=extra_rng.randint(5, 600)),
                        "{}",
                    )
                )
                if status == "done":
                    aud_rows.append(
                        (lead_handler, "completed", "incomingrecord", rec_id, at + datetime.timedelta(days=5), "{}")
                    )
        if len(doc_rows) >= 20_000 or i == n_docs - 1:
            with transaction.atomic():
                _flush_registers(registers, written)
                copy_rows("documents_document", doc_cols, doc_rows)
                copy_rows("documents_incomingrecord", rec_cols, rec_rows)
                copy_rows("documents_assignment", asg_cols, asg_rows)
                copy_rows("documents_delivery", dlv_cols, dlv_rows)
                copy_rows("documents_direction", ["record_id", "author_id", "text", "created_at"], dir_rows)
                copy_rows(
                    "documents_auditevent", ["actor_id", "verb", "object_type", "object_id", "at", "data"], aud_rows
                )
            progress.step(len(doc_rows))
            counts["documents"] = counts.get("documents", 0) + len(doc_rows)
            counts["incoming"] = counts.get("incoming", 0) + len(rec_rows)
            counts["assignments"] = counts.get("assignments", 0) + len(asg_rows)
            counts["deliveries"] = counts.get("deliveries", 0) + len(dlv_rows)
            counts["audit_events"] = counts.get("audit_events", 0) + len(aud_rows)
            doc_rows, rec_rows, asg_rows, dlv_rows, dir_rows, aud_rows = [], [], [], [], [], []
    progress.finish()
    _flush_registers(registers, written, final=True)

    # --- access events, day by day in time order --------------------------------------------------------
    working = WorkCalendar(datetime.date(first_year, 1, 1), today).working_days(datetime.date(first_year, 1, 1), today)
    per_day = max(1, sizes.access_events // max(len(working), 1))
    user_unit = [(u[0], u[2]) for u in users]
    progress = Progress("access events", per_day * len(working))

    with transaction.atomic():
        columns = ["user_id", "unit_id", "at", "kind"]
        if connection.vendor == "postgresql":
            lines = access_event_lines(rng, working, per_day, user_unit)
            counts["access_events"] = copy_text("accounts_accessevent", columns, lines, progress)
        else:
            counts["access_events"] = copy_rows(
                "accounts_accessevent", columns, access_events(rng, working, per_day, user_unit), progress
            )
    progress.finish()
    reset_sequences(
        [
            "units_unit",
            "accounts_user",
            "documents_document",
            "documents_register",
            "documents_incomingrecord",
            "documents_assignment",
            "documents_delivery",
            "documents_direction",
            "documents_auditevent",
            "accounts_accessevent",
        ]
    )
    return counts


def _flush_registers(registers: dict, written: set[int], final: bool = False) -> None:
    """Insert registers the first time they are seen; at the end, store each one's last number."""
    fresh = [
        (rid, unit, year, kind, False, last)
        for (unit, year, kind), (rid, last) in registers.items()
        if rid not in written
    ]
    if fresh:
        copy_rows("documents_register", ["id", "unit_id", "year", "kind", "confidential", "last_number"], fresh)
        written.update(r[0] for r in fresh)
    if final:
        with connection.cursor() as cursor:
            cursor.executemany(
                "UPDATE documents_register SET last_number = %s WHERE id = %s",
                [(last, rid) for (rid, last) in registers.values()],
            )
