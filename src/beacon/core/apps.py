from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "beacon.core"
    label = "core"
    verbose_name = "Beacon core"

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from .api import refuse_non_strings
        from .audit import register_sqlite_functions

        refuse_non_strings()

        connection_created.connect(register_sqlite_functions, dispatch_uid="beacon_audit_sqlite_functions")
