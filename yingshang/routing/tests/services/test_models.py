"""Training, versioned files, refusal of bad files, rollback, and suggestions."""

import joblib
import pytest

from yingshang.audit.models import AuditRecord
from yingshang.core.errors import ValidationFailed
from yingshang.org import services as org_services
from yingshang.routing import modelstore, services
from yingshang.routing.models import RoutingModel


@pytest.fixture
def departments(make_department):
    return {topic: make_department(f"示例市{topic}局") for topic in ("交通", "环保", "人社", "教育")}


@pytest.fixture
def train(corpus, departments, office_user):
    """train(counts={topic: n}, seed=) -> RoutingModel trained with department ids as labels."""

    def do(counts=None, seed=0, **kw):
        texts, topics = corpus(counts or {"交通": 30, "环保": 30, "人社": 30}, seed=seed)
        labels = [str(departments[t].pk) for t in topics]
        names = {str(d.pk): d.name for d in departments.values()}
        kw.setdefault("min_examples", 5)
        return services.model_train(
            actor=office_user,
            texts=texts,
            labels=labels,
            ids=list(range(1000, 1000 + len(texts))),
            source=RoutingModel.Source.HISTORY,
            label_names=names,
            **kw,
        )

    return do


def test_training_writes_a_versioned_file_with_metadata_and_activates_it(train, departments, model_dir):
    model = train()
    assert model.is_active
    path = model_dir / model.file_name
    assert path.exists()
    payload = joblib.load(path)
    assert payload["format_version"] == modelstore.FORMAT_VERSION
    assert payload["version"] == model.version
    assert payload["labels"] == model.labels
    assert set(payload) >= {"created_at", "metrics", "sklearn_version", "router", "support"}
    assert model.metrics["n_test"] == 18
    assert model.metrics["macro_f1"] > 0.8
    assert set(model.metrics["per_label"]) == {str(departments[t].pk) for t in ("交通", "环保", "人社")}
    assert AuditRecord.objects.filter(action="routing_model.train", object_id=str(model.pk)).count() == 1


def test_suggestions_rank_departments_with_confidence_and_similar_appeals(train, departments):
    train()
    suggestions = services.suggest_departments("工厂夜间排放污水，臭味和噪音严重扰民")
    assert len(suggestions) == 3
    department, confidence, similar = suggestions[0]
    assert department == departments["环保"]
    assert confidence > suggestions[1].confidence
    assert similar and all(1000 <= i < 1090 for i in similar)
    # The supporting appeals really are the environment ones (ids 1030..1059 in the corpus order).
    assert all(1030 <= i < 1060 for i in similar)


def test_no_history_gives_no_suggestions(db, departments):
    assert services.suggest_departments("工厂夜间排放污水，臭味和噪音严重扰民") == []


def test_training_without_enough_history_is_refused_and_names_the_departments(train):
    with pytest.raises(ValidationFailed) as exc:
        train(counts={"交通": 30, "环保": 3}, min_examples=5)
    assert "示例市环保局（3 条）" in exc.value.message
    assert RoutingModel.objects.count() == 0


def test_department_with_too_few_examples_is_left_out_and_named(train, departments):
    model = train(counts={"交通": 30, "环保": 30, "人社": 4}, min_examples=5)
    assert model.left_out == {"示例市人社局": 4}
    assert str(departments["人社"].pk) not in model.labels
    suggested = {s.department for s in services.suggest_departments("拖欠工资社保不交", k=5)}
    assert departments["人社"] not in suggested


def test_inactive_department_is_never_suggested(train, departments):
    train()
    assert services.suggest_departments("工厂排放污水臭味扰民")[0].department == departments["环保"]
    org_services.department_update(actor=None, department=departments["环保"], is_active=False)
    suggestions = services.suggest_departments("工厂排放污水臭味扰民", k=5)
    assert departments["环保"] not in {s.department for s in suggestions}
    assert len(suggestions) == 2


@pytest.mark.parametrize("text", ["", "污", "Factory sewage stinks at night", "sewage leaking again 污水"])
def test_unroutable_text_gets_no_suggestion(train, text):
    train()
    assert services.suggest_departments(text) == []


def test_corrupt_file_is_refused_and_previous_model_stays(train, model_dir):
    first = train(seed=1)
    second = train(seed=2, activate=False)
    (model_dir / second.file_name).write_bytes(b"not a model at all")
    with pytest.raises(modelstore.ModelFileRefused) as exc:
        services.model_activate(actor=None, model=second)
    assert "已损坏" in exc.value.message
    assert RoutingModel.objects.get(is_active=True) == first
    assert services.suggest_departments("公交站拥堵")[0].confidence > 0


def test_older_format_file_is_refused_and_previous_model_stays(train, model_dir):
    first = train(seed=1)
    second = train(seed=2, activate=False)
    path = model_dir / second.file_name
    payload = joblib.load(path)
    payload["format_version"] = modelstore.FORMAT_VERSION - 1
    joblib.dump(payload, path)
    with pytest.raises(modelstore.ModelFileRefused) as exc:
        services.model_activate(actor=None, model=second)
    assert f"格式版本为 {modelstore.FORMAT_VERSION - 1}" in exc.value.message
    assert RoutingModel.objects.get(is_active=True) == first


def test_active_file_damaged_under_a_running_process_keeps_the_loaded_model(train, model_dir, departments):
    model = train()
    assert services.suggest_departments("公交站拥堵")[0].department == departments["交通"]
    modelstore.forget()
    services.suggest_departments("公交站拥堵")  # loads it again into this process
    (model_dir / model.file_name).write_bytes(b"broken")
    modelstore._cache.clear()  # as if a new version number had to be read from disk
    assert services.suggest_departments("公交站拥堵")[0].department == departments["交通"]


def test_rollback_returns_to_the_previous_version(train):
    first = train(seed=1)
    second = train(seed=2)
    assert RoutingModel.objects.get(is_active=True) == second
    rolled = services.model_rollback(actor=None)
    assert rolled == first
    assert RoutingModel.objects.get(is_active=True) == first
    assert AuditRecord.objects.filter(action="routing_model.rollback").count() == 1


def test_rollback_without_an_earlier_version_is_refused(train):
    only = train()
    with pytest.raises(ValidationFailed):
        services.model_rollback(actor=None)
    assert RoutingModel.objects.get(is_active=True) == only


def test_a_model_trained_on_department_names_suggests_those_departments(corpus, make_department):
    traffic = make_department("示例市交通运输局", short_name="交通局")
    make_department("示例市生态环境局", aliases=["环保局"])
    texts, topics = corpus({"交通": 25, "环保": 25, "人社": 25})
    names = {"交通": "交通局", "环保": "环保局", "人社": "人社局（未建账）"}
    services.model_train(
        actor=None,
        texts=texts,
        labels=[names[t] for t in topics],
        source=RoutingModel.Source.CSV,
        min_examples=5,
    )
    suggestions = services.suggest_departments("公交站台拥堵，路口红绿灯故障", k=3)
    assert suggestions[0].department == traffic
    # A label that names no department of the city is never shown.
    assert [s.department.name for s in suggestions] == ["示例市交通运输局", "示例市生态环境局"]
