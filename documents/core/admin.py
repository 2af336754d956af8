"""The administrator sees every confidential grant (on documents here, on meeting materials in meetings/admin.py)
and revokes one by deleting it: the delete goes through grants.revoke, so it is in the audit trail like a grant.
Grants are given in the flow and on the documents' pages, never added or edited here.

Not guardian's GuardedModelAdmin: its object-permissions page assigns and removes any permission with guardian's
shortcuts, so a grant made there would skip the policy (who may hold a confidential document) and the audit trail.
These lists show the same rows, guardian's direct-foreign-key tables, with revoking as the only change."""

from __future__ import annotations

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from documents.core import grants
from documents.core.models import DocumentUserObjectPermission


class GrantAdmin(admin.ModelAdmin):
    # The person and the right under our own labels: guardian's base model names them in English (the object is
    # labelled by its field's verbose_name).
    list_display = ("grantee", "content_object")
    list_select_related = ("user", "content_object")
    search_fields = ("user__username", "user__full_name")
    fields = readonly_fields = ("grantee", "content_object", "right")
    actions = ["revoke_selected"]

    @admin.display(description=_("Người được xem"), ordering="user__full_name")
    def grantee(self, grant) -> str:
        return str(grant.user)

    @admin.display(description=_("Quyền"))
    def right(self, grant) -> str:
        return str(grant._meta.verbose_name).capitalize()

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # a bulk delete would skip the audit trail
        return actions

    def delete_model(self, request, obj) -> None:
        grants.revoke(request.user, obj.user, obj.content_object, by_admin=True)

    def delete_queryset(self, request, queryset) -> None:
        for grant in queryset.select_related("user", "content_object"):
            self.delete_model(request, grant)

    @admin.action(description=_("Thu hồi quyền xem đã chọn"), permissions=["delete"])
    def revoke_selected(self, request, queryset) -> None:
        count = queryset.count()
        self.delete_queryset(request, queryset)
        self.message_user(
            request,
            ngettext("Đã thu hồi %(n)d quyền xem.", "Đã thu hồi %(n)d quyền xem.", count) % {"n": count},
            messages.SUCCESS,
        )


@admin.register(DocumentUserObjectPermission)
class DocumentGrantAdmin(GrantAdmin):
    pass
