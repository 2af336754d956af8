"""Liên thông (issue 17): the peers we exchange edXML packages with, every package sent and received, and the
exchange state of each delivery that crosses to another system."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from documents.core.models import Delivery, StoredFile
from units.models import Unit, UnitKind

if TYPE_CHECKING:
    from asn1crypto import x509 as asn1_x509


def hash_token(raw: str) -> str:
    # Tokens are long random strings, not passwords: one SHA-256 is enough and keeps each request cheap.
    return "sha256$" + hashlib.sha256(raw.encode()).hexdigest()


def new_token() -> str:
    return secrets.token_urlsafe(32)


def certificates_in(text: str) -> list[asn1_x509.Certificate]:
    """The X.509 certificates of a PEM text (one or more BEGIN CERTIFICATE blocks); ValueError when unreadable."""
    from asn1crypto import pem  # here: every process imports the models, few read a certificate
    from asn1crypto import x509 as asn1_x509

    raw = text.strip().encode()
    if not raw:
        return []
    if not pem.detect(raw):
        raise ValueError("not PEM")
    out = []
    for kind, _headers, der in pem.unarmor(raw, multiple=True):
        if kind != "CERTIFICATE":
            raise ValueError(kind)
        certificate = asn1_x509.Certificate.load(der)
        certificate.native  # noqa: B018 - parses the whole structure now, so a damaged one fails here
        out.append(certificate)
    return out


def validate_certificates(text: str) -> None:
    try:
        certificates_in(text)
    except Exception as exc:  # asn1crypto raises several kinds for damaged input
        raise ValidationError(
            _("Chứng thư số không đọc được: dán một hoặc nhiều chứng thư dạng PEM (-----BEGIN CERTIFICATE-----)."),
            code="certificates",
        ) from exc


class Peer(models.Model):
    """Another edXML system: where to send, which agencies it reaches, and the tokens each side presents."""

    name = models.CharField(_("tên hệ thống"), max_length=255)
    base_url = models.URLField(
        _("địa chỉ nhận gói tin"),
        max_length=500,
        help_text=_("Ví dụ: https://idesk.binhdinh.gov.vn/lien-thong/goi-tin/"),
    )
    units = models.ManyToManyField(
        Unit,
        blank=True,
        related_name="exchange_peers",
        limit_choices_to={"kind": UnitKind.EXTERNAL},
        verbose_name=_("cơ quan liên thông qua hệ thống này"),
    )
    organ_ids = models.TextField(
        _("mã định danh khác"), blank=True, help_text=_("Mã định danh các cơ quan khác, mỗi dòng một mã.")
    )
    inbound_token_hash = models.CharField(_("mã xác thực nhận (đã băm)"), max_length=80, editable=False, blank=True)
    outbound_token = models.CharField(
        _("mã xác thực gửi"), max_length=255, blank=True, help_text=_("Mã hệ thống kia cấp cho chúng ta.")
    )
    signing_certificates = models.TextField(
        _("chứng thư số ký văn bản"),
        blank=True,
        help_text=_(
            "Chứng thư số (PEM) của tổ chức cung cấp dịch vụ chứng thực mà cơ quan bên kia dùng để ký văn bản, "
            "một hoặc nhiều. Chữ ký trong văn bản nhận từ hệ thống này được coi là tin cậy khi chuỗi chứng thư "
            "dẫn về một trong các chứng thư này."
        ),
    )
    active = models.BooleanField(_("đang liên thông"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("hệ thống liên thông")
        verbose_name_plural = _("hệ thống liên thông")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def set_inbound_token(self, raw: str) -> None:
        self.inbound_token_hash = hash_token(raw)

    def inbound_token_matches(self, raw: str) -> bool:
        return bool(self.inbound_token_hash) and hmac.compare_digest(self.inbound_token_hash, hash_token(raw))

    def listed_codes(self) -> set[str]:
        return {c for c in re.split(r"[\s,;]+", self.organ_ids) if c}

    def codes(self) -> set[str]:
        return self.listed_codes() | {u.organ_id for u in self.units.all() if u.organ_id}

    def clean(self) -> None:
        # Checked here rather than as a field validator: a validator would make the migration import this module.
        super().clean()
        try:
            validate_certificates(self.signing_certificates)
        except ValidationError as refused:
            raise ValidationError({"signing_certificates": refused.messages}) from None

    def signing_roots(self) -> list[asn1_x509.Certificate]:
        """The peer's signing certificates, trusted (beside the server's roots) for the PDFs it sends us."""
        try:
            return certificates_in(self.signing_certificates)
        except Exception:  # saved before validation existed, or edited in the database: trust nothing extra
            return []


class Direction(models.TextChoices):
    IN = "in", _("Nhận")
    OUT = "out", _("Gửi")


class PackageState(models.TextChoices):
    PENDING = "pending", _("Chờ gửi")
    SENT = "sent", _("Đã gửi")
    FAILED = "failed", _("Gửi lỗi")
    RECEIVED = "received", _("Đã nhận")
    REFUSED = "refused", _("Từ chối")


class Package(models.Model):
    """One edXML package as sent or received, kept as its XML bytes (the exchange's evidence)."""

    direction = models.CharField(_("chiều"), max_length=3, choices=Direction.choices)
    peer = models.ForeignKey(Peer, null=True, blank=True, on_delete=models.PROTECT, related_name="packages")
    kind = models.CharField(_("loại gói tin"), max_length=8)  # document | status
    document_id = models.CharField(_("DocumentId"), max_length=255, blank=True, db_index=True)
    business_doc_type = models.PositiveSmallIntegerField(_("nghiệp vụ"), null=True, blank=True)
    status_code = models.CharField(_("mã trạng thái"), max_length=2, blank=True)
    from_organ = models.CharField(_("cơ quan gửi"), max_length=64, blank=True)
    to_organ = models.CharField(_("cơ quan nhận"), max_length=255, blank=True)
    blob = models.ForeignKey(StoredFile, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    size = models.PositiveBigIntegerField(_("dung lượng"), default=0)
    state = models.CharField(_("tình trạng"), max_length=10, choices=PackageState.choices)
    attempts = models.PositiveSmallIntegerField(_("số lần gửi"), default=0)
    last_error = models.TextField(_("lỗi gần nhất"), blank=True)
    next_attempt_at = models.DateTimeField(_("lần gửi tiếp"), null=True, blank=True)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    sent_at = models.DateTimeField(_("gửi xong lúc"), null=True, blank=True)
    delivery = models.ForeignKey(
        Delivery, null=True, blank=True, on_delete=models.PROTECT, related_name="exchange_packages"
    )
    # Tells apart the updates (BussinessDocType 2) of one DocumentId: ours name the DocumentUpdate ("u<pk>"), a
    # received one is keyed by its content (reason and attachments); empty for every other package.
    update_key = models.CharField(max_length=64, blank=True, default="")

    class Meta:
        verbose_name = _("gói tin liên thông")
        verbose_name_plural = _("gói tin liên thông")
        ordering = ["-created_at", "-id"]
        constraints = [
            # The receiver's half of "never delivered twice": one accepted document package per DocumentId, business
            # type (and update) from a peer; a concurrent twin fails here and is answered as a repeat.
            models.UniqueConstraint(
                fields=["peer", "document_id", "business_doc_type", "update_key"],
                condition=Q(direction=Direction.IN, kind="document", state=PackageState.RECEIVED),
                name="exchange_package_received_once",
            ),
        ]
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="exchange_package_due")]

    def __str__(self) -> str:
        code = f" {self.status_code}" if self.status_code else ""
        return f"{self.get_direction_display()} {self.kind}{code} {self.document_id}"


