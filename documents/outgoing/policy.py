"""The policy for outgoing drafts and issued documents: taking part in the flow is the grant; confidential
ones (độ mật) are narrower. Also who may download a document's file, whichever part it came through."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from accounts.models import Role, User
from documents.core.models import Document, Secrecy
from documents.core.policy import (
    granted_document_ids,
    is_clerk_of,
    leads_unit,
    pending_deliveries_for,
    sees_unit_register,
)
from documents.incoming import policy as incoming_policy
from documents.outgoing.models import DraftComment, DraftStatus, OutgoingDraft

_SIGNER_STAGES = [DraftStatus.TO_SIGN, DraftStatus.SIGNED, DraftStatus.ISSUED]
_CLERK_STAGES = [DraftStatus.SIGNED, DraftStatus.ISSUED]
_REVIEW_STAGES = [DraftStatus.IN_REVIEW, DraftStatus.RETURNED, *_SIGNER_STAGES]


_UNDER_REVIEW = [DraftStatus.IN_REVIEW, DraftStatus.RETURNED, DraftStatus.TO_SIGN, DraftStatus.SIGNED]


def drafts_visible_to(user: User, qs: QuerySet[OutgoingDraft] | None = None) -> QuerySet[OutgoingDraft]:
    """A drafter sees own drafts; the unit's head what came up for review; the signer what is before them;
    the issuing unit's clerk what is signed. Taking part in the flow is the grant.

    A confidential draft (độ mật) is narrower: its author; the unit's leaders while it waits for their review;
    those who reviewed or signed it (their comment is on it) and its signer, while it is still under review; the
    issuing clerk while it waits to be issued. Once issued, only those holding a grant on the document."""
    qs = OutgoingDraft.objects.all() if qs is None else qs
    if not user.is_authenticated or not user.is_active:
        return qs.none()
    rel = Q(author_id=user.pk) | Q(signer_id=user.pk, status__in=_SIGNER_STAGES)
    if leads_unit(user):
        rel |= Q(unit_id=user.unit_id, status__in=_REVIEW_STAGES)
    if user.role == Role.CLERK and user.unit_id:
        rel |= Q(issuer_unit_id=user.unit_id, status__in=_CLERK_STAGES)
    secret = (
        Q(author_id=user.pk)
        | Q(signer_id=user.pk, status__in=[DraftStatus.TO_SIGN, DraftStatus.SIGNED])
        | Q(pk__in=DraftComment.objects.filter(author_id=user.pk).values("draft_id"), status__in=_UNDER_REVIEW)
        | Q(document_id__in=granted_document_ids(user), status=DraftStatus.ISSUED)
    )
    if leads_unit(user):
        secret |= Q(unit_id=user.unit_id, status=DraftStatus.IN_REVIEW)
    if user.role == Role.CLERK and user.unit_id:
        secret |= Q(issuer_unit_id=user.unit_id, status=DraftStatus.SIGNED)
    return qs.filter((Q(secrecy=Secrecy.NONE) & rel) | (Q(secrecy__gt=Secrecy.NONE) & secret))


def can_draft(user: User, action: str, draft: OutgoingDraft) -> bool:
    if not drafts_visible_to(user).filter(pk=draft.pk).exists():
        return False
    status = draft.status
    if action == "view":
        return True
    if action in ("edit", "submit"):
        return draft.author_id == user.pk and status in (DraftStatus.DRAFT, DraftStatus.RETURNED)
    if action == "review":
        return status == DraftStatus.IN_REVIEW and leads_unit(user) and user.unit_id == draft.unit_id
    if action == "sign":
        return status == DraftStatus.TO_SIGN and draft.signer_id == user.pk
    if action == "issue":
        return status == DraftStatus.SIGNED and is_clerk_of(user, draft.issuer_unit_id)
    return False


def require_draft(user: User, action: str, draft: OutgoingDraft) -> None:
    if not drafts_visible_to(user).filter(pk=draft.pk).exists():
        raise Http404
    if not can_draft(user, action, draft):
        raise PermissionDenied


def issued_visible_to(user: User, qs: QuerySet[Document] | None = None) -> QuerySet[Document]:
    """Documents issued by the user's unit (its outgoing and copy registers), for its clerk, heads and leaders,
    and documents the user drafted or signed; confidential ones only with a grant.

    Like `visible_to`: one `id IN (UNION ALL of indexed lookups)`, never an OR across joins (which scanned every
    document of the province)."""
    qs = Document.objects.all() if qs is None else qs
    if not user.is_authenticated or not user.is_active:
        return qs.none()
    granted = granted_document_ids(user)
    parts = [
        OutgoingDraft.objects.filter(author_id=user.pk, document__isnull=False).order_by().values("document_id"),
        OutgoingDraft.objects.filter(signer_id=user.pk, document__isnull=False).order_by().values("document_id"),
        # A grant alone opens an issued confidential document.
        Document.objects.filter(pk__in=granted, secrecy__gt=Secrecy.NONE).order_by().values("pk"),
    ]
    if sees_unit_register(user):
        parts.append(Document.objects.filter(register__unit_id=user.unit_id).order_by().values("pk"))
    first, *others = parts
    candidates = first.union(*others, all=True)
    return qs.filter(Q(secrecy=Secrecy.NONE) | Q(pk__in=granted), pk__in=candidates, register__isnull=False)


def can_issued(user: User, action: str, document: Document) -> bool:
    if not issued_visible_to(user).filter(pk=document.pk).exists():
        return False
    if action == "view":
        return True
    unit_id = document.register.unit_id if document.register_id else None
    if action == "recall":
        return (
            document.recalled_at is None
            and document.cancelled_at is None
            and leads_unit(user)
            and user.unit_id == unit_id
        )
    if action in ("cancel", "paper", "copy"):
        return is_clerk_of(user, unit_id) and document.recalled_at is None and document.cancelled_at is None
    return False


def require_issued(user: User, action: str, document: Document) -> None:
    if not issued_visible_to(user).filter(pk=document.pk).exists():
        raise Http404
    if not can_issued(user, action, document):
        raise PermissionDenied


def can_view_document_file(user: User, document: Document) -> bool:
    """A file may be downloaded by anyone who may see a record or a pending delivery of its document."""
    if incoming_policy.visible_to(user).filter(document_id=document.pk).exists():
        return True
    if document.register_id and issued_visible_to(user).filter(pk=document.pk).exists():
        return True
    # The receiving clerk reads a delivery before registering it (dispatch is the grant for that unit).
    return pending_deliveries_for(user).filter(document_id=document.pk).exists()
