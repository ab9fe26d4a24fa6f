from django.db import migrations, models


class Migration(migrations.Migration):
    """Bonus items go through the transition engine: `status` becomes the workflow's `state`, with a version."""

    dependencies = [
        ("assessment", "0003_bulletin_number_unique"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="bonusitem", name="bonus_status_date"),
        migrations.RenameField(model_name="bonusitem", old_name="status", new_name="state"),
        migrations.AddIndex(
            model_name="bonusitem",
            index=models.Index(fields=["state", "awarded_on"], name="bonus_state_date"),
        ),
        migrations.AddField(
            model_name="bonusitem",
            name="version",
            field=models.PositiveIntegerField(default=0, editable=False, verbose_name="版本"),
        ),
    ]
