"""Issue 13.5: a second plan (its own title) imported beside a first one makes its own tasks, even where its rows
repeat the first plan's serial numbers and task names; the first plan's tasks are left exactly as they were."""

import pytest

from .conftest import screenshot
from .signin import sign_in
from .test_ledger_journey import import_ledger, ledger_xlsx

pytestmark = pytest.mark.browser

FIRST = "示例市2025年优化营商环境重点任务分工方案（验证甲）"
SECOND = "示例市2026年优化营商环境攻坚行动任务清单（验证乙）"
ROWS = [
    ("验证甲乙：推行经营主体登记全程电子化。", "示例市市场监督管理局", "", "2027年3月底前"),
    ("验证甲乙：工程建设项目审批全流程压缩至60个工作日。", "示例市住房和城乡建设局", "", "2027年6月底前"),
]
SECOND_ROWS = [(title, lead, co, "2027年9月底前") for title, lead, co, _ in ROWS]
TASKS = "from yingshang.ledger.models import Task"


def tasks_of(served_app, document_title: str) -> list:
    return served_app.query(
        f"list(Task.objects.filter(measure__document__title={document_title!r}).order_by('pk')"
        ".values('pk', 'title', 'serial', 'deadline', 'state', 'measure_id'))",
        setup=TASKS,
    )


def test_second_plan_imported_beside_the_first_leaves_it_unchanged(new_page, served_app):
    page = new_page()
    sign_in(page, served_app, "office")
    import_ledger(page, ledger_xlsx(FIRST, ROWS), created=2)
    first_before = tasks_of(served_app, FIRST)
    assert len(first_before) == 2

    import_ledger(page, ledger_xlsx(SECOND, SECOND_ROWS), created=2)  # the preview promises two new tasks
    assert tasks_of(served_app, FIRST) == first_before
    second = tasks_of(served_app, SECOND)
    assert [t["title"] for t in second] == [t["title"] for t in first_before]
    assert {t["pk"] for t in second}.isdisjoint(t["pk"] for t in first_before)
    screenshot(page, "second_plan")
