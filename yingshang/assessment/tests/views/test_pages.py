"""Pages per role, scoping (a guessed id is a 404), list query counts, the browser path draft → published."""

from datetime import date

import pytest
from django.urls import reverse
from freezegun import freeze_time

from yingshang.assessment import services
from yingshang.assessment.models import AssessmentRun, BonusItem, IndicatorSet
from yingshang.org import roles as r


@pytest.fixture
def frozen(world, computed):
    with freeze_time("2026-10-11 09:00:00"):
        services.run_transition(actor=world["office"], run=computed, action="freeze")
    return computed


@pytest.mark.parametrize(
    "role,status",
    [(r.OFFICE, 200), (r.LEADER, 200), (r.INSPECTOR, 200), (r.LIAISON, 200), (r.ENTERPRISE, 403)],
)
def test_run_list_per_role(world, make_user, login, role, status):
    user = make_user(role, department=world["depts"]["A"] if role in r.DEPARTMENT_ROLES else None)
    assert login(user).get(reverse("assessment:runs")).status_code == status


def test_draft_is_hidden_from_everyone_but_the_office(world, computed, make_user, login, client):
    url = reverse("assessment:run", args=[computed.pk])
    assert login(world["office"]).get(url).status_code == 200
    assert login(make_user(r.LEADER)).get(url).status_code == 404
    assert login(world["liaisons"]["A"]).get(url).status_code == 404


def test_department_sees_own_score_not_others(world, frozen, login):
    with freeze_time("2026-10-12 09:00:00"):
        services.run_transition(actor=world["office"], run=frozen, action="start_publicity")
    c = login(world["liaisons"]["B"])
    own = c.get(reverse("assessment:department", args=[frozen.pk, world["depts"]["B"].pk]))
    assert own.status_code == 200
    body = own.content.decode()
    assert "示例市乙局" in body and "33.33" in body and "查看记录" in body
    assert (
        c.get(reverse("assessment:department", args=[frozen.pk, world["depts"]["A"].pk])).status_code == 404
    )
    page = c.get(reverse("assessment:run", args=[frozen.pk])).content.decode()
    assert "提出异议" in page


def test_score_page_explains_no_data(world, frozen, login):
    body = (
        login(world["office"])
        .get(reverse("assessment:department", args=[frozen.pk, world["depts"]["D"].pk]))
        .content.decode()
    )
    assert "不参与排名" in body
    assert "本期无到期任务：该指标不计分，权重按比例分配至其他有数据的计分指标" in body


def test_drill_lists_the_tasks_behind_the_number(world, frozen, login):
    c = login(world["office"])
    url = (
        reverse("assessment:drill")
        + f"?measure=task_on_time&period=2026-Q3&department={world['depts']['B'].pk}"
    )
    with freeze_time("2026-10-12"):
        body = c.get(url).content.decode()
    assert "分子 1 / 分母 2" in body
    for t in world["tasks"]["B"]:
        assert reverse("ledger:task", args=[t.pk]) in body
    other = (
        reverse("assessment:drill")
        + f"?measure=task_on_time&period=2026-Q3&department={world['depts']['A'].pk}"
    )
    assert login(world["liaisons"]["B"]).get(other).status_code == 404


def test_office_walks_a_period_to_published_in_the_browser(world, login):
    c = login(world["office"])
    with freeze_time("2026-10-10 09:00:00"):
        resp = c.post(reverse("assessment:compute"), {"period": "2026-Q3", "indicator_set": world["set"].pk})
        run = AssessmentRun.objects.get()
        assert resp.url == reverse("assessment:run", args=[run.pk])
        c.post(reverse("assessment:run_action", args=[run.pk]), {"action": "freeze", "version": run.version})
        run.refresh_from_db()
        c.post(
            reverse("assessment:run_action", args=[run.pk]),
            {"action": "start_publicity", "version": run.version},
        )
    with freeze_time("2026-10-20 09:00:00"):
        c = login(world["office"])  # a new day, a new sign-in (idle sessions expire)
        run.refresh_from_db()
        c.post(reverse("assessment:run_action", args=[run.pk]), {"action": "publish", "version": run.version})
        run.refresh_from_db()
        assert run.state == "published"
        docx = c.get(reverse("assessment:bulletin_download", args=[run.pk, "docx"]))
        lists = c.get(reverse("assessment:lists")).content.decode()
    assert docx.status_code == 200
    assert docx["Content-Type"].endswith("wordprocessingml.document")
    assert "红榜" in lists and "示例市甲局" in lists


