"""The one search: what a person may see of every kind (incoming records, issued documents, drafts, meetings)
whose words match, accent-insensitively with the words as typed first, grouped by kind with counts.

Each group starts from its part's policy (`visible_to`) and costs a fixed number of queries whatever it finds:
incoming records through the Văn bản đến search (SearchResults: count up to 1,000 and one page), issued
documents through the folded `search_key` (a capped count and the first rows), drafts and meetings in one read
each (they carry no folded key: the unissued drafts and the meetings a person sees are few, so their words are
folded here, the way the Dự thảo list does)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from django.db.models import Case, IntegerField, Q, QuerySet, When
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from documents.core.selectors import Row
from documents.incoming import selectors as incoming
from documents.meetings import policy as meetings_policy
from documents.outgoing import policy as outgoing_policy
from documents.outgoing.models import DraftStatus
from documents.search.models import SavedSearch
from units.text import fold

FIRST_ROWS = 5  # rows shown per group; "Xem tất cả" opens the kind's own list
COUNT_CAP = incoming.SEARCH_COUNT_CAP
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

    def as_typed(self, *texts: str) -> bool:
        low = self.typed.lower()
        return any(low in (t or "").lower() for t in texts)


def words(q: str) -> Words:
    typed = unicodedata.normalize("NFC", " ".join((q or "").split()))[:MAX_QUERY]
    return Words(typed, fold(typed))


def search_all(user: User, q: str) -> list[Group]:
    w = words(q)
    if not w.key:
        return []
    return [incoming_group(user, w), issued_group(user, w), drafts_group(user, w), meetings_group(user, w)]


def incoming_group(user: User, w: Words) -> Group:
    results = incoming.incoming_list(user, incoming.IncomingFilters(box="tat_ca", q=w.typed))
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


def issued_group(user: User, w: Words) -> Group:
    qs = outgoing_policy.issued.visible_to(user).filter(search_key__contains=w.key)
    count = qs.order_by().values("pk")[: COUNT_CAP + 1].count()
    order = ["-issued_at", "-id"]
    if w.has_marks:
        # As in the Văn bản đến search: a regular expression PostgreSQL can estimate from its statistics.
        pattern = re.escape(w.typed)
        as_typed = Q(summary__iregex=pattern) | Q(issuer_name__iregex=pattern) | Q(number_symbol__iregex=pattern)
        qs = qs.annotate(exact=Case(When(as_typed, then=1), default=0, output_field=IntegerField()))
        order = ["-exact", *order]
    fields = ("pk", "number_symbol", "issued_date", "summary", "doc_type", "issuer_name", "signer_name", "secrecy")
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
        for d in qs.order_by(*order).values(*fields, "urgency")[:FIRST_ROWS]
    ]
    return Group("issued", _("Văn bản đi đã phát hành"), min(count, COUNT_CAP), count > COUNT_CAP, rows)


def drafts_group(user: User, w: Words) -> Group:
    """Drafts not yet issued (an issued one is found as its document): by trích yếu, drafting unit and signer."""
    fields = ("pk", "summary", "doc_type", "status", "updated_at", "secrecy", "urgency")
    qs = (
        outgoing_policy.drafts.visible_to(user)
        .exclude(status=DraftStatus.ISSUED)
        .order_by("-urgency", "-updated_at", "-id")
        .values(*fields, "unit__name", "signer__full_name")
    )
    labels = dict(DraftStatus.choices)
    found = []
    for d in qs:
        texts = (d["summary"], d["unit__name"], d["signer__full_name"])
        if w.key in fold(" ".join(t or "" for t in texts)):
            found.append((not w.as_typed(*texts), d))
    found.sort(key=lambda pair: pair[0])  # stable: the list's order within each part
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
        for _, d in found[:FIRST_ROWS]
    ]
    return Group("drafts", _("Dự thảo"), len(found), False, rows)


def meetings_group(user: User, w: Words) -> Group:
    """Meetings by their content, place and organising unit, the latest first."""
    qs = (
        meetings_policy.meetings.visible_to(user)
        .order_by("-start", "-id")
        .values("pk", "title", "place", "start", "restricted", "organiser_unit__name")
    )
    found = []
    for m in qs:
        texts = (m["title"], m["place"], m["organiser_unit__name"])
        if w.key in fold(" ".join(t or "" for t in texts)):
            found.append((not w.as_typed(*texts), m))
    found.sort(key=lambda pair: pair[0])
    rows = [
        Row(
            pk=m["pk"],
            summary=m["title"],
            date=m["start"],
            place=m["place"],
            issuer=m["organiser_unit__name"],
            restricted=m["restricted"],
        )
        for _, m in found[:FIRST_ROWS]
    ]
    return Group("meetings", _("Lịch họp"), len(found), False, rows)


def saved_searches(user: User) -> QuerySet[SavedSearch]:
    return SavedSearch.objects.filter(user_id=user.pk)
