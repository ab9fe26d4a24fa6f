# The check runs in its own migration: on PostgreSQL a table cannot be altered in the transaction that
# just updated its rows (pending foreign-key trigger events).

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("appeals", "0004_anonymous_appeals_name_concerned_enterprise"),
    ]

    operations = [
        migrations.AddConstraint(
            model_name="appeal",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("enterprise__isnull", True), ("submitted_by__isnull", False), _connector="OR"
                ),
                name="appeal_owner_only_when_submitted_by_account",
            ),
        ),
    ]