def test_liaison_cannot_compute_or_freeze(world, computed, login):
    c = login(world["liaisons"]["A"])
    assert (
        c.post(
            reverse("assessment:compute"), {"period": "2026-Q3", "indicator_set": world["set"].pk}
        ).status_code
        == 403
    )
    c.post(reverse("assessment:run_action", args=[computed.pk]), {"action": "freeze"})
    computed.refresh_from_db()
    assert computed.state == "draft"


def test_indicator_set_editor_refuses_bad_weights(world, login):
    c = login(world["office"])
    resp = c.post(
        reverse("assessment:set_new"),
        {
            "name": "新体系",
            "groups": ["city"],
            "deduction_cap": "5",
            "bonus_cap": "5",
            "is_active": "1",
            "measure_0": "task_on_time",
            "weight_0": "70",
            "hib_0": "1",
            "kind_0": "score",
        },
        follow=True,
    )
    assert "权重合计应为 100，当前为 70" in resp.content.decode()
    assert not IndicatorSet.objects.filter(name="新体系").exists()
    resp = c.post(
        reverse("assessment:set_new"),
        {
            "name": "新体系",
            "groups": ["city"],
            "deduction_cap": "5",
            "bonus_cap": "5",
            "is_active": "1",
            "measure_0": "task_on_time",
            "weight_0": "70",
            "hib_0": "1",
            "kind_0": "score",
            "measure_1": "appeal_response",
            "weight_1": "30",
            "hib_1": "1",
            "kind_1": "score",
        },
    )
    assert IndicatorSet.objects.get(name="新体系").indicators.count() == 2


def test_list_pages_query_counts(world, frozen, login, django_assert_num_queries):
    c = login(world["office"])
    for i in range(3):
        services.bonus_item_create(
            actor=world["office"],
            department=world["depts"]["A"],
            title=f"事项{i}",
            points=1,
            awarded_on=date(2026, 8, 1),
        )
    c.get(reverse("assessment:runs"))  # warm the session and settings caches
    with django_assert_num_queries(6):
        assert c.get(reverse("assessment:runs")).status_code == 200
    with django_assert_num_queries(6):
        assert c.get(reverse("assessment:bonus_list")).status_code == 200
    assert BonusItem.objects.count() == 4


def test_monitoring_report_and_weak_indicator_to_task(world, login, make_user):
    from yingshang.assessment.models import EvaluationIndicator
    from yingshang.ledger.models import Task

    office = world["office"]
    ind = services.evaluation_indicator_save(
        actor=office,
        first_level="开办企业",
        name="办理时间",
        unit="天",
        department=world["depts"]["A"],
        higher_is_better=False,
        frontier=1,
        worst=5,
    )
    c = login(world["liaisons"]["A"])
    c.post(reverse("assessment:monitoring_report", args=[ind.pk]), {"period": "2026-Q3", "value": "4"})
    value = ind.values.get()
    assert (value.value, value.score) == (4.0, 25.0)
    assert (
        login(world["liaisons"]["B"])
        .post(reverse("assessment:monitoring_report", args=[ind.pk]), {"period": "2026-Q3", "value": "1"})
        .status_code
        == 404
    )
    body = login(office).get(reverse("assessment:monitoring")).content.decode()
    assert "短板指标" in body and "办理时间" in body
    resp = login(office).post(
        reverse("assessment:monitoring_task", args=[ind.pk]), {"deadline": "2026-12-31"}
    )
    task = Task.objects.get(title__contains="办理时间")
    assert resp.url == reverse("ledger:task", args=[task.pk])
    assert task.primary_lead == world["depts"]["A"] and task.deadline == date(2026, 12, 31)
    assert EvaluationIndicator.objects.count() == 1
