from django.apps import AppConfig


class TipsConfig(AppConfig):
    name = "beacon.tips"
    label = "tips"
    verbose_name = "Community tips"

    def ready(self) -> None:
        from beacon.core import links

        from .links import TipLinkProvider

        links.register(TipLinkProvider())
