import numpy as np
import pytest

from yingshang.routing import textmodel
from yingshang.routing.evaluation import near_duplicate_groups, repeated_cv
from yingshang.routing.textmodel import NbSvmEnsemble, NbSvmEnsembleUnlabelled, coverage_at, normalize


def test_near_duplicates_share_a_group_and_other_titles_do_not():
    groups = near_duplicate_groups(
        [
            "A7县星沙主城区公园变垃圾场，恶臭熏天",  # 0: same matter as 1 once the place code is folded
            "星沙主城区公园变垃圾场，恶臭熏天",
            "B3区星沙主城区公园变垃圾场恶臭熏天！",  # 2: same text after normalising
            "E7县教育经费是否不到位，小学生课桌要家长捐钱购买？",  # 3 and 4: most bigrams shared
            "E7县教育经费不到位，小学生课桌为何要家长捐钱购买",
            "L5县葛竹坪镇过镇河水污染严重",  # 5: another matter
            "医保何时可以设置报销门诊上限",  # 6
        ]
    )
    assert groups[0] == groups[1] == groups[2]
    assert groups[3] == groups[4]
    assert len({groups[0], groups[3], groups[5], groups[6]}) == 4


def test_near_duplicate_threshold_is_the_jaccard_of_bigram_sets():
    # bigrams: {甲乙, 乙丙, 丙丁} and {甲乙, 乙丙, 丙戊}: 2 shared of 4 = 0.5
    texts = ["甲乙丙丁", "甲乙丙戊"]
    assert len(set(near_duplicate_groups(texts, jaccard=0.5))) == 1
    assert len(set(near_duplicate_groups(texts, jaccard=0.51))) == 2


def test_coverage_counts_the_confident_and_how_often_they_are_right():
    scores = np.array([[0.95, 0.05], [0.92, 0.08], [0.3, 0.7], [0.05, 0.95]])
    got = coverage_at(["a", "b", "b", "b"], ["a", "b"], scores, 0.9)
    assert got == {"threshold": 0.9, "coverage": 0.75, "accuracy": 0.6667, "n": 3}
    assert coverage_at(["a"], ["a", "b"], np.array([[0.6, 0.4]]), 0.9)["accuracy"] is None


def test_repeated_cv_scores_each_variant_on_the_same_folds_per_seed(corpus):
    texts, labels = corpus({"交通": 15, "环保": 15, "人社": 15})
    result = repeated_cv(
        texts, labels, variants=["char13_svc", "nbsvm_ensemble"], k=3, seeds=[0, 1], threshold=0.5
    )
    assert (result["split"], result["folds"], result["seeds"], result["n"]) == ("stratified", 3, [0, 1], 45)
    base, model = result["variants"]["char13_svc"], result["variants"]["nbsvm_ensemble"]
    assert len(base["macro_f1"]["by_seed"]) == 2
    assert base["macro_f1"]["mean"] == pytest.approx(np.mean(base["macro_f1"]["by_seed"]), abs=1e-4)
    assert "gain_over_char13_svc" not in base
    assert set(model["gain_over_char13_svc"]) == {"mean", "std"}
    assert model["coverage_at_threshold"]["threshold"] == 0.5
    assert 0 < model["coverage_at_threshold"]["coverage"]["mean"] <= 1


def test_grouped_split_never_puts_a_near_duplicate_on_both_sides(corpus, monkeypatch):
    texts, labels = corpus({"交通": 12, "环保": 12, "人社": 12})
    texts += [f"A{i}区" + t for i, t in enumerate(texts[:6])]  # the same matters again, another district
    labels += labels[:6]
    groups = near_duplicate_groups(texts)
    assert all(groups[36 + i] == groups[i] for i in range(6))
    folded = [normalize(t) for t in texts]
    trained_on = []

    class Spy(NbSvmEnsemble):
        def fit(self, texts, labels, unlabelled=()):
            trained_on.append(set(texts))
            return super().fit(texts, labels)

    monkeypatch.setitem(textmodel.VARIANTS, "spy", Spy)
    result = repeated_cv(texts, labels, variants=["spy"], k=3, seeds=[0], grouped=True)
    assert result["split"] == "grouped" and result["groups"] == len(set(groups.tolist())) <= 36
    assert len(trained_on) == 3
    for train in trained_on:
        for g in set(groups.tolist()):
            sides = {folded[i] in train for i in np.flatnonzero(groups == g)}
            assert len(sides) == 1, f"group {g} is on both sides"


def test_unlabelled_texts_equal_to_a_test_title_are_withheld_from_that_fold(corpus, monkeypatch):
    texts, labels = corpus({"交通": 9, "环保": 9})
    given = []

    class Spy(NbSvmEnsembleUnlabelled):
        def fit(self, texts, labels, unlabelled=()):
            given.append((set(texts), list(unlabelled)))
            return super().fit(texts, labels, unlabelled)

    monkeypatch.setitem(textmodel.VARIANTS, "spy", Spy)
    extra = ["B2区" + texts[0] + "\n正文", "与任何标题都不同的一段留言"]
    repeated_cv(texts, labels, variants=["spy"], k=3, seeds=[0], unlabelled=extra)
    for train, unlabelled in given:
        assert "与任何标题都不同的一段留言" in unlabelled
        assert (normalize(texts[0]) in train) is (len(unlabelled) == 2)
    assert sorted(len(u) for _, u in given) == [1, 2, 2]


def test_unlabelled_texts_change_the_idf_but_not_the_vocabulary(corpus):
    texts, labels = corpus({"交通": 15, "环保": 15, "人社": 15})
    extra = ["道路拥堵停车难"] * 40
    plain = NbSvmEnsemble().fit(texts, labels, unlabelled=extra)
    informed = NbSvmEnsembleUnlabelled().fit(texts, labels, unlabelled=extra)
    assert informed.char_.vocabulary_ == plain.char_.vocabulary_
    assert informed.word_.vocabulary_ == plain.word_.vocabulary_
    road = plain.char_.vocabulary_["道路"]
    assert informed.char_.idf_[road] < plain.char_.idf_[road]
    assert not np.array_equal(informed.decision_function(["公交站台"]), plain.decision_function(["公交站台"]))


def test_repeated_cv_has_no_accuracy_where_nothing_reaches_the_threshold(corpus):
    texts, labels = corpus({"交通": 9, "环保": 9})
    result = repeated_cv(texts, labels, variants=["char13_svc"], k=3, seeds=[0, 1], threshold=1.01)
    cov = result["variants"]["char13_svc"]["coverage_at_threshold"]
    assert cov == {
        "threshold": 1.01,
        "coverage": {"mean": 0.0, "std": 0.0},
        "accuracy": {"mean": None, "std": None},
    }
