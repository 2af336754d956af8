"""Reads of documents: lists, inboxes, counts and details, each with a known, constant number of queries."""

from __future__ import annotations

import datetime
import functools
import re
import unicodedata
from dataclasses import dataclass

from django.db import connection
from django.db.models import Case, Exists, IntegerField, OuterRef, Prefetch, Q, QuerySet, When
from django.utils import timezone

from accounts.models import Role, User
from documents.core import policy as core_policy
from documents.core import roles
from documents.core.models import (
    AssignmentRole,
    AuditEvent,
    Delivery,
    DeliveryStatus,
    Document,
    DocumentUserObjectPermission,
)
from documents.core.selectors import Row
from documents.incoming import policy
from documents.incoming.models import (
    Assignment,
    AssignmentStatus,
    Direction,
    IncomingRecord,
    IncomingStatus,
    ProgressNote,
)
from units.text import fold

# Inbox boxes (Văn bản đến tabs). "so" is the unit's register.
BOXES = {
    "so": "Sổ văn bản đến",
    "cho_xu_ly": "Chờ xử lý",
    "dang_xu_ly": "Đang xử lý",
    "qua_han": "Quá hạn",
    "da_xong": "Đã xong",
    "de_biet": "Để biết",
}

SORTS = {
    "so_den": ("-year", "-arrival_number"),
    "ngay_den": ("-arrived_at", "-id"),
    "han": ("due_date", "-arrived_at"),
    "ngay_vb": ("-document__issued_date", "-arrived_at"),
}


def my_assignments(user: User) -> Q:
    """Assignments I hold: to me, or to my unit while undelegated when I lead it."""
    mine = Q(assignee_user_id=user.pk)
    if roles.leads_unit(user):
        mine |= Q(assignee_unit_id=user.unit_id, assignee_user__isnull=True)
    return mine


def _assignment_records(user: User, **filters) -> QuerySet:
    return Assignment.objects.filter(my_assignments(user), **filters).order_by().values("record_id")


def box_filter(user: User, box: str, today: datetime.date) -> Q | None:
    """A tab of the inbox as `id IN (subquery)`: the subquery holds every condition, so the database starts from
    the few records of the tab instead of testing each record the user may see."""
    handling = {"role__in": [AssignmentRole.LEAD, AssignmentRole.COOPERATE]}
    if box == "cho_xu_ly":
        waiting = [
            IncomingRecord.objects.filter(submitted_to_id=user.pk, status=IncomingStatus.SUBMITTED)
            .order_by()
            .values("pk"),
            _assignment_records(
                user, status=AssignmentStatus.PENDING, record__status=IncomingStatus.IN_PROGRESS, **handling
            ),
        ]
        if roles.is_clerk(user):
            # The clerk's own next step: registered records not yet submitted (trình) to a leader.
            waiting.append(
                IncomingRecord.objects.filter(unit_id=user.unit_id, status=IncomingStatus.REGISTERED)
                .order_by()
                .values("pk")
            )
        first, *others = waiting
        return Q(pk__in=first.union(*others, all=True))
    if box == "dang_xu_ly":
        return Q(
            pk__in=_assignment_records(
                user, status=AssignmentStatus.IN_PROGRESS, record__status=IncomingStatus.IN_PROGRESS, **handling
            )
        )
    if box == "qua_han":
        return Q(
            pk__in=_assignment_records(user, due_date__lt=today, record__status=IncomingStatus.IN_PROGRESS, **handling)
            .exclude(status=AssignmentStatus.DONE)
            .values("record_id")
        )
    if box == "da_xong":
        return Q(pk__in=_assignment_records(user, record__status=IncomingStatus.DONE, **handling))
    if box == "de_biet":
        return Q(pk__in=_assignment_records(user, role=AssignmentRole.INFORM))
    return None


def default_box(user: User) -> str:
    return "so" if roles.sees_unit_register(user) else "cho_xu_ly"


