"""Signing certificates, signature and seal images, trusted roots and CRLs (managed in the admin).

Imported by documents/models.py so Django sees them in the documents app. Nothing here imports documents.models.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

# certs (cryptography's X.509, ~10 MB) is imported where a certificate is read, not with the models: every process
# imports these, few read a certificate. keys is light, and registers a system check.
from documents.signing import keys
from documents.signing.errors import SigningError

if TYPE_CHECKING:
    from documents.signing.certs import KeyBundle


class CertificateKind(models.TextChoices):
    PERSON = "person", _lazy("cá nhân")
    AGENCY = "agency", _lazy("cơ quan")


class KeyStorage(models.TextChoices):
    SERVER = "server", _lazy("khóa lưu trên máy chủ")
    REMOTE = "remote", _lazy("ký số từ xa")


class SigningCertificateQuerySet(models.QuerySet):
    def usable(self, now: datetime.datetime | None = None) -> SigningCertificateQuerySet:
        now = now or timezone.now()
        return self.filter(active=True, not_before__lte=now, not_after__gte=now)

    def for_user(self, user) -> SigningCertificateQuerySet:
        return self.filter(kind=CertificateKind.PERSON, user=user)

    def for_unit(self, unit) -> SigningCertificateQuerySet:
        return self.filter(kind=CertificateKind.AGENCY, unit=unit)


class SigningCertificate(models.Model):
    kind = models.CharField(_lazy("loại chữ ký"), max_length=10, choices=CertificateKind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_lazy("người ký"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="signing_certificates",
    )
    unit = models.ForeignKey(
        "units.Unit",
        verbose_name=_lazy("cơ quan"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="signing_certificates",
    )
    certificate_pem = models.TextField(_lazy("chứng thư số (PEM)"))
    chain_pem = models.TextField(_lazy("chuỗi chứng thư (PEM)"), blank=True)
    subject_common_name = models.CharField(_lazy("tên trên chứng thư"), max_length=255)
    subject_organisation = models.CharField(_lazy("tổ chức trên chứng thư"), max_length=255, blank=True)
    serial = models.CharField(_lazy("số hiệu"), max_length=80)
    not_before = models.DateTimeField(_lazy("hiệu lực từ"))
    not_after = models.DateTimeField(_lazy("hiệu lực đến"))
    fingerprint = models.CharField(_lazy("dấu vân tay SHA-256"), max_length=95, unique=True)
    key_storage = models.CharField(_lazy("nơi giữ khóa"), max_length=10, choices=KeyStorage.choices)
    # PKCS#12 without password, Fernet-encrypted with IDESK_SIGNING_KEY; never shown, never downloadable.
    encrypted_pkcs12 = models.BinaryField(null=True, blank=True, editable=False)
    remote_provider = models.CharField(_lazy("dịch vụ ký số từ xa"), max_length=50, blank=True)
    remote_account = models.CharField(_lazy("tài khoản ký từ xa"), max_length=150, blank=True)
    active = models.BooleanField(_lazy("đang dùng"), default=True)
    created_at = models.DateTimeField(_lazy("ngày thêm"), auto_now_add=True)

    objects = SigningCertificateQuerySet.as_manager()

    class Meta:
        verbose_name = _lazy("chứng thư số ký")
        verbose_name_plural = _lazy("chứng thư số ký")
        ordering = ["kind", "subject_common_name", "-not_after"]
        constraints = [
            models.CheckConstraint(
                name="signingcert_owner_matches_kind",
                condition=(Q(kind=CertificateKind.PERSON, user__isnull=False, unit__isnull=True))
                | Q(kind=CertificateKind.AGENCY, unit__isnull=False, user__isnull=True),
            ),
            models.CheckConstraint(
                name="signingcert_key_matches_storage",
                condition=Q(key_storage=KeyStorage.SERVER, encrypted_pkcs12__isnull=False)
                | (Q(key_storage=KeyStorage.REMOTE) & ~Q(remote_provider="")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subject_common_name} ({self.get_kind_display()}, {self.fingerprint[:11]})"

    # --- Filling from a certificate ----------------------------------------------------------------------

    # What set_certificate() fills in from the certificate itself: shown read-only, never typed.
    CERTIFICATE_FIELDS = (
        "subject_common_name",
        "subject_organisation",
        "serial",
        "not_before",
        "not_after",
        "fingerprint",
        "certificate_pem",
        "chain_pem",
    )

    def set_certificate(self, cert, chain=()) -> None:
        from documents.signing import certs

        info = certs.describe(cert)
        self.certificate_pem = certs.to_pem(cert)
        self.chain_pem = "".join(certs.to_pem(c) for c in chain)
        self.subject_common_name = info.common_name
        self.subject_organisation = info.organisation
        self.serial = info.serial
        self.not_before = info.not_before
        self.not_after = info.not_after
        self.fingerprint = info.fingerprint

    def set_pkcs12(self, data: bytes, password: str | None) -> None:
        """Open the upload with its password (a wrong one is refused), keep it only encrypted, password-free."""
        from documents.signing import certs

        self.set_key_bundle(certs.open_pkcs12(data, password))

    def set_key_bundle(self, bundle: KeyBundle) -> None:
        """Keep a key with its certificate, server-held, only encrypted. From an upload through set_pkcs12, whose
        opening checks the RSA key (~30 ms); the demo and the tests give the keys they have just made directly."""
        from documents.signing import certs

        self.set_certificate(bundle.certificate, bundle.chain)
        self.key_storage = KeyStorage.SERVER
        self.encrypted_pkcs12 = keys.encrypt(certs.seal_pkcs12(bundle))

    # --- Signing -----------------------------------------------------------------------------------------

    @property
    def certificate(self):
        from documents.signing import certs

        return certs.load_certificate(self.certificate_pem)

    @property
    def chain(self) -> list:
        from documents.signing import certs

        return certs.load_pem_certificates(self.chain_pem)

    def expected_names(self) -> list[str]:
        if self.kind == CertificateKind.PERSON:
            return [self.user.full_name] if self.user_id else []
        return [self.unit.name] if self.unit_id else []

    def check_usable(self, now: datetime.datetime | None = None) -> None:
        """Refuse (SigningError) a certificate switched off, not valid now, unfit to sign, or naming someone else."""
        if not self.active:
            raise SigningError(_("Chứng thư số này đã bị ngừng sử dụng."))
        from documents.signing import certs

        certs.check_can_sign(self.certificate, now=now or timezone.now(), expected_names=self.expected_names())

    def signer(self, *, now: datetime.datetime | None = None, description: str = ""):
        """A pyHanko signer for this certificate, after the checks; the key is decrypted in memory only."""
        from documents.signing import signers

        self.check_usable(now)
        if self.key_storage == KeyStorage.SERVER:
            return signers.ServerKeySigner.from_stored(keys.decrypt(self.encrypted_pkcs12))
        return signers.RemoteSigner(
            certificate=self.certificate,
            chain=self.chain,
            provider=signers.provider(self.remote_provider),
            account=self.remote_account,
            description=description,
        )


class _PngImage(models.Model):
    png = models.BinaryField(_lazy("ảnh PNG"), editable=False)
    width = models.PositiveIntegerField(_lazy("rộng (điểm ảnh)"), editable=False)
    height = models.PositiveIntegerField(_lazy("cao (điểm ảnh)"), editable=False)
    updated_at = models.DateTimeField(_lazy("cập nhật"), auto_now=True)

    class Meta:
        abstract = True

    def set_png(self, data: bytes) -> None:
        from documents.signing import images

        self.width, self.height = images.validate_png(data)
        self.png = data


class SignatureImage(_PngImage):
    """The image of a person's handwritten signature (blue, transparent background)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_lazy("người ký"),
        on_delete=models.CASCADE,
        related_name="signature_image",
    )

    class Meta:
        verbose_name = _lazy("ảnh chữ ký")
        verbose_name_plural = _lazy("ảnh chữ ký")

    def __str__(self) -> str:
        return str(self.user)


