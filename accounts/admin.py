from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import UserChangeForm, UserCreationForm
from django.utils.translation import gettext_lazy as _

from accounts.models import AccessEvent, NotificationPreference, Role, User

CLERK_CONSTRAINT = next(c for c in User._meta.constraints if c.name == "one_active_clerk_per_unit")


class IDeskUserChangeForm(UserChangeForm):
    class Meta(UserChangeForm.Meta):
        model = User
        fields = "__all__"


class IDeskUserCreationForm(UserCreationForm):
    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "full_name", "unit", "role", "position")

    def clean(self):
        # The new account is active, but is_active is not on this form, so Django skips the one-clerk
        # constraint here and the database refused the save (a 500). Say it next to the role instead.
        data = super().clean()
        unit, role = data.get("unit"), data.get("role")
        if role == Role.CLERK and unit and User.objects.filter(unit=unit, role=Role.CLERK, is_active=True).exists():
            self.add_error("role", CLERK_CONSTRAINT.violation_error_message)
        return data


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    """No deletion: a person's visits, notifications and compliance results are evidence (PROTECT); an account
    that is no longer used is deactivated."""

    form = IDeskUserChangeForm
    add_form = IDeskUserCreationForm
    actions = ["deactivate"]
    list_display = ["username", "full_name", "unit", "position", "role", "is_active"]
    list_filter = ["role", "is_active", "unit__kind", "unit"]
    search_fields = ["username", "full_name", "email", "search_key"]
    autocomplete_fields = ["unit"]
    ordering = ["unit__sort_order", "sort_order", "full_name"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Thông tin cá nhân"), {"fields": ("full_name", "unit", "position", "role", "phone", "email", "sort_order")}),
        (_("Quyền"), {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        (_("Thời điểm"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "full_name", "unit", "role", "position", "password1", "password2"),
            },
        ),
    )

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.action(description=_("Vô hiệu hóa các tài khoản đã chọn"), permissions=["change"])
    def deactivate(self, request, queryset) -> None:
        count = 0
        for user in queryset.filter(is_active=True):
            user.is_active = False
            user.save(update_fields=["is_active"])  # one by one: receivers hand a clerk's grants over
            count += 1
        self.message_user(request, _("Đã vô hiệu hóa %(n)d tài khoản.") % {"n": count})


@admin.register(AccessEvent)
class AccessEventAdmin(admin.ModelAdmin):
    """The founding letter's evidence: read only, never deleted (nor in the database, on PostgreSQL)."""

    list_display = ["at", "user", "unit", "kind"]
    list_filter = ["kind", "unit"]
    date_hierarchy = "at"
    raw_id_fields = ["user"]
    list_select_related = ["user", "unit"]

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # append-only

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "channel"]
    list_filter = ["kind", "channel"]
    search_fields = ["user__username", "user__full_name"]
    raw_id_fields = ["user"]
