"""An appeal belongs to an enterprise account only when one of its accounts submitted it. Existing appeals
linked to an enterprise by a typed credit code (anonymous form, API, hotline import) lose that owner link
and keep the enterprise as the one concerned; every appeal whose credit code names a registered
enterprise gets it as the enterprise concerned. Not reversible in data: the removed links stay removed.

Its own migration: on PostgreSQL a table cannot be altered (indexes, checks) in the transaction that
updated its rows (pending foreign-key trigger events)."""

from django.db import migrations
from django.db.models import F, OuterRef, Subquery

ENTERPRISE_ROLE_BIT = 1 << 6  # yingshang.org.roles.ROLE_BITS["enterprise"], frozen here as migrations are


def name_concerned_and_unlink_anonymous(apps, schema_editor):
    Appeal = apps.get_model("appeals", "Appeal")
    Enterprise = apps.get_model("org", "Enterprise")
    Appeal.objects.filter(enterprise__isnull=False).update(concerned_enterprise=F("enterprise"))
    Appeal.objects.filter(concerned_enterprise__isnull=True).exclude(credit_code="").update(
        concerned_enterprise=Subquery(
            Enterprise.objects.filter(credit_code=OuterRef("credit_code")).values("pk")[:1]
        )
    )
    submitted_by_own_account = (
        Appeal.objects.filter(enterprise__isnull=False, submitted_by__enterprise_id=F("enterprise_id"))
        .annotate(enterprise_bit=F("submitted_by__roles").bitand(ENTERPRISE_ROLE_BIT))
        .filter(enterprise_bit=ENTERPRISE_ROLE_BIT)
        .values("pk")
    )
    Appeal.objects.filter(enterprise__isnull=False).exclude(pk__in=submitted_by_own_account).update(
        enterprise=None
    )


class Migration(migrations.Migration):
    dependencies = [
        ("appeals", "0004_anonymous_appeals_name_concerned_enterprise"),
    ]

    operations = [
        migrations.RunPython(name_concerned_and_unlink_anonymous, migrations.RunPython.noop),
    ]
