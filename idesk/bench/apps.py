from django.apps import AppConfig


class BenchConfig(AppConfig):
    name = "idesk.bench"
    label = "idesk_bench"
    verbose_name = "iDesk benchmark"
