"""Text similarity used to link repeated appeals. Kept in one module so a faster index (MinHash from the
routing app) can replace it without touching callers."""

from __future__ import annotations

import re

_NOISE = re.compile(r"[\s\W_]+", re.UNICODE)


def shingles(text: str, size: int = 2) -> set[str]:
    """Character n-grams of `text` with whitespace and punctuation removed (Chinese has no word breaks)."""
    cleaned = _NOISE.sub("", (text or "").lower())
    if len(cleaned) <= size:
        return {cleaned} if cleaned else set()
    return {cleaned[i : i + size] for i in range(len(cleaned) - size + 1)}


def jaccard(a: set[str], b: set[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def similarity(text_a: str, text_b: str) -> float:
    return jaccard(shingles(text_a), shingles(text_b))
