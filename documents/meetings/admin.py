"""Grants on confidential meeting materials in the admin (see documents/core/admin.py)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from documents.core.admin import GrantAdmin
from documents.meetings.models import MeetingMaterialUserObjectPermission


@admin.register(MeetingMaterialUserObjectPermission)
class MaterialGrantAdmin(GrantAdmin):
    @admin.display(description=_("Tài liệu họp"))
    def granted(self, grant) -> str:
        return str(grant.content_object)
