from django.db import migrations

FIVE_ENVIRONMENTS = [
    ("government", "政务环境"),
    ("market", "市场环境"),
    ("rule_of_law", "法治环境"),
    ("city", "城市/人文环境"),
    ("conduct", "干事环境"),
]


def seed(apps, schema_editor):
    Category = apps.get_model("ledger", "Category")
    for order, (code, name) in enumerate(FIVE_ENVIRONMENTS, start=1):
        Category.objects.get_or_create(code=code, defaults={"name": name, "sort_order": order})


class Migration(migrations.Migration):
    dependencies = [("ledger", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
