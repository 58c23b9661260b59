from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "beacon.cases"
    label = "cases"
    verbose_name = "Cases"

    def ready(self) -> None:
        from beacon.core import links

        from .links import CaseLinkProvider

        links.register(CaseLinkProvider())

        from beacon.core import crypto

        from .models import DeconflictionAlert, Person
        from .services import alert_reindex, person_reindex

        # Persons first: an alert's new index is found through its case's persons.
        crypto.register_blind_index(Person, "match_index", person_reindex)
        crypto.register_blind_index(DeconflictionAlert, "match_index", alert_reindex)
