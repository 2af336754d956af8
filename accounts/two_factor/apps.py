from django.contrib.admin.apps import AdminConfig as DjangoAdminConfig


class AdminConfig(DjangoAdminConfig):
    """django.contrib.admin with a site that also asks for the second step (settings.INSTALLED_APPS)."""

    default_site = "accounts.two_factor.admin.AdminSite"

    def ready(self) -> None:
        super().ready()
        from accounts.two_factor import checks  # noqa: F401  (registers the settings check)
