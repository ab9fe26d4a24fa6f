"""Assessment fixtures: departments with known ledger records over 2026-Q3, built through the services."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from freezegun import freeze_time

from yingshang.assessment import services
from yingshang.ledger import services as ledger
from yingshang.org import roles as r

SET_INDICATORS = [
    {"measure": "task_on_time", "weight": 60},
    {"measure": "task_close_out", "weight": 40},
    {"measure": "case_deduction", "kind": "deduction", "points_per_item": 2},
    {"measure": "bonus", "kind": "bonus", "points_per_item": 1},
]


def pdf(name="证明材料.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4 evidence", content_type="application/pdf")


@pytest.fixture
def world(db, make_department, make_user):
    """Five city departments A, B, C, D, E and one district F with tasks due in 2026-Q3:

    A: 2 due 08-31, both closed 08-20            → on time 2/2, closed by 09-30 2/2
    B: 2 due 08-31, one closed 08-20, one open    → 1/2, 1/2
    C: 4 due 09-15, one closed 09-10, one 09-20   → 1/4, 2/4 (plus an approved bonus of 3, cap 2)
    D: no tasks                                   → no data
    E: like A                                     → ties with A
    F (district): 1 due 09-01, closed 08-25       → 1/1, 1/1
    """
    office = make_user(r.OFFICE, username="office_a")
    approver = make_user(r.OFFICE, username="office_b")
    ysb = make_department("示例市营商办", kind="office")
    names = {"A": "示例市甲局", "B": "示例市乙局", "C": "示例市丙局", "D": "示例市丁局", "E": "示例市戊局"}
    depts = {k: make_department(v) for k, v in names.items()}
    depts["F"] = make_department("示例市己区人民政府", kind="district")
    make_department("示例市甲局下属中心", parent=depts["A"], kind="sub")
    liaisons = {k: make_user(r.LIAISON, department=d) for k, d in depts.items()}
    with freeze_time("2026-06-20 10:00:00"):
        document = ledger.policy_document_create(actor=office, title="示例市优化营商环境若干措施")
        measure = ledger.measure_create(actor=office, document=document, title="压缩办理时间")
    tasks: dict[str, list] = {k: [] for k in depts}

    def task(key: str, deadline: date, closed_on: date | None) -> None:
        with freeze_time("2026-07-01 09:00:00"):
            t = ledger.task_create(
                actor=office,
                measure=measure,
                title=f"{names.get(key, '区')}任务{len(tasks[key]) + 1}",
                lead_departments=[depts[key]],
                deadline=deadline,
                start_date=date(2026, 7, 1),
                cycle="quarter",
            )
        if closed_on is not None:
            with freeze_time(f"{closed_on} 10:00:00"):
                ledger.close_out_request(actor=liaisons[key], task=t, summary="已完成", evidence=[pdf()])
                ledger.close_out_review(actor=office, task=t, approve=True)
        tasks[key].append(t)

    for key in ("A", "E"):
        task(key, date(2026, 8, 31), date(2026, 8, 20))
        task(key, date(2026, 8, 31), date(2026, 8, 20))
    task("B", date(2026, 8, 31), date(2026, 8, 20))
    task("B", date(2026, 8, 31), None)
    task("C", date(2026, 9, 15), date(2026, 9, 10))
    task("C", date(2026, 9, 15), date(2026, 9, 20))
    task("C", date(2026, 9, 15), None)
    task("C", date(2026, 9, 15), None)
    task("F", date(2026, 9, 1), date(2026, 8, 25))
    bonus = services.bonus_item_create(
        actor=office,
        department=depts["C"],
        title="经验做法获省政府推广",
        points=3,
        awarded_on=date(2026, 8, 1),
    )
    services.bonus_item_decide(actor=approver, item=bonus, approve=True)
    indicator_set = services.indicator_set_save(
        actor=office, name="测试指标体系", indicators=SET_INDICATORS, deduction_cap=10, bonus_cap=2
    )
    return {
        "office": office,
        "approver": approver,
        "ysb": ysb,
        "depts": depts,
        "liaisons": liaisons,
        "tasks": tasks,
        "set": indicator_set,
        "measure": measure,
    }


@pytest.fixture
def computed(world):
    with freeze_time("2026-10-10 09:00:00"):
        run = services.run_compute(actor=world["office"], period="2026-Q3", indicator_set=world["set"])
    return run