@dataclass
class IncomingFilters:
    box: str = "so"
    q: str = ""
    status: str = ""
    urgency: int | None = None
    secrecy: str = ""  # "" all, "mat" confidential only, "thuong" non-confidential
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    issuer: str = ""
    doc_type: str = ""
    assignee: str = ""  # unit code or username
    overdue: bool = False
    sort: str = "ngay_den"

    @property
    def narrowed(self) -> bool:
        """Any condition beyond the tab itself (then the tab's count is not the list's)."""
        return bool(
            self.q
            or self.status
            or self.urgency is not None
            or self.secrecy
            or self.date_from
            or self.date_to
            or self.issuer
            or self.doc_type
            or self.assignee
            or self.overdue
        )


def incoming_list(user: User, filters: IncomingFilters) -> QuerySet[IncomingRecord] | SearchResults:
    """The rows of a Văn bản đến list. Urgent documents always first; then the chosen order."""
    # A recalled document is withdrawn from every list (its notice waits for the clerk's acknowledgement). The
    # few recalled documents come from their own index: joining every row to its document just to check would
    # cost a lookup per row of the register.
    recalled = Document.objects.filter(recalled_at__isnull=False).values("pk")
    return filter_incoming(_scope(user, filters.box).exclude(document_id__in=recalled), user, filters)


def _scope(user: User, box: str) -> QuerySet[IncomingRecord]:
    """What a list starts from: an inbox tab holds only the user's own relations and the register only the
    unit's records, so of the policy each needs just the confidentiality rule (cheaper to build and to run than
    the union of every relation); a search or any other list takes visible_to whole."""
    if box in BOXES and box != "so":
        return policy.relations_visible_to(user)
    if box == "so" and roles.sees_unit_register(user):
        return policy.unit_register_visible_to(user)
    return policy.visible_to(user)


def filter_incoming(
    qs: QuerySet[IncomingRecord], user: User, filters: IncomingFilters
) -> QuerySet[IncomingRecord] | SearchResults:
    """A list's filters and order on records already scoped to what the user may see."""
    today = timezone.localdate()
    box = box_filter(user, filters.box, today)
    if box is not None:
        qs = qs.filter(box)
    elif filters.box == "so" and roles.sees_unit_register(user):
        qs = qs.filter(unit_id=user.unit_id)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.urgency is not None:
        qs = qs.filter(urgency=filters.urgency)
    if filters.secrecy == "mat":
        qs = qs.filter(secrecy__gt=0)
    elif filters.secrecy == "thuong":
        qs = qs.filter(secrecy=0)
    if filters.date_from:
        qs = qs.filter(arrived_at__date__gte=filters.date_from)
    if filters.date_to:
        qs = qs.filter(arrived_at__date__lte=filters.date_to)
    if filters.issuer:
        qs = qs.filter(document__issuer_key__contains=fold(filters.issuer))
    if filters.doc_type:
        qs = qs.filter(document__doc_type=filters.doc_type)
    if filters.assignee:
        qs = qs.filter(
            pk__in=Assignment.objects.filter(
                Q(assignee_unit__code=filters.assignee) | Q(assignee_user__username=filters.assignee)
            ).values("record_id")
        )
    if filters.overdue:
        qs = qs.filter(
            pk__in=Assignment.objects.filter(due_date__lt=today)
            .exclude(status=AssignmentStatus.DONE)
            .exclude(role=AssignmentRole.INFORM)
            .values("record_id"),
            status=IncomingStatus.IN_PROGRESS,
        )
    opened = AuditEvent.objects.filter(
        object_type="incomingrecord", object_id=OuterRef("pk"), verb="opened", actor_id=user.pk
    )
    order = SORTS.get(filters.sort, SORTS["ngay_den"])

    def shown(records: QuerySet[IncomingRecord]) -> QuerySet[IncomingRecord]:
        return records.select_related("document").annotate(seen=Exists(opened)).order_by("-urgency", *order)

    if filters.q:
        # The search reads a page of few matches by their ids (found within qs): from the bare table.
        return search(shown(qs), filters.q, by_ids=shown(IncomingRecord.objects.all()))
    return shown(qs)


# (get_status_display() rebuilds the choices' dict at every call: a quarter of the rows' cost.)
_STATUS_LABELS = dict(IncomingStatus.choices)


