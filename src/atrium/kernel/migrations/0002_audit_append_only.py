"""Make the audit log append-only in the database itself, not only in the model."""

from django.db import migrations

SQLITE = [
    """CREATE TRIGGER IF NOT EXISTS kernel_auditentry_no_update BEFORE UPDATE ON kernel_auditentry
       BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END;""",
    """CREATE TRIGGER IF NOT EXISTS kernel_auditentry_no_delete BEFORE DELETE ON kernel_auditentry
       BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END;""",
]
POSTGRES = [
    """CREATE OR REPLACE FUNCTION kernel_auditentry_append_only() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION 'audit entries are append-only'; END; $$ LANGUAGE plpgsql;""",
    """CREATE TRIGGER kernel_auditentry_no_change BEFORE UPDATE OR DELETE ON kernel_auditentry
       FOR EACH ROW EXECUTE FUNCTION kernel_auditentry_append_only();""",
]


def forwards(apps, schema_editor):
    statements = {"sqlite": SQLITE, "postgresql": POSTGRES}.get(schema_editor.connection.vendor, [])
    for statement in statements:
        schema_editor.execute(statement)


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute("DROP TRIGGER IF EXISTS kernel_auditentry_no_update")
        schema_editor.execute("DROP TRIGGER IF EXISTS kernel_auditentry_no_delete")
    elif vendor == "postgresql":
        schema_editor.execute("DROP TRIGGER IF EXISTS kernel_auditentry_no_change ON kernel_auditentry")
        schema_editor.execute("DROP FUNCTION IF EXISTS kernel_auditentry_append_only()")


class Migration(migrations.Migration):
    dependencies = [("kernel", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
