"""Reads for outgoing documents: the tabs of Văn bản đi, an issued document with its deliveries, paper to send."""

from __future__ import annotations

import re

from django.db.models import Count, F, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce, ExtractMonth

from accounts.models import User
from documents.core import policy as core_policy
from documents.core import roles
from documents.core.models import Delivery, DeliveryStatus, Document, DocumentFile, listed_summary
from documents.core.selectors import Row
from documents.outgoing import pdf as official_pdf
from documents.outgoing import policy
from documents.outgoing.models import CopyKind, DraftStatus, OutgoingDraft, RecipientGroup
from units.models import Unit, UnitKind
from units.text import fold

TABS = {
    "du_thao": "Dự thảo của tôi",
    "da_ban_hanh": "Đã phát hành",
    "cho_duyet": "Chờ duyệt",
    "cho_ky": "Chờ ký duyệt",
    "cho_phat_hanh": "Chờ phát hành",
    "da_phat_hanh": "Sổ văn bản đi",
}


def draft_tab_filter(user: User, tab: str) -> Q | None:
    if tab == "du_thao":
        return Q(author_id=user.pk) & ~Q(status=DraftStatus.ISSUED)
    if tab == "cho_duyet":
        return Q(unit_id=user.unit_id, status=DraftStatus.IN_REVIEW)
    if tab == "cho_ky":
        return Q(signer_id=user.pk, status=DraftStatus.TO_SIGN)
    if tab == "cho_phat_hanh":
        return Q(issuer_unit_id=user.unit_id, status=DraftStatus.SIGNED)
    return None


def visible_tabs(user: User) -> list[str]:
    tabs = ["du_thao", "da_ban_hanh"]  # da_ban_hanh: what they drafted (their unit, for its reviewers), issued
    if policy.drafts.can_for_unit(user, policy.REVIEW):
        tabs += ["cho_duyet", "cho_ky"]
    if policy.drafts.can_for_unit(user, policy.ISSUE):
        tabs.append("cho_phat_hanh")
    if core_policy.registers.can_for_unit(user, core_policy.READ_REGISTER):
        tabs.append("da_phat_hanh")
    return tabs


def default_tab(user: User) -> str:
    if roles.is_clerk(user):
        return "cho_phat_hanh"
    if roles.leads_unit(user):
        return "cho_ky" if roles.is_district_leader(user) else "cho_duyet"
    return "du_thao"


def drafts(user: User, tab: str, q: str = "") -> QuerySet[OutgoingDraft]:
    qs = policy.drafts.visible_to(user).filter(draft_tab_filter(user, tab) or Q(pk__in=[]))
    if q and (key := fold(q)):
        # Drafts carry no folded search key (the register does); the drafts before one person are few,
        # so fold their summaries here. icontains missed "tong ket" for "tổng kết" (and, on SQLite, case).
        qs = qs.filter(pk__in=[pk for pk, summary in qs.values_list("pk", "summary") if key in fold(summary)])
    return qs.select_related("author", "signer", "unit").order_by("-urgency", "-updated_at", "-id")


def issued(user: User, q: str = "", year: int | None = None) -> QuerySet[Document]:
    """The unit's outgoing register (and copies), newest number first, with delivery counts."""
    return issued_tab(user, "da_phat_hanh", q, year)


def _register_tab(user: User) -> QuerySet[Document]:
    if not user.unit_id:
        return Document.objects.none()
    return policy.issued.visible_to(user).filter(register__unit_id=user.unit_id)


def _drafted_tab(user: User) -> QuerySet[Document]:
    """ "Đã phát hành": what the user drafted, and for those who review their unit's drafts what it drafted, once
    issued by whichever body (a department's draft the Chủ tịch signs is in UBND huyện's register)."""
    mine = Q(author_id=user.pk)
    if policy.drafts.can_for_unit(user, policy.REVIEW):
        mine |= Q(unit_id=user.unit_id)
    drafted = OutgoingDraft.objects.filter(mine, document__isnull=False).order_by().values("document_id")
    return policy.issued.visible_to(user).filter(pk__in=drafted)


