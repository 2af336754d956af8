"""What waits for the signed-in person, queue by queue, for the navigation's badges and Bàn làm việc.

Each queue counts exactly the list its link opens (tests/idesk/test_navigation.py holds them equal per persona),
all in one query whatever the role (count_many over each list's own queryset).
Pages render the queues' links without counts and the badges arrive by one htmx request after the page
(idesk.views.nav_counts), so no page waits for seven counts it does not show in its content; Bàn làm việc,
whose content is those counts, counts them itself and the navigation shows them at once."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from documents.core import roles
from documents.incoming import selectors as incoming
from documents.meetings import selectors as meetings
from documents.outgoing import selectors as outgoing
from idesk.lib.queries import count_many

# Set by a page that has counted the queues itself (Bàn làm việc): the navigation shows its counts at once.
REQUEST_QUEUES = "idesk_queues"


@dataclass(frozen=True)
class Queue:
    key: str
    label: str
    url: str
    count: int | None  # None: not counted on this page (the badge arrives after it)
    group: str  # the navigation entry it sits under: incoming, outgoing, meetings
    urgent: bool = False  # counted in red (late)


def queues_for(user: User, counted: bool = True) -> list[Queue]:
    """The queues this person has (by role), in the navigation's order, each with its count unless `counted` is
    False (then no query runs, and Quá hạn, listed only when something is late, is left out)."""
    if not user.is_authenticated or not user.is_active:
        return []
    is_clerk = roles.is_clerk(user)
    signing = outgoing.tab_keys(user, ["cho_duyet", "cho_ky", "cho_phat_hanh"])
    if counted:
        others = outgoing.tab_querysets(user, signing)
        if is_clerk:
            others["paper"] = outgoing.paper_to_send(user)
        others["answers"] = meetings.awaiting_my_answer(user)
        others.update(incoming.box_querysets(user, ["cho_xu_ly", "qua_han"], pending=True))
        counts = count_many(others)
    else:
        counts = {}  # each queue's count is then None
    incoming_url = reverse("documents:incoming_list")
    outgoing_url = reverse("documents:outgoing_list")
    queues = []
    if is_clerk:
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
    if is_clerk:
        queues.append(
            Queue("paper", _("Bản giấy cần gửi"), reverse("documents:paper_list"), counts.get("paper"), "outgoing")
        )
    queues.append(
        Queue("answers", _("Chờ trả lời"), reverse("meetings") + "?cho_tra_loi=1", counts.get("answers"), "meetings")
    )
    return queues


class Navigation:
    """The queues of one request for the navigation: with their counts when the page has counted them (Bàn làm
    việc), otherwise their links alone, and `counted` False tells the template to fetch the badges after the page."""

    def __init__(self, request):
        self._request = request
        self._queues: list[Queue] | None = None

    @property
    def counted(self) -> bool:
        return getattr(self._request, REQUEST_QUEUES, None) is not None

    @property
    def queues(self) -> list[Queue]:
        if self._queues is None:
            request = self._request
            self._queues = getattr(request, REQUEST_QUEUES, None)
            if self._queues is None:
                self._queues = queues_for(request.user, counted=False)
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


def counted_navigation(request) -> Navigation:
    """The navigation with every queue counted (for the badges' own request and for Bàn làm việc)."""
    setattr(request, REQUEST_QUEUES, queues_for(request.user))
    return Navigation(request)
