import csv
import io
import json

import pytest
from django.core.management import CommandError, call_command

from yingshang.routing.models import RoutingModel


def _write(path, header, rows):
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)
    return path


@pytest.fixture
def files(tmp_path, corpus):
    train_texts, train_labels = corpus({"交通": 12, "环保": 12, "人社": 12, "教育": 2}, seed=1)
    test_texts, test_labels = corpus({"交通": 4, "环保": 4, "人社": 4}, seed=2)
    train = _write(
        tmp_path / "train.csv",
        ["内容", "部门"],
        [*list(zip(train_texts, train_labels, strict=False)), ["", "交通"], ["x", "环保"]],
    )
    test = _write(tmp_path / "test.csv", ["内容", "部门"], list(zip(test_texts, test_labels, strict=False)))
    return train, test


def _eval(*args):
    out = io.StringIO()
    call_command(
        "routing_eval", *args, "--text-column", "内容", "--label-column", "部门", "--json", stdout=out
    )
    lines = out.getvalue().strip().splitlines()
    assert len(lines) == 1
    return json.loads(lines[0])


def test_routing_eval_on_a_test_file_prints_one_json_object(files):
    train, test = files
    result = _eval("--train", str(train), "--test", str(test), "--min-examples", "5")
    assert set(result) >= {
        "accuracy",
        "macro_f1",
        "top3_accuracy",
        "n_train",
        "n_test",
        "train_seconds",
        "predict_ms_per_item",
        "per_label",
    }
    assert result["n_train"] == 36
    assert result["n_test"] == 12
    assert result["left_out"] == {"教育": 2}
    assert result["unusable_train_rows"] == 2
    assert set(result["per_label"]) == {"交通", "环保", "人社"}
    assert all(set(v) == {"precision", "recall", "support"} for v in result["per_label"].values())
    assert sum(v["support"] for v in result["per_label"].values()) == 12
    assert 0 <= result["macro_f1"] <= 1 and result["top3_accuracy"] == 1.0
    assert result["train_seconds"] > 0 and result["predict_ms_per_item"] > 0


def test_routing_eval_cross_validation(files):
    train, _ = files
    result = _eval("--train", str(train), "--cv", "3", "--min-examples", "5")
    assert result["n_test"] == 36
    assert result["n_train"] == 24
    assert sum(v["support"] for v in result["per_label"].values()) == 36


def test_routing_eval_names_a_missing_column(files):
    _train, test = files
    with pytest.raises(CommandError, match="缺少列：单位（现有列：内容、部门）"):
        call_command(
            "routing_eval",
            "--train",
            str(test),
            "--cv",
            "2",
            "--text-column",
            "内容",
            "--label-column",
            "单位",
            "--json",
        )


def test_routing_train_from_csv_creates_an_active_version(db, files):
    train, _ = files
    out = io.StringIO()
    call_command(
        "routing_train",
        "--csv",
        str(train),
        "--text-column",
        "内容",
        "--label-column",
        "部门",
        "--min-examples",
        "5",
        stdout=out,
    )
    model = RoutingModel.objects.get()
    assert model.is_active and model.source == "csv"
    assert model.left_out == {"教育": 2}
    assert "样本不足未纳入：教育（2 条）" in out.getvalue()


def test_routing_train_from_history_without_history_fails_clearly(db):
    with pytest.raises(CommandError, match="办理历史不足"):
        call_command("routing_train", "--from-history", stdout=io.StringIO())
    assert RoutingModel.objects.count() == 0


