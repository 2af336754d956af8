"""State changes of outgoing documents (văn bản đi): draft, review, sign, number and issue, dispatch, the paper
copies, recall and cancelled numbers (certified copies: documents/outgoing/copies.py). One function per action: a
transaction, a permission check, an audit event.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from accounts.models import User
from documents.core import audit, faces, liaison, notify, roles
from documents.core import policy as core_policy
from documents.core.models import AuditEvent, Delivery, DeliveryStatus, DocType, Document, DocumentFile
from documents.core.registers import take_number
from documents.core.services import ServiceError, grant_confidential
from documents.incoming import policy as incoming_policy
from documents.incoming.models import IncomingRecord
from documents.outgoing import authority, held, paper, policy, selectors, symbols
from documents.outgoing import pdf as official_pdf
from documents.outgoing.models import (
    DraftComment,
    DraftFile,
    DraftStatus,
    DraftVersion,
    OutgoingDraft,
    RecipientGroup,
)
from units.models import Unit

# --- Drafting -----------------------------------------------------------------------------------------------


@dataclass
class DraftData:
    doc_type: str
    summary: str
    signer: User
    body: str = ""
    kinh_gui: str = ""
    recipient_units: Sequence[Unit] = ()
    recipient_groups: Sequence[str] = ()
    external_recipients: str = ""
    archive_note: str = "VT"
    symbol_suffix: str = ""
    urgency: int = 0
    secrecy: int = 0
    meeting_kind: str = ""
    signing_capacity: str = ""
    is_legal: bool = False
    issuer_unit: Unit | None = None
    reply_to: IncomingRecord | None = None
    replaces: Document | None = None
    uploads: list = field(default_factory=list)


def _check_draft(author: User, data: DraftData) -> Unit:
    errors = {}
    if not data.summary.strip():
        errors["summary"] = _("Hãy nhập trích yếu.")
    if not roles.is_leader(data.signer):
        errors["signer"] = _("Người ký phải là lãnh đạo (Chủ tịch, Phó Chủ tịch hoặc thủ trưởng đơn vị).")
    issuer = data.issuer_unit or author.unit
    errors.update(authority.signer_errors(data.signer, issuer, data.signing_capacity))
    errors.update(symbols.legal_errors(data.doc_type, data.is_legal))  # a công văn is never QPPL
    inactive = [u.name for u in data.recipient_units if not u.active]
    if inactive:
        errors["recipient_units"] = _("Đơn vị không còn hoạt động: %(u)s.") % {"u": ", ".join(inactive)}
    if data.reply_to is not None and not incoming_policy.can(author, incoming_policy.VIEW, data.reply_to):
        errors["reply_to"] = _("Không tìm thấy văn bản đến này.")
    if data.replaces is not None and not (data.replaces.register_id and data.replaces.issuer_unit_id == issuer.pk):
        # Only a document this body issued itself can be corrected by a replacing one.
        errors["replaces"] = _("Chỉ thay thế được văn bản do %(u)s đã phát hành.") % {"u": issuer.name}
    if errors:
        raise ServiceError(errors)
    return issuer


def _apply(draft: OutgoingDraft, data: DraftData, issuer: Unit) -> None:
    draft.issuer_unit = issuer
    for name in (
        "doc_type", "body", "kinh_gui", "external_recipients", "archive_note", "symbol_suffix", "urgency", "secrecy",
        "meeting_kind", "signing_capacity", "is_legal", "signer", "reply_to", "replaces",
    ):  # fmt: skip
        setattr(draft, name, getattr(data, name))
    draft.summary = data.summary.strip()
    draft.recipient_groups = [g for g in data.recipient_groups if g in RecipientGroup.values]


def _attach(draft: OutgoingDraft, uploads) -> None:
    from documents.core import files

    for upload in uploads:
        files.validate_upload(upload)
        DraftFile.objects.create(draft=draft, blob=files.store(upload), name=upload.name[:255])


def create_draft(*, author: User, data: DraftData) -> OutgoingDraft:
    """Soạn thảo: any member of a unit may draft; the draft is theirs until they send it up."""
    if author.unit_id is None or not author.is_active:
        raise PermissionDenied
    issuer = _check_draft(author, data)
    with transaction.atomic():
        draft = OutgoingDraft(unit=author.unit, author=author)
        _apply(draft, data, issuer)
        draft.save()
        draft.recipient_units.set(data.recipient_units)
        _attach(draft, data.uploads)
        audit.record(author, "drafted", draft)
    return draft


def update_draft(*, author: User, draft: OutgoingDraft, data: DraftData) -> OutgoingDraft:
    """Sửa dự thảo: only its author, while it is a draft or was returned; an issued document never changes."""
    with transaction.atomic():
        draft = OutgoingDraft.objects.select_for_update().get(pk=draft.pk)
        if draft.status == DraftStatus.ISSUED and draft.author_id == author.pk:
            raise ServiceError(
                _("Văn bản đã phát hành (%(s)s), không sửa được nữa: hãy soạn văn bản mới thay thế văn bản này.")
                % {"s": draft.document.number_symbol}
            )
        policy.require(author, "edit", draft)
        issuer = _check_draft(author, data)
        _apply(draft, data, issuer)
        draft.save()
        draft.recipient_units.set(data.recipient_units)
        _attach(draft, data.uploads)
        audit.record(author, "edited", draft)
    return draft


def _snapshot(draft: OutgoingDraft, by: User) -> None:
    number = (draft.versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    DraftVersion.objects.create(draft=draft, number=number, summary=draft.summary, body=draft.body, created_by=by)


def submit_draft(*, author: User, draft: OutgoingDraft) -> OutgoingDraft:
    """Trình duyệt: to the unit head for review — or straight to the signer when the head drafted it."""
    with transaction.atomic():
        draft = OutgoingDraft.objects.select_for_update().get(pk=draft.pk)
        policy.require(author, "submit", draft)
        if not selectors.resolve_recipients(draft) and not draft.external_recipients.strip():
            raise ServiceError({"recipient_units": _("Hãy chọn nơi nhận.")})
        _snapshot(draft, author)
        # A head's own draft: its author reviews the unit's drafts, so it goes straight to the signer.
        head_drafted = policy.drafts.can_for_unit(author, policy.REVIEW, draft.unit_id)
        draft.status = DraftStatus.TO_SIGN if head_drafted else DraftStatus.IN_REVIEW
        draft.save(update_fields=["status", "updated_at"])
        audit.record(author, "draft_submitted", draft, to=draft.get_status_display())
    if draft.status == DraftStatus.TO_SIGN:
        notify.later("draft_to_sign", draft_id=draft.pk, user_id=draft.signer_id)
    else:
        notify.later("draft_to_review", draft_id=draft.pk)
    return draft


def review_draft(*, head: User, draft: OutgoingDraft, approve: bool, comment: str = "") -> OutgoingDraft:
    """The drafting unit's head approves (on to the signer) or returns with comments."""
    comment = comment.strip()
    if not approve and not comment:
        raise ServiceError({"comment": _("Hãy ghi ý kiến khi trả lại dự thảo.")})
    with transaction.atomic():
        draft = OutgoingDraft.objects.select_for_update().get(pk=draft.pk)
        policy.require(head, "review", draft)
        kind = DraftComment.Kind.APPROVED if approve else DraftComment.Kind.RETURNED_BY_REVIEWER
        DraftComment.objects.create(draft=draft, author=head, kind=kind, text=comment)
        draft.status = DraftStatus.TO_SIGN if approve else DraftStatus.RETURNED
        draft.save(update_fields=["status", "updated_at"])
        audit.record(head, "draft_approved" if approve else "draft_returned", draft, comment=comment)
    if approve:
        notify.later("draft_to_sign", draft_id=draft.pk, user_id=draft.signer_id)
    else:
        notify.later("draft_returned", draft_id=draft.pk)
    return draft


