"""routing_eval --train PATH (--test PATH | --cv K [--repeat N] [--grouped]) --text-column C --label-column L
[--unlabelled PATH] [--compare V,V] [--threshold T] [--json]

Trains the routing text model on one CSV file and evaluates it on another (or by stratified K-fold
cross-validation on the training file); prints one JSON object with --json. `macro_f1` is always the
forced-choice figure over every title; `coverage_at_threshold` says how many titles reach the auto-dispatch
threshold and how often those are right.

With --repeat N the cross-validation runs with N seeds, for the baseline and the chosen variant (or those
of --compare) on the same folds, and prints mean and spread; --grouped keeps near-duplicate titles on one
side of every split, which is closer to titles the model has never seen."""

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from yingshang.routing import csvdata
from yingshang.routing.evaluation import coverage_at, repeated_cv
from yingshang.routing.textmodel import (
    BASELINE_VARIANT,
    DEFAULT_VARIANT,
    VARIANTS,
    cross_validate,
    evaluate,
    metrics,
    prepare,
)


def office_value(key: str) -> Any:
    """The office's setting, or its declared default without a database (a bare checkout)."""
    from yingshang.core.office_settings import REGISTRY, get_setting

    try:
        return get_setting(key)
    except Exception:
        return REGISTRY[key].default


def _figure(value: float | None) -> str:
    return "—" if value is None else f"{value:.4f}"


def default_min_examples() -> int:
    return int(office_value("routing.min_examples"))


