"""routing_eval --train PATH (--test PATH | --cv K) --text-column C --label-column L [--json]

Trains the routing text model on one CSV file and evaluates it on another (or by stratified K-fold
cross-validation on the training file); prints one JSON object with --json."""

import json

from django.core.management.base import BaseCommand, CommandError

from yingshang.routing import csvdata
from yingshang.routing.textmodel import DEFAULT_VARIANT, VARIANTS, cross_validate, evaluate, metrics, prepare


def default_min_examples() -> int:
    try:
        from yingshang.core.office_settings import get_setting

        return int(get_setting("routing.min_examples"))
    except Exception:  # no database (a bare checkout): the declared default
        return 20


class Command(BaseCommand):
    requires_system_checks: list[str] = []
    help = "评估派单模型：在一个文件上训练，在另一个文件上（或交叉验证）评估。"

    def add_arguments(self, parser):
        parser.add_argument("--train", required=True)
        group = parser.add_mutually_exclusive_group(required=True)
        group.add_argument("--test")
        group.add_argument("--cv", type=int)
        parser.add_argument("--text-column", required=True)
        parser.add_argument("--label-column", required=True)
        parser.add_argument("--variant", default=DEFAULT_VARIANT, choices=sorted(VARIANTS))
        parser.add_argument("--min-examples", type=int, default=None)
        parser.add_argument("--json", action="store_true")

    def handle(self, *args, **o):
        texts, labels = csvdata.texts_and_labels(o["train"], o["text_column"], o["label_column"])
        minimum = o["min_examples"] if o["min_examples"] is not None else default_min_examples()
        data = prepare(texts, labels, min_examples=minimum)
        if len(set(data.labels)) < 2:
            raise CommandError(f"训练文件中样本数不少于 {minimum} 的类别不足两个，无法训练。")
        if o["cv"] is not None:
            if o["cv"] < 2:
                raise CommandError("--cv 至少为 2。")
            smallest = min(data.labels.count(lab) for lab in set(data.labels))
            if smallest < o["cv"]:
                raise CommandError(f"有类别只有 {smallest} 条样本，少于折数 {o['cv']}。")
            result = cross_validate(data.texts, data.labels, k=o["cv"], variant=o["variant"])
        else:
            test_texts, test_labels = csvdata.texts_and_labels(o["test"], o["text_column"], o["label_column"])
            pairs = [(t, lab) for t, lab in zip(test_texts, test_labels, strict=False) if lab]
            router, scores, train_seconds, per_item = evaluate(
                data.texts, data.labels, [p[0] for p in pairs], [p[1] for p in pairs], variant=o["variant"]
            )
            result = metrics([p[1] for p in pairs], router.labels, scores)
            result.update(
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
        self.stdout.write(
            f"准确率 {result['accuracy']:.4f}  宏平均F1 {result['macro_f1']:.4f}  前三命中率 {result['top3_accuracy']:.4f}"
        )
        self.stdout.write(
            f"训练 {result['n_train']} 条 {result['train_seconds']} 秒；评估 {result['n_test']} 条，"
            f"每条 {result['predict_ms_per_item']} 毫秒"
        )
        for label, row in result["per_label"].items():
            self.stdout.write(
                f"  {label}: 精确率 {row['precision']:.3f} 召回率 {row['recall']:.3f} 样本 {row['support']}"
            )
        if data.left_out:
            self.stdout.write(
                "样本不足未纳入：" + "、".join(f"{k}（{n} 条）" for k, n in data.left_out.items())
            )
