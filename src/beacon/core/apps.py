from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "beacon.core"
    label = "core"
    verbose_name = "Beacon core"

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from .audit import register_sqlite_functions

        connection_created.connect(register_sqlite_functions, dispatch_uid="beacon_audit_sqlite_functions")
