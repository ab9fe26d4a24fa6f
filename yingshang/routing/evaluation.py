"""Honest measurement of the routing text model: repeated stratified K-fold cross-validation (several
seeds, so a gain can be told from a fold artefact), a grouped split that keeps near-duplicate titles on
one side (closer to titles the model has never seen), and coverage vs. accuracy of abstention.

Pure numpy/scikit-learn like `textmodel`; `routing_eval --repeat` prints what this computes."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from .textmodel import TextRouter, coverage_at, metrics, normalize

# Two titles whose character-bigram sets overlap this much (Jaccard) are one matter written twice.
NEAR_DUPLICATE_JACCARD = 0.6


def near_duplicate_groups(texts: Sequence[str], *, jaccard: float = NEAR_DUPLICATE_JACCARD) -> np.ndarray:
    """A group number per text: texts equal after `normalize` (blanks removed), or whose character-bigram
    sets have a Jaccard overlap of at least `jaccard`, directly or through a chain, share a group."""
    from scipy.sparse import coo_matrix, csr_matrix
    from scipy.sparse.csgraph import connected_components
    from sklearn.feature_extraction.text import CountVectorizer

    folded = ["".join(normalize(t).split()) for t in texts]
    n = len(folded)
    if n == 0:
        return np.zeros(0, dtype=int)
    bigrams = CountVectorizer(analyzer="char", ngram_range=(2, 2), binary=True, lowercase=False)
    x = csr_matrix(bigrams.fit_transform([t if len(t) > 1 else t + "\0" for t in folded]), dtype=np.float32)
    sizes = np.asarray(x.sum(axis=1)).ravel()
    rows: list[np.ndarray] = []
    cols: list[np.ndarray] = []
    for start in range(0, n, 1000):  # chunks keep the pairwise overlaps in memory bounded
        block = (x[start : start + 1000] @ x.T).tocoo()
        union = sizes[block.row + start] + sizes[block.col] - block.data
        keep = block.data >= jaccard * union
        rows.append(block.row[keep] + start)
        cols.append(block.col[keep])
    r, c = np.concatenate(rows), np.concatenate(cols)
    same: dict[str, int] = {}
    first = np.array([same.setdefault(t, i) for i, t in enumerate(folded)])
    r, c = np.concatenate([r, np.arange(n)]), np.concatenate([c, first])
    graph = coo_matrix((np.ones(len(r), dtype=np.int8), (r, c)), shape=(n, n))
    _, groups = connected_components(graph, directed=False)
    return groups


def _title_key(text: str) -> str:
    return "".join(normalize(text).replace("〇", " ").split())


def _splits(y: np.ndarray, groups: np.ndarray | None, k: int, seed: int) -> Any:
    from sklearn.model_selection import StratifiedGroupKFold, StratifiedKFold

    if groups is None:
        return StratifiedKFold(k, shuffle=True, random_state=seed).split(np.zeros(len(y)), y)
    return StratifiedGroupKFold(k, shuffle=True, random_state=seed).split(np.zeros(len(y)), y, groups)


def _spread(values: Sequence[float]) -> dict[str, Any]:
    a = np.asarray(values, dtype=float)
    if len(a) == 0:
        return {"mean": None, "std": None}
    return {"mean": round(float(a.mean()), 4), "std": round(float(a.std(ddof=1)) if len(a) > 1 else 0.0, 4)}


def repeated_cv(
    texts: Sequence[str],
    labels: Sequence[str],
    *,
    variants: Sequence[str],
    k: int = 5,
    seeds: Sequence[int] = (0, 1, 2, 3, 4),
    grouped: bool = False,
    threshold: float | None = None,
    unlabelled: Sequence[str] = (),
) -> dict[str, Any]:
    """Every variant on the same folds, for every seed. Per variant: macro-F1 and top-3 over all texts
    for each seed (mean and std over seeds), the per-fold macro-F1 (mean and std over all folds), and,
    for every variant after the first, the paired per-fold difference to the first — a gain smaller
    than its std is not a gain. Texts in `unlabelled` equal to a test title are withheld from that fold."""
    from sklearn.metrics import f1_score

    x = np.asarray(texts, dtype=object)
    y = np.asarray(labels)
    names = sorted(set(y))
    groups = near_duplicate_groups(texts) if grouped else None
    pool = [(_title_key(t.split("\n")[0]), t) for t in unlabelled]
    per_seed: dict[str, list[dict[str, Any]]] = {v: [] for v in variants}
    fold_f1: dict[str, list[float]] = {v: [] for v in variants}
    for seed in seeds:
        full = {v: np.zeros((len(y), len(names))) for v in variants}
        for train_idx, test_idx in _splits(y, groups, k, seed):
            seen = {_title_key(t) for t in x[test_idx]}
            extra = [t for head, t in pool if head not in seen]
            for v in variants:
                router = TextRouter(v).fit(list(x[train_idx]), list(y[train_idx]), unlabelled=extra)
                cols = [names.index(lab) for lab in router.labels]
                s = router.scores(list(x[test_idx]))
                full[v][np.ix_(test_idx, cols)] = s
                predicted = np.asarray(router.labels)[s.argmax(axis=1)]
                fold_f1[v].append(float(f1_score(y[test_idx], predicted, average="macro", zero_division=0)))
        for v in variants:
            m = metrics(y, names, full[v])
            if threshold is not None:
                m["coverage_at_threshold"] = coverage_at(y, names, full[v], threshold)
            per_seed[v].append(m)
    out: dict[str, Any] = {}
    base = variants[0]
    for v in variants:
        row: dict[str, Any] = {
            "macro_f1": {
                **_spread([m["macro_f1"] for m in per_seed[v]]),
                "by_seed": [m["macro_f1"] for m in per_seed[v]],
            },
            "top3_accuracy": _spread([m["top3_accuracy"] for m in per_seed[v]]),
            "fold_macro_f1": _spread(fold_f1[v]),
        }
        if threshold is not None:
            cov = [m["coverage_at_threshold"] for m in per_seed[v]]
            row["coverage_at_threshold"] = {
                "threshold": threshold,
                "coverage": _spread([c["coverage"] for c in cov]),
                # seeds where nothing reached the threshold have no accuracy
                "accuracy": _spread([c["accuracy"] for c in cov if c["accuracy"] is not None]),
            }
        if v != base:
            row["gain_over_" + base] = _spread(np.subtract(fold_f1[v], fold_f1[base]).tolist())
        out[v] = row
    return {
        "split": "grouped" if grouped else "stratified",
        "folds": k,
        "seeds": list(seeds),
        "n": len(y),
        "groups": len(set(groups.tolist())) if groups is not None else len(y),
        "n_unlabelled": len(pool),
        "variants": out,
    }
