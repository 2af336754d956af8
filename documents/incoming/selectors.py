"""Reads of documents: lists, inboxes, counts and details, each with a known, constant number of queries."""

from __future__ import annotations

import datetime
import re
import unicodedata
from dataclasses import dataclass

from django.db.models import Case, Exists, IntegerField, OuterRef, Prefetch, Q, QuerySet, Value, When
from django.db.models.functions import StrIndex
from django.utils import timezone

from accounts.models import User
from documents.core import memo
from documents.core import policy as core_policy
from documents.core.models import (
    AssignmentRole,
    AuditEvent,
    Delivery,
    DeliveryStatus,
    Document,
    Secrecy,
    listed_summary,
)
from documents.core.selectors import Row, due_css
from documents.incoming import policy
from documents.incoming.models import (
    Assignment,
    AssignmentStatus,
    Direction,
    IncomingRecord,
    IncomingStatus,
    ProgressNote,
)
from units.calendar import local_midnight
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


def _assignment_records(user: User, **filters) -> QuerySet:
    return Assignment.objects.filter(policy.my_assignments(user), **filters).order_by().values("record_id")


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
        if policy.records.can_for_unit(user, policy.SUBMIT):
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
    return "so" if _reads_register(user) else "cho_xu_ly"


def _reads_register(user: User) -> bool:
    """The "so" tab: the user's unit register."""
    return core_policy.registers.can_for_unit(user, core_policy.READ_REGISTER)


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


# What a list of records shows (incoming_rows, Bàn làm việc, Tìm văn bản): only these are read, as a document's
# 40 columns, its text and search keys among them, cost more to fetch and build than the rest of the row.
LISTED_FIELDS = (
    "arrival_number",
    "arrived_at",
    "urgency",
    "secrecy",
    "status",
    "due_date",
    "document__doc_type",
    "document__summary",
    "document__number_symbol",
    "document__issued_date",
    "document__issuer_name",
)


def incoming_list(
    user: User, filters: IncomingFilters, *, scan: bool = False
) -> QuerySet[IncomingRecord] | SearchResults:
    """The rows of a Văn bản đến list. Urgent documents always first; then the chosen order. `scan`: see
    `search`."""
    return _narrowed(tab(user, filters.box), user, filters, scan=scan)


def tab(user: User, box: str, today: datetime.date | None = None) -> QuerySet[IncomingRecord]:
    """What a tab of Văn bản đến ("so", the unit register, or an inbox box) holds before the list's own filters
    and order: the one definition its list and its count (box_querysets) share."""
    return tabs(user, [box], today)[box]


def tabs(user: User, boxes, today: datetime.date | None = None) -> dict[str, QuerySet[IncomingRecord]]:
    """`tab` for several boxes at once: the inbox boxes share one scope, built once (the badges' request builds every
    tab after every list page; the querysets' Python, not their SQL, is what the counts cost)."""
    today = timezone.localdate() if today is None else today
    # A recalled document is withdrawn from every list (its notice waits for the clerk's acknowledgement). The
    # few recalled documents come from their own index: joining every row to its document just to check would
    # cost a lookup per row of the register.
    recalled = Document.objects.filter(recalled_at__isnull=False).values("pk")
    scopes: dict[str, QuerySet[IncomingRecord]] = {}

    def build(box: str) -> QuerySet[IncomingRecord]:
        kind = "inbox" if box in BOXES and box != "so" else box
        if kind not in scopes:
            scopes[kind] = _scope(user, box).exclude(document_id__in=recalled)
        return _in_tab(scopes[kind], user, box, today)

    # Within a request each tab is built once (a list page counts its tabs, then lists one of them).
    return {box: memo.queryset(user, ("incoming_tab", box, today), lambda box=box: build(box)) for box in boxes}


def _in_tab(qs: QuerySet[IncomingRecord], user: User, box: str, today: datetime.date) -> QuerySet[IncomingRecord]:
    condition = box_filter(user, box, today)
    if condition is not None:
        return qs.filter(condition)
    if box == "so" and _reads_register(user):
        return qs.filter(unit_id=user.unit_id)
    return qs


def _scope(user: User, box: str) -> QuerySet[IncomingRecord]:
    """What a list starts from: an inbox tab holds only the user's own relations and the register only the
    unit's records, so of the policy each needs just the confidentiality rule (cheaper to build and to run than
    the union of every relation); a search or any other list takes visible_to whole."""
    if box in BOXES and box != "so":
        return policy.relations_visible_to(user)
    if box == "so" and _reads_register(user):
        return policy.unit_register_visible_to(user)
    return policy.visible_to(user)


def filter_incoming(
    qs: QuerySet[IncomingRecord], user: User, filters: IncomingFilters
) -> QuerySet[IncomingRecord] | SearchResults:
    """A list's tab, filters and order on records already scoped to what the user may see."""
    return _narrowed(_in_tab(qs, user, filters.box, timezone.localdate()), user, filters)


def _narrowed(
    qs: QuerySet[IncomingRecord], user: User, filters: IncomingFilters, scan: bool = False
) -> QuerySet[IncomingRecord] | SearchResults:
    """The list's own filters and order on a tab's records."""
    today = timezone.localdate()
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.urgency is not None:
        qs = qs.filter(urgency=filters.urgency)
    if filters.secrecy == "mat":
        qs = qs.filter(secrecy__gt=0)
    elif filters.secrecy == "thuong":
        qs = qs.filter(secrecy=0)
    if filters.date_from:
        qs = qs.filter(arrived_at__gte=local_midnight(filters.date_from))
    if filters.date_to:
        qs = qs.filter(arrived_at__lt=local_midnight(filters.date_to + datetime.timedelta(days=1)))
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
        return (
            records.select_related("document")
            .only(*LISTED_FIELDS)
            .annotate(seen=Exists(opened))
            .order_by("-urgency", *order)
        )

    if filters.q:
        # The search reads a page of few matches by their ids (found within qs): from the bare table.
        return search(shown(qs), filters.q, by_ids=shown(IncomingRecord.objects.all()), scan=scan)
    return shown(qs)


