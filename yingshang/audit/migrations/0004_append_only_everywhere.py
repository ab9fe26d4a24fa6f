from django.db import migrations

# SQLite gets the append-only guard PostgreSQL has had since 0002, and both guard the witness identity.
# Nothing may be changed. On SQLite a row may be deleted only from the oldest end of its table: that is
# how archiving after the retention period removes records (oldest first), and how Django's test flush
# empties a table (DELETE walks the rows in order), while deleting the newest records, or any in the
# middle, is refused. On PostgreSQL the archiving administrator switches the trigger off for the session
# (session_replication_role = replica, superuser only), as before.
SQLITE_TABLES = {
    "audit_auditrecord": "id",
    "audit_auditseal": "seq",
    "audit_witnessidentity": "id",
}
SQLITE_MESSAGE = "审计表只允许追加：拒绝修改或删除 {table} 中的记录"


def install(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(
            "CREATE TRIGGER audit_witnessidentity_append_only BEFORE UPDATE OR DELETE ON audit_witnessidentity "
            "FOR EACH ROW EXECUTE FUNCTION audit_refuse_change()"
        )
    elif vendor == "sqlite":
        for table, key in SQLITE_TABLES.items():
            message = SQLITE_MESSAGE.format(table=table)
            schema_editor.execute(
                f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{message}'); END"
            )
            schema_editor.execute(
                f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} "
                f"WHEN old.{key} > (SELECT min({key}) FROM {table}) "
                f"BEGIN SELECT RAISE(ABORT, '{message}'); END"
            )


def remove(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(
            "DROP TRIGGER IF EXISTS audit_witnessidentity_append_only ON audit_witnessidentity"
        )
    elif vendor == "sqlite":
        for table in SQLITE_TABLES:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_update")
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_delete")


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_denied_access_tally_and_witness_identity")]

    operations = [migrations.RunPython(install, remove)]
