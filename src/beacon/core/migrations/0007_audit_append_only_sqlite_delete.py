"""SQLite: refuse DELETE of audit events in the database too (UPDATE is refused since 0002).

The trigger lets a DELETE through only while ``beacon flush`` empties the whole database (the
counterpart of PostgreSQL's TRUNCATE, which row triggers do not see): the function it asks is
registered on Beacon's own connections (``beacon.core.audit.register_sqlite_functions``) and
answers true only then.  Any other connection (the ``sqlite3`` shell) lacks the function, so its
DELETE fails too.
"""

from django.db import migrations

SQLITE_SQL = """
CREATE TRIGGER core_auditevent_no_delete BEFORE DELETE ON core_auditevent
WHEN NOT beacon_audit_flushing()
BEGIN SELECT RAISE(ABORT, 'audit events are append-only (DELETE refused)'); END;
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(SQLITE_SQL)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("DROP TRIGGER IF EXISTS core_auditevent_no_delete;")


class Migration(migrations.Migration):
    dependencies = [("core", "0006_ratewindowkey")]
    operations = [migrations.RunPython(forwards, backwards)]
