from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "beacon.cases"
    label = "cases"
    verbose_name = "Cases"

    def ready(self) -> None:
        from beacon.core import links

        from .links import CaseLinkProvider

        links.register(CaseLinkProvider())
