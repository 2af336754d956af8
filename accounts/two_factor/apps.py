from axes.apps import AppConfig as AxesAppConfig
from django.contrib.admin.apps import AdminConfig as DjangoAdminConfig
from django_otp.plugins.otp_static.apps import DefaultConfig as StaticDefaultConfig
from django_otp.plugins.otp_totp.apps import DefaultConfig as TOTPDefaultConfig


class AdminConfig(DjangoAdminConfig):
    """django.contrib.admin with a site that also asks for the second step (settings.INSTALLED_APPS)."""

    default_site = "accounts.two_factor.admin.AdminSite"

    def ready(self) -> None:
        super().ready()
        from accounts.two_factor import checks  # noqa: F401  (registers the settings check)


# The login's third-party apps under Vietnamese names in the admin, which otherwise heads them by their labels
# ("Axes", "Otp_Totp", "Otp_Static"). settings.INSTALLED_APPS names these in their place.
class AxesConfig(AxesAppConfig):
    verbose_name = "Khóa đăng nhập"


class TOTPConfig(TOTPDefaultConfig):
    verbose_name = "Xác thực hai bước: ứng dụng tạo mã"


class StaticConfig(StaticDefaultConfig):
    verbose_name = "Xác thực hai bước: mã dự phòng"
