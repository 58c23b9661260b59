from django.apps import AppConfig


class TipsConfig(AppConfig):
    name = "beacon.tips"
    label = "tips"
