"""Bàn làm việc as a work queue: what waits for the signed-in person, across the parts, most urgent first."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from documents.core import policy as core_policy
from documents.core import roles
from documents.core.models import AssignmentRole, DocType, listed_summary
from documents.incoming import policy as incoming_policy
from documents.incoming import selectors as incoming
from documents.outgoing import selectors as outgoing

PER_SOURCE = 10  # read from each source, enough to fill the merged list
SHOWN = 10


@dataclass(frozen=True)
class WorkItem:
    kind: str  # delivery, record, task, draft: the template's label and icon
    label: str
    url: str
    summary: str
    symbol: str
    urgency: int
    secrecy: int
    due: dt.date | None
    note: str  # who sent it, whose draft, which role in the task

    @property
    def sort_key(self):
        # Most urgent first, then the nearest deadline; items without one after those with one.
        return (-self.urgency, self.due is None, self.due or dt.date.max)


# (get_FOO_display() hashes the field's lazy choices at every call.)
_ROLE_LABELS = dict(AssignmentRole.choices)
_DOC_TYPE_LABELS = dict(DocType.choices)


def _detail_urls(name: str):
    """pk → reverse(name, args=[pk]) at the cost of one reverse: the detail pages' paths end in their pk."""
    head, tail = reverse(name, args=[0]).rsplit("/0/", 1)
    return lambda pk: f"{head}/{pk}/{tail}"


def work_for(user: User) -> list[WorkItem]:
    """One query per source (deliveries for a clerk, the inbox's Chờ xử lý, my tasks, the drafts before me), each
    reading only the columns a work item shows: whole rows of four tables cost more to build than the page."""
    items: list[WorkItem] = []
    record_url = _detail_urls("documents:incoming_detail")
    if core_policy.deliveries.can_for_unit(user, core_policy.RECEIVE):
        delivery_url = _detail_urls("documents:delivery_detail")
        arrivals = incoming.pending_deliveries(user).only(
            "document__doc_type",
            "document__summary",
            "document__number_symbol",
            "document__urgency",
            "document__secrecy",
            "sender_unit__name",
        )
        for d in arrivals[:PER_SOURCE]:
            items.append(
                WorkItem(
                    "delivery",
                    _("Chờ vào sổ"),
                    delivery_url(d.pk),
                    listed_summary(d.document.doc_type, d.document.summary),
                    d.document.number_symbol,
                    d.document.urgency,
                    d.document.secrecy,
                    None,
                    d.sender_unit.name if d.sender_unit_id else "",
                )
            )
    mine = (
        incoming.my_tasks(user)
        .select_related(None)
        .select_related("record__document")
        .only(
            "role",
            "record_id",
            "due_date",
            "record__urgency",
            "record__secrecy",
            *(f"record__document__{name}" for name in ("doc_type", "summary", "number_symbol", "issuer_name")),
        )
    )
    tasks = list(mine[:PER_SOURCE])
    tasked = {a.record_id for a in tasks}
    for a in tasks:
        items.append(
            WorkItem(
                "task",
                _ROLE_LABELS.get(a.role, a.role),
                record_url(a.record_id),
                listed_summary(a.record.document.doc_type, a.record.document.summary),
                a.record.document.number_symbol,
                a.record.urgency,
                a.record.secrecy,
                a.due_date,
                a.record.document.issuer_name,
            )
        )
    for r in incoming.incoming_list(user, incoming.IncomingFilters(box="cho_xu_ly"))[:PER_SOURCE]:
        if r.pk in tasked:  # the task says more (my role in it, its own deadline)
            continue
        items.append(
            WorkItem(
                "record",
                _("Chờ xử lý"),
                record_url(r.pk),
                listed_summary(r.document.doc_type, r.document.summary),
                r.document.number_symbol,
                r.urgency,
                r.secrecy,
                r.due_date,
                r.document.issuer_name,
            )
        )
    tab = outgoing.default_tab(user)
    draft_url = _detail_urls("documents:draft_detail")
    drafts = (
        outgoing.drafts(user, tab)
        .select_related(None)
        .select_related("author")
        .only("doc_type", "summary", "urgency", "secrecy", "author__full_name")
    )
    for d in drafts[:PER_SOURCE]:
        items.append(
            WorkItem(
                "draft",
                outgoing.TABS[tab],
                draft_url(d.pk),
                listed_summary(d.doc_type, d.summary),
                _DOC_TYPE_LABELS.get(d.doc_type, d.doc_type),
                d.urgency,
                d.secrecy,
                None,
                d.author.full_name,
            )
        )
    items.sort(key=lambda item: item.sort_key)
    return items[:SHOWN]


def actions_for(user: User) -> list[tuple[str, str, str]]:
    """The role's buttons that start work (label, url, icon); the queues themselves come from the navigation."""
    actions = []
    if incoming_policy.records.can_for_unit(user, incoming_policy.REGISTER):
        actions.append((_("Vào sổ văn bản đến"), reverse("documents:incoming_new"), "bi-journal-plus"))
    if user.unit_id:
        actions.append((_("Soạn văn bản"), reverse("documents:draft_new"), "bi-pencil-square"))
    return actions


def landing_url(user: User) -> str:
    """Where signing in leads: a district leader (Chủ tịch, Phó Chủ tịch) to what waits for him, others to the desk."""
    if user.is_authenticated and roles.is_district_leader(user):
        return reverse("documents:incoming_list") + "?box=cho_xu_ly"
    return reverse("home")


def empty_text(user: User) -> str:
    """What the work list would show, and for whom: an empty desk says what will appear there."""
    if roles.is_clerk(user):
        return _(
            "Văn bản điện tử gửi đến đơn vị chờ vào sổ, văn bản đến giao cho bạn "
            "và dự thảo chờ phát hành sẽ hiện ở đây."
        )
    if roles.is_district_leader(user):
        return _("Văn bản đến trình bạn cho ý kiến chỉ đạo, nhiệm vụ giao bạn và dự thảo chờ bạn ký sẽ hiện ở đây.")
    if roles.is_unit_head(user):
        return _("Văn bản đến giao đơn vị bạn, nhiệm vụ của đơn vị và dự thảo chờ bạn duyệt sẽ hiện ở đây.")
    return _("Văn bản đến và nhiệm vụ giao cho bạn, cùng các dự thảo bạn soạn, sẽ hiện ở đây.")
