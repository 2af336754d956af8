from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from units.models import CalendarException, Unit


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "organ_id", "short_name", "kind", "parent", "eoffice_since", "active", "sort_order"]
    list_filter = ["kind", "active", ("eoffice_since", admin.EmptyFieldListFilter)]
    search_fields = ["name", "code", "organ_id", "short_name", "search_key"]
    list_editable = ["sort_order"]
    autocomplete_fields = ["parent"]
    ordering = ["sort_order", "name"]


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
