from django.contrib import admin

from units.models import Unit


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "short_name", "kind", "parent", "eoffice_since", "active", "sort_order"]
    list_filter = ["kind", "active", ("eoffice_since", admin.EmptyFieldListFilter)]
    search_fields = ["name", "code", "short_name", "search_key"]
    list_editable = ["sort_order"]
    autocomplete_fields = ["parent"]
    ordering = ["sort_order", "name"]
