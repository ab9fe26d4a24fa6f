from datetime import timedelta

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from yingshang.appeals import similarity
from yingshang.core.office_settings import get_setting
from yingshang.org import roles as r
from yingshang.routing import services
from yingshang.routing.models import HotspotSnapshot, RoutingModel, TrainingRun


@pytest.fixture
def model(corpus, make_department, office_user):
    depts = {t: make_department(f"示例市{t}局") for t in ("交通", "环保", "人社")}
    texts, topics = corpus({"交通": 25, "环保": 25, "人社": 25})
    return services.model_train(
        actor=office_user,
        texts=texts,
        labels=[str(depts[t].pk) for t in topics],
        source=RoutingModel.Source.HISTORY,
        label_names={str(d.pk): d.name for d in depts.values()},
        min_examples=5,
    ), depts


def test_model_page_shows_quality_per_department_and_confusion(
    login, office_user, model, django_assert_num_queries
):
    m, _depts = model
    client = login(office_user)
    with django_assert_num_queries(11):
        response = client.get(reverse("routing:model"))
    assert response.status_code == 200
    html = response.content.decode()
    assert m.version in html
    assert "示例市环保局" in html and "混淆表" in html and "宏平均 F1" in html


def test_model_page_without_model_says_no_suggestions(login, office_user):
    response = login(office_user).get(reverse("routing:model"))
    assert "尚无在用模型" in response.content.decode()


@pytest.mark.parametrize("role", [r.LIAISON, r.LEADER, r.ENTERPRISE])
def test_model_page_is_for_the_office_only(login, make_user, role, model):
    client = login(make_user(role))
    assert client.get(reverse("routing:model")).status_code == 403
    assert client.post(reverse("routing:rollback")).status_code == 403
    assert client.post(reverse("routing:retrain")).status_code == 403
    assert TrainingRun.objects.count() == 0
    assert RoutingModel.objects.get(is_active=True) == model[0]


def test_retrain_from_the_page_runs_in_the_background(login, office_user, django_capture_on_commit_callbacks):
    client = login(office_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("routing:retrain"))
    assert response.status_code == 302
    run = TrainingRun.objects.get()
    # No appeals handled yet: the job ends with the reason instead of a model.
    assert run.status == TrainingRun.Status.FAILED
    assert "办理历史不足" in run.message
    page = client.get(reverse("routing:progress")).content.decode()
    assert "办理历史不足" in page


def test_rollback_from_the_page(login, office_user, model, corpus):
    first, depts = model
    texts, topics = corpus({"交通": 25, "环保": 25, "人社": 25}, seed=3)
    second = services.model_train(
        actor=office_user,
        texts=texts,
        labels=[str(depts[t].pk) for t in topics],
        source="history",
        min_examples=5,
    )
    assert second.is_active
    response = login(office_user).post(reverse("routing:rollback"))
    assert response.status_code == 302
    assert RoutingModel.objects.get(is_active=True) == first


def test_suggestions_partial_lists_departments_with_confidence(
    rf: RequestFactory, office_user, make_user, model
):
    _, depts = model

    class FakeAppeal:
        pk = 999
        title = "工厂排放污水"
        description = "工厂夜间排放污水，臭味噪音扰民"

    template = Template("{% load routing %}{% routing_suggestions appeal %}")
    request = rf.get("/")
    request.user = office_user
    html = template.render(Context({"request": request, "appeal": FakeAppeal()}))
    assert "智能派单建议" in html and depts["环保"].name in html and "置信度" in html
    request.user = make_user(r.LIAISON)
    assert template.render(Context({"request": request, "appeal": FakeAppeal()})).strip() == ""


