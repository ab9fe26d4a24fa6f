"""Every read of smart dispatch for pages: model versions and quality, training runs, hotspots."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from yingshang.appeals.models import SimilarityDoc
from yingshang.appeals.selectors import appeals_visible
from yingshang.appeals.similarity import signature_from_bytes
from yingshang.core.office_settings import get_setting

from .hotspots import HotDoc, Hotspot, detect
from .models import AutoDispatch, RoutingModel, TrainingRun


def model_versions() -> QuerySet[RoutingModel]:
    return RoutingModel.objects.select_related("created_by").order_by("-created_at", "-id")


def active_model() -> RoutingModel | None:
    return RoutingModel.objects.filter(is_active=True).first()


def latest_training_run() -> TrainingRun | None:
    return TrainingRun.objects.select_related("model", "requested_by").order_by("-created_at", "-id").first()


def auto_dispatch_summary() -> dict[str, int]:
    row = AutoDispatch.objects.aggregate(total=Count("id"), returned=Count("id", filter=Q(returned=True)))
    return {"total": row["total"] or 0, "returned": row["returned"] or 0}


@dataclass
class QualityView:
    """The metrics of one model version laid out for the page (department names, not ids)."""

    accuracy: float
    macro_f1: float
    top3_accuracy: float
    n_train: int
    n_test: int
    per_label: list[dict[str, Any]]
    confusion_labels: list[str]
    confusion_rows: list[tuple[str, list[int]]]


def quality_of(model: RoutingModel) -> QualityView | None:
    m = model.metrics or {}
    if not m:
        return None
    names = model.label_names or {}
    per_label = [
        {"label": names.get(k, k), **v}
        for k, v in sorted(m.get("per_label", {}).items(), key=lambda kv: names.get(kv[0], kv[0]))
    ]
    confusion = m.get("confusion", {"labels": [], "rows": []})
    labels = [names.get(k, k) for k in confusion["labels"]]
    return QualityView(
        accuracy=m.get("accuracy", 0),
        macro_f1=m.get("macro_f1", 0),
        top3_accuracy=m.get("top3_accuracy", 0),
        n_train=m.get("n_train", 0),
        n_test=m.get("n_test", 0),
        per_label=per_label,
        confusion_labels=labels,
        confusion_rows=list(zip(labels, confusion["rows"], strict=False)),
    )


def hotspots_now(
    *, window_days: int | None = None, now: Any = None, min_size: int | None = None
) -> list[Hotspot]:
    """Hotspots over the indexed appeals of the recent window (read from the similarity index only)."""
    now = now or timezone.now()
    days = int(window_days or get_setting("routing.hotspot_window_days"))
    size = int(min_size or get_setting("routing.hotspot_min_size"))
    rows = SimilarityDoc.objects.filter(at__gte=now - timedelta(days=days), at__lte=now).values_list(
        "appeal_id", "at", "title", "category", "places", "words", "signature"
    )
    docs = [
        HotDoc(
            id=pk,
            at=at,
            title=title,
            category=category,
            places=places,
            words=words,
            signature=signature_from_bytes(sig),
        )
        for pk, at, title, category, places, words, sig in rows.iterator(chunk_size=2000)
    ]
    return detect(docs, now=now, window_days=days, min_size=size, limit=100)


def appeals_of(ids: list[int], user: Any) -> list[Any]:
    """The appeals of a hotspot the user may see, newest first."""
    qs = appeals_visible(user).filter(pk__in=ids).select_related("main_department")
    return list(qs.order_by("-received_at", "-id"))
