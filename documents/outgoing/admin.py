"""The paper rule (founding letter R3) in the admin, in versions: a change is a new version with the day it applies
from; a version in force (or past) is read-only, so the list of versions is the rule's history. Deliveries keep
the reason their version gave them, so no change here alters a decision already stored."""

from __future__ import annotations

import datetime

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AdminDateWidget
from django.forms.models import model_to_dict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from documents.core.forms import DATE_FORMATS
from documents.outgoing.models import PaperRule


class PaperRuleForm(forms.ModelForm):
    # dd/mm/yyyy, as everywhere in iDesk (the vi locale leaves Django's input formats month-first).
    effective_date = forms.DateField(
        label=_("áp dụng từ ngày"), input_formats=DATE_FORMATS, widget=AdminDateWidget(format="%d/%m/%Y")
    )

    class Meta:
        model = PaperRule
        fields = [
            "effective_date",
            "basis",
            "invitations_electronic_only",
            "meeting_materials_electronic_only",
            "copies_electronic_only",
            "security_meetings_keep_paper",
            "leader_comment_keeps_paper",
        ]

    def clean_effective_date(self) -> datetime.date:
        day = self.cleaned_data["effective_date"]
        if day <= timezone.localdate():
            # A version for a day already past would rewrite what the rule was when decisions were taken.
            raise forms.ValidationError(_("Phiên bản mới chỉ áp dụng từ ngày mai trở đi."))
        return day


@admin.register(PaperRule)
class PaperRuleAdmin(admin.ModelAdmin):
    form = PaperRuleForm
    list_display = (
        "effective_date",
        "state",
        "invitations_electronic_only",
        "meeting_materials_electronic_only",
        "copies_electronic_only",
        "security_meetings_keep_paper",
        "leader_comment_keeps_paper",
        "basis",
    )
    ordering = ("-effective_date",)
    fieldsets = (
        (
            None,
            {
                "fields": ("effective_date", "basis"),
                "description": _(
                    "Mỗi lần thay đổi là một phiên bản mới áp dụng từ ngày ghi; phiên bản đã áp dụng không sửa được. "
                    "Văn bản mật luôn gửi bản giấy (Luật Bảo vệ bí mật nhà nước 2018), không phụ thuộc quy tắc này."
                ),
            },
        ),
        (
            _("Chỉ gửi điện tử tới đơn vị đã dùng hệ thống"),
            {"fields": ("invitations_electronic_only", "meeting_materials_electronic_only", "copies_electronic_only")},
        ),
        (_("Ngoại lệ (vẫn gửi bản giấy)"), {"fields": ("security_meetings_keep_paper", "leader_comment_keeps_paper")}),
    )

    @admin.display(description=_("tình trạng"))
    def state(self, obj: PaperRule) -> str:
        today = timezone.localdate()
        if not obj.in_force(today):
            return str(_("Sắp áp dụng"))
        return str(_("Đang áp dụng")) if PaperRule.current(today).pk == obj.pk else str(_("Đã thay thế"))

    def has_change_permission(self, request, obj: PaperRule | None = None) -> bool:
        return super().has_change_permission(request, obj) and not (obj is not None and obj.in_force())

    def has_delete_permission(self, request, obj: PaperRule | None = None) -> bool:
        return super().has_delete_permission(request, obj) and not (obj is not None and obj.in_force())

    def get_changeform_initial_data(self, request) -> dict:
        """A new version starts from the one in force, applying from tomorrow."""
        current = model_to_dict(PaperRule.current(), exclude=["id"])
        current["effective_date"] = timezone.localdate() + datetime.timedelta(days=1)
        return current
