# Issue 16: the leader-signed face kept on the draft, the issued signed file with its verification code, and the
# check of every arriving PDF's signatures. Written by hand: only these models.

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0009_signing"),
    ]

    operations = [
        migrations.AddField(
            model_name="outgoingdraft",
            name="signed_pdf",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="documents.storedfile",
            ),
        ),
        migrations.CreateModel(
            name="IssuedSignedFile",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("code", models.CharField(max_length=12, unique=True, verbose_name="mã xác thực")),
                ("signed_at", models.DateTimeField(verbose_name="thời điểm ký phát hành")),
                (
                    "blob",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="+", to="documents.storedfile"
                    ),
                ),
                (
                    "document",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="signed_file",
                        to="documents.document",
                        verbose_name="văn bản",
                    ),
                ),
            ],
            options={"verbose_name": "bản điện tử đã ký số", "verbose_name_plural": "bản điện tử đã ký số"},
        ),
        migrations.CreateModel(
            name="PdfVerification",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "checked_at",
                    models.DateTimeField(default=django.utils.timezone.now, verbose_name="thời điểm kiểm tra"),
                ),
                ("ok", models.BooleanField(default=False, verbose_name="đạt")),
                ("problem", models.CharField(blank=True, max_length=500, verbose_name="vấn đề")),
                (
                    "blob",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="verification",
                        to="documents.storedfile",
                        verbose_name="tệp",
                    ),
                ),
            ],
            options={
                "verbose_name": "kết quả kiểm tra chữ ký số",
                "verbose_name_plural": "kết quả kiểm tra chữ ký số",
            },
        ),
        migrations.CreateModel(
            name="SignatureCheck",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("position", models.PositiveSmallIntegerField()),
                ("field_name", models.CharField(blank=True, max_length=255)),
                ("signer", models.CharField(blank=True, max_length=255, verbose_name="người ký")),
                ("organisation", models.CharField(blank=True, max_length=255, verbose_name="tổ chức")),
                ("signed_at", models.DateTimeField(blank=True, null=True, verbose_name="thời điểm ký")),
                ("intact", models.BooleanField(verbose_name="nguyên vẹn")),
                ("valid", models.BooleanField(verbose_name="hợp lệ")),
                ("trusted", models.BooleanField(verbose_name="tin cậy")),
                ("revoked", models.BooleanField(null=True, verbose_name="bị thu hồi")),
                ("covers_whole_file", models.BooleanField(default=False)),
                ("summary", models.TextField(verbose_name="kết luận")),
                (
                    "verification",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="signatures",
                        to="documents.pdfverification",
                    ),
                ),
            ],
            options={"ordering": ["verification", "position"]},
        ),
        migrations.AddConstraint(
            model_name="signaturecheck",
            constraint=models.UniqueConstraint(
                fields=("verification", "position"), name="signature_check_position_unique"
            ),
        ),
    ]
