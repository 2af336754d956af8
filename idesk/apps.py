from django.apps import AppConfig


class IdeskConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "idesk"
    verbose_name = "iDesk"
