"""The one search: what a person may see of every kind (incoming records, issued documents, drafts, meetings)
whose words match, accent-insensitively with the words as typed first, grouped by kind with counts.

Each group starts from its part's policy (`visible_to`) and costs a fixed number of queries whatever it finds:
incoming records through the Văn bản đến search (SearchResults: count up to 1,000 and one page), issued
documents, drafts and meetings through their folded `search_key` (and their unit's, signer's or organiser's), each
a capped count and the first rows in one statement, the words as typed first: the folding is done once when a row
is saved, never per search over every row a person sees. When a person reaches few records and issued documents
(few_to_scan), the words are tested on each of them rather than looked up in the trigram index (a name's common
trigrams cost more than reading a person's rows)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from django.core.exceptions import EmptyResultSet
from django.db import connection, connections
from django.db.models import BooleanField, Case, IntegerField, Q, QuerySet, Value, When
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from documents.core.selectors import Row
from documents.incoming import policy as incoming_policy
from documents.incoming import selectors as incoming
from documents.meetings import policy as meetings_policy
from documents.outgoing import policy as outgoing_policy
from documents.outgoing.models import DraftStatus
from documents.search.models import SavedSearch
from units.models import Unit
from units.text import fold

FIRST_ROWS = 5  # rows shown per group; "Xem tất cả" opens the kind's own list
COUNT_CAP = incoming.SEARCH_COUNT_CAP
# Up to this many rows of a person's relations (one record may count twice) the words are tested on each record the
# person sees, cheaper than a name's common trigrams through the index over every document; the rows are counted
# from the relations' indexes alone (figures: docs/performance.md, "Constants").
SCAN_LIMIT = 8_000
MAX_QUERY = 200


@dataclass
class Group:
    kind: str
    title: str  # (lazily translated)
    count: int = 0
    capped: bool = False
    rows: list = field(default_factory=list)


@dataclass
class Words:
    """The words as typed (NFC, single spaces) and folded."""

    typed: str
    key: str

    @property
    def has_marks(self) -> bool:
        return self.key != self.typed.lower()


def words(q: str) -> Words:
    typed = unicodedata.normalize("NFC", " ".join((q or "").split()))[:MAX_QUERY]
    return Words(typed, fold(typed))


def search_all(user: User, q: str) -> list[Group]:
    w = words(q)
    if not w.key:
        return []
    few = few_to_scan(user)
    return [
        incoming_group(user, w, scan=few["incoming"]),
        issued_group(user, w, scan=few["issued"]),
        drafts_group(user, w),
        meetings_group(user, w),
    ]


def few_to_scan(user: User) -> dict[str, bool]:
    """Whether the incoming records and the issued documents the user may see are few enough (SCAN_LIMIT) to test
    the words on each (`incoming.key_matches`), in one query: the rows of the relations their policies start from,
    counted up to the limit. A unit's register of years is searched through the trigram index, whose cost does not
    grow with it."""
    if not user.is_authenticated or not user.is_active:
        return {"incoming": False, "issued": False}
    sizes = {
        "incoming": incoming_policy.candidate_parts(user),
        "issued": outgoing_policy.issued_candidate_parts(user),
    }
    selects, params = [], []
    for i, parts in enumerate(sizes.values()):
        # A constant rather than the ids: each part is then read from its index alone.
        first, *others = [part.values(one=Value(1)) for part in parts]
        capped = first.union(*others, all=True)[: SCAN_LIMIT + 1]
        sql, sql_params = capped.query.get_compiler(using=capped.db).as_sql()
        selects.append(f"(SELECT COUNT(*) FROM ({sql}) AS candidates_{i})")
        params.extend(sql_params)
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(selects), params)
        counts = cursor.fetchone()
    return {kind: n <= SCAN_LIMIT for kind, n in zip(sizes, counts, strict=True)}


def incoming_group(user: User, w: Words, scan: bool = False) -> Group:
    results = incoming.incoming_list(user, incoming.IncomingFilters(box="tat_ca", q=w.typed), scan=scan)
    rows = [
        Row(
            pk=r.pk,
            number_symbol=r.document.number_symbol,
            date=r.document.issued_date,
            summary=r.document.summary,
            doc_type=r.document.doc_type,
            issuer=r.document.issuer_name,
            secrecy=r.secrecy,
            urgency=r.urgency,
        )
        for r in results[:FIRST_ROWS]
    ]
    return Group("incoming", _("Văn bản đến"), results.count(), results.capped, rows)


def issued_group(user: User, w: Words, scan: bool = False) -> Group:
    qs = incoming.key_matches(outgoing_policy.issued.visible_to(user), "search_key", w.key, scan)
    fields = ("pk", "number_symbol", "issued_date", "summary", "doc_type", "issuer_name", "signer_name", "secrecy")
    count, capped, found = _counted_first_rows(
        qs, w, ("summary", "issuer_name", "number_symbol"), ["-issued_at", "-id"], (*fields, "urgency")
    )
    rows = [
        Row(
            pk=d["pk"],
            number_symbol=d["number_symbol"],
            date=d["issued_date"],
            summary=d["summary"],
            doc_type=d["doc_type"],
            issuer=d["issuer_name"],
            signer=d["signer_name"],
            secrecy=d["secrecy"],
            urgency=d["urgency"],
        )
        for d in found
    ]
    return Group("issued", _("Văn bản đi đã phát hành"), count, capped, rows)


def _matching(visible: QuerySet, w: Words, unit: str, person: str = "") -> QuerySet:
    """The rows the user may see (`visible`) whose own folded key, or whose unit's (or person's) folded name,
    holds the words: `model.id IN (UNION ALL of visible rows matched one way each)`, never an OR across joins,
    which scans every row a leader may see (the province's meetings). Each part keeps the visibility rules, so
    PostgreSQL may start from the few rows a person sees rather than from every row matching common words
    (a subject in 6 % of 50,000 drafts: 26-50 ms a query matched first, 7-14 ms seen first)."""
    parts = [
        visible.filter(search_key__contains=w.key).order_by().values("pk"),
        visible.filter(**{f"{unit}_id__in": Unit.objects.filter(search_key__contains=w.key).values("pk")})
        .order_by()
        .values("pk"),
    ]
    if person:
        people = User.objects.filter(search_key__contains=w.key).values("pk")
        parts.append(visible.filter(**{f"{person}_id__in": people}).order_by().values("pk"))
    first, *others = parts
    return visible.model.objects.filter(pk__in=first.union(*others, all=True))


def _counted_first_rows(
    qs: QuerySet, w: Words, rank: tuple[str, ...], order: list[str], fields: tuple[str, ...]
) -> tuple[int, bool, list[dict]]:
    """The capped count of qs and its first rows (`fields` of FIRST_ROWS rows, the words as typed first, then
    `order`), matched once, in one statement:

        WITH matched AS (ids of qs, up to COUNT_CAP + 1)
        SELECT count(matched), rows FROM (the first rows among matched, when they are all the matches
                                          UNION ALL the first rows of qs itself, when there are more)

    PostgreSQL runs only the branch whose condition on the count holds (a one-time filter). Asked as a count and
    then the rows, the words were matched twice, each a scan of the person's rows or of the trigram index."""
    key = "matched"
    cap = COUNT_CAP
    counted = f"(SELECT COUNT(*) FROM {key})"
    db = connections[qs.db]
    # The matching is compiled once (its visibility rules are most of the Python a search costs) and read twice.
    try:
        every_sql, every_params = qs.order_by().values("pk").query.get_compiler(using=qs.db).as_sql()
    except EmptyResultSet:  # nothing to see (qs.none())
        return 0, False, []
    bare = qs.model.objects.all()
    few = _first_rows(
        bare.filter(pk__in=RawSQL(f"SELECT pk FROM {key}", ())), f"{counted} <= {cap}", w, rank, order, fields
    )
    many = _first_rows(
        bare.filter(pk__in=RawSQL(every_sql, every_params)), f"{counted} > {cap}", w, rank, order, fields
    )
    compilers = [part.query.get_compiler(using=qs.db) for part in (few, many)]
    parts, params = [f"{every_sql} LIMIT {cap + 1}"], list(every_params)
    for compiler in compilers:
        sql, sql_params = compiler.as_sql()
        parts.append(sql)
        params.extend(sql_params)
    names = [*fields, *(["exact"] if w.has_marks else [])]
    quote = db.ops.quote_name
    ranked = ["-exact", *order] if w.has_marks else order
    outer_order = ", ".join(
        f"r.{quote(_column(o.lstrip('-')))} {'DESC' if o.startswith('-') else 'ASC'}" for o in ranked
    )
    sql = (
        f"WITH {key} AS ({parts[0]}) "
        f"SELECT c.n, {', '.join(f'r.{quote(n)}' for n in names)} FROM (SELECT COUNT(*) AS n FROM {key}) AS c "
        f"LEFT JOIN (SELECT * FROM ({parts[1]}) AS few UNION ALL SELECT * FROM ({parts[2]}) AS many) AS r ON 1 = 1 "
        f"ORDER BY {outer_order}"
    )
    with db.cursor() as cursor:
        cursor.execute(sql, params)
        found = cursor.fetchall()
    n = found[0][0] if found else 0
    # The values as the ORM gives them (dates, booleans: SQLite returns their text and integers).
    compiler = compilers[0]
    by_alias = {alias: expression for expression, _sql, alias in compiler.select}
    converters = compiler.get_converters([by_alias[name] for name in names])
    values = [row[1:] for row in found if row[1] is not None]
    if converters:
        values = compiler.apply_converters(values, converters)
    rows = [dict(zip(names, row, strict=True)) for row in values]
    return min(n, cap), n > cap, rows


def _column(name: str) -> str:
    return "pk" if name == "id" else name


def _first_rows(
    qs: QuerySet, when: str, w: Words, rank: tuple[str, ...], order: list[str], fields: tuple[str, ...]
) -> QuerySet:
    """FIRST_ROWS rows of qs, the words as typed first, when the condition `when` on the count holds; every
    column the outer ORDER BY reads is selected."""
    qs, ranked = _as_typed_first(qs, w, rank, order)
    names = [*fields, *(["exact"] if w.has_marks else [])]
    names += [_column(o.lstrip("-")) for o in order if _column(o.lstrip("-")) not in names]
    gated = qs.filter(RawSQL(when, (), output_field=BooleanField()))
    return gated.order_by(*ranked).values(*names)[:FIRST_ROWS]


def _as_typed_first(qs: QuerySet, w: Words, fields: tuple[str, ...], order: list[str]) -> tuple[QuerySet, list]:
    """Rows holding the words as typed (diacritics included) before those that match only once folded: a regular
    expression PostgreSQL can estimate from its statistics, as in the Văn bản đến search."""
    if not w.has_marks:
        return qs, order
    pattern = re.escape(w.typed)
    as_typed = Q()
    for name in fields:
        as_typed |= Q(**{f"{name}__iregex": pattern})
    qs = qs.annotate(exact=Case(When(as_typed, then=1), default=0, output_field=IntegerField()))
    return qs, ["-exact", *order]


def drafts_group(user: User, w: Words) -> Group:
    """Drafts not yet issued (an issued one is found as its document): by trích yếu, drafting unit and signer,
    matched on their folded keys in SQL."""
    visible = outgoing_policy.drafts.visible_to(user).exclude(status=DraftStatus.ISSUED)
    qs = _matching(visible, w, unit="unit", person="signer")
    fields = ("pk", "summary", "doc_type", "status", "updated_at", "secrecy", "urgency", "unit__name")
    count, capped, found = _counted_first_rows(
        qs,
        w,
        ("summary", "unit__name", "signer__full_name"),
        ["-urgency", "-updated_at", "-id"],
        (*fields, "signer__full_name"),
    )
    labels = dict(DraftStatus.choices)
    rows = [
        Row(
            pk=d["pk"],
            summary=d["summary"],
            doc_type=d["doc_type"],
            status=labels.get(d["status"], d["status"]),
            date=d["updated_at"],
            issuer=d["unit__name"],
            signer=d["signer__full_name"],
            secrecy=d["secrecy"],
            urgency=d["urgency"],
        )
        for d in found
    ]
    return Group("drafts", _("Dự thảo"), count, capped, rows)


def meetings_group(user: User, w: Words) -> Group:
    """Meetings by their content, place and organising unit, the latest first, matched on folded keys in SQL."""
    qs = _matching(meetings_policy.meetings.visible_to(user), w, unit="organiser_unit")
    count, capped, found = _counted_first_rows(
        qs,
        w,
        ("title", "place", "organiser_unit__name"),
        ["-start", "-id"],
        ("pk", "title", "place", "start", "restricted", "organiser_unit__name"),
    )
    rows = [
        Row(
            pk=m["pk"],
            summary=m["title"],
            date=m["start"],
            place=m["place"],
            issuer=m["organiser_unit__name"],
            restricted=m["restricted"],
        )
        for m in found
    ]
    return Group("meetings", _("Lịch họp"), count, capped, rows)


def saved_searches(user: User) -> QuerySet[SavedSearch]:
    return SavedSearch.objects.filter(user_id=user.pk)
