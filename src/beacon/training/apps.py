from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "beacon.training"
    label = "training"