def incoming_rows(records) -> list[Row]:
    """The Văn bản đến table's rows (documents/incoming/_table.html): what it shows of each record, read once.
    (Rendering the rows from model instances cost 6.1 ms for 50; from these, 3.7 ms.)"""
    rows = []
    for r in records:
        d = r.document
        rows.append(
            Row(
                pk=r.pk,
                arrival_number=r.arrival_number,
                arrived_at=r.arrived_at,
                urgency=r.urgency,
                secrecy=r.secrecy,
                status=r.status,
                get_status_display=_STATUS_LABELS.get(r.status, r.status),
                due_date=r.due_date,
                seen=r.seen,
                document=Row(
                    number_symbol=d.number_symbol,
                    issued_date=d.issued_date,
                    issuer_name=d.issuer_name,
                    summary=d.summary,
                ),
            )
        )
    return rows


SEARCH_COUNT_CAP = 1000
SMALL_SEARCH = 200  # up to this many matches a search is ranked and sorted in one query


def search(qs: QuerySet[IncomingRecord], q: str, by_ids: QuerySet[IncomingRecord] | None = None) -> SearchResults:
    """The records of qs whose document matches q without regard to diacritics (số, ký hiệu, trích yếu, cơ quan
    ban hành), in qs's order.

    Folding makes "năm" and "Nam" the same word, so when q carries diacritics the documents that hold q as typed
    (in the trích yếu or the issuer) come first: "quảng nam" lists Quảng Nam before "Tuyên Quang năm 2024".
    """
    typed = unicodedata.normalize("NFC", " ".join(q.split()))
    key = fold(typed)
    qs = qs.filter(document__search_key__contains=key)
    by_ids = qs if by_ids is None else by_ids
    if key == typed.lower():
        return SearchResults(qs, [qs], by_ids=by_ids)
    # A regular expression rather than icontains: PostgreSQL estimates `summary ~* …` from the column's
    # statistics (UPPER(summary) LIKE … has none, so it guessed a handful of rows and sorted 80,000).
    pattern = re.escape(typed)
    as_typed = (
        Q(document__summary__iregex=pattern)
        | Q(document__issuer_name__iregex=pattern)
        | Q(document__number_symbol__iregex=pattern)
    )

    def rank(records: QuerySet[IncomingRecord]) -> QuerySet[IncomingRecord]:
        exact = Case(When(as_typed, then=1), default=0, output_field=IntegerField())
        return records.annotate(exact=exact).order_by("-exact", *qs.query.order_by)

    return SearchResults(qs, [qs.filter(as_typed), qs.exclude(as_typed)], by_ids=rank(by_ids))


class SearchResults:
    """A search's rows for Paginator: its parts one after the other (exact matches, then the rest), each read a
    page at a time in the list's order, and counted up to SEARCH_COUNT_CAP.

    A common word matches a tenth of a province's million documents: sorting every match by rank, or counting
    them all, took seconds. Each part in list order is an index walk that stops after its page, the count
    stops at the cap (the list then says "more than 1,000" and asks for more words), and a part's own size is
    counted only when a page runs past its end."""

    ordered = True

    def __init__(
        self,
        whole: QuerySet[IncomingRecord],
        parts: list[QuerySet[IncomingRecord]],
        cap: int | None = None,
        *,
        by_ids: QuerySet[IncomingRecord],
    ):
        self.whole, self.parts = whole, parts
        self.by_ids = by_ids  # rows in the results' order, to be filtered to ids already found in `whole`
        self.cap = SEARCH_COUNT_CAP if cap is None else cap
        self._count: int | None = None
        self._few: list[int] | None = None  # every match's id, when there are few

    def _matches(self) -> int:
        if self._count is None:
            # First the ids of at most SMALL_SEARCH + 1 matches, in no order (a walk that stops early when there
            # are many). Few: they are all the matches, and the page is read by id, without a second search.
            ids = list(self.whole.order_by().values_list("pk", flat=True)[: SMALL_SEARCH + 1])
            if len(ids) <= SMALL_SEARCH:
                self._few, self._count = ids, len(ids)
            else:
                self._count = self.whole.order_by().values("pk")[: self.cap + 1].count()
        return self._count

    def count(self) -> int:
        return min(self._matches(), self.cap)

    @property
    def capped(self) -> bool:
        return self._matches() > self.cap

    def __len__(self) -> int:
        return self.count()

    def __iter__(self):
        return iter(self[: self.count()])

    def __getitem__(self, key):
        if isinstance(key, int):
            return self[key : key + 1][0]
        start, stop = key.start or 0, self.count() if key.stop is None else key.stop
        self._matches()
        if self._few is not None:
            # Few matches: rank and sort them all in one query by their ids rather than read each part.
            return list(self.by_ids.filter(pk__in=self._few)[start:stop]) if self._few else []
        rows: list[IncomingRecord] = []
        skip = start  # rows of this part before the slice
        for i, part in enumerate(self.parts):
            want = stop - start - len(rows)
            if want <= 0:
                break
            got = list(part[skip : skip + want])
            rows += got
            if len(got) == want or i == len(self.parts) - 1:
                break
            # This part ends inside the slice: its size says where the next one starts.
            size = skip + len(got) if got else part.order_by().values("pk")[:skip].count()
            skip = max(skip - size, 0)
        return rows


