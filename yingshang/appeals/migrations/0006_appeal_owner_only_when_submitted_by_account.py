# The check runs in its own migration, after the data migration that makes existing rows meet it.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("appeals", "0005_unlink_anonymous_appeals"),
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
