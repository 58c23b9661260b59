from django.apps import AppConfig


class TipsConfig(AppConfig):
    name = "beacon.tips"
    label = "tips"
    verbose_name = "Community tips"

    def ready(self) -> None:
        from beacon.core import crypto, links

        from .links import TipLinkProvider
        from .models import SmsConversation
        from .sms import thread_reindex

        links.register(TipLinkProvider())
        # An open SMS conversation is found by its number's blind index: recomputed on rotation.
        crypto.register_blind_index(SmsConversation, "thread_key", thread_reindex)