class Command(BaseCommand):
    requires_system_checks: list[str] = []
    help = "评估派单模型：在一个文件上训练，在另一个文件上（或交叉验证）评估。"

    def add_arguments(self, parser):
        parser.add_argument("--train", required=True)
        group = parser.add_mutually_exclusive_group(required=True)
        group.add_argument("--test")
        group.add_argument("--cv", type=int)
        parser.add_argument("--repeat", type=int, default=None, help="交叉验证重复次数（不同随机种子）")
        parser.add_argument("--grouped", action="store_true", help="相近标题分在同一侧（模拟未见过的标题）")
        parser.add_argument("--compare", help="逗号分隔的对比模型，第一个为基准")
        parser.add_argument("--text-column", required=True)
        parser.add_argument("--label-column", required=True)
        parser.add_argument("--variant", default=DEFAULT_VARIANT, choices=sorted(VARIANTS))
        parser.add_argument("--unlabelled", help="无标签诉求文件（如留言标题和详情），供使用它的模型学习")
        parser.add_argument("--unlabelled-columns", nargs="+", default=["留言主题", "留言详情"])
        parser.add_argument("--threshold", type=float, default=None, help="默认取办公室设置的自动派单阈值")
        parser.add_argument("--min-examples", type=int, default=None)
        parser.add_argument("--json", action="store_true")

    def handle(self, *args, **o):
        repeated = o["repeat"] is not None or o["grouped"] or o["compare"]
        if repeated and o["cv"] is None:
            raise CommandError("--repeat、--grouped 和 --compare 需要与 --cv 一起使用。")
        texts, labels = csvdata.texts_and_labels(o["train"], o["text_column"], o["label_column"])
        minimum = o["min_examples"] if o["min_examples"] is not None else default_min_examples()
        threshold = (
            o["threshold"]
            if o["threshold"] is not None
            else float(office_value("routing.auto_dispatch_threshold"))
        )
        unlabelled = self._unlabelled(o)
        data = prepare(texts, labels, min_examples=minimum)
        if len(set(data.labels)) < 2:
            raise CommandError(f"训练文件中样本数不少于 {minimum} 的类别不足两个，无法训练。")
        if o["cv"] is not None:
            self._check_folds(o["cv"], data.labels)
        if repeated:
            return self._repeated(o, data, threshold, unlabelled)
        if o["cv"] is not None:
            result = cross_validate(
                data.texts,
                data.labels,
                k=o["cv"],
                variant=o["variant"],
                threshold=threshold,
                unlabelled=unlabelled,
            )
        else:
            test_texts, test_labels = csvdata.texts_and_labels(o["test"], o["text_column"], o["label_column"])
            pairs = [(t, lab) for t, lab in zip(test_texts, test_labels, strict=False) if lab]
            truth = [p[1] for p in pairs]
            router, scores, train_seconds, per_item = evaluate(
                data.texts,
                data.labels,
                [p[0] for p in pairs],
                truth,
                variant=o["variant"],
                unlabelled=unlabelled,
            )
            result = metrics(truth, router.labels, scores)
            result.update(
                coverage_at_threshold=coverage_at(truth, router.labels, scores, threshold),
                n_train=len(data.labels),
                n_test=len(pairs),
                train_seconds=round(train_seconds, 3),
                predict_ms_per_item=round(per_item, 4),
            )
        result.pop("confusion", None)
        result["variant"] = o["variant"]
        result["left_out"] = data.left_out
        result["unusable_train_rows"] = data.unusable
        if o["json"]:
            self.stdout.write(json.dumps(result, ensure_ascii=False))
            return
        self._print(result, data.left_out)

    @staticmethod
    def _check_folds(k: int, labels: list[str]) -> None:
        if k < 2:
            raise CommandError("--cv 至少为 2。")
        smallest = min(labels.count(lab) for lab in set(labels))
        if smallest < k:
            raise CommandError(f"有类别只有 {smallest} 条样本，少于折数 {k}。")

    @staticmethod
    def _unlabelled(o: dict[str, Any]) -> list[str]:
        if not o["unlabelled"]:
            return []
        rows = csvdata.read_rows(o["unlabelled"])
        csvdata.columns(rows, o["unlabelled"], *o["unlabelled_columns"])
        return ["\n".join(r[c] or "" for c in o["unlabelled_columns"]) for r in rows]

    def _repeated(self, o: dict[str, Any], data: Any, threshold: float, unlabelled: list[str]) -> None:
        variants = o["compare"].split(",") if o["compare"] else [BASELINE_VARIANT, o["variant"]]
        unknown = [v for v in variants if v not in VARIANTS]
        if unknown:
            raise CommandError(f"未知的模型：{'、'.join(unknown)}（可选：{'、'.join(sorted(VARIANTS))}）")
        result = repeated_cv(
            data.texts,
            data.labels,
            variants=list(dict.fromkeys(variants)),
            k=o["cv"],
            seeds=range(o["repeat"] or 1),
            grouped=o["grouped"],
            threshold=threshold,
            unlabelled=unlabelled,
        )
        if o["json"]:
            self.stdout.write(json.dumps(result, ensure_ascii=False))
            return
        split = "相近标题分组" if o["grouped"] else "分层"
        self.stdout.write(
            f"{split} {result['folds']} 折交叉验证 × {len(result['seeds'])} 个随机种子，{result['n']} 条"
            f"（{result['groups']} 组），无标签文本 {result['n_unlabelled']} 条"
        )
        for name, row in result["variants"].items():
            f1, top3, cov = row["macro_f1"], row["top3_accuracy"], row["coverage_at_threshold"]
            line = (
                f"  {name}: 宏平均F1 {f1['mean']:.4f} ± {f1['std']:.4f}（每折 ± {row['fold_macro_f1']['std']:.4f}）"
                f"  前三命中率 {top3['mean']:.4f} ± {top3['std']:.4f}"
                f"  阈值 {threshold:g} 覆盖率 {cov['coverage']['mean']:.4f} 准确率 {_figure(cov['accuracy']['mean'])}"
            )
            gain = next((v for k, v in row.items() if k.startswith("gain_over_")), None)
            if gain is not None:
                line += f"  较基准 {gain['mean']:+.4f} ± {gain['std']:.4f}"
            self.stdout.write(line)

    def _print(self, result: dict[str, Any], left_out: dict[str, int]) -> None:
        self.stdout.write(
            f"准确率 {result['accuracy']:.4f}  宏平均F1 {result['macro_f1']:.4f}  前三命中率 {result['top3_accuracy']:.4f}"
        )
        cov = result["coverage_at_threshold"]
        self.stdout.write(
            f"置信度达到 {cov['threshold']:g} 的占 {cov['coverage']:.4f}，其中准确率 {_figure(cov['accuracy'])}"
        )
        self.stdout.write(
            f"训练 {result['n_train']} 条 {result['train_seconds']} 秒；评估 {result['n_test']} 条，"
            f"每条 {result['predict_ms_per_item']} 毫秒"
        )
        for label, row in result["per_label"].items():
            self.stdout.write(
                f"  {label}: 精确率 {row['precision']:.3f} 召回率 {row['recall']:.3f} 样本 {row['support']}"
            )
        if left_out:
            self.stdout.write("样本不足未纳入：" + "、".join(f"{k}（{n} 条）" for k, n in left_out.items()))
