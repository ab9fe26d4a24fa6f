"""Versioned model files under VAR_DIR/models/routing/, loaded once per process.

A file is a joblib dump of a dict: the fitted `TextRouter`, a support index for "similar past appeals",
and metadata (format version, version, created_at, labels, metrics, scikit-learn version). A file that
cannot be read, is not ours, or has another format or scikit-learn version is refused with a message
saying which — the model in use is left as it is. Only files this application wrote are ever loaded
(pickles execute code when read)."""

from __future__ import annotations

import logging
import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import sklearn
from django.conf import settings

from yingshang.core.errors import ValidationFailed

from .textmodel import TextRouter, normalize

FORMAT_VERSION = 2
KIND = "yingshang.routing.model"
log = logging.getLogger(__name__)


class ModelFileRefused(ValidationFailed):
    code = "routing.model_refused"


def models_dir() -> Path:
    path = Path(settings.VAR_DIR) / "models" / "routing"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _sklearn_series(version: str) -> str:
    return ".".join(version.split(".")[:2])


class SupportIndex:
    """Past texts by label, to show the appeals that support a suggestion (cosine on char 2–3-grams)."""

    def __init__(self, texts: list[str], labels: list[str], ids: list[Any]):
        from sklearn.feature_extraction.text import TfidfVectorizer

        self.vectorizer = TfidfVectorizer(
            analyzer="char", ngram_range=(2, 3), sublinear_tf=True, dtype=np.float32, max_features=200_000
        )
        matrix = self.vectorizer.fit_transform([normalize(t) for t in texts])
        self.by_feature = matrix.T.tocsr()  # feature -> documents: a query touches only its own features
        self.labels = np.asarray(labels)
        self.ids = list(ids)

    def similar(self, text: str, label: str, k: int = 3) -> list[Any]:
        q = self.vectorizer.transform([normalize(text)])
        if q.nnz == 0:
            return []
        scores = np.asarray(self.by_feature[q.indices].T @ q.data).ravel()
        candidates = np.flatnonzero((self.labels == label) & (scores > 0.2))
        if candidates.size == 0:
            return []
        best = candidates[np.argsort(-scores[candidates], kind="stable")[:k]]
        return [self.ids[i] for i in best]


@dataclass
class Bundle:
    version: str
    router: TextRouter
    support: SupportIndex | None
    meta: dict[str, Any]

    @property
    def labels(self) -> list[str]:
        return list(self.router.labels)


def save(path: Path, *, router: TextRouter, support: SupportIndex | None, meta: dict[str, Any]) -> None:
    import joblib

    payload = {
        "kind": KIND,
        "format_version": FORMAT_VERSION,
        "sklearn_version": sklearn.__version__,
        **meta,
        "router": router,
        "support": support,
    }
    tmp = path.with_suffix(".tmp")
    joblib.dump(payload, tmp, compress=3)
    os.replace(tmp, path)


def load(path: Path) -> Bundle:
    """Read and check one file; ModelFileRefused with a clear Chinese message when it cannot be used."""
    import joblib

    name = path.name
    if not path.exists():
        raise ModelFileRefused(f"模型文件 {name} 不存在，无法启用。")
    try:
        payload = joblib.load(path)
    except Exception as exc:  # any unpickling failure means a damaged or foreign file
        raise ModelFileRefused(f"模型文件 {name} 已损坏或不是派单模型文件，已拒绝启用。") from exc
    if not isinstance(payload, dict) or payload.get("kind") != KIND:
        raise ModelFileRefused(f"模型文件 {name} 不是派单模型文件，已拒绝启用。")
    found = payload.get("format_version")
    if found != FORMAT_VERSION:
        raise ModelFileRefused(
            f"模型文件 {name} 的格式版本为 {found}，当前系统要求 {FORMAT_VERSION}，已拒绝启用；请重新训练。"
        )
    trained_with = str(payload.get("sklearn_version", ""))
    if _sklearn_series(trained_with) != _sklearn_series(sklearn.__version__):
        raise ModelFileRefused(
            f"模型文件 {name} 由 scikit-learn {trained_with} 训练，与当前 {sklearn.__version__} 不兼容，"
            "已拒绝启用；请重新训练。"
        )
    router = payload.get("router")
    if not isinstance(router, TextRouter) or router.estimator is None:
        raise ModelFileRefused(f"模型文件 {name} 内容不完整，已拒绝启用。")
    meta = {k: v for k, v in payload.items() if k not in {"router", "support"}}
    return Bundle(
        version=str(payload.get("version")), router=router, support=payload.get("support"), meta=meta
    )


# ------------------------------------------------------------------ the per-process cache

_lock = threading.Lock()
_cache: dict[str, Bundle] = {}
_last_good: Bundle | None = None


def get(version: str, file_name: str) -> Bundle:
    """The bundle of `version`, read from disk once per process."""
    global _last_good
    bundle = _cache.get(version)
    if bundle is None:
        with _lock:
            bundle = _cache.get(version)
            if bundle is None:
                bundle = load(models_dir() / file_name)
                _cache.clear()  # keep one model in memory
                _cache[version] = bundle
    _last_good = bundle
    return bundle


def last_good() -> Bundle | None:
    return _last_good


def forget() -> None:
    """Drop what this process has loaded (tests; a fresh start)."""
    global _last_good
    with _lock:
        _cache.clear()
        _last_good = None
