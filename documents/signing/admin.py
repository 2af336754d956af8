"""Admin for signing: upload a PKCS#12 with its password (never stored), images, trusted roots and CRLs.

The key is never shown or offered for download: the encrypted field is not editable and not in any form.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_post_parameters

from documents.signing.errors import SigningError
from documents.signing.models import (
    CertificateKind,
    KeyStorage,
    RevocationList,
    SealImage,
    SignatureImage,
    SigningCertificate,
    TrustedRoot,
)


class SigningCertificateForm(forms.ModelForm):
    pkcs12_file = forms.FileField(
        label=_("tệp chứng thư số có khóa (.p12/.pfx)"),
        required=False,
        help_text=_("Khi khóa lưu trên máy chủ. Khóa được mã hóa khi lưu, không bao giờ tải xuống được."),
    )
    pkcs12_password = forms.CharField(
        label=_("mật khẩu tệp .p12"), required=False, widget=forms.PasswordInput(render_value=False)
    )
    certificate_file = forms.FileField(
        label=_("tệp chứng thư số (.pem/.cer)"),
        required=False,
        help_text=_("Khi ký số từ xa: chỉ chứng thư, không khóa."),
    )

    class Meta:
        model = SigningCertificate
        fields = ["kind", "user", "unit", "key_storage", "remote_provider", "remote_account", "active"]

    def clean(self):
        data = super().clean()
        instance = self.instance
        upload = data.get("pkcs12_file")
        try:
            if data.get("key_storage") == KeyStorage.SERVER and upload:
                instance.set_pkcs12(upload.read(), data.get("pkcs12_password") or None)
            elif data.get("key_storage") == KeyStorage.REMOTE and data.get("certificate_file"):
                from documents.signing import certs  # cryptography: only when a certificate is read (see models)

                raw = data["certificate_file"].read()
                found = certs.load_pem_certificates(raw) or [certs.load_certificate(raw)]
                instance.set_certificate(found[0], found[1:])
                instance.encrypted_pkcs12 = None
            elif not instance.pk:
                raise SigningError(str(_("Cần tải lên tệp .p12 (khóa trên máy chủ) hoặc tệp chứng thư (ký số từ xa).")))
        except SigningError as exc:
            raise forms.ValidationError(exc.message) from exc
        kind = data.get("kind")
        if kind == CertificateKind.PERSON and (not data.get("user") or data.get("unit")):
            raise forms.ValidationError(_("Chữ ký cá nhân: chọn người ký, không chọn cơ quan."))
        if kind == CertificateKind.AGENCY and (not data.get("unit") or data.get("user")):
            raise forms.ValidationError(_("Chữ ký cơ quan: chọn cơ quan, không chọn người ký."))
        if data.get("key_storage") == KeyStorage.REMOTE and not data.get("remote_provider"):
            raise forms.ValidationError(_("Ký số từ xa: nhập tên dịch vụ ký số từ xa."))
        duplicate = SigningCertificate.objects.filter(fingerprint=instance.fingerprint).exclude(pk=instance.pk)
        if instance.fingerprint and duplicate.exists():
            raise forms.ValidationError(_("Chứng thư số này đã có trong hệ thống."))
        return data


@admin.register(SigningCertificate)
class SigningCertificateAdmin(admin.ModelAdmin):
    form = SigningCertificateForm
    list_display = ["subject_common_name", "kind", "user", "unit", "key_storage", "not_after", "active"]
    list_filter = ["kind", "key_storage", "active"]
    search_fields = ["subject_common_name", "subject_organisation", "fingerprint", "serial"]
    autocomplete_fields = []
    raw_id_fields = ["user", "unit"]
    readonly_fields = list(SigningCertificate.CERTIFICATE_FIELDS)
    fieldsets = [
        (None, {"fields": ["kind", "user", "unit", "active"]}),
        (_("Khóa"), {"fields": ["key_storage", "pkcs12_file", "pkcs12_password", "certificate_file"]}),
        (_("Ký số từ xa"), {"fields": ["remote_provider", "remote_account"]}),
        (_("Chứng thư"), {"fields": list(SigningCertificate.CERTIFICATE_FIELDS)}),
    ]

    @method_decorator(sensitive_post_parameters("pkcs12_password"))
    def changeform_view(self, request, *args, **kwargs):
        # The password must not reach an error report.
        return super().changeform_view(request, *args, **kwargs)

    def get_queryset(self, request):
        # The encrypted key never leaves the database for an admin page.
        return super().get_queryset(request).defer("encrypted_pkcs12").select_related("user", "unit")


class _ImageForm(forms.ModelForm):
    upload = forms.FileField(label=_("ảnh PNG nền trong suốt"), required=False)

    def clean(self):
        data = super().clean()
        if data.get("upload"):
            try:
                self.instance.set_png(data["upload"].read())
            except SigningError as exc:
                raise forms.ValidationError(exc.message) from exc
        elif not self.instance.pk:
            raise forms.ValidationError(_("Cần tải lên ảnh PNG."))
        return data


class SignatureImageForm(_ImageForm):
    class Meta:
        model = SignatureImage
        fields = ["user"]


class SealImageForm(_ImageForm):
    class Meta:
        model = SealImage
        fields = ["unit", "diameter_mm"]


@admin.register(SignatureImage)
class SignatureImageAdmin(admin.ModelAdmin):
    form = SignatureImageForm
    list_display = ["user", "width", "height", "updated_at"]
    raw_id_fields = ["user"]
    readonly_fields = ["width", "height"]


@admin.register(SealImage)
class SealImageAdmin(admin.ModelAdmin):
    form = SealImageForm
    list_display = ["unit", "diameter_mm", "width", "height", "updated_at"]
    raw_id_fields = ["unit"]
    readonly_fields = ["width", "height"]


class TrustedRootForm(forms.ModelForm):
    upload = forms.FileField(label=_("tệp chứng thư gốc (.pem/.cer/.crt)"), required=False)

    class Meta:
        model = TrustedRoot
        fields = ["name", "active", "note"]

    def clean(self):
        data = super().clean()
        if data.get("upload"):
            from documents.signing import certs  # cryptography: only when a certificate is read (see models)

            try:
                self.instance.set_certificate(certs.load_certificate(data["upload"].read()))
            except SigningError as exc:
                raise forms.ValidationError(exc.message) from exc
            if TrustedRoot.objects.filter(fingerprint=self.instance.fingerprint).exclude(pk=self.instance.pk).exists():
                raise forms.ValidationError(_("Chứng thư gốc này đã có trong hệ thống."))
        elif not self.instance.pk:
            raise forms.ValidationError(_("Cần tải lên tệp chứng thư gốc."))
        return data


@admin.register(TrustedRoot)
class TrustedRootAdmin(admin.ModelAdmin):
    form = TrustedRootForm
    list_display = ["name", "fingerprint", "not_after", "active"]
    list_filter = ["active"]
    readonly_fields = ["fingerprint", "not_after", "certificate_pem"]


class RevocationListForm(forms.ModelForm):
    upload = forms.FileField(label=_("tệp CRL (.crl, PEM hoặc DER)"))

    class Meta:
        model = RevocationList
        fields = []

    def clean(self):
        data = super().clean()
        if data.get("upload"):
            try:
                self.instance.set_crl(data["upload"].read())
            except SigningError as exc:
                raise forms.ValidationError(exc.message) from exc
        return data


@admin.register(RevocationList)
class RevocationListAdmin(admin.ModelAdmin):
    form = RevocationListForm
    list_display = ["issuer", "this_update", "next_update", "revoked_count", "uploaded_at"]
    readonly_fields = ["issuer", "this_update", "next_update", "revoked_count"]
