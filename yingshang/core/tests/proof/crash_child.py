"""The process the crash-safety proof kills: `python -m yingshang.core.tests.proof.crash_child SCENARIO ARG`,
with DATABASE_URL naming the test database and YINGSHANG_CRASH_AT naming the crash point."""

import os
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django

django.setup()

from yingshang.appeals import services as appeal_services  # noqa: E402
from yingshang.appeals.models import Appeal  # noqa: E402
from yingshang.ledger.importing.services import ledger_import  # noqa: E402
from yingshang.org.models import Department, User  # noqa: E402


def main(scenario: str, arg: str) -> None:
    office = User.objects.get(username="p_office")
    if scenario == "import":
        with open(arg, "rb") as f:
            data = f.read()
        outcome = ledger_import(actor=office, name="分工方案.xlsx", data=data, dry_run=False)
        assert outcome.committed, outcome.as_json()["errors"][:5]
    elif scenario == "dispatch":
        appeal = Appeal.objects.get(pk=int(arg))
        appeal_services.appeal_dispatch(
            actor=office, appeal=appeal, main_department=Department.objects.get(code="PA")
        )
    else:
        raise SystemExit(f"unknown scenario {scenario}")
    print("done")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
