from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "documents"
    verbose_name = "Văn bản"

    def ready(self) -> None:
        from documents import signals  # noqa: F401  (a clerk replaced → the unit's grants handed over)