@functools.cache
def _tab_counts_sql() -> str:
    """Every inbox tab's count, the unit register's and the clerk's "Chờ vào sổ", as one statement.

    The same conditions as box_filter, _scope and core_policy.deliveries, written once more by hand: a
    page shows these counts on every request, and building and compiling a queryset per tab cost 6-7 ms of
    Python against 1-2 ms of SQL for all of them. tests/documents/test_visibility_shortcuts.py holds each count
    to its list (and to visible_to) for every persona of the permission matrix, so the two cannot drift apart
    silently. A recalled document is withdrawn from every list, so from the counts too."""
    record, assignment = IncomingRecord._meta.db_table, Assignment._meta.db_table
    grant = DocumentUserObjectPermission._meta.db_table
    document, delivery = Document._meta.db_table, Delivery._meta.db_table
    handling = f"('{AssignmentRole.LEAD}', '{AssignmentRole.COOPERATE}')"
    shown = f"""(r.secrecy = 0 OR r.document_id IN (
            SELECT g.content_object_id FROM {grant} g JOIN auth_permission p ON p.id = g.permission_id
            WHERE g.user_id = %(user)s AND p.codename = '{core_policy.VIEW_CONFIDENTIAL}'))
        AND r.document_id NOT IN (SELECT id FROM {document} WHERE recalled_at IS NOT NULL)"""
    return f"""
    WITH mine AS (
        SELECT a.record_id, a.role, a.status, a.due_date, r.status AS record_status
        FROM {assignment} a JOIN {record} r ON r.id = a.record_id
        WHERE (a.assignee_user_id = %(user)s OR (a.assignee_unit_id = %(lead_unit)s AND a.assignee_user_id IS NULL))
          AND {shown}
    )
    SELECT
      (SELECT COUNT(*) FROM (
          SELECT r.id FROM {record} r
          WHERE r.submitted_to_id = %(user)s AND r.status = '{IncomingStatus.SUBMITTED}' AND {shown}
          UNION
          SELECT record_id FROM mine
          WHERE status = '{AssignmentStatus.PENDING}' AND record_status = '{IncomingStatus.IN_PROGRESS}'
            AND role IN {handling}
          UNION
          SELECT r.id FROM {record} r
          WHERE r.unit_id = %(clerk_unit)s AND r.status = '{IncomingStatus.REGISTERED}' AND {shown}
      ) AS waiting),
      (SELECT COUNT(DISTINCT record_id) FROM mine
        WHERE status = '{AssignmentStatus.IN_PROGRESS}' AND record_status = '{IncomingStatus.IN_PROGRESS}'
          AND role IN {handling}),
      (SELECT COUNT(DISTINCT record_id) FROM mine
        WHERE due_date < %(today)s AND status <> '{AssignmentStatus.DONE}'
          AND record_status = '{IncomingStatus.IN_PROGRESS}' AND role IN {handling}),
      (SELECT COUNT(DISTINCT record_id) FROM mine
        WHERE record_status = '{IncomingStatus.DONE}' AND role IN {handling}),
      (SELECT COUNT(DISTINCT record_id) FROM mine WHERE role = '{AssignmentRole.INFORM}'),
      (SELECT COUNT(*) FROM {record} r WHERE r.unit_id = %(register_unit)s AND {shown}),
      (SELECT COUNT(*) FROM {delivery} d
        WHERE d.recipient_unit_id = %(clerk_unit)s AND d.electronic
          AND d.status IN ('{DeliveryStatus.SENT}', '{DeliveryStatus.OPENED}'))
    """


