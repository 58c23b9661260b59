from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "beacon.training"
    label = "training"

    def ready(self) -> None:
        from beacon.core import crypto

        from .models import Registration
        from .services import registration_reindex

        crypto.register_blind_index(Registration, "email_index", registration_reindex)