# (get_status_display() rebuilds the choices' dict at every call: a quarter of the rows' cost.)
_STATUS_LABELS = dict(IncomingStatus.choices)


def incoming_rows(records, today: datetime.date | None = None) -> list[Row]:
    """The Văn bản đến table's rows (documents/incoming/_table.html): what it shows of each record, read once,
    with the trích yếu as lists show it ("V/v …" for a công văn) and the deadline's colour worked out here rather
    than by a tag per row: rendering plain values costs less than model instances (docs/performance.md)."""
    today = timezone.localdate() if today is None else today
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
                due_css=due_css(r.due_date, today, r.status),
                seen=r.seen,
                subject=listed_summary(d.doc_type, d.summary),
                document=Row(
                    number_symbol=d.number_symbol,
                    issued_date=d.issued_date,
                    issuer_name=d.issuer_name,
                ),
            )
        )
    return rows


SEARCH_COUNT_CAP = 1000
SMALL_SEARCH = 200  # up to this many matches a search is ranked and sorted in one query


def search(
    qs: QuerySet[IncomingRecord], q: str, by_ids: QuerySet[IncomingRecord] | None = None, scan: bool = False
) -> SearchResults:
    """The records of qs whose document matches q without regard to diacritics (số, ký hiệu, trích yếu, cơ quan
    ban hành), in qs's order.

    Folding makes "năm" and "Nam" the same word, so when q carries diacritics the documents that hold q as typed
    (in the trích yếu or the issuer) come first: "quảng nam" lists Quảng Nam before "Tuyên Quang năm 2024".

    `scan` (for a qs the caller knows to be a few thousand records at most): the key is tested on each record of
    qs rather than looked up in the trigram index, which cannot serve it (`key_matches`).
    """
    typed = unicodedata.normalize("NFC", " ".join(q.split()))
    key = fold(typed)
    qs = key_matches(qs, "document__search_key", key, scan)
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


def key_matches(qs: QuerySet, field: str, key: str, scan: bool = False) -> QuerySet:
    """Rows of qs whose folded `field` holds `key`: `LIKE '%key%'`, which PostgreSQL may answer from the trigram
    index over every document, or with `scan` the same test as `strpos(field, key) > 0`, which no index serves,
    so PostgreSQL starts from the rows qs allows (a person's few thousand) and tests each.

    A name is made of the commonest trigrams ("le thanh tuan": " th", "nh ", "an "…), whose posting lists hold most
    documents: merging them costs more than reading a person's records, which the planner, guessing few matches,
    did not see (docs/performance.md, "Constants"). Both forms match the same rows (`key` and the keys are folded,
    without wildcards)."""
    if not scan:
        return qs.filter(**{f"{field}__contains": key})
    return qs.alias(key_at=StrIndex(field, Value(key))).filter(key_at__gt=0)


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


def box_keys(user: User, boxes=BOXES) -> list[str]:
    """The inbox tabs (of `boxes`) this user has: "so", the unit register, only for those who see it."""
    return [box for box in boxes if box != "so" or _reads_register(user)]


def box_querysets(user: User, boxes=BOXES, pending: bool = False) -> dict[str, QuerySet]:
    """What the inbox tabs count (box_keys) and with `pending` the clerk's arrivals waiting in "Chờ vào sổ": the
    very querysets the tabs list, for count_many."""
    wanted = box_keys(user, boxes)
    keys = [*wanted, "pending"] if pending else wanted
    if not user.is_authenticated or not user.is_active:
        return {key: IncomingRecord.objects.none() for key in keys}
    querysets = tabs(user, wanted)
    if pending:
        querysets["pending"] = core_policy.deliveries.visible_to(user)
    return querysets


def pending_deliveries(user: User) -> QuerySet[Delivery]:
    return (
        core_policy.deliveries.visible_to(user)
        # (Not opened_by: no list shows it, and joining the users made the planner hash all of them, 9 ms.)
        .select_related("document", "sender_unit")
        .order_by("-document__urgency", "-sent_at")
    )


def paper_notices(user: User) -> QuerySet[Delivery]:
    """Classified documents sent to the clerk's unit on paper only: the system carries a notice of them (issuer,
    number and symbol, date, secrecy), never the file or the summary. It waits until the paper copy is registered
    from it. (Not a policy on Document: the notice gives no access to the document itself.)"""
    if not policy.records.can_for_unit(user, policy.REGISTER):
        return Delivery.objects.none()
    return Delivery.objects.filter(
        recipient_unit_id=user.unit_id,
        electronic=False,
        document__secrecy__gt=Secrecy.NONE,
        record__isnull=True,
        status__in=[DeliveryStatus.SENT, DeliveryStatus.OPENED],
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
        Assignment.objects.filter(policy.my_assignments(user))
        .filter(policy.confidentiality_rule(user, "record__"))
        .exclude(role=AssignmentRole.INFORM)
        .exclude(status=AssignmentStatus.DONE)
        .select_related("record", "record__document", "assignee_unit", "assignee_user")
        .order_by("due_date", "-record__urgency", "record__arrived_at")
    )
