"""Confidential grants outlive a clerk account: when a unit's clerk changes, what the former clerks held passes
to the unit's active clerk and head (called from documents/signals.py)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from accounts.models import Role, User
from documents.core import grants
from documents.core.models import Document, DocumentUserObjectPermission
from documents.core.services import view_confidential_id
from documents.incoming.models import IncomingRecord


def hand_over_grants(unit_id: int, former_ids: Iterable[int] = ()) -> int:
    """The unit's confidential documents outlive its clerk account: what its former clerks held (inactive clerk
    accounts of the unit, and `former_ids`, accounts that just stopped being its clerk) passes to the unit's
    active clerk and head, so someone can still open and grant them. Idempotent; each document handed over is
    one audit event naming the new holders. Returns how many grants were added."""
    successors = list(User.objects.filter(unit_id=unit_id, is_active=True, role__in=[Role.CLERK, Role.HEAD]))
    if not successors:
        return 0
    perm_id = view_confidential_id()
    former = User.objects.filter(Q(unit_id=unit_id, role=Role.CLERK, is_active=False) | Q(pk__in=list(former_ids)))
    held = DocumentUserObjectPermission.objects.filter(permission_id=perm_id, user__in=former)
    doc_ids = set(held.values_list("content_object_id", flat=True))
    if not doc_ids:
        return 0
    already = set(
        DocumentUserObjectPermission.objects.filter(
            permission_id=perm_id, content_object_id__in=doc_ids, user__in=successors
        ).values_list("content_object_id", "user_id")
    )
    added: dict[int, list[User]] = {}
    for doc_id in sorted(doc_ids):
        for person in successors:
            if (doc_id, person.pk) not in already:
                added.setdefault(doc_id, []).append(person)
    if not added:
        return 0
    formers = {
        doc_id: sorted(names)
        for doc_id, names in _names_by_document(held.filter(content_object_id__in=list(added))).items()
    }
    # Told on the unit's record of the document when it has one (its timeline), else on the document.
    records = {r.document_id: r for r in IncomingRecord.objects.filter(unit_id=unit_id, document_id__in=list(added))}
    documents = Document.objects.in_bulk(list(added))
    with transaction.atomic():
        for doc_id, people in added.items():
            # The one grant mechanism (documents/core/grants.py): guardian's table and an audit event each.
            grants.grant(
                None,
                people,
                documents[doc_id],
                verb="handed_over",
                on=records.get(doc_id) or documents[doc_id],
                to=", ".join(p.full_name for p in people),
                reason=_("Bàn giao từ tài khoản văn thư cũ: %(f)s") % {"f": ", ".join(formers.get(doc_id, []))},
                holders=[p.pk for p in people],
                document_id=doc_id,
            )
    return sum(len(people) for people in added.values())


def _names_by_document(grants) -> dict[int, set[str]]:
    names: dict[int, set[str]] = {}
    for doc_id, name, username in grants.values_list("content_object_id", "user__full_name", "user__username"):
        names.setdefault(doc_id, set()).add(name or username)
    return names