def test_routing_hotspots_on_a_small_file(tmp_path):
    rows = []
    for i, (title, text) in enumerate(
        [
            ("丽景花园小区附近搅拌站噪音扰民", "丽景花园小区旁边的搅拌站夜间施工，噪音很大。"),
            ("投诉丽景花园小区旁搅拌站噪音", "丽景花园小区附近搅拌站噪音粉尘扰民，请查处。"),
            ("丽景花园小区附近搅拌站噪音严重", "丽景花园小区附近的搅拌站昼夜生产，噪音严重扰民。"),
            ("食品经营许可证办理进度", "申请食品经营许可证一个月未有结果。"),
        ]
    ):
        rows.append([1000 + i, f"U{i}", title, f"2026/3/{i + 1} 09:00:00", text])
    path = _write(tmp_path / "m.csv", ["留言编号", "留言用户", "留言主题", "留言时间", "留言详情"], rows)
    out = io.StringIO()
    call_command("routing_hotspots", "--csv", str(path), "--json", stdout=out)
    result = json.loads(out.getvalue())
    assert result["n_messages"] == 4
    assert [h["ids"] for h in result["hotspots"]] == [[1000, 1001, 1002]]
    assert result["hotspots"][0]["distinct_users"] == 3
    assert "搅拌站" in result["hotspots"][0]["top_words"]


def test_routing_eval_reports_coverage_at_the_office_auto_dispatch_threshold(db, files):
    from yingshang.core.office_settings import office_setting_change

    train, test = files
    result = _eval("--train", str(train), "--test", str(test), "--min-examples", "5")
    assert result["coverage_at_threshold"]["threshold"] == 0.9
    office_setting_change(actor=None, key="routing.auto_dispatch_threshold", raw_value="0.6")
    result = _eval("--train", str(train), "--test", str(test), "--min-examples", "5")
    cov = result["coverage_at_threshold"]
    assert cov["threshold"] == 0.6
    assert cov["n"] == round(cov["coverage"] * 12)
    assert result["n_test"] == 12  # macro_f1 stays the forced choice over every title
    assert sum(v["support"] for v in result["per_label"].values()) == 12


def test_routing_eval_cross_validation_reports_coverage_at_a_given_threshold(files):
    train, _ = files
    result = _eval("--train", str(train), "--cv", "3", "--min-examples", "5", "--threshold", "0.5")
    assert result["coverage_at_threshold"]["threshold"] == 0.5
    assert result["n_test"] == 36


def test_routing_eval_repeated_grouped_cross_validation_compares_with_the_baseline(files):
    train, _ = files
    result = _eval(
        "--train",
        str(train),
        "--cv",
        "3",
        "--repeat",
        "2",
        "--grouped",
        "--min-examples",
        "5",
        "--threshold",
        "0.8",
    )
    assert (result["split"], result["folds"], result["seeds"], result["n"]) == ("grouped", 3, [0, 1], 36)
    assert list(result["variants"]) == ["char13_svc", "nbsvm_ensemble"]
    model = result["variants"]["nbsvm_ensemble"]
    assert len(model["macro_f1"]["by_seed"]) == 2
    assert set(model["gain_over_char13_svc"]) == {"mean", "std"}
    assert model["coverage_at_threshold"]["threshold"] == 0.8


def test_routing_eval_repeat_needs_cross_validation_and_known_variants(files):
    train, test = files
    with pytest.raises(CommandError, match="需要与 --cv 一起使用"):
        _eval("--train", str(train), "--test", str(test), "--repeat", "2")
    with pytest.raises(CommandError, match="未知的模型：nope"):
        _eval("--train", str(train), "--cv", "3", "--min-examples", "5", "--compare", "char13_svc,nope")


def test_routing_eval_prints_repeated_figures_for_people(files):
    train, _ = files
    out = io.StringIO()
    call_command(
        "routing_eval",
        "--train",
        str(train),
        "--cv",
        "3",
        "--repeat",
        "2",
        "--min-examples",
        "5",
        "--text-column",
        "内容",
        "--label-column",
        "部门",
        stdout=out,
    )
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("分层 3 折交叉验证 × 2 个随机种子，36 条")
    assert lines[1].startswith("  char13_svc: 宏平均F1 ")
    assert "较基准" in lines[2] and "覆盖率" in lines[2]
