from django.apps import AppConfig


class SurvivorsConfig(AppConfig):
    name = "beacon.survivors"
    label = "survivors"
