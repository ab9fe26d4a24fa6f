"""The dashboard reads pre-aggregated figures; every chart point links to the list behind it."""

import json
import re
from datetime import date

import pytest
from django.urls import reverse
from freezegun import freeze_time

from yingshang.dashboard import figures
from yingshang.dashboard.models import Figure
from yingshang.ledger import services as ledger
from yingshang.org import roles as r


@pytest.fixture
def tasks(db, make_department, make_user):
    office = make_user(r.OFFICE)
    lead = make_department("示例市驾驶舱局")
    with freeze_time("2026-06-01 09:00:00"):
        document = ledger.policy_document_create(actor=office, title="措施")
        measure = ledger.measure_create(actor=office, document=document, title="措施一")
        overdue = ledger.task_create(
            actor=office,
            measure=measure,
            title="逾期任务",
            lead_departments=[lead],
            deadline=date(2026, 9, 30),
            start_date=date(2026, 6, 1),
            cycle="quarter",
        )
        fine = ledger.task_create(
            actor=office,
            measure=measure,
            title="正常任务",
            lead_departments=[lead],
            deadline=date(2027, 6, 30),
            start_date=date(2026, 6, 1),
            cycle="year",
        )
        # Overdue too, but the chart's unit only co-operates: counted under its lead, not under it.
        co_only = ledger.task_create(
            actor=office,
            measure=measure,
            title="配合任务",
            lead_departments=[make_department("示例市牵头局")],
            co_departments=[lead],
            deadline=date(2026, 9, 30),
            start_date=date(2026, 6, 1),
            cycle="quarter",
        )
    return {"office": office, "lead": lead, "tasks": [overdue, fine, co_only]}


def charts(body: str) -> list[dict]:
    match = re.search(r'<script id="dashboard-charts" type="application/json">(.*?)</script>', body, re.S)
    assert match
    return json.loads(match.group(1))


def test_refresh_counts_and_is_idempotent(tasks):
    with freeze_time("2026-11-27 09:00:00"):
        first = figures.refresh()
        second = figures.refresh()
    assert first == second == Figure.objects.count()
    red = Figure.objects.get(key="task_level", department=tasks["lead"], dim="red")
    assert red.value == 1
    closeout = {f.dim: f.value for f in Figure.objects.filter(key="closeout_month")}
    assert (closeout["2026-09:total"], closeout["2026-08:total"], closeout["2026-11:closed"]) == (2, 0, 0)


@pytest.mark.parametrize(
    "role,status",
    [(r.LEADER, 200), (r.OFFICE, 200), (r.INSPECTOR, 200), (r.LIAISON, 403), (r.ENTERPRISE, 403)],
)
def test_dashboard_per_role(tasks, make_user, login, role, status):
    user = make_user(role, department=tasks["lead"] if role in r.DEPARTMENT_ROLES else None)
    assert login(user).get(reverse("dashboard:index")).status_code == status


def test_charts_drill_down_to_filtered_lists(tasks, make_user, login, django_assert_max_num_queries):
    with freeze_time("2026-11-27 09:00:00"):
        figures.refresh()
    c = login(make_user(r.LEADER))
    c.get(reverse("dashboard:index"))
    with django_assert_max_num_queries(25):
        body = c.get(reverse("dashboard:index")).content.decode()
    specs = {s["id"]: s for s in charts(body)}
    dept = specs["tasks-dept"]
    names = dept["option"]["yAxis"]["data"]
    red_series = [s["name"] for s in dept["option"]["series"]].index("红色预警")
    mine = names.index("示例市驾驶舱局")
    assert dept["option"]["series"][red_series]["data"][mine] == 1
    url = dept["links"][red_series][mine]
    assert url == reverse("ledger:list") + f"?lead={tasks['lead'].pk}&warning=red&state=open"
    # Every point of the chart opens a list of exactly as many tasks as it counts (the co-operating one
    # is counted under its own lead, not here).
    office = login(tasks["office"])
    for level, series in enumerate(dept["option"]["series"]):
        for i, count in enumerate(series["data"]):
            listing = office.get(dept["links"][level][i])
            assert listing.context["page"].paginator.count == count, (names[i], series["name"])
    listing = office.get(url).content.decode()
    assert "逾期任务" in listing and "正常任务" not in listing and "配合任务" not in listing
    assert specs["appeal-volume"]["links"][0][-1].startswith(reverse("appeals:list") + "?start=")
    assert all(
        len(row) == len(specs["closeout"]["option"]["xAxis"]["data"]) for row in specs["closeout"]["links"]
    )


def test_only_the_office_refreshes(tasks, make_user, login):
    assert login(make_user(r.LEADER)).post(reverse("dashboard:refresh")).status_code == 403
    assert not Figure.objects.exists()
    login(tasks["office"]).post(reverse("dashboard:refresh"))
    assert Figure.objects.exists()