def sign_draft(
    *, leader: User, draft: OutgoingDraft, approve: bool, comment: str = "", leader_comment: str = ""
) -> OutgoingDraft:
    """Ký duyệt (or return). A district leader's comment travels with the document (it keeps paper copies)."""
    comment, leader_comment = comment.strip(), leader_comment.strip()
    if not approve and not comment:
        raise ServiceError({"comment": _("Hãy ghi ý kiến khi trả lại dự thảo.")})
    with transaction.atomic():
        draft = OutgoingDraft.objects.select_for_update().get(pk=draft.pk)
        policy.require(leader, "sign", draft)
        kind = DraftComment.Kind.SIGNED if approve else DraftComment.Kind.RETURNED_BY_SIGNER
        DraftComment.objects.create(draft=draft, author=leader, kind=kind, text=comment)
        draft.status = DraftStatus.SIGNED if approve else DraftStatus.RETURNED
        fields = ["status", "updated_at"]
        if approve and leader_comment:
            draft.leader_comment = leader_comment
            fields.append("leader_comment")
        if approve:
            # The leader's digital signature on the face (issue 16); refused, nothing is signed off.
            draft.signed_pdf = _leader_signature(leader, draft)
            fields.append("signed_pdf")
        draft.save(update_fields=fields)
        audit.record(leader, "draft_signed" if approve else "draft_returned", draft, comment=comment)
    notify.later("draft_signed" if approve else "draft_returned", draft_id=draft.pk)
    return draft


