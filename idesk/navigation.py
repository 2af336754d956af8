"""What waits for the signed-in person, queue by queue, for the navigation's badges and Bàn làm việc.

Each queue counts exactly the list its link opens (tests/idesk/test_navigation.py holds them equal per persona),
all in one query whatever the role (count_many over each list's own queryset).
Pages render the queues' links without counts and the badges arrive by one htmx request after the page
(idesk.views.nav_counts), so no page waits for seven counts before its content. A list page's tabs (Văn bản
đến, Văn bản đi) get their badges the same way: the page counts only its own list, and the badges' request
counts the other tabs with the queues (most are the same querysets) in the same statement; Bàn làm việc's
strip of queues is the navigation's queues again, replaced by that request too."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from documents.core import policy as core_policy
from documents.incoming import selectors as incoming
from documents.meetings import selectors as meetings
from documents.outgoing import policy as outgoing_policy
from documents.outgoing import selectors as outgoing
from idesk.lib.queries import count_many


@dataclass(frozen=True)
class Queue:
    key: str
    label: str
    url: str
    count: int | None  # None: not counted on this page (the badge arrives after it)
    group: str  # the navigation entry it sits under: incoming, outgoing, meetings
    urgent: bool = False  # counted in red (late)


def _receives(user: User) -> bool:
    """Chờ vào sổ: the unit's electronic arrivals, for whoever registers them (the policy's RECEIVE)."""
    return core_policy.deliveries.can_for_unit(user, core_policy.RECEIVE)


def _posts_paper(user: User) -> bool:
    """Bản giấy cần gửi: the paper copies the unit must post, for whoever posts them (the policy's PAPER)."""
    return outgoing_policy.issued.can_for_unit(user, outgoing_policy.PAPER)


def _incoming_tabs(user: User) -> dict[str, QuerySet]:
    return incoming.box_querysets(user, pending=_receives(user))  # Chờ vào sổ: the clerk's tab


def _outgoing_tabs(user: User) -> dict[str, QuerySet]:
    querysets = outgoing.tab_querysets(user)
    if _posts_paper(user):
        querysets["paper"] = outgoing.paper_to_send(user)  # the list's "Bản giấy cần gửi" button
    return querysets


def _no_tabs(user: User) -> dict[str, QuerySet]:
    return {}


# A page's tab group (its `tab_group`, sent as ?tabs=): what each of its tabs counts, by key. Bàn làm việc's group
# counts nothing more: its strip shows the queues, which the request counts anyway (components/nav_counts.html).
TAB_GROUPS: dict[str, Callable[[User], dict[str, QuerySet]]] = {
    "incoming": _incoming_tabs,
    "outgoing": _outgoing_tabs,
    "desk": _no_tabs,
}

# A tab's badge when its count is not zero; any other: light.
TAB_BADGES = {"qua_han": "text-bg-danger", "pending": "text-bg-primary", "paper": "text-bg-warning"}


def tab_badge(key: str, count: int | None) -> str:
    return TAB_BADGES.get(key, "text-bg-light border") if count else "text-bg-light border"


@dataclass(frozen=True)
class TabCount:
    key: str
    count: int


def queues_for(user: User, counted: bool = True) -> list[Queue]:
    """The queues this person has (by role), in the navigation's order, each with its count unless `counted` is
    False (then no query runs, and Quá hạn, listed only when something is late, is left out)."""
    return _counted(user, counted, None)[0]


def _counted(user: User, counted: bool, tabs: str | None) -> tuple[list[Queue], list[TabCount]]:
    """The queues, and the counts of the tab group `tabs` (TAB_GROUPS) counted with them in one statement."""
    if not user.is_authenticated or not user.is_active:
        return [], []
    receives, posts_paper = _receives(user), _posts_paper(user)
    signing = outgoing.tab_keys(user, ["cho_duyet", "cho_ky", "cho_phat_hanh"])
    tab_querysets = TAB_GROUPS[tabs](user) if counted and tabs in TAB_GROUPS else {}
    if counted:
        # A tab and a queue of the same key count the same list: built and counted once.
        others = outgoing.tab_querysets(user, [key for key in signing if key not in tab_querysets])
        if posts_paper and "paper" not in tab_querysets:
            others["paper"] = outgoing.paper_to_send(user)
        others["answers"] = meetings.awaiting_my_answer(user)
        others.update(incoming.box_querysets(user, ["cho_xu_ly", "qua_han"], pending=True))
        counts = count_many({**others, **tab_querysets})
    else:
        counts = {}  # each queue's count is then None
    incoming_url = reverse("documents:incoming_list")
    outgoing_url = reverse("documents:outgoing_list")
    queues = []
    if receives:
        queues.append(
            Queue("pending", _("Chờ vào sổ"), reverse("documents:deliveries"), counts.get("pending"), "incoming")
        )
    queues.append(
        Queue("cho_xu_ly", _("Chờ xử lý"), f"{incoming_url}?box=cho_xu_ly", counts.get("cho_xu_ly"), "incoming")
    )
    if counts.get("qua_han"):  # None (not counted) or 0: not listed
        queues.append(
            Queue(
                "qua_han", _("Quá hạn"), f"{incoming_url}?box=qua_han", counts.get("qua_han"), "incoming", urgent=True
            )
        )
    for key, label in (("cho_duyet", _("Chờ duyệt")), ("cho_ky", _("Chờ ký")), ("cho_phat_hanh", _("Chờ phát hành"))):
        if key in signing:
            queues.append(Queue(key, label, f"{outgoing_url}?tab={key}", counts.get(key), "outgoing"))
    if posts_paper:
        queues.append(
            Queue("paper", _("Bản giấy cần gửi"), reverse("documents:paper_list"), counts.get("paper"), "outgoing")
        )
    queues.append(
        Queue("answers", _("Chờ trả lời"), reverse("meetings") + "?cho_tra_loi=1", counts.get("answers"), "meetings")
    )
    return queues, [TabCount(key, counts[key]) for key in tab_querysets]


class Navigation:
    """The queues of one request for the navigation: their links alone on a page (the badges arrive after it), and
    counted, with the page's tab group (`tabs`) and its counts, in the badges' request (counted_navigation)."""

    def __init__(
        self, request, queues: list[Queue] | None = None, tabs: str | None = None, tab_counts: list[TabCount] = ()
    ):
        self._request = request
        self._queues = queues
        self.tabs = tabs
        self.tab_counts = tab_counts

    @property
    def queues(self) -> list[Queue]:
        if self._queues is None:
            self._queues = queues_for(self._request.user, counted=False)
        return self._queues

    def group(self, name: str) -> list[Queue]:
        return [q for q in self.queues if q.group == name]

    @property
    def incoming(self) -> list[Queue]:
        return self.group("incoming")

    @property
    def outgoing(self) -> list[Queue]:
        return self.group("outgoing")

    @property
    def meetings(self) -> list[Queue]:
        return self.group("meetings")


def counted_navigation(request, tabs: str | None = None) -> Navigation:
    """The navigation with every queue counted (for the badges' request), and with `tabs` (a key of TAB_GROUPS,
    else ignored) that tab group's counts too."""
    tabs = tabs if tabs in TAB_GROUPS else None
    queues, tab_counts = _counted(request.user, True, tabs)
    return Navigation(request, queues, tabs, tab_counts)
