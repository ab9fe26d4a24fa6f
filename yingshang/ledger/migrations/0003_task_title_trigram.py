"""Keyword search on task titles: a trigram index on PostgreSQL (the list filter is `icontains`, which Django
writes as UPPER(title) LIKE UPPER('%…%')). SQLite has no such index type and scans, which is fine at its size."""

from django.db import migrations


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS task_title_trgm ON ledger_task USING gin (UPPER(title::text) gin_trgm_ops)"
    )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS task_title_trgm")


class Migration(migrations.Migration):
    dependencies = [("ledger", "0002_categories")]
    operations = [migrations.RunPython(forwards, backwards)]