def _leader_signature(leader: User, draft: OutgoingDraft):
    """The face signed by the leader, stored; None when they have no certificate and signatures are optional."""
    from documents.outgoing import signatures
    from documents.signing.errors import SigningError

    try:
        cert = signatures.check_leader(draft, leader)
        if cert is None:
            return None
        signed = signatures.sign_face(document_of(draft, timezone.localdate()), leader, cert)
    except SigningError as exc:
        raise ServiceError(exc.message) from exc
    return signatures.store_pdf(signed, "ky-duyet.pdf")


# --- Recipients ---------------------------------------------------------------------------------------------


def kinh_gui_line(draft: OutgoingDraft) -> str:
    if draft.kinh_gui.strip() or draft.doc_type != DocType.CONG_VAN:
        return draft.kinh_gui.strip()
    labels = [RecipientGroup(g).label for g in draft.recipient_groups if g in RecipientGroup.values]
    labels += [u.name for u in draft.recipient_units.all()]
    if len(labels) == 1:
        return f"{labels[0]}."
    return "\n".join(f"- {label}{'.' if i == len(labels) - 1 else ';'}" for i, label in enumerate(labels))


def recipients_text(draft: OutgoingDraft, kinh_gui: str) -> str:
    lines = []
    if kinh_gui:
        lines.append("Như trên")
    else:
        lines += [RecipientGroup(g).label for g in draft.recipient_groups if g in RecipientGroup.values]
        lines += [u.name for u in draft.recipient_units.all()]
    lines += [
        line.strip().lstrip("-").strip().rstrip(";.") for line in draft.external_recipients.splitlines() if line.strip()
    ]
    return "\n".join(f"- {line};" for line in lines)


# --- Number, issue, dispatch ----------------------------------------------------------------------------------


def document_of(draft: OutgoingDraft, today: datetime.date) -> Document:
    """The document a draft becomes when issued on `today`, unsaved and unnumbered. The one source of what the
    issued document says: the draft preview is this document's face too, so the signer sees what is issued."""
    issuer = draft.issuer_unit
    kinh_gui = kinh_gui_line(draft)
    return Document(
        issuer_unit=issuer,
        issuer_name=issuer.name,
        doc_type=draft.doc_type,
        issued_date=today,
        summary=draft.summary,
        signer_name=draft.signer.full_name,
        signer_position=authority.position_on_face(draft.signer, issuer),
        signer_title=faces.title_of(authority.position_on_face(draft.signer, issuer)),
        signing_capacity=draft.signing_capacity,
        urgency=draft.urgency,
        secrecy=draft.secrecy,
        body=draft.body,
        kinh_gui=kinh_gui,
        recipients_text=recipients_text(draft, kinh_gui),
        archive_note=draft.archive_note,
        leader_comment=draft.leader_comment,
        meeting_kind=draft.meeting_kind,
        is_legal=draft.is_legal,
        replaces_id=draft.replaces_id,
        year=today.year,
        created_by_id=draft.author_id,
    )


