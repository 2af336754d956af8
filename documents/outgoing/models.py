"""Outgoing drafts (văn bản đi), their files, comments and versions, the paper rule and cached PDFs."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from documents.core.models import DocType, Document, Secrecy, StoredFile, Urgency
from documents.incoming.models import IncomingRecord
from units.models import Unit
from units.text import fold

# --- Outgoing drafts (văn bản đi, before issue) ----------------------------------------------------------


class DraftStatus(models.TextChoices):
    DRAFT = "draft", _("Đang soạn")
    IN_REVIEW = "review", _("Chờ trưởng đơn vị duyệt")
    RETURNED = "returned", _("Bị trả lại")
    TO_SIGN = "to_sign", _("Chờ ký duyệt")
    SIGNED = "signed", _("Đã ký duyệt, chờ phát hành")
    ISSUED = "issued", _("Đã phát hành")


class SigningCapacity(models.TextChoices):
    NONE = "", _("Ký trực tiếp")
    TM = "TM.", _("TM. (thay mặt tập thể)")
    KT = "KT.", _("KT. (ký thay)")
    # A deputy signing for the committee: TM. ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH / PHÓ CHỦ TỊCH.
    TM_KT = "TM.KT.", _("TM. tập thể, KT. người đứng đầu (cấp phó ký thay, ba dòng)")
    Q = "Q.", _("Q. (quyền)")
    TL = "TL.", _("TL. (thừa lệnh)")
    TUQ = "TUQ.", _("TUQ. (thừa ủy quyền)")


class RecipientGroup(models.TextChoices):
    DEPARTMENTS = "departments", _("Các phòng, ban, ngành")
    COMMUNES = "communes", _("UBND các xã, thị trấn")


class MeetingKind(models.TextChoices):
    NONE = "", _("Không phải tài liệu họp")
    ORDINARY = "meeting", _("Tài liệu phục vụ cuộc họp")
    SECURITY = "security", _("Tài liệu họp về quốc phòng, an ninh, trật tự xã hội hoặc họp mật")


class CopyKind(models.TextChoices):
    SAO_Y = "SY", _("Sao y")
    SAO_LUC = "SL", _("Sao lục")
    TRICH_SAO = "TrS", _("Trích sao")


class OutgoingDraft(models.Model):
    """A document being written: drafted by staff, reviewed by the unit head, signed by a leader, issued by a clerk."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="drafts", verbose_name=_("đơn vị soạn thảo"))
    issuer_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="issued_drafts", verbose_name=_("cơ quan ban hành")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="drafts", verbose_name=_("người soạn")
    )
    doc_type = models.CharField(_("loại văn bản"), max_length=8, choices=DocType.choices, default=DocType.CONG_VAN)
    is_legal = models.BooleanField(_("văn bản quy phạm pháp luật"), default=False)
    summary = models.TextField(_("trích yếu"))
    body = models.TextField(_("nội dung"), blank=True)
    kinh_gui = models.TextField(_("kính gửi"), blank=True)
    recipient_units = models.ManyToManyField(Unit, blank=True, related_name="+", verbose_name=_("nơi nhận (đơn vị)"))
    recipient_groups = models.JSONField(_("nơi nhận (nhóm)"), default=list, blank=True)
    external_recipients = models.TextField(_("nơi nhận khác"), blank=True)
    archive_note = models.CharField(_("lưu"), max_length=100, default="VT", blank=True)
    symbol_suffix = models.CharField(_("ký hiệu đơn vị soạn thảo"), max_length=20, blank=True)
    urgency = models.PositiveSmallIntegerField(_("độ khẩn"), choices=Urgency.choices, default=Urgency.NORMAL)
    secrecy = models.PositiveSmallIntegerField(_("độ mật"), choices=Secrecy.choices, default=Secrecy.NONE)
    meeting_kind = models.CharField(
        _("tài liệu họp"), max_length=10, choices=MeetingKind.choices, blank=True, default=""
    )
    signer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="drafts_to_sign", verbose_name=_("người ký")
    )
    signing_capacity = models.CharField(
        _("thẩm quyền ký"), max_length=8, choices=SigningCapacity.choices, blank=True, default=""
    )
    leader_comment = models.TextField(_("ý kiến của lãnh đạo"), blank=True)
    reply_to = models.ForeignKey(
        IncomingRecord,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="replies",
        verbose_name=_("trả lời văn bản đến"),
    )
    replaces = models.ForeignKey(
        Document, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("thay thế văn bản")
    )
    status = models.CharField(_("trạng thái"), max_length=10, choices=DraftStatus.choices, default=DraftStatus.DRAFT)
    document = models.OneToOneField(Document, null=True, blank=True, on_delete=models.PROTECT, related_name="draft")
    # The face as the leader signed it (number and date still empty fields): issuing fills them and adds the
    # agency's signature to these bytes; the face is never rendered again after this.
    signed_pdf = models.ForeignKey(StoredFile, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # The trích yếu folded (units.text.fold) for the one search, which matches it in SQL (documents.search);
    # trigram-indexed on PostgreSQL (migration 0023: a GIN index SQLite cannot build, so not in Meta).
    search_key = models.TextField(editable=False, default="")

    class Meta:
        verbose_name = _("dự thảo văn bản đi")
        verbose_name_plural = _("dự thảo văn bản đi")
        ordering = ["-updated_at", "-id"]
        indexes = [models.Index(fields=["unit", "status"], name="draft_unit_status")]

    def __str__(self) -> str:
        return self.summary[:80]

    def save(self, *args, **kwargs) -> None:
        self.search_key = fold(self.summary)
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_key"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("documents:draft_detail", args=[self.pk])

    @property
    def confidential(self) -> bool:
        return self.secrecy > Secrecy.NONE


class DraftFile(models.Model):
    draft = models.ForeignKey(OutgoingDraft, on_delete=models.CASCADE, related_name="files")
    blob = models.ForeignKey(StoredFile, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("tên tệp"), max_length=255)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class DraftComment(models.Model):
    """Review and signing comments; returned drafts keep them as their history."""

    class Kind(models.TextChoices):
        RETURNED_BY_REVIEWER = "review_return", _("Trưởng đơn vị trả lại")
        RETURNED_BY_SIGNER = "sign_return", _("Lãnh đạo trả lại")
        APPROVED = "approved", _("Duyệt")
        SIGNED = "signed", _("Ký duyệt")
        COMMENT = "comment", _("Ý kiến")

    draft = models.ForeignKey(OutgoingDraft, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    text = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.text[:40]}"


class DraftVersion(models.Model):
    """A snapshot each time the draft goes up for review, so returned drafts keep their history."""

    draft = models.ForeignKey(OutgoingDraft, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    summary = models.TextField()
    body = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["number"]
        constraints = [models.UniqueConstraint(fields=["draft", "number"], name="draft_version_unique")]

    def __str__(self) -> str:
        return f"v{self.number}"


class PaperRule(models.Model):
    """Founding letter R3 as data an administrator can see and adjust, in versions: each change is a new row with
    the date it applies from, and a version once in force is never edited (the admin shows it read-only), so the
    rows are the rule's history. Deliveries store the reason the version in force gave them: a later version
    never changes a decision already taken."""

    effective_date = models.DateField(_("áp dụng từ ngày"), default=datetime.date(2017, 1, 1))
    invitations_electronic_only = models.BooleanField(_("Thư mời, giấy mời chỉ gửi điện tử"), default=True)
    meeting_materials_electronic_only = models.BooleanField(_("Tài liệu họp chỉ gửi điện tử"), default=True)
    copies_electronic_only = models.BooleanField(_("Bản sao y, sao lục chỉ gửi điện tử"), default=True)
    security_meetings_keep_paper = models.BooleanField(
        _("Trừ tài liệu họp về quốc phòng, an ninh, trật tự xã hội, họp mật"), default=True
    )
    leader_comment_keeps_paper = models.BooleanField(_("Trừ văn bản có ý kiến của lãnh đạo UBND huyện"), default=True)
    basis = models.CharField(
        _("căn cứ"), max_length=255, default="Công văn số 3261/UBND ngày 05/12/2016 của UBND huyện Vân Canh, mục 3"
    )

    class Meta:
        verbose_name = _("quy tắc gửi bản giấy")
        verbose_name_plural = _("quy tắc gửi bản giấy")
        ordering = ["-effective_date"]
        constraints = [models.UniqueConstraint(fields=["effective_date"], name="paper_rule_one_version_a_day")]

    def __str__(self) -> str:
        return str(_("Quy tắc gửi bản giấy từ %(d)s") % {"d": self.effective_date.strftime("%d/%m/%Y")})

    @classmethod
    def current(cls, on: datetime.date | None = None) -> PaperRule:
        """The version in force on `on` (today by default); before the first version, the first version (its
        date then says electronic-only does not apply yet). Made with the letter's values on first use."""
        on = on or timezone.localdate()
        rule = cls.objects.filter(effective_date__lte=on).order_by("-effective_date").first()
        rule = rule or cls.objects.order_by("effective_date").first()
        if rule is None:
            # Clerks issuing at once on a fresh installation: one INSERT wins (one version a day), the others
            # read it, instead of failing on the unique date.
            cls.objects.bulk_create([cls()], ignore_conflicts=True)
            rule = cls.objects.order_by("effective_date").first()
        return rule

    def in_force(self, today: datetime.date | None = None) -> bool:
        """Already applied to some day: decisions may have been stored under it, so it is history now."""
        return self.pk is not None and self.effective_date <= (today or timezone.localdate())


class PdfCache(models.Model):
    """Rendered PDFs by the hash of what they were rendered from: the same inputs never render twice."""

    key = models.CharField(max_length=64, unique=True)
    blob = models.ForeignKey(StoredFile, on_delete=models.PROTECT, related_name="+")
    pages = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.key[:12]
