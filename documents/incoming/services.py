"""State changes of incoming records. One function per action: a transaction, a permission check, an audit event.

Business-rule violations raise ServiceError (a ValidationError with a Vietnamese message); a permission
failure raises PermissionDenied, or Http404 when the object is hidden from the user.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from documents.core import audit, files, liaison, notify, roles
from documents.core import policy as core_policy
from documents.core.models import (
    AssignmentRole,
    AuditEvent,
    Delivery,
    DeliveryStatus,
    Document,
    DocumentFile,
    RegisterKind,
)
from documents.core.registers import NEXT_NUMBER_SQL, NumberingAtomic, register_row, take_number
from documents.core.services import ServiceError, grant_confidential
from documents.incoming import directions, policy, selectors
from documents.incoming.directions import AssignmentSpec, check_specs, create_assignments
from documents.incoming.models import (
    Assignment,
    AssignmentStatus,
    Direction,
    IncomingRecord,
    IncomingStatus,
    NoteFile,
    ProgressNote,
)
from units.models import Unit
from units.text import fold


class DuplicateDocument(ServiceError):
    """NĐ30: warn before registering a document the unit already has; the clerk may confirm it is another one.

    `existing` holds the duplicates the clerk may see; `hidden` those in the confidential register the clerk
    holds no grant on, which are never named (their holders are told instead)."""

    def __init__(self, existing: Sequence[IncomingRecord], hidden: Sequence[IncomingRecord] = ()):
        self.existing, self.hidden = list(existing), list(hidden)
        if self.existing:
            first = self.existing[0]
            message = _(
                "Văn bản này có thể đã được vào sổ: số đến %(n)s ngày %(d)s. "
                "Nếu đúng là văn bản khác, hãy xác nhận để vào sổ."
            ) % {"n": first.arrival_number, "d": timezone.localtime(first.arrived_at).strftime("%d/%m/%Y")}
        else:
            message = _(
                "Văn bản này có thể trùng với một văn bản trong sổ văn bản mật của đơn vị; người được giao giữ "
                "văn bản đó đã được báo. Nếu đúng là văn bản khác, hãy xác nhận để vào sổ."
            )
        super().__init__(message, code="duplicate")

    @classmethod
    def seen_by(cls, clerk: User, duplicates: Sequence[IncomingRecord]) -> DuplicateDocument:
        """The warning as the policy lets this clerk see it."""
        visible = set(policy.visible_to(clerk).filter(pk__in=[r.pk for r in duplicates]).values_list("pk", flat=True))
        return cls([r for r in duplicates if r.pk in visible], [r for r in duplicates if r.pk not in visible])


def _tell_holders(clerk: User, refused: DuplicateDocument) -> None:
    """A clerk without a grant nearly registered a confidential record again: its holders are told (after the
    refused registration's transaction, which wrote nothing)."""
    for record in refused.hidden:
        notify.later("confidential_duplicate", record_id=record.pk, user_id=clerk.pk)


# --- Registering incoming documents --------------------------------------------------------------------------


@dataclass
class IncomingData:
    """What the clerk types from the paper (or what an electronic arrival carries)."""

    issuer_name: str
    summary: str
    issuer_unit: Unit | None = None
    number_symbol: str = ""
    issued_date: datetime.date | None = None
    doc_type: str = "cv"
    signer_name: str = ""
    urgency: int = 0
    secrecy: int = 0
    pages: int | None = None
    due_date: datetime.date | None = None
    note: str = ""
    uploads: list = field(default_factory=list)


def _normalise_symbol(symbol: str) -> str:
    return fold(symbol).replace(" ", "")


def find_duplicates(unit: Unit, data: IncomingData) -> list[IncomingRecord]:
    """Records of the unit with the same issuing body, number-symbol and date (NĐ30 duplicate warning)."""
    if not data.number_symbol:
        return []
    candidates = IncomingRecord.objects.filter(unit=unit, document__issued_date=data.issued_date).select_related(
        "document"
    )
    wanted_symbol = _normalise_symbol(data.number_symbol)
    wanted_issuer = fold(data.issuer_unit.name if data.issuer_unit else data.issuer_name)
    return [
        r
        for r in candidates
        if _normalise_symbol(r.document.number_symbol) == wanted_symbol
        and (
            (data.issuer_unit is not None and r.document.issuer_unit_id == data.issuer_unit.pk)
            or fold(r.document.issuer_name) == wanted_issuer
        )
    ]


def _check_incoming_dates(data: IncomingData, arrival: datetime.date) -> None:
    errors = {}
    if data.issued_date and data.issued_date > arrival:
        errors["issued_date"] = _("Ngày tháng văn bản không thể sau ngày đến (%(d)s).") % {
            "d": arrival.strftime("%d/%m/%Y")
        }
    if data.due_date and data.due_date < arrival:
        errors["due_date"] = _("Hạn xử lý không thể trước ngày đến (%(d)s).") % {"d": arrival.strftime("%d/%m/%Y")}
    if errors:
        raise ServiceError(errors)


# The number, the record carrying it and the record's audit event in one statement (PostgreSQL; SQLite takes one
# writer at a time anyway and saves them one by one).
_NUMBERED_RECORD = """\
WITH n AS ({next_number}),
r AS (INSERT INTO {record} ({record_columns}) SELECT {record_values} FROM n RETURNING id, register_id, arrival_number),
a AS (INSERT INTO {audit} ({audit_columns}) SELECT {audit_values} FROM r)
SELECT id, register_id, arrival_number FROM r
"""


def _insert_parts(obj, computed: dict[str, str], connection) -> tuple[str, str, list]:
    """Columns, values and parameters that insert the unsaved `obj`, except that the `computed` columns take an SQL
    expression (a %s in it stands for the field's own value)."""
    columns, values, params = [], [], []
    for f in obj._meta.concrete_fields:
        if f.primary_key:
            continue
        columns.append(connection.ops.quote_name(f.column))
        expression = computed.get(f.attname, "%s")
        values.append(expression)
        if "%s" in expression:
            params.append(f.get_db_prep_save(f.pre_save(obj, add=True), connection))
    return ", ".join(columns), ", ".join(values), params


def _insert_numbered(record: IncomingRecord, event: AuditEvent, last: NumberingAtomic | None = None) -> None:
    """Insert `record` with the next số đến of its unit's register for its year, and `event` about it (its data
    gets the number too). Every other write of the transaction should come before this; with `last`, it is the
    block's last statement and the record gets its id and number once the block has ended."""
    connection = transaction.get_connection()
    key = (record.unit_id, record.year, RegisterKind.INCOMING, record.confidential)

    def numbered(row: tuple) -> None:
        record.pk, register_id, record.arrival_number = row
        record._state.adding, record._state.db = False, connection.alias
        record.register = register_row(register_id, *key, record.arrival_number)

    if connection.vendor != "postgresql":
        register, number = take_number(Unit(pk=record.unit_id), record.year, key[2], key[3])
        record.register, record.arrival_number = register, number
        record.save(force_insert=True)
        event.object_id, event.data = record.pk, {**event.data, "arrival_number": number}
        event.save(force_insert=True)
        return
    record_columns, record_values, record_params = _insert_parts(
        record, {"register_id": "n.id", "arrival_number": "n.last_number"}, connection
    )
    audit_columns, audit_values, audit_params = _insert_parts(
        event, {"object_id": "r.id", "data": "%s || jsonb_build_object('arrival_number', r.arrival_number)"}, connection
    )
    sql = _NUMBERED_RECORD.format(
        next_number=NEXT_NUMBER_SQL,
        record=IncomingRecord._meta.db_table,
        record_columns=record_columns,
        record_values=record_values,
        audit=AuditEvent._meta.db_table,
        audit_columns=audit_columns,
        audit_values=audit_values,
    )
    params = [*key, *record_params, *audit_params]
    if last is not None:
        last.execute_last(sql, params, numbered)
        return
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        numbered(cursor.fetchone())


def _create_record(
    *,
    clerk: User,
    document: Document,
    due_date,
    note: str,
    arrived_at: datetime.datetime,
    verb: str,
    last: NumberingAtomic | None = None,
    **event_data,
) -> IncomingRecord:
    """The incoming record of `document` in the clerk's unit, with its number and its audit event (`verb`); with
    `last`, as the last statement of that block (the record is complete once the block has ended)."""
    grant_confidential([clerk], document)
    record = IncomingRecord(
        document=document,
        unit_id=clerk.unit_id,
        year=timezone.localtime(arrived_at).year,
        arrived_at=arrived_at,
        due_date=due_date,
        note=note,
        registered_by=clerk,
        urgency=document.urgency,
        secrecy=document.secrecy,
    )
    event = audit.event(clerk, verb, record, **event_data)  # its object_id comes with the record's insert
    _insert_numbered(record, event, last)
    return record


def attach_files(document: Document, uploads: Iterable, by: User) -> list[DocumentFile]:
    attached = []
    for upload in uploads:
        files.validate_upload(upload)
        blob = files.store(upload)
        attached.append(DocumentFile.objects.create(document=document, blob=blob, name=upload.name[:255], added_by=by))
    return attached


def register_incoming(
    *, clerk: User, data: IncomingData, confirm_duplicate: bool = False, notice: Delivery | None = None
) -> IncomingRecord:
    """Vào sổ a paper (or e-mail) arrival: the next số đến of the unit's register for the year; confidential
    documents go to the separate confidential register. With `notice` (a classified document's paper-only
    delivery announced in Chờ vào sổ), the paper copy it announced: the notice is closed in the same transaction."""
    policy.records.require_for_unit(clerk, policy.REGISTER)
    now = timezone.now()
    _check_incoming_dates(data, timezone.localdate(now))
    try:
        if notice is None:
            record = _register_incoming(clerk, data, confirm_duplicate, now)
        else:
            with transaction.atomic():  # the outer block: numbering runs inside it, then the notice is closed
                locked = _lock_paper_notice(clerk, notice)
                record = _register_incoming(clerk, data, confirm_duplicate, now)
                Delivery.objects.filter(pk=locked.pk).update(record=record, status=DeliveryStatus.REGISTERED)
                audit.record(clerk, "paper_notice_registered", locked)
    except DuplicateDocument as refused:
        _tell_holders(clerk, refused)
        raise
    # Every PDF that arrives is verified (issue 16), after the commit: reading the files takes no register lock.
    if data.uploads:  # a registration without files (paper kept on paper) asks nothing more
        from documents.signing import intake

        intake.verify_files(record.document.files.select_related("blob"))
    notify.later("incoming_registered", record_id=record.pk)
    return record


def _register_incoming(clerk: User, data: IncomingData, confirm_duplicate: bool, now) -> IncomingRecord:
    with NumberingAtomic() as block:
        if not confirm_duplicate:
            duplicates = find_duplicates(clerk.unit, data)
            if duplicates:
                raise DuplicateDocument.seen_by(clerk, duplicates)
        document = Document.objects.create(
            issuer_unit=data.issuer_unit,
            issuer_name=data.issuer_unit.name if data.issuer_unit else data.issuer_name.strip(),
            doc_type=data.doc_type,
            number_symbol=data.number_symbol.strip(),
            issued_date=data.issued_date,
            summary=data.summary.strip(),
            signer_name=data.signer_name.strip(),
            urgency=data.urgency,
            secrecy=data.secrecy,
            pages=data.pages,
            created_by=clerk,
        )
        attach_files(document, data.uploads, clerk)
        record = _create_record(
            clerk=clerk,
            document=document,
            due_date=data.due_date,
            note=data.note,
            arrived_at=now,
            verb="registered",
            last=block,
            confirmed_duplicate=confirm_duplicate,
        )
    return record


def _lock_paper_notice(clerk: User, notice: Delivery) -> Delivery:
    locked = selectors.paper_notices(clerk).select_for_update(of=("self",)).filter(pk=notice.pk).first()
    if locked is None:
        raise ServiceError(_("Thông báo văn bản mật này đã được vào sổ hoặc không còn chờ vào sổ."))
    return locked


def open_delivery(*, clerk: User, delivery: Delivery) -> None:
    """The receiving clerk looked at an electronic arrival (the sender sees 'đã xem', by whom and when)."""
    if not core_policy.deliveries.can(clerk, core_policy.RECEIVE, delivery) or delivery.opened_at is not None:
        return
    with transaction.atomic():
        updated = Delivery.objects.filter(pk=delivery.pk, opened_at__isnull=True).update(
            opened_at=timezone.now(), opened_by=clerk, status=DeliveryStatus.OPENED
        )
        if updated:
            audit.record(clerk, "delivery_opened", delivery)
    delivery.refresh_from_db()


def register_delivery(
    *, clerk: User, delivery: Delivery, due_date=None, note: str = "", confirm_duplicate: bool = False
) -> IncomingRecord:
    """Vào sổ an electronic arrival: its metadata and files come with it; the sender is told at once."""
    try:
        record = _register_delivery(clerk, delivery, due_date, note, confirm_duplicate)
    except DuplicateDocument as refused:
        _tell_holders(clerk, refused)
        raise
    notify.later("receipt", delivery_id=delivery.pk)
    notify.later("incoming_registered", record_id=record.pk)
    return record


def _register_delivery(clerk: User, delivery: Delivery, due_date, note: str, confirm_duplicate: bool):
    with transaction.atomic():
        delivery = Delivery.objects.select_for_update().select_related("document").get(pk=delivery.pk)
        # By unit: a delivery no longer waiting is refused below with its own message, not a bare 403.
        core_policy.deliveries.require_for_unit(clerk, core_policy.RECEIVE, delivery.recipient_unit_id)
        if delivery.status not in (DeliveryStatus.SENT, DeliveryStatus.OPENED):
            raise ServiceError(_("Văn bản này đã được xử lý (%(s)s).") % {"s": delivery.get_status_display()})
        document = delivery.document
        now = timezone.now()
        _check_incoming_dates(IncomingData(issuer_name="", summary="", due_date=due_date), timezone.localdate(now))
        if not confirm_duplicate:
            # The same Document, or its paper copy typed in by hand earlier (same issuer, number-symbol, date).
            same = IncomingRecord.objects.filter(unit=clerk.unit, document=document)
            duplicates = list(same) or find_duplicates(
                clerk.unit,
                IncomingData(
                    issuer_name=document.issuer_name,
                    issuer_unit=document.issuer_unit,
                    summary=document.summary,
                    number_symbol=document.number_symbol,
                    issued_date=document.issued_date,
                ),
            )
            if duplicates:
                raise DuplicateDocument.seen_by(clerk, duplicates)
        from_peer = liaison.came_from_peer(delivery)  # before the number: the register stays locked briefly
        record = _create_record(
            clerk=clerk,
            document=document,
            due_date=due_date,
            note=note,
            arrived_at=now,
            verb="received",
            delivery_id=delivery.pk,
        )
        # These two name the record, so they follow its number (and run while the register is locked).
        delivery.status = DeliveryStatus.REGISTERED
        delivery.record = record
        if delivery.opened_at is None:
            delivery.opened_at, delivery.opened_by = now, clerk
        delivery.save(update_fields=["status", "record", "opened_at", "opened_by"])
        audit.record(clerk, "received", delivery, arrival_number=record.arrival_number, record_id=record.pk)
        if from_peer:
            liaison.status_changed(delivery, "03", _("Đã vào sổ, số đến %(n)s") % {"n": record.arrival_number})
    return record


def return_delivery(*, clerk: User, delivery: Delivery, reason: str) -> Delivery:
    """Trả lại a wrong or invalid electronic document to its sender, with the reason."""
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError({"reason": _("Hãy nêu lý do trả lại văn bản.")})
    with transaction.atomic():
        delivery = Delivery.objects.select_for_update().get(pk=delivery.pk)
        if not core_policy.deliveries.can(clerk, core_policy.RECEIVE, delivery):
            raise PermissionDenied
        delivery.status = DeliveryStatus.RETURNED
        delivery.returned_reason = reason
        delivery.returned_at = timezone.now()
        delivery.save(update_fields=["status", "returned_reason", "returned_at"])
        audit.record(clerk, "returned", delivery, reason=reason)
        liaison.status_changed(delivery, "02", reason)
    notify.later("receipt", delivery_id=delivery.pk)
    return delivery


# --- Submit, direct, assign ------------------------------------------------------------------------------


def _locked(record: IncomingRecord) -> IncomingRecord:
    return IncomingRecord.objects.select_for_update().get(pk=record.pk)


def submit(*, clerk: User, record: IncomingRecord, leader: User, note: str = "") -> IncomingRecord:
    """Trình: put the record before a leader of the unit."""
    with transaction.atomic():
        record = _locked(record)
        policy.require(clerk, "submit", record)
        if not (roles.leads_unit(leader) and leader.unit_id == record.unit_id):
            raise ServiceError({"leader": _("Chỉ trình được lãnh đạo của đơn vị.")})
        record.status = IncomingStatus.SUBMITTED
        record.submitted_to = leader
        record.submitted_at = timezone.now()
        record.save(update_fields=["status", "submitted_to", "submitted_at"])
        grant_confidential([leader], record.document)
        audit.record(clerk, "submitted", record, to=leader.full_name, to_id=leader.pk, note=note)
    notify.later("submitted", record_id=record.pk, user_id=leader.pk)
    return record


def forward(*, leader: User, record: IncomingRecord, to_leader: User, note: str = "") -> IncomingRecord:
    """Chuyển: a leader passes the record to another leader of the unit."""
    with transaction.atomic():
        record = _locked(record)
        policy.require(leader, "forward", record)
        if to_leader.pk == leader.pk or not (roles.leads_unit(to_leader) and to_leader.unit_id == record.unit_id):
            raise ServiceError({"to_leader": _("Hãy chọn một lãnh đạo khác của đơn vị.")})
        record.submitted_to = to_leader
        record.submitted_at = timezone.now()
        record.save(update_fields=["submitted_to", "submitted_at"])
        grant_confidential([to_leader], record.document)
        audit.record(leader, "forwarded", record, to=to_leader.full_name, to_id=to_leader.pk, note=note)
    notify.later("submitted", record_id=record.pk, user_id=to_leader.pk)
    return record


def direct(*, leader: User, record: IncomingRecord, text: str, assignments: Sequence[AssignmentSpec]) -> IncomingRecord:
    """Bút phê and phân công: one chủ trì, any phối hợp and để biết, each with a deadline."""
    text = (text or "").strip()
    if not text:
        raise ServiceError({"text": _("Hãy ghi ý kiến chỉ đạo.")})
    with transaction.atomic():
        record = _locked(record)
        policy.require(leader, "direct", record)
        check_specs(leader, record, assignments)
        Direction.objects.create(record=record, author=leader, text=text)
        audit.record(leader, "directed", record, text=text)
        liaison.record_changed(record, "04")
        created = create_assignments(leader, record, assignments)
        # Other units receive it through their clerk, with the comment (issue 15).
        directions.send_to_units(leader, record, created)
        record.status = IncomingStatus.IN_PROGRESS
        record.save(update_fields=["status"])
        directions.report_progress(record)
    for assignment in created:
        notify.later("assigned", assignment_id=assignment.pk)
    return record


def delegate(*, head: User, assignment: Assignment, to_user: User) -> Assignment:
    """A unit assigned to handle the record: its head gives the work to one of its people."""
    with transaction.atomic():
        assignment = Assignment.objects.select_for_update().select_related("record").get(pk=assignment.pk)
        record = assignment.record
        policy.require(head, policy.DELEGATE, record)  # only the head of a unit the record is assigned to
        # Which assignment: one to the head's own unit, still undelegated and open.
        if not (
            assignment.assignee_unit_id == head.unit_id
            and assignment.assignee_user_id is None
            and assignment.delivery_id is None  # sent to the unit's clerk: handled on the unit's own record
            and assignment.status != AssignmentStatus.DONE
        ):
            raise PermissionDenied
        if to_user.unit_id != head.unit_id or not to_user.is_active:
            raise ServiceError({"to_user": _("Chỉ giao được cho người của đơn vị mình.")})
        assignment.assignee_user = to_user
        assignment.save(update_fields=["assignee_user"])
        grant_confidential([to_user], record.document)
        audit.record(head, "delegated", record, role=assignment.role, to=to_user.full_name, to_id=to_user.pk)
    notify.later("delegated", assignment_id=assignment.pk)
    return assignment


# --- Handling ---------------------------------------------------------------------------------------------


def open_record(*, user: User, record: IncomingRecord) -> None:
    """Read receipt: the first time a user opens a record (and their assignments' first-opened time)."""
    if not policy.can(user, policy.VIEW, record):
        raise Http404
    now = timezone.now()
    mine = [
        a.pk
        for a in record.assignments.all()
        if a.first_opened_at is None
        and (
            a.assignee_user_id == user.pk
            or (a.assignee_user_id is None and a.assignee_unit_id == user.unit_id and roles.leads_unit(user))
        )
    ]
    opened = AuditEvent.objects.filter(object_type="incomingrecord", object_id=record.pk, verb="opened", actor=user)
    if not mine and opened.exists():
        return  # opened before: nothing to write (most views of a page), so no transaction either
    with transaction.atomic():
        if mine:
            Assignment.objects.filter(pk__in=mine).update(first_opened_at=now)
        if not opened.exists():
            audit.record(user, "opened", record)


def add_note(*, user: User, record: IncomingRecord, text: str, uploads: Sequence = ()) -> ProgressNote:
    """Tiến độ: a handler writes what was done, with files."""
    text = (text or "").strip()
    if not text:
        raise ServiceError({"text": _("Hãy nhập nội dung tiến độ.")})
    with transaction.atomic():
        record = _locked(record)
        policy.require(user, "note", record)
        mine = policy.handler_assignments(user, record)
        note = ProgressNote.objects.create(record=record, assignment=mine[0] if mine else None, author=user, text=text)
        attached = []
        for upload in uploads:
            files.validate_upload(upload)
            attached.append(NoteFile.objects.create(note=note, blob=files.store(upload), name=upload.name[:255]))
        Assignment.objects.filter(pk__in=[a.pk for a in mine], status=AssignmentStatus.PENDING).update(
            status=AssignmentStatus.IN_PROGRESS
        )
        audit.record(user, "noted", record, text=text[:500], files=[f.name for f in attached])
        liaison.record_changed(record, "05")
        directions.report_progress(record)
    return note


def complete(
    *, user: User, record: IncomingRecord, result: str, reply_document: Document | None = None
) -> IncomingRecord:
    """The chủ trì marks the work done with its result; the record is then done."""
    result = (result or "").strip()
    if not result:
        raise ServiceError({"result": _("Hãy nêu kết quả xử lý.")})
    with transaction.atomic():
        record = _locked(record)
        policy.require(user, "complete", record)
        now = timezone.now()
        lead = record.assignments.get(role=AssignmentRole.LEAD)
        lead.status = AssignmentStatus.DONE
        lead.completed_at = now
        lead.result = result
        lead.reply_document = reply_document
        lead.save(update_fields=["status", "completed_at", "result", "reply_document"])
        # The record is done: phối hợp and để biết close with it, so nobody's task list keeps a finished job.
        record.assignments.exclude(pk=lead.pk).exclude(status=AssignmentStatus.DONE).update(
            status=AssignmentStatus.DONE, completed_at=now
        )
        record.status = IncomingStatus.DONE
        record.completed_at = now
        record.save(update_fields=["status", "completed_at"])
        audit.record(user, "completed", record, result=result[:500])
        liaison.record_changed(record, "06")
        # A unit's record of a directed document: the district sees the unit's part done.
        district = directions.report_done(user, record, result, now)
    notify.later("completed", record_id=record.pk)
    if district is not None:
        notify.later("completed", record_id=district.pk)
    return record


def grant_access(*, granter: User, record: IncomingRecord, users: Sequence[User]) -> None:
    """Cấp quyền xem a confidential document to named people."""
    with transaction.atomic():
        policy.require(granter, "grant", record)
        grant_confidential(users, record.document)
        audit.record(granter, "granted", record, to=[u.full_name for u in users])


def remind(*, leader: User, record: IncomingRecord, assignment: Assignment) -> None:
    """Đôn đốc by hand: a leader chases an open assignment."""
    policy.require(leader, policy.REMIND, record)
    if assignment.record_id != record.pk or assignment.status == AssignmentStatus.DONE:
        raise ServiceError(_("Phân công này đã xong hoặc không thuộc văn bản."))
    with transaction.atomic():
        audit.record(leader, "reminded", record, assignee=assignment.assignee_label)
    notify.later("reminder", assignment_id=assignment.pk, user_id=leader.pk)