def issue(*, clerk: User, draft: OutgoingDraft, attach_pdf: bool = True) -> Document:
    """Cấp số và phát hành: the next number in the issuing unit's outgoing register (confidential documents in
    their own), the symbol by NĐ30, one Document, one Delivery per recipient unit with its paper decision.

    A caller that runs this inside its own transaction passes attach_pdf=False and calls attach_official_pdf
    after its commit: rendering takes a second, and the register row stays locked until the outermost commit."""
    _check_agency_can_sign(draft)
    with transaction.atomic():
        draft = (
            OutgoingDraft.objects.select_for_update(of=("self",))
            .select_related("issuer_unit", "signer")
            .get(pk=draft.pk)
        )
        if draft.status == DraftStatus.ISSUED:
            raise ServiceError(
                _("Dự thảo này đã được cấp số và phát hành (%(s)s).") % {"s": draft.document.number_symbol}
            )
        policy.require(clerk, "issue", draft)
        recipients = selectors.resolve_recipients(draft)
        inactive = [u.name for u in recipients if not u.active]
        if inactive:
            raise ServiceError(_("Đơn vị nhận không còn hoạt động: %(u)s.") % {"u": ", ".join(inactive)})
        if not recipients and not draft.external_recipients.strip():
            raise ServiceError(_("Văn bản chưa có nơi nhận."))
        now = timezone.now()
        today = timezone.localdate(now)
        issuer = draft.issuer_unit
        # Everything but the number first: the register row is locked from the number to the commit, and every
        # clerk of the unit issuing at that moment waits for it.
        document = document_of(draft, today)
        document.issued_at, document.issued_by = now, clerk
        document.save(force_insert=True)
        DocumentFile.objects.bulk_create(
            [DocumentFile(document=document, blob_id=f.blob_id, name=f.name, added_by=clerk) for f in draft.files.all()]
        )
        draft.status = DraftStatus.ISSUED
        draft.document = document
        draft.save(update_fields=["status", "document", "updated_at"])
        grant_confidential([clerk, draft.author, draft.signer], document)
        # Signed by the leader: the agency signs after the commit, and the deliveries wait for it (held.py).
        deliveries = dispatch(document, issuer, recipients, clerk, today, held=bool(draft.signed_pdf_id))
        number_document(document, issuer, symbols.register_kind(draft), symbols.symbol_maker(draft, today.year))
        AuditEvent.objects.bulk_create(
            [
                audit.event(clerk, "issued", draft, number_symbol=document.number_symbol, document_id=document.pk),
                audit.event(
                    clerk, "issued", document, number_symbol=document.number_symbol, recipients=len(deliveries)
                ),
            ]
        )
    if attach_pdf:
        from documents.signing.errors import SigningError

        try:
            attach_official_pdf(document)
        except SigningError:
            pass  # the agency could not sign after the number committed: recorded; the issued page offers "Ký lại"
    for delivery in deliveries:
        if delivery.electronic and delivery.status != DeliveryStatus.HELD:  # held ones: when released
            notify.later("delivered", delivery_id=delivery.pk)
    notify.later("draft_issued", draft_id=draft.pk)
    return document


# The reason quotes the rule's basis, which the administrator may write at full length.
_PAPER_REASON_LENGTH = Delivery._meta.get_field("paper_reason").max_length


def number_document(document: Document, unit: Unit, kind: str, symbol_of: Callable[[int], str]) -> None:
    """Give `document` the next number of the unit's register for its year, and the symbol built from it. The last
    writes of the transaction but its audit events: the register row stays locked until the commit."""
    register, number = take_number(unit, document.year, kind, document.is_confidential)
    document.register, document.number = register, number
    document.number_symbol = symbol_of(number)
    document.save(update_fields=["register", "number", "number_symbol"])


