from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "beacon.records"
    label = "records"
    verbose_name = "Records lifecycle, search and exports"
