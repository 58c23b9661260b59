from django.apps import AppConfig


class OutreachConfig(AppConfig):
    name = "beacon.outreach"
    label = "outreach"
