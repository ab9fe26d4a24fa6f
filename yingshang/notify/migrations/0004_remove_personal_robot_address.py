from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("notify", "0003_personal_robots_to_department_robots"),
    ]

    operations = [
        migrations.DeleteModel(name="NotifyProfile"),
    ]
