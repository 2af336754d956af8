from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "documents"
    verbose_name = "Văn bản"

    def ready(self) -> None:
        from documents import signals  # noqa: F401  (a clerk replaced → the unit's grants handed over)
        from documents.core import liaison

        liaison.connect(liaison.Parts(exchange=_exchange, paper_decision=_paper_decision))


# The parts the flows call without importing them (documents/core/liaison.py), imported when first called.
def _exchange():
    from documents.exchange import services

    return services


def _paper_decision():
    from documents.outgoing import paper

    return paper.decide
