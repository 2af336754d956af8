from django.apps import AppConfig


class AccountsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "accounts"
    verbose_name = "Tài khoản"

    def ready(self) -> None:
        from accounts import signals  # noqa: F401  (login → access event)
