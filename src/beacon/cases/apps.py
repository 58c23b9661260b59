from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "beacon.cases"
    label = "cases"
