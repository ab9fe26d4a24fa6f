import copy

import numpy as np
import pytest

from yingshang.routing import modelstore
from yingshang.routing.textmodel import (
    NaiveBayesSVM,
    NbSvmEnsemble,
    SharedFeatureEnsemble,
    TextRouter,
    _l2_rows,
    check_text,
    cross_validate,
    normalize,
    prepare,
)


@pytest.mark.parametrize(
    "text, ok",
    [
        ("", False),
        ("   ", False),
        ("路", False),
        ("？！", False),
        ("The road outside our factory is broken", False),
        ("Road broken 路坏", False),
        ("A3区道路破损", True),
        ("厂区门口道路破损 please fix", True),
    ],
)
def test_check_text_refuses_empty_short_and_foreign_text(text, ok):
    assert check_text(text).ok is ok


def test_normalize_folds_place_codes_and_digits():
    assert normalize("A7县星沙2019年道路，破损！") == "〇星沙0年道路 破损"


def test_prepare_leaves_out_rare_labels_and_names_them():
    data = prepare(
        ["道路破损严重", "公交站台缺失", "工资被拖欠", "", "x"],
        ["交通", "交通", "人社", "交通", "人社"],
        min_examples=2,
    )
    assert data.labels == ["交通", "交通"]
    assert data.left_out == {"人社": 1}
    assert data.unusable == 2


def test_model_round_trip_gives_identical_scores(corpus, model_dir):
    texts, labels = corpus({"交通": 30, "环保": 30, "人社": 30})
    router = TextRouter().fit(texts, labels)
    path = modelstore.models_dir() / "m.joblib"
    modelstore.save(path, router=router, support=None, meta={"version": "v1", "labels": router.labels})
    bundle = modelstore.load(path)
    probe = ["公交站拥堵严重", "工厂排放污水", "拖欠工资三个月"]
    assert bundle.version == "v1"
    assert bundle.labels == sorted(["交通", "环保", "人社"])
    np.testing.assert_allclose(bundle.router.scores(probe), router.scores(probe))
    assert [bundle.router.rank(t, k=1)[0][0] for t in probe] == ["交通", "环保", "人社"]


def test_confidences_are_probabilities_ranked_best_first(corpus):
    texts, labels = corpus({"交通": 30, "环保": 30, "人社": 30, "教育": 30})
    ranked = TextRouter().fit(texts, labels).rank("学校食堂补课收费", k=3)
    assert len(ranked) == 3
    assert ranked[0][0] == "教育"
    assert ranked[0][1] > ranked[1][1] >= ranked[2][1] > 0
    assert 0 < sum(c for _, c in ranked) <= 1.0 + 1e-9


def test_cross_validation_scores_every_text_once(corpus):
    texts, labels = corpus({"交通": 20, "环保": 20, "人社": 20})
    result = cross_validate(texts, labels, k=4)
    assert result["n_test"] == 60
    assert result["n_train"] == 45
    assert sum(v["support"] for v in result["per_label"].values()) == 60
    assert result["macro_f1"] > 0.8


def test_l2_rows_matches_sklearn_normalize_and_leaves_empty_rows_empty():
    from scipy.sparse import csr_matrix
    from sklearn.preprocessing import normalize as sklearn_normalize

    x = csr_matrix(np.array([[3.0, 0, 4.0], [0, 0, 0], [0, 2.0, 0]], dtype=np.float32))
    got = _l2_rows(x)
    assert got.dtype == np.float32
    np.testing.assert_allclose(got.toarray(), [[0.6, 0, 0.8], [0, 0, 0], [0, 1.0, 0]], rtol=1e-6)
    np.testing.assert_allclose(got.toarray(), sklearn_normalize(x).toarray(), rtol=1e-6)


def test_nb_svm_scores_are_those_of_an_svm_on_ratio_scaled_features(corpus):
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.svm import LinearSVC

    texts, labels = corpus({"交通": 20, "环保": 20, "人社": 20})
    x = TfidfVectorizer(analyzer="char", ngram_range=(1, 2)).fit_transform(texts)
    y = np.asarray(labels)
    model = NaiveBayesSVM().fit(x, y)
    assert list(model.classes_) == ["交通", "人社", "环保"]
    mine = y == "环保"
    present = (x > 0).astype(np.float64)
    p = 1 + np.asarray(present[mine].sum(axis=0)).ravel()
    q = 1 + np.asarray(present[~mine].sum(axis=0)).ravel()
    ratio = np.log((p / p.sum()) / (q / q.sum()))
    scaled = x.multiply(ratio).tocsr()
    expected = LinearSVC().fit(scaled, mine).decision_function(scaled)
    np.testing.assert_allclose(model.decision_function(x)[:, 2], expected, rtol=1e-4, atol=1e-4)
    assert (model.predict(x) == y).all()


def test_production_model_reads_a_folded_place_code_as_a_break(corpus):
    texts, labels = corpus({"交通": 20, "环保": 20, "人社": 20})
    model = NbSvmEnsemble().fit([normalize("A3区" + t) for t in texts], labels)
    assert not any("〇" in gram for gram in model.char_.vocabulary_)
    plain = model.decision_function(["路口红绿灯坏了"])
    np.testing.assert_array_equal(model.decision_function([normalize("B7县路口红绿灯坏了 C市")]), plain)
    assert not np.array_equal(model.decision_function(["路口红绿〇灯坏了"]), plain)


def test_an_ensemble_saved_with_its_fitted_models_scores_as_one_saved_with_weights(corpus):
    texts, labels = corpus({"交通": 20, "环保": 20, "人社": 20})
    old = SharedFeatureEnsemble(calibrate=False).fit(texts, labels)
    old.models_ = [m.fit(x, labels) for m, x in zip(old._models(), old._features(texts), strict=True)]
    new = copy.deepcopy(old)
    new.weights_ = [new._weights(m) for m in new.models_]
    del old.weights_
    probe = ["公交站拥堵严重", "工厂排放污水", "拖欠工资三个月"]
    np.testing.assert_allclose(old.decision_function(probe), new.decision_function(probe))


def test_a_single_model_variant_ranks_two_labels(corpus):
    texts, labels = corpus({"交通": 15, "环保": 15})
    router = TextRouter("char13_svc").fit(texts, labels)
    assert [label for label, _ in router.rank("路口红绿灯坏了拥堵", k=2)] == ["交通", "环保"]
    assert [label for label, _ in router.rank("工厂排放污水臭味", k=2)] == ["环保", "交通"]
    assert router.scores(["道路", "油烟"]).sum(axis=1) == pytest.approx([1.0, 1.0])
