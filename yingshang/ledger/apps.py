from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "yingshang.ledger"
    label = "ledger"
    verbose_name = "台账"

    def ready(self) -> None:
        from yingshang.core.uploads import register_attachment_access

        from . import permissions, supervision_targets  # noqa: F401  the task as a supervision item

        for model in ("ledger.progressreport", "ledger.closeoutrequest", "ledger.task"):
            register_attachment_access(model, permissions.can_view_attachment_item)
        register_attachment_access(
            "ledger.policydocument", lambda user, doc: permissions.can_read_ledger(user)
        )