class Link(models.Model):
    """A delivery that crosses to (out) or came from (in) a peer: its DocumentId, the other side's organ and the
    last status the other side reported."""

    delivery = models.OneToOneField(Delivery, on_delete=models.PROTECT, related_name="exchange")
    peer = models.ForeignKey(Peer, on_delete=models.PROTECT, related_name="links")
    direction = models.CharField(max_length=3, choices=Direction.choices)
    document_id = models.CharField(max_length=255, db_index=True)
    organ_id = models.CharField(_("mã định danh bên kia"), max_length=64)
    remote_status = models.CharField(_("trạng thái bên nhận"), max_length=2, blank=True)
    remote_description = models.TextField(_("mô tả"), blank=True)
    remote_status_at = models.DateTimeField(null=True, blank=True)
    remote_arrival_number = models.CharField(_("số đến bên nhận"), max_length=32, blank=True)
    codes_sent = models.JSONField(default=list, blank=True)  # status codes we sent for it (04/05 once each)
    recall_requested_at = models.DateTimeField(null=True, blank=True)
    recall_reason = models.TextField(blank=True)
    status_before_recall = models.CharField(max_length=12, blank=True)

    class Meta:
        verbose_name = _("lượt gửi liên thông")
        verbose_name_plural = _("lượt gửi liên thông")

    def __str__(self) -> str:
        return f"{self.get_direction_display()} {self.document_id} ({self.organ_id})"

    def get_remote_status_label(self) -> str:
        from documents.exchange.edxml import StatusCode

        return str(StatusCode(self.remote_status).label) if self.remote_status in StatusCode.values else ""