class SealImage(_PngImage):
    """The image of a unit's seal (red, transparent background, actual size)."""

    unit = models.OneToOneField(
        "units.Unit", verbose_name=_lazy("cơ quan"), on_delete=models.CASCADE, related_name="seal_image"
    )
    diameter_mm = models.PositiveSmallIntegerField(_lazy("đường kính dấu (mm)"), default=36)

    class Meta:
        verbose_name = _lazy("ảnh con dấu")
        verbose_name_plural = _lazy("ảnh con dấu")

    def __str__(self) -> str:
        return str(self.unit)


class TrustedRoot(models.Model):
    """A root certificate whose chains iDesk trusts (e.g. the Government CA's roots)."""

    name = models.CharField(_lazy("tên"), max_length=255)
    certificate_pem = models.TextField(_lazy("chứng thư gốc (PEM)"))
    fingerprint = models.CharField(_lazy("dấu vân tay SHA-256"), max_length=95, unique=True, editable=False)
    not_after = models.DateTimeField(_lazy("hiệu lực đến"), editable=False)
    active = models.BooleanField(_lazy("đang tin cậy"), default=True)
    note = models.CharField(_lazy("ghi chú"), max_length=255, blank=True)

    class Meta:
        verbose_name = _lazy("chứng thư gốc tin cậy")
        verbose_name_plural = _lazy("chứng thư gốc tin cậy")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def set_certificate(self, cert) -> None:
        from documents.signing import certs

        info = certs.describe(cert)
        self.certificate_pem = certs.to_pem(cert)
        self.fingerprint = info.fingerprint
        self.not_after = info.not_after
        if not self.name:
            self.name = info.common_name or info.organisation


