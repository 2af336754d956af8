"""What waits for the signed-in person, queue by queue, for the navigation's badges and Bàn làm việc.

Each queue counts exactly the list its link opens (tests/idesk/test_navigation.py holds them equal per persona),
in two queries whatever the role: the inbox's counts (one statement, which Văn bản đến pages have already run and
hand over through the request) and every other queue through count_many."""

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

# Set by a page that has already counted the inbox (documents/incoming/views.py): the badges reuse its counts.
REQUEST_INBOX_COUNTS = "idesk_inbox_counts"


@dataclass(frozen=True)
class Queue:
    key: str
    label: str
    url: str
    count: int
    group: str  # the navigation entry it sits under: incoming, outgoing, meetings
    urgent: bool = False  # counted in red (late)


def queues_for(user: User, inbox: dict[str, int] | None = None) -> list[Queue]:
    """The queues this person has (by role), each with its count, in the navigation's order."""
    if not user.is_authenticated or not user.is_active:
        return []
    is_clerk = roles.is_clerk(user)
    if inbox is None or not {"cho_xu_ly", "qua_han", "pending"} <= inbox.keys():
        inbox = incoming.box_counts(user, ["cho_xu_ly", "qua_han"], pending=True)
    others = outgoing.tab_querysets(user, ["cho_duyet", "cho_ky", "cho_phat_hanh"])
    if is_clerk:
        others["paper"] = outgoing.paper_to_send(user)
    others["answers"] = meetings.awaiting_my_answer(user)
    counts = {**count_many(others), **inbox}
    incoming_url = reverse("documents:incoming_list")
    outgoing_url = reverse("documents:outgoing_list")
    queues = []
    if is_clerk:
        queues.append(Queue("pending", _("Chờ vào sổ"), reverse("documents:deliveries"), counts["pending"], "incoming"))
    queues.append(Queue("cho_xu_ly", _("Chờ xử lý"), f"{incoming_url}?box=cho_xu_ly", counts["cho_xu_ly"], "incoming"))
    if counts["qua_han"]:
        queues.append(
            Queue("qua_han", _("Quá hạn"), f"{incoming_url}?box=qua_han", counts["qua_han"], "incoming", urgent=True)
        )
    for key, label in (("cho_duyet", _("Chờ duyệt")), ("cho_ky", _("Chờ ký")), ("cho_phat_hanh", _("Chờ phát hành"))):
        if key in counts:
            queues.append(Queue(key, label, f"{outgoing_url}?tab={key}", counts[key], "outgoing"))
    if is_clerk:
        queues.append(
            Queue("paper", _("Bản giấy cần gửi"), reverse("documents:paper_list"), counts["paper"], "outgoing")
        )
    queues.append(
        Queue("answers", _("Chờ trả lời"), reverse("meetings") + "?cho_tra_loi=1", counts["answers"], "meetings")
    )
    return queues


class Navigation:
    """The badges of one request, counted on first use (a page that never shows the navigation never asks)."""

    def __init__(self, request):
        self._request = request
        self._queues: list[Queue] | None = None

    @property
    def queues(self) -> list[Queue]:
        if self._queues is None:
            request = self._request
            self._queues = queues_for(request.user, getattr(request, REQUEST_INBOX_COUNTS, None))
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

    @property
    def waiting(self) -> int:
        """Everything waiting for me (the hamburger's badge on a phone)."""
        return sum(q.count for q in self.queues if q.key != "qua_han")