_TAB_COUNT_KEYS = ("cho_xu_ly", "dang_xu_ly", "qua_han", "da_xong", "de_biet", "so", "pending")


def box_counts(user: User, boxes=BOXES, pending: bool = False) -> dict[str, int]:
    """Counts for the inbox tabs ("so", the unit register, only for those who see it) and with `pending` the
    clerk's arrivals waiting in "Chờ vào sổ" as "pending": one query."""
    wanted = [box for box in boxes if box != "so" or roles.sees_unit_register(user)]
    if pending:
        wanted.append("pending")
    if not user.is_authenticated or not user.is_active:
        return dict.fromkeys(wanted, 0)
    is_clerk = user.role == Role.CLERK and user.unit_id is not None
    params = {
        "user": user.pk,
        "today": timezone.localdate(),
        "lead_unit": user.unit_id if roles.leads_unit(user) else None,
        "clerk_unit": user.unit_id if is_clerk else None,
        "register_unit": user.unit_id if roles.sees_unit_register(user) else None,
    }
    with connection.cursor() as cursor:
        cursor.execute(_tab_counts_sql(), params)
        counts = dict(zip(_TAB_COUNT_KEYS, cursor.fetchone(), strict=True))
    return {key: counts[key] for key in wanted}


def pending_deliveries(user: User) -> QuerySet[Delivery]:
    return (
        core_policy.deliveries.visible_to(user)
        # (Not opened_by: no list shows it, and joining the users made the planner hash all of them, 9 ms.)
        .select_related("document", "sender_unit")
        .order_by("-document__urgency", "-sent_at")
    )


def record_detail(user: User, pk: int) -> IncomingRecord:
    """One record with everything its page shows, or Http404 when hidden from the user."""
    qs = IncomingRecord.objects.select_related(
        "document", "document__issuer_unit", "unit", "register", "submitted_to", "registered_by"
    ).prefetch_related(
        "document__files__blob",
        Prefetch("directions", queryset=Direction.objects.select_related("author")),
        Prefetch(
            "assignments",
            queryset=Assignment.objects.select_related("assignee_unit", "assignee_user", "reply_document"),
        ),
        Prefetch("notes", queryset=ProgressNote.objects.select_related("author").prefetch_related("files")),
    )
    return policy.get_visible_or_404(user, pk, qs)


def my_tasks(user: User) -> QuerySet[Assignment]:
    """Nhiệm vụ: open assignments I (or my unit, when I lead it) hold, by deadline; confidential only if granted.
    (They are my own relations, so of visible_to only the confidentiality rule applies, as for the inbox tabs.)"""
    if not user.is_authenticated or not user.is_active:
        return Assignment.objects.none()
    return (
        Assignment.objects.filter(my_assignments(user))
        .filter(policy.confidentiality_rule(user, "record__"))
        .exclude(role=AssignmentRole.INFORM)
        .exclude(status=AssignmentStatus.DONE)
        .select_related("record", "record__document", "assignee_unit", "assignee_user")
        .order_by("due_date", "-record__urgency", "record__arrived_at")
    )


def desk_for(user: User) -> dict:
    """Bàn làm việc: the first few of what waits for me."""
    today = timezone.localdate()
    waiting = incoming_list(user, IncomingFilters(box="cho_xu_ly"))[:5]
    return {
        "incoming": list(waiting),
        "tasks": list(my_tasks(user)[:5]),
        "deliveries": list(pending_deliveries(user)[:5]),
        "today": today,
    }