class RevocationList(models.Model):
    """A CRL supplied by an administrator: without one, revocation is reported as unknown."""

    issuer = models.CharField(_lazy("tổ chức phát hành"), max_length=255, editable=False)
    crl_der = models.BinaryField(editable=False)
    this_update = models.DateTimeField(_lazy("ngày phát hành"), editable=False)
    next_update = models.DateTimeField(_lazy("cập nhật tiếp"), null=True, editable=False)
    revoked_count = models.PositiveIntegerField(_lazy("số chứng thư bị thu hồi"), default=0, editable=False)
    uploaded_at = models.DateTimeField(_lazy("ngày tải lên"), auto_now_add=True)

    class Meta:
        verbose_name = _lazy("danh sách thu hồi (CRL)")
        verbose_name_plural = _lazy("danh sách thu hồi (CRL)")
        ordering = ["issuer", "-this_update"]

    def __str__(self) -> str:
        return f"{self.issuer} ({self.this_update:%d/%m/%Y})"

    def set_crl(self, data: bytes) -> None:
        from cryptography import x509
        from cryptography.hazmat.primitives import serialization
        from cryptography.x509.oid import NameOID

        raw = bytes(data)
        try:
            crl = x509.load_pem_x509_crl(raw) if b"-----BEGIN" in raw else x509.load_der_x509_crl(raw)
        except ValueError as exc:
            raise SigningError(_("Tệp không phải danh sách thu hồi chứng thư (CRL).")) from exc
        names = crl.issuer.get_attributes_for_oid(NameOID.COMMON_NAME)
        self.issuer = str(names[0].value) if names else crl.issuer.rfc4514_string()
        self.crl_der = crl.public_bytes(serialization.Encoding.DER)
        self.this_update = crl.last_update_utc
        self.next_update = crl.next_update_utc
        self.revoked_count = len(crl)