# The tabs that list issued documents (the others list drafts), each with the documents it holds.
ISSUED_TABS = {"da_ban_hanh": _drafted_tab, "da_phat_hanh": _register_tab}


def issued_tab(user: User, tab: str, q: str = "", year: int | None = None) -> QuerySet[Document]:
    """An issued-documents tab's list (ISSUED_TABS), newest number first, with delivery counts."""
    qs = ISSUED_TABS[tab](user)
    if q:
        qs = qs.filter(search_key__contains=fold(q))
    if year:
        qs = qs.filter(year=year)
    return (
        # Only what the list shows (issued_rows) is read: a document's 40 columns, its text and search keys among
        # them, cost more to fetch and build than the row.
        qs.only(*ISSUED_COLUMNS)
        .annotate(n_deliveries=_deliveries(), n_registered=_deliveries(status=DeliveryStatus.REGISTERED))
        .order_by("-issued_at", "-id")
    )


ISSUED_COLUMNS = (
    "number_symbol",
    "issued_date",
    "summary",
    "urgency",
    "secrecy",
    "copy_kind",
    "recalled_at",
    "cancelled_at",
    "doc_type",
    "signer_name",
)
ISSUED_ROW_FIELDS = ("pk", *ISSUED_COLUMNS, "n_registered", "n_deliveries")


def issued_rows(documents) -> list[Row]:
    """The Sổ văn bản đi table's rows as plain dicts read once (see selectors.Row), with the trích yếu as lists
    show it ("V/v …" for a công văn)."""
    rows = []
    for d in documents:
        row = Row({name: getattr(d, name) for name in ISSUED_ROW_FIELDS})
        row["subject"] = listed_summary(d.doc_type, d.summary)
        row["copy_label"] = copy_label(d.copy_kind)
        rows.append(row)
    return rows


# The Document's field is the core's and carries no choices (core knows nothing of outgoing's copy kinds).
_COPY_LABELS = dict(CopyKind.choices)


def copy_label(kind: str) -> str:
    """ "Sao y", "Sao lục", "Trích sao" for a copy's kind ("SY", …); "" for a document that is no copy."""
    return str(_COPY_LABELS.get(kind, kind)) if kind else ""


