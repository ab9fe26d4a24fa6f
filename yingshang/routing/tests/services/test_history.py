"""Training from the city's dispatch history and automatic dispatch, through the appeals services."""

import random

import pytest

from yingshang.appeals import services as appeals
from yingshang.appeals.models import Appeal
from yingshang.core.credit_code import ALPHABET, check_character
from yingshang.core.office_settings import office_setting_change
from yingshang.org import roles as r
from yingshang.routing import services
from yingshang.routing.models import AutoDispatch, RoutingModel

from ..conftest import topic_text


def _credit_code(n: int) -> str:
    first17 = "".join(ch if ch in ALPHABET else "0" for ch in f"91370100MA{n:07d}")
    return first17 + check_character(first17)


@pytest.fixture
def city(make_department, make_user, office_user):
    depts = {t: make_department(f"示例市{t}局") for t in ("交通", "环保")}
    liaisons = {t: make_user(r.LIAISON, department=d) for t, d in depts.items()}
    office_setting_change(actor=office_user, key="routing.min_examples", raw_value=5)
    rng = random.Random(7)
    serial = iter(range(1, 10_000))

    def submit(topic: str, text: str | None = None) -> Appeal:
        n = next(serial)
        body = text or topic_text(topic, rng) + topic_text(topic, rng)
        return appeals.appeal_submit(
            actor=None,
            data={
                "enterprise_name": f"示例测试企业{n}",
                "credit_code": _credit_code(n),
                "contact_name": "王经理",
                "contact_phone": f"139{n:08d}",
                "category": "help",
                "title": body[:12],
                "description": body,
            },
        )

    def handled(topic: str, *, first_to: str | None = None) -> Appeal:
        appeal = submit(topic)
        if first_to:
            appeals.appeal_dispatch(actor=office_user, appeal=appeal, main_department=depts[first_to])
            appeals.appeal_return(actor=liaisons[first_to], appeal=appeal, reason="function", note="")
        appeals.appeal_dispatch(actor=office_user, appeal=appeal, main_department=depts[topic])
        appeals.appeal_sign(actor=liaisons[topic], appeal=appeal)
        return appeal

    return {"depts": depts, "liaisons": liaisons, "submit": submit, "handled": handled, "office": office_user}


def test_history_uses_the_final_department_not_the_returned_first_guess(city):
    for topic in ("交通", "环保"):
        for _ in range(6):
            city["handled"](topic)
    rerouted = city["handled"]("交通", first_to="环保")
    waiting = city["submit"]("交通")  # never handled: not history
    texts, labels, ids, names = services.history_examples()
    assert len(texts) == 13
    assert labels[ids.index(rerouted.pk)] == str(city["depts"]["交通"].pk)
    assert waiting.pk not in ids
    assert names == {str(d.pk): d.name for d in city["depts"].values()}
    model = services.train_from_history(actor=city["office"])
    assert model.is_active and model.source == RoutingModel.Source.HISTORY
    assert sorted(model.labels) == sorted(str(d.pk) for d in city["depts"].values())
    best = services.suggest_departments(f"{waiting.title}\n{waiting.description}")[0]
    assert best.department == city["depts"]["交通"]
    assert best.similar_appeal_ids


@pytest.fixture
def trained_city(city):
    for topic in ("交通", "环保"):
        for _ in range(8):
            city["handled"](topic)
    services.train_from_history(actor=city["office"])
    return city


def test_auto_dispatch_is_off_by_default(trained_city):
    appeal = trained_city["submit"]("交通")
    assert services.auto_dispatch_consider(appeal_id=appeal.pk) is None
    appeal.refresh_from_db()
    assert appeal.state == Appeal.State.SUBMITTED and appeal.main_department is None
    assert not AutoDispatch.objects.exists()


def test_auto_dispatch_above_threshold_dispatches_and_marks_it(trained_city):
    office = trained_city["office"]
    office_setting_change(actor=office, key="routing.auto_dispatch_enabled", raw_value="1")
    office_setting_change(actor=office, key="routing.auto_dispatch_threshold", raw_value="0.5")
    appeal = trained_city["submit"]("交通")
    row = services.auto_dispatch_consider(appeal_id=appeal.pk)
    appeal.refresh_from_db()
    assert row is not None and row.department == trained_city["depts"]["交通"] and row.confidence >= 0.5
    assert appeal.state == Appeal.State.DISPATCHED
    assert appeal.main_department == trained_city["depts"]["交通"]
    assert services.auto_dispatch_consider(appeal_id=appeal.pk) is None  # twice is harmless
    assert AutoDispatch.objects.count() == 1


def test_auto_dispatch_below_threshold_leaves_the_appeal_for_the_dispatcher(trained_city):
    office = trained_city["office"]
    office_setting_change(actor=office, key="routing.auto_dispatch_enabled", raw_value="1")
    office_setting_change(actor=office, key="routing.auto_dispatch_threshold", raw_value="1")
    appeal = trained_city["submit"]("交通")
    assert services.auto_dispatch_consider(appeal_id=appeal.pk) is None
    appeal.refresh_from_db()
    assert appeal.state == Appeal.State.SUBMITTED


def test_a_returned_auto_dispatch_becomes_a_training_signal(trained_city):
    office = trained_city["office"]
    depts, liaisons = trained_city["depts"], trained_city["liaisons"]
    office_setting_change(actor=office, key="routing.auto_dispatch_enabled", raw_value="1")
    office_setting_change(actor=office, key="routing.auto_dispatch_threshold", raw_value="0.5")
    # Reads like transport, but the matter is the environment bureau's.
    appeal = trained_city["submit"]("交通")
    services.auto_dispatch_consider(appeal_id=appeal.pk)
    appeal.refresh_from_db()
    appeals.appeal_return(actor=liaisons["交通"], appeal=appeal, reason="function", note="")
    appeals.appeal_dispatch(actor=office, appeal=appeal, main_department=depts["环保"])
    appeals.appeal_sign(actor=liaisons["环保"], appeal=appeal)
    assert services.feedback_sync() == 1
    assert AutoDispatch.objects.get(appeal_id=appeal.pk).returned
    _, labels, ids, _ = services.history_examples()
    assert [labels[i] for i, pk in enumerate(ids) if pk == appeal.pk] == [str(depts["环保"].pk)] * 2
