from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "beacon.monitoring"
    label = "monitoring"

    def ready(self) -> None:
        from beacon.core import links

        from .links import OperationLinkProvider

        links.register(OperationLinkProvider())