def dispatch(
    document: Document,
    sender: Unit,
    recipients: Sequence[Unit],
    by: User,
    today: datetime.date,
    *,
    held: bool = False,
) -> list[Delivery]:
    """One delivery per recipient. `held`: the electronic ones wait for the agency's signature (held.release)."""
    deliveries = []
    for unit, decision in paper.decide_all(document, recipients, today):
        # A classified document goes on paper only: no electronic delivery (so no file, no grant).
        electronic = decision.electronic and unit.is_on_system(today)
        deliveries.append(
            Delivery(
                document=document,
                sender_unit=sender,
                recipient_unit=unit,
                electronic=electronic,
                status=DeliveryStatus.HELD if held and electronic else DeliveryStatus.SENT,
                paper_required=decision.paper_required,
                paper_reason=Truncator(decision.reason).chars(_PAPER_REASON_LENGTH),
                sent_by=by,
            )
        )
    Delivery.objects.bulk_create(deliveries)
    liaison.dispatched(document, deliveries, held=held)  # to units behind a peer system: edXML from the worker
    if document.is_confidential and not held:
        on_system = [d.recipient_unit_id for d in deliveries if d.electronic]
        grant_confidential(User.objects.filter(roles.clerks(), unit__in=on_system), document)
    return deliveries


def _check_agency_can_sign(draft: OutgoingDraft) -> None:
    """Before a number is taken: a draft the leader signed is issued only if its agency can sign too."""
    from documents.outgoing import signatures
    from documents.signing.errors import SigningError

    fresh = OutgoingDraft.objects.select_related("issuer_unit").get(pk=draft.pk)
    if fresh.signed_pdf_id and fresh.status != DraftStatus.ISSUED:
        try:
            signatures.check_agency(fresh.issuer_unit)
        except SigningError as exc:
            raise ServiceError(exc.message) from exc


def attach_official_pdf(document: Document) -> DocumentFile:
    """Render (or reuse) the official PDF outside the numbering transaction and attach it once. Once attached it
    is the document as issued: a later template version does not render it again nor add a second one."""
    existing = selectors.official_file(document)
    if existing:
        return existing
    name = selectors.official_name(document)
    if OutgoingDraft.objects.filter(document=document, signed_pdf__isnull=False).exists():
        # Signed by the leader: the agency signs the same bytes; never a fresh rendering.
        from documents.outgoing import signatures

        attached = signatures.attach_signed(document, name)
        signatures.verify_arrival(attached.blob)
        held.release(document)  # the deliveries waited for the agency's signature
        return attached
    if document.copy_kind:
        from documents.outgoing import signatures

        attached = signatures.attach_signed_copy(document, name)  # signed by the copying agency: never rendered
        if attached is not None:
            return attached
    cached = official_pdf.official_pdf(document, extra=official_pdf.copy_context(document))
    with transaction.atomic():
        existing = DocumentFile.objects.filter(document=document, blob=cached.blob).first()
        if existing:
            return existing
        attached = DocumentFile.objects.create(document=document, blob=cached.blob, name=name)
        Document.objects.filter(pk=document.pk).update(pages=cached.pages)
    document.pages = cached.pages
    return attached


def mark_paper_sent(*, clerk: User, delivery: Delivery) -> Delivery:
    """Bản giấy đã gửi: the clerk posted the paper copy."""
    with transaction.atomic():
        delivery = Delivery.objects.select_for_update().select_related("document").get(pk=delivery.pk)
        policy.issued.require_for_unit(clerk, policy.PAPER, delivery.sender_unit_id)
        if not delivery.paper_required:
            raise PermissionDenied
        if delivery.paper_sent_at is None:
            delivery.paper_sent_at = timezone.now()
            delivery.save(update_fields=["paper_sent_at"])
            audit.record(clerk, "paper_sent", delivery)
    return delivery