def _deliveries(**filters) -> Coalesce:
    """A document's deliveries counted by a correlated subquery: computed for the rows of the page only, where a
    GROUP BY over the join counted them for every document of the register before the page was cut."""
    counted = (
        Delivery.objects.filter(document_id=OuterRef("pk"), **filters)
        .order_by()
        .values("document_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def tab_keys(user: User, tabs: list[str]) -> list[str]:
    """Those of `tabs` this user sees, in the tabs' order."""
    return [tab for tab in visible_tabs(user) if tab in tabs]


def tab_querysets(user: User, tabs: list[str] | None = None) -> dict[str, QuerySet]:
    """What each visible tab (or those of `tabs` the user sees) counts, for count_many."""
    querysets = {}
    for tab in visible_tabs(user) if tabs is None else tab_keys(user, tabs):
        if tab in ISSUED_TABS:
            querysets[tab] = ISSUED_TABS[tab](user)
        else:
            querysets[tab] = policy.drafts.visible_to(user).filter(draft_tab_filter(user, tab))
    return querysets


def draft_detail(user: User, pk: int) -> OutgoingDraft:
    qs = OutgoingDraft.objects.select_related(
        "author", "signer", "unit", "issuer_unit", "document", "reply_to__document", "replaces"
    ).prefetch_related("recipient_units", "files__blob", "comments__author", "versions")
    return policy.drafts.get_visible_or_404(user, pk, qs)


def issued_detail(user: User, pk: int) -> Document:
    qs = Document.objects.select_related(
        "register", "issuer_unit", "copy_of", "replaces", "issued_by"
    ).prefetch_related(
        "files__blob",
        "replaced_by",
        Prefetch(
            "deliveries",
            queryset=Delivery.objects.select_related("recipient_unit", "opened_by", "record", "exchange").order_by(
                "recipient_unit__sort_order", "recipient_unit__name"
            ),
        ),
    )
    return policy.issued.get_visible_or_404(user, pk, qs)


def paper_to_send(user: User) -> QuerySet[Delivery]:
    """Bản giấy cần gửi: paper copies the sending clerk still has to print and post."""
    if not policy.issued.can_for_unit(user, policy.PAPER):
        return Delivery.objects.none()
    return (
        Delivery.objects.filter(sender_unit_id=user.unit_id, paper_required=True, paper_sent_at__isnull=True)
        .exclude(status=DeliveryStatus.RECALLED)
        .exclude(document__cancelled_at__isnull=False)
        # A district leader's direction sent to a unit is not a document this unit issued: its row opens the
        # district's record (the assignment carrying the direction), not the issued page.
        .select_related("document", "recipient_unit", "assignment")
        .order_by("-document__urgency", "sent_at")
    )


# --- Recipients, the official file, paper saved (reads the services and the views share) ------------------


def group_units(group: str, exclude: Unit | None = None) -> list[Unit]:
    kind = {RecipientGroup.DEPARTMENTS: UnitKind.DEPARTMENT, RecipientGroup.COMMUNES: UnitKind.COMMUNE}[group]
    qs = Unit.objects.filter(kind=kind, active=True)
    if exclude is not None:
        qs = qs.exclude(pk=exclude.pk)
    return list(qs)


def resolve_recipients(draft: OutgoingDraft) -> list[Unit]:
    """Units a draft goes to: the chosen ones and the members of the chosen groups, once each."""
    seen: dict[int, Unit] = {}
    for unit in draft.recipient_units.all():
        seen.setdefault(unit.pk, unit)
    for group in draft.recipient_groups:
        if group in RecipientGroup.values:
            for unit in group_units(group, exclude=draft.issuer_unit):
                seen.setdefault(unit.pk, unit)
    seen.pop(draft.issuer_unit_id, None)
    return list(seen.values())


def safe_filename(symbol: str) -> str:
    return re.sub(r"[^0-9A-Za-zÀ-ỹĐđ._-]+", "-", symbol).strip("-") or "van-ban"


def official_name(document: Document) -> str:
    """The file name the official PDF is attached under ("3261-UBND.pdf"): attaching, signing and finding it agree."""
    return f"{safe_filename(document.number_symbol)}.pdf"


def official_file(document: Document) -> DocumentFile | None:
    """The official PDF attached at issue, if it is (a read: writes nothing)."""
    # The official PDF is the one file attached by no one (draft and copied files name who added them).
    return (
        DocumentFile.objects.filter(
            document=document, name=official_name(document), added_by__isnull=True, blob__content_type="application/pdf"
        )
        .select_related("blob")
        .first()
    )


def unattached_official_pdf(document: Document) -> bytes:
    """The official face of a document issued before its PDF was attached at issue (or whose attaching failed
    after the commit): rendered for one reply and kept in Django's cache, so a GET writes no row."""
    return official_pdf.face_pdf(document, extra=official_pdf.copy_context(document))


def paper_pages_saved(unit: Unit, year: int) -> list[tuple[int, int]]:
    """(month, pages not printed) for a sending unit: pages × electronic-only deliveries, per month."""
    rows = (
        Delivery.objects.filter(sender_unit=unit, sent_at__year=year, electronic=True, paper_required=False)
        .annotate(month=ExtractMonth("sent_at"))
        .values("month")
        .annotate(pages=Sum(Coalesce(F("document__pages"), 1)))
        .order_by("month")
    )
    return [(r["month"], r["pages"]) for r in rows]
