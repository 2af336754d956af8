from django.apps import AppConfig


class IdeskConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "idesk"
    verbose_name = "iDesk"

    def ready(self):
        from idesk import dbpool
        from idesk.observability import connect_signals

        connect_signals()  # log lines name the request or the worker's task they belong to
        dbpool.install()  # forked children (the queue's workers) open their own connection pools
