from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from units.models import CalendarException, Unit


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    """No deletion: a unit's people, documents and compliance results refer to it (PROTECT); a unit that is merged
    or dissolved is deactivated."""

    list_display = ["name", "code", "organ_id", "short_name", "kind", "parent", "eoffice_since", "active", "sort_order"]
    list_filter = ["kind", "active", ("eoffice_since", admin.EmptyFieldListFilter)]
    search_fields = ["name", "code", "organ_id", "short_name", "search_key"]
    list_editable = ["sort_order"]
    autocomplete_fields = ["parent"]
    ordering = ["sort_order", "name"]
    actions = ["deactivate"]

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.action(description=_("Ngừng hoạt động các đơn vị đã chọn"), permissions=["change"])
    def deactivate(self, request, queryset) -> None:
        count = 0
        for unit in queryset.filter(active=True):
            unit.active = False
            unit.save(update_fields=["active"])
            count += 1
        self.message_user(request, _("Đã chuyển %(n)d đơn vị sang ngừng hoạt động.") % {"n": count})


@admin.register(CalendarException)
class CalendarExceptionAdmin(admin.ModelAdmin):
    """Yearly swaps the government announces: the working-day calendar reads them at once (no cache)."""

    list_display = ["date", "weekday", "kind", "reason"]
    list_filter = ["kind"]
    search_fields = ["reason"]
    date_hierarchy = "date"
    ordering = ["-date"]

    @admin.display(description=_("thứ"))
    def weekday(self, obj: CalendarException) -> str:
        return [_("Thứ Hai"), _("Thứ Ba"), _("Thứ Tư"), _("Thứ Năm"), _("Thứ Sáu"), _("Thứ Bảy"), _("Chủ nhật")][
            obj.date.weekday()
        ]
