"""routing_train --from-history | --csv PATH --text-column C --label-column L

Trains a new version of the dispatch model, measures it on held-back examples and switches to it."""

from django.core.management.base import BaseCommand, CommandError

from yingshang.core.errors import ValidationFailed
from yingshang.routing import csvdata, services
from yingshang.routing.models import RoutingModel
from yingshang.routing.textmodel import DEFAULT_VARIANT, VARIANTS


class Command(BaseCommand):
    requires_system_checks: list[str] = []
    help = "训练派单模型（从办理历史或数据文件），评估后启用。"

    def add_arguments(self, parser):
        source = parser.add_mutually_exclusive_group(required=True)
        source.add_argument("--from-history", action="store_true")
        source.add_argument("--csv")
        parser.add_argument("--text-column")
        parser.add_argument("--label-column")
        parser.add_argument("--variant", default=DEFAULT_VARIANT, choices=sorted(VARIANTS))
        parser.add_argument("--min-examples", type=int, default=None)
        parser.add_argument("--no-activate", action="store_true", help="只训练保存，不切换在用模型")

    def handle(self, *args, **o):
        def progress(pct: int, message: str) -> None:
            self.stdout.write(f"[{pct:3d}%] {message}")

        try:
            if o["from_history"]:
                model = services.train_from_history(
                    actor=None, progress=progress, activate=not o["no_activate"]
                )
            else:
                if not (o["text_column"] and o["label_column"]):
                    raise CommandError("--csv 需要同时给出 --text-column 和 --label-column。")
                texts, labels = csvdata.texts_and_labels(o["csv"], o["text_column"], o["label_column"])
                model = services.model_train(
                    actor=None,
                    texts=texts,
                    labels=labels,
                    source=RoutingModel.Source.CSV,
                    min_examples=o["min_examples"],
                    variant=o["variant"],
                    activate=not o["no_activate"],
                    progress=progress,
                )
        except ValidationFailed as exc:
            raise CommandError(exc.message) from exc
        m = model.metrics
        self.stdout.write(
            f"版本 {model.version}：训练 {model.n_train} 条，用时 {model.train_seconds} 秒"
            + (
                f"；留出集准确率 {m['accuracy']:.4f}，宏平均F1 {m['macro_f1']:.4f}，前三命中率 {m['top3_accuracy']:.4f}"
                if m
                else ""
            )
        )
        if model.left_out:
            self.stdout.write(
                "样本不足未纳入：" + "、".join(f"{k}（{n} 条）" for k, n in model.left_out.items())
            )
        self.stdout.write("已启用。" if model.is_active else "未启用（--no-activate）。")
