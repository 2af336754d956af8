from django.contrib import admin

from idesk.models import ComplianceDay, Notice, Notification, UnitCompliance


@admin.register(Notice)
class NoticeAdmin(admin.ModelAdmin):
    list_display = ["title", "published_at", "is_published"]
    list_filter = ["is_published"]
    search_fields = ["title", "body"]
    date_hierarchy = "published_at"


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """Read-only: what people were told, and whether the e-mail went out (for support questions)."""

    list_display = ["created_at", "recipient", "kind", "title", "read_at", "email_wanted", "emailed_at"]
    list_filter = ["kind", "email_wanted", ("read_at", admin.EmptyFieldListFilter)]
    search_fields = ["title", "recipient__username", "recipient__full_name"]
    date_hierarchy = "created_at"
    list_select_related = ["recipient"]
    raw_id_fields = ["recipient"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # evidence: kept, even for a person or unit no longer active


@admin.register(ComplianceDay)
class ComplianceDayAdmin(admin.ModelAdmin):
    """The computed days; results are recomputed with `manage.py compliance_report --date …`, never edited or
    deleted by hand."""

    list_display = ["date", "required_visits", "computed_at"]
    date_hierarchy = "date"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # evidence: kept, even for a person or unit no longer active


@admin.register(UnitCompliance)
class UnitComplianceAdmin(admin.ModelAdmin):
    list_display = [
        "date",
        "unit",
        "clerk",
        "visits",
        "compliant",
        "unopened",
        "overdue",
        "unexcused_absences",
        "in_breach",
    ]
    list_filter = ["compliant", "in_breach", "unit"]
    date_hierarchy = "date"
    list_select_related = ["unit", "clerk"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # evidence: kept, even for a person or unit no longer active