def trust_store() -> tuple[list[str], list[bytes]]:
    """The trusted roots and CRLs from the database, for verify_pdf."""
    roots = list(TrustedRoot.objects.filter(active=True).values_list("certificate_pem", flat=True))
    crls = [bytes(raw) for raw in RevocationList.objects.values_list("crl_der", flat=True)]
    return roots, crls


class IssuedSignedFile(models.Model):
    """The signed official PDF of a document iDesk issued: found again by its SHA-256 or its short code."""

    document = models.OneToOneField(
        "documents.Document", on_delete=models.PROTECT, related_name="signed_file", verbose_name=_lazy("văn bản")
    )
    blob = models.ForeignKey("documents.StoredFile", on_delete=models.PROTECT, related_name="+")
    code = models.CharField(_lazy("mã xác thực"), max_length=12, unique=True)
    signed_at = models.DateTimeField(_lazy("thời điểm ký phát hành"))

    class Meta:
        verbose_name = _lazy("bản điện tử đã ký số")
        verbose_name_plural = _lazy("bản điện tử đã ký số")

    def __str__(self) -> str:
        return self.code


# The problem recorded for a PDF with no signature at all: fine for a paper arrival scanned and registered by hand.
NO_SIGNATURE = _lazy("Tệp PDF không có chữ ký số nào.")


class PdfVerification(models.Model):
    """The check of one PDF's signatures when it arrived (delivery, registration): its result is kept as it was."""

    blob = models.OneToOneField(
        "documents.StoredFile", on_delete=models.PROTECT, related_name="verification", verbose_name=_lazy("tệp")
    )
    checked_at = models.DateTimeField(_lazy("thời điểm kiểm tra"), default=timezone.now)
    ok = models.BooleanField(_lazy("đạt"), default=False)
    problem = models.CharField(_lazy("vấn đề"), max_length=500, blank=True)

    class Meta:
        verbose_name = _lazy("kết quả kiểm tra chữ ký số")
        verbose_name_plural = _lazy("kết quả kiểm tra chữ ký số")

    def __str__(self) -> str:
        return f"{self.blob_id}: {'đạt' if self.ok else 'không đạt'}"

    @property
    def unsigned(self) -> bool:
        """No signature at all (not a broken one): uses the prefetched signatures."""
        return not self.ok and self.problem == str(NO_SIGNATURE) and not self.signatures.all()


class SignatureCheck(models.Model):
    """One signature's result within a PdfVerification, in file order."""

    verification = models.ForeignKey(PdfVerification, on_delete=models.CASCADE, related_name="signatures")
    position = models.PositiveSmallIntegerField()
    field_name = models.CharField(max_length=255, blank=True)
    signer = models.CharField(_lazy("người ký"), max_length=255, blank=True)
    organisation = models.CharField(_lazy("tổ chức"), max_length=255, blank=True)
    signed_at = models.DateTimeField(_lazy("thời điểm ký"), null=True, blank=True)
    intact = models.BooleanField(_lazy("nguyên vẹn"))
    valid = models.BooleanField(_lazy("hợp lệ"))
    trusted = models.BooleanField(_lazy("tin cậy"))
    revoked = models.BooleanField(_lazy("bị thu hồi"), null=True)
    covers_whole_file = models.BooleanField(default=False)
    summary = models.TextField(_lazy("kết luận"))

    class Meta:
        ordering = ["verification", "position"]
        constraints = [
            models.UniqueConstraint(fields=["verification", "position"], name="signature_check_position_unique")
        ]

    def __str__(self) -> str:
        return self.summary[:80]

    @property
    def holds(self) -> bool:
        return self.valid and self.trusted and not self.revoked

    @property
    def verdict(self) -> str:
        """In a word or two, for the record and the public page."""
        if not self.valid:
            return _("không hợp lệ")
        if self.revoked:
            return _("đã thu hồi")
        if not self.trusted:
            return _("không tin cậy")
        return _("hợp lệ")
