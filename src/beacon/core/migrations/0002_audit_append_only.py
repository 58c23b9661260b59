"""Refuse UPDATE and DELETE of audit events in the database itself.

PostgreSQL: a row trigger raises on UPDATE or DELETE (TRUNCATE, used only to reset a test
database, is a separate statement-level operation).  SQLite: a trigger refuses UPDATE; DELETE
is refused by the ORM (SQLite test databases are reset with DELETE).
"""

from django.db import migrations

PG_SQL = """
CREATE OR REPLACE FUNCTION beacon_audit_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'audit events are append-only (% refused)', TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER core_auditevent_append_only BEFORE UPDATE OR DELETE ON core_auditevent
  FOR EACH ROW EXECUTE FUNCTION beacon_audit_append_only();
"""
PG_REVERSE = """
DROP TRIGGER IF EXISTS core_auditevent_append_only ON core_auditevent;
DROP FUNCTION IF EXISTS beacon_audit_append_only();
"""
SQLITE_SQL = """
CREATE TRIGGER core_auditevent_no_update BEFORE UPDATE ON core_auditevent
BEGIN SELECT RAISE(ABORT, 'audit events are append-only (UPDATE refused)'); END;
"""


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_SQL, params=None)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_SQL)


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_REVERSE, params=None)
    elif vendor == "sqlite":
        schema_editor.execute("DROP TRIGGER IF EXISTS core_auditevent_no_update;")


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
