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
    form = IDeskUserChangeForm
    add_form = IDeskUserCreationForm
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


@admin.register(AccessEvent)
class AccessEventAdmin(admin.ModelAdmin):
    list_display = ["at", "user", "unit", "kind"]
    list_filter = ["kind", "unit"]
    date_hierarchy = "at"
    raw_id_fields = ["user"]
    list_select_related = ["user", "unit"]

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # append-only

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "channel"]
    list_filter = ["kind", "channel"]
    search_fields = ["user__username", "user__full_name"]
    raw_id_fields = ["user"]
