"""Grants on confidential meeting materials in the admin (see documents/core/admin.py)."""

from django.contrib import admin

from documents.core.admin import GrantAdmin
from documents.meetings.models import MeetingMaterialUserObjectPermission


@admin.register(MeetingMaterialUserObjectPermission)
class MaterialGrantAdmin(GrantAdmin):
    pass