def cancel_number(*, clerk: User, document: Document, reason: str) -> Document:
    """Hủy số: the number stays in the register with its reason, never reused; pending deliveries are withdrawn."""
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError({"reason": _("Hãy nêu lý do hủy số.")})
    with transaction.atomic():
        document = Document.objects.select_for_update().get(pk=document.pk)
        policy.require(clerk, "cancel", document)
        if document.deliveries.filter(status=DeliveryStatus.REGISTERED).exists():
            raise ServiceError(_("Đã có đơn vị vào sổ văn bản này: hãy thu hồi thay vì hủy số."))
        document.cancelled_at = timezone.now()
        document.cancel_reason = reason
        document.save(update_fields=["cancelled_at", "cancel_reason"])
        document.deliveries.filter(status__in=[DeliveryStatus.SENT, DeliveryStatus.OPENED]).update(
            status=DeliveryStatus.RECALLED
        )
        held.withdraw(document)
        audit.record(clerk, "number_cancelled", document, reason=reason)
    return document


def recall(*, leader: User, document: Document, reason: str) -> Document:
    """Thu hồi: the document is frozen; every recipient's copy is withdrawn with a notice to acknowledge. Its
    copies (sao y, sao lục, trích sao, and copies of those) lose their basis with it: each is recalled too, with
    the original named as the reason, and their recipients are told the same way."""
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError({"reason": _("Hãy nêu lý do thu hồi.")})
    with transaction.atomic():
        document = Document.objects.select_for_update().get(pk=document.pk)
        policy.require(leader, "recall", document)
        now = timezone.now()
        ids = _withdraw(leader, document, reason, now)
        copy_reason = _("Bản gốc %(s)s đã bị thu hồi: %(r)s") % {"s": document.number_symbol, "r": reason}
        for copy in _live_copies(document):
            ids += _withdraw(leader, copy, copy_reason, now, original=document.pk)
    for pk in ids:
        notify.later("recalled", delivery_id=pk)
    return document


def _withdraw(leader: User, document: Document, reason: str, now, **audit_extra) -> list[int]:
    """One document of a recall, inside its transaction: frozen, its deliveries withdrawn, audited and told to
    peers. Returns the ids of the deliveries withdrawn from their recipients, to be notified after the commit."""
    document.recalled_at, document.recall_reason = now, reason
    document.save(update_fields=["recalled_at", "recall_reason"])
    held.withdraw(document)  # never received: nothing to notify nor acknowledge
    ids = list(
        document.deliveries.exclude(status__in=[DeliveryStatus.RETURNED, DeliveryStatus.RECALLED]).values_list(
            "pk", flat=True
        )
    )
    document.deliveries.filter(pk__in=ids).update(status=DeliveryStatus.RECALLED)
    audit.record(leader, "recalled", document, reason=reason, **audit_extra)
    liaison.recalled(document)
    return ids


def _live_copies(document: Document) -> list[Document]:
    """Its copies not yet recalled nor cancelled, and theirs, locked (a copy register's few rows per level)."""
    found, frontier = [], [document.pk]
    while frontier:
        level = list(
            Document.objects.select_for_update()
            .filter(copy_of_id__in=frontier, recalled_at__isnull=True, cancelled_at__isnull=True)
            .order_by("pk")
        )
        found += level
        frontier = [d.pk for d in level]
    return found


def acknowledge_recall(*, clerk: User, delivery: Delivery) -> Delivery:
    """The recipient's clerk confirms the withdrawal (edXML status 15: recall agreed)."""
    with transaction.atomic():
        delivery = Delivery.objects.select_for_update().get(pk=delivery.pk)
        policy.deliveries.require_for_unit(clerk, core_policy.ANSWER_RECALL, delivery.recipient_unit_id)
        if delivery.status != DeliveryStatus.RECALLED:
            raise PermissionDenied
        if delivery.recall_acknowledged_at is None:
            delivery.recall_acknowledged_at = timezone.now()
            delivery.recall_acknowledged_by = clerk
            delivery.save(update_fields=["recall_acknowledged_at", "recall_acknowledged_by"])
            audit.record(clerk, "recall_acknowledged", delivery)
            liaison.recall_acknowledged(delivery)
    return delivery
