"""Personal robot addresses (any user could set one, so any internal address could be reached) give way to
department robots kept by the office. An address is carried over only when it already meets the new rule
on its face (https, an official WeCom or DingTalk host): the most used one of each department, DISABLED,
for the office to review and enable (enabling checks it again, DNS included). The others are dropped;
outbox rows still pending for dropped addresses are refused at send time (not a department robot)."""

from collections import Counter
from urllib.parse import urlsplit

from django.db import migrations

OFFICIAL_HOSTS = {"qyapi.weixin.qq.com", "oapi.dingtalk.com"}  # the allow-list's default


def _meets_rule_on_its_face(url: str) -> bool:
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower().rstrip(".")
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        return False
    return parts.scheme == "https" and host in OFFICIAL_HOSTS and parts.username is None


def carry_over(apps, schema_editor):
    NotifyProfile = apps.get_model("notify", "NotifyProfile")
    DepartmentRobot = apps.get_model("notify", "DepartmentRobot")
    candidates: dict[int, Counter] = {}
    profiles = NotifyProfile.objects.select_related("user").exclude(webhook_url="")
    for profile in profiles.exclude(user__department__isnull=True):
        url = profile.webhook_url.strip()
        if _meets_rule_on_its_face(url):
            candidates.setdefault(profile.user.department_id, Counter())[(url, profile.webhook_flavor)] += 1
    for department_id, counts in candidates.items():
        (url, flavor), _ = min(counts.items(), key=lambda item: (-item[1], item[0]))
        DepartmentRobot.objects.create(department_id=department_id, url=url, flavor=flavor, enabled=False)


class Migration(migrations.Migration):
    dependencies = [
        ("notify", "0002_department_robot"),
    ]

    operations = [
        migrations.RunPython(carry_over, migrations.RunPython.noop),
    ]
