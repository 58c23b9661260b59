from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "beacon.monitoring"
    label = "monitoring"
