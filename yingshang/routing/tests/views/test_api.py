import pytest

from yingshang.appeals import similarity
from yingshang.org import roles as r
from yingshang.routing import services
from yingshang.routing.models import RoutingModel


@pytest.fixture
def trained(corpus, make_department, office_user):
    depts = {t: make_department(f"示例市{t}局") for t in ("交通", "环保", "人社")}
    texts, topics = corpus({"交通": 25, "环保": 25, "人社": 25})
    services.model_train(
        actor=office_user,
        texts=texts,
        labels=[str(depts[t].pk) for t in topics],
        source=RoutingModel.Source.HISTORY,
        min_examples=5,
    )
    return depts


def test_suggestions_api(login, office_user, trained):
    response = login(office_user).post(
        "/api/routing/suggestions", {"text": "工厂夜间排放污水臭味扰民"}, content_type="application/json"
    )
    assert response.status_code == 200
    body = response.json()
    assert body["suggestions"][0]["department_id"] == trained["环保"].pk
    assert len(body["suggestions"]) == 3 and body["reason"] == ""


def test_suggestions_api_explains_an_unroutable_text(login, office_user, trained):
    body = (
        login(office_user)
        .post("/api/routing/suggestions", {"text": "好"}, content_type="application/json")
        .json()
    )
    assert body == {"suggestions": [], "reason": "诉求内容过短，无法给出派单建议。"}


def test_suggestions_api_refuses_departments(login, make_user, trained):
    response = login(make_user(r.LIAISON)).post(
        "/api/routing/suggestions", {"text": "工厂夜间排放污水"}, content_type="application/json"
    )
    assert response.status_code == 403
    assert response.json()["code"] == "routing.suggestions_refused"


def test_duplicates_api(login, office_user):
    similarity.index_text(appeal_id=7, text="厂区门口道路破损严重，雨天积水，货车无法通行，请尽快维修。")
    body = (
        login(office_user)
        .post(
            "/api/routing/duplicates",
            {"text": "厂区门口的道路破损严重，雨天积水，货车无法通行，请尽快维修！"},
            content_type="application/json",
        )
        .json()
    )
    assert [row["appeal_id"] for row in body] == [7]
