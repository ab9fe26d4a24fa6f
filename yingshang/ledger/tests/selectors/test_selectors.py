from datetime import date

from django.utils import timezone

from yingshang.ledger import selectors, services
from yingshang.ledger import warnings as w
from yingshang.ledger.tests.conftest import pdf
from yingshang.org import roles as r


def test_scope_by_role(ledger, make_user):
    a = ledger["make_task"](title="甲")
    b = ledger["make_task"](title="乙", lead_departments=[ledger["other"]], co_departments=[])
    sub = ledger["lead"]
    from yingshang.org import services as org_services

    child = org_services.department_create(actor=None, code="SUB1", name="示例市牵头局下属处", parent=sub)
    c = ledger["make_task"](title="丙", lead_departments=[child], co_departments=[])
    ids = lambda user: sorted(selectors.scoped_tasks(user).values_list("pk", flat=True))  # noqa: E731
    assert ids(ledger["liaison"]) == [a.pk, c.pk]  # own department and its sub-unit
    assert ids(ledger["co_liaison"]) == [a.pk]
    assert ids(ledger["other_liaison"]) == [b.pk]
    for role in (r.OFFICE, r.LEADER, r.INSPECTOR, r.DISCIPLINE):
        assert ids(make_user(role)) == [a.pk, b.pk, c.pk]
    for role in (r.ENTERPRISE, r.AUDITOR):
        assert ids(make_user(role)) == []


def test_warning_q_matches_python_level(ledger):
    tasks = [
        ledger["make_task"](title="新", start_date=timezone.localdate(), deadline=date(2099, 1, 1)),
        ledger["make_task"](title="旧"),
    ]
    today = timezone.localdate()
    for level in ("green", "yellow", "red"):
        in_db = set(
            selectors.scoped_tasks(ledger["office"])
            .filter(selectors.warning_q(level, today))
            .values_list("pk", flat=True)
        )
        in_py = {t.pk for t in tasks if w.level(t.yellow_at, t.red_at, today) == level}
        assert in_db == in_py


def test_review_queue_for_office_and_head(ledger):
    from yingshang.core.office_settings import office_setting_change

    task = ledger["make_task"]()
    office_setting_change(actor=ledger["office"], key="ledger_head_approval", raw_value="1")
    services.close_out_request(actor=ledger["liaison"], task=task, summary="完成", evidence=[pdf()])
    assert list(selectors.review_queue(ledger["head"])) == [task]
    assert list(selectors.review_queue(ledger["office"])) == []
    services.close_out_head_decide(actor=ledger["head"], task=task, approve=True)
    assert list(selectors.review_queue(ledger["office"])) == [task]
    assert list(selectors.review_queue(ledger["liaison"])) == []


def test_task_list_query_count(ledger, django_assert_num_queries):
    for i in range(4):
        ledger["make_task"](title=f"任务{i}")
    user = ledger["office"]
    with django_assert_num_queries(2):
        rows = selectors.task_rows(selectors.task_list(user))
    assert [row.leads for row in rows] == [["示例市牵头局"]] * 4 and rows[0].cos == ["示例市配合局"]


def test_document_progress_by_department_and_category(ledger):
    ledger["make_task"]()
    ledger["make_task"](lead_departments=[ledger["other"]], category=None)
    progress = selectors.document_progress(ledger["document"], ledger["office"])
    assert [(d["primary_lead__name"], d["total"]) for d in progress["by_department"]] == [
        ("示例市牵头局", 1),
        ("示例市无关局", 1),
    ]
    assert [(c["category__name"], c["total"]) for c in progress["by_category"]] == [("政务环境", 2)]
