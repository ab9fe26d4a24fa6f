from django.apps import AppConfig


class RoutingConfig(AppConfig):
    name = "yingshang.routing"
    label = "routing"
    verbose_name = "智能派单"

    def ready(self) -> None:
        from yingshang.appeals.hooks import on_appeal_received
        from yingshang.appeals.similarity import register_doc_fields

        from .services import hotspot_doc_fields, offer_to_auto_dispatch

        # New appeals are offered to automatic dispatch; the similarity index keeps what hotspots group by.
        on_appeal_received(offer_to_auto_dispatch)
        register_doc_fields(hotspot_doc_fields)