def test_hotspot_list_and_detail(login, office_user, django_assert_num_queries):
    now = timezone.now()
    texts = [
        "丽景花园小区附近搅拌站夜间施工噪音扰民，丽景花园小区居民无法休息",
        "投诉丽景花园小区旁边搅拌站噪音大，丽景花园小区附近粉尘污染",
        "丽景花园小区附近的搅拌站噪音严重影响休息，请查处丽景花园小区旁搅拌站",
    ]
    for i, text in enumerate(texts):
        similarity.index_text(appeal_id=100 + i, text=text, at=now - timedelta(days=i + 1), title=text[:15])
    similarity.index_text(appeal_id=200, text="食品经营许可证办理进度查询", at=now - timedelta(days=1))
    client = login(office_user)
    with django_assert_num_queries(15):  # computed and kept: the index read, the snapshot written
        response = client.get(reverse("routing:hotspots"))
    html = response.content.decode()
    assert response.status_code == 200 and "搅拌站" in html and "统计于" in html
    with django_assert_num_queries(5):  # fresh: the snapshot row only, not the index
        assert client.get(reverse("routing:hotspots")).status_code == 200
    detail = client.get(reverse("routing:hotspot", args=[100]))
    assert detail.status_code == 200
    assert client.get(reverse("routing:hotspot", args=[200])).status_code == 404
    export = client.get(reverse("routing:hotspots") + "?export=xlsx")
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")


def test_hotspots_are_not_for_departments(login, make_user):
    assert login(make_user(r.LIAISON)).get(reverse("routing:hotspots")).status_code == 403


def test_hotspots_are_kept_for_ten_minutes_then_recomputed(login, office_user):
    now = timezone.now()
    text = "丽景花园小区附近搅拌站夜间施工噪音扰民，丽景花园小区居民无法休息"
    for i in range(3):
        similarity.index_text(appeal_id=100 + i, text=text, at=now - timedelta(days=i + 1), title=text[:15])
    client = login(office_user)
    client.get(reverse("routing:hotspots"))
    similarity.index_text(appeal_id=103, text=text, at=now - timedelta(hours=1), title=text[:15])
    kept = client.get(reverse("routing:hotspot", args=[100]))
    assert kept.context["hotspot"].size == 3  # the list's result, not a new grouping under the office's eyes
    HotspotSnapshot.objects.update(as_of=now - services.HOTSPOTS_FRESH_FOR - timedelta(seconds=1))
    assert client.get(reverse("routing:hotspot", args=[100])).context["hotspot"].size == 4


def test_refresh_job_computes_the_offices_window(db):
    from yingshang.routing.jobs import refresh_hotspots

    now = timezone.now()
    text = "丽景花园小区附近搅拌站夜间施工噪音扰民，丽景花园小区居民无法休息"
    for i in range(3):
        similarity.index_text(appeal_id=100 + i, text=text, at=now - timedelta(days=i + 1), title=text[:15])
    assert refresh_hotspots.call() == 1
    snapshot = HotspotSnapshot.objects.get()
    assert snapshot.window_days == get_setting("routing.hotspot_window_days")
    (hotspot,) = services.hotspots_current(window_days=snapshot.window_days)[0]
    assert hotspot.ids == [102, 101, 100] and hotspot.first_at.tzinfo is not None


def test_hotspot_page_lists_its_appeals_with_their_state(login, office_user):
    from yingshang.appeals import services as appeal_services
    from yingshang.appeals.tests.conftest import intake

    texts = [
        ("南湖工业园频繁停电影响生产", "南湖工业园近两周已停电四次，生产线被迫停机，请求协调供电部门。"),
        ("投诉南湖工业园频繁停电", "南湖工业园近期频繁停电且无停电通知，设备重启损失很大。"),
        ("南湖工业园三天两头停电", "我们在南湖工业园的工厂三天两头停电，也没有停电公告。"),
    ]
    appeals = [
        appeal_services.appeal_submit(actor=None, data=intake(title=t, description=d), index_now=True)
        for t, d in texts
    ]
    client = login(office_user)
    page = client.get(reverse("routing:hotspot", args=[min(a.pk for a in appeals)]))
    html = page.content.decode()
    assert page.status_code == 200 and all(a.title in html for a in appeals)
    assert html.count(appeals[0].state_label) >= len(appeals)
