"""Text similarity of appeals, an appeals concern (duplicate linking): MinHash signatures over character
shingles, with LSH band keys stored in an indexed table (`SimilarityBand`) so a new text finds its near
duplicates by a handful of index lookups instead of scanning history, and every worker sees the same index.
Other apps read the index (the routing app groups hotspots from it) and may ask, through
`register_doc_fields`, for more of each text to be kept beside its signature; this module imports none of
them.

64 hash functions in 16 bands of 4 rows: two texts whose shingle sets have Jaccard similarity s share at
least one band with probability 1 - (1 - s^4)^16 — 0.64 at s=0.4, 0.98 at s=0.6, 0.9998 at s=0.8.
Candidates are then checked on the estimated Jaccard (the share of equal MinHash values)."""

from __future__ import annotations

import re
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import numpy as np
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils import timezone

from yingshang.core.office_settings import get_setting

from .models import Appeal, SimilarityBand, SimilarityDoc

NUM_PERM = 64
BANDS = 16
ROWS = NUM_PERM // BANDS
SHINGLE = 3
DUPLICATE_THRESHOLD = 0.5

_rng = np.random.default_rng(20240611)  # fixed: signatures must be comparable across processes and years
_A = (_rng.integers(1, 2**63 - 1, NUM_PERM, dtype=np.uint64) | np.uint64(1)).astype(np.uint64)
_B = _rng.integers(0, 2**63 - 1, NUM_PERM, dtype=np.uint64).astype(np.uint64)
_CLEAN = re.compile(r"[\s\W_]+", re.UNICODE)
_EMPTY = np.full(NUM_PERM, np.iinfo(np.uint32).max, dtype=np.uint32)


def shingles(text: str, k: int = SHINGLE) -> set[str]:
    s = _CLEAN.sub("", (text or "").lower())
    if not s:
        return set()
    if len(s) <= k:
        return {s}
    return {s[i : i + k] for i in range(len(s) - k + 1)}


def signature(text: str) -> np.ndarray:
    """64 uint32 MinHash values (multiply-shift hashing of CRC32 shingle hashes, wrapping in uint64)."""
    grams = shingles(text)
    if not grams:
        return _EMPTY.copy()
    h = np.fromiter((zlib.crc32(g.encode("utf-8")) for g in grams), dtype=np.uint64, count=len(grams))
    with np.errstate(over="ignore"):
        mixed = (_A[:, None] * h[None, :] + _B[:, None]) >> np.uint64(32)
    return mixed.min(axis=1).astype(np.uint32)


def signature_bytes(sig: np.ndarray) -> bytes:
    return sig.astype("<u4").tobytes()


def signature_from_bytes(raw: bytes | memoryview) -> np.ndarray:
    return np.frombuffer(bytes(raw), dtype="<u4")


_MIX = np.array(
    [0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9, 0xD6E8FEB86659FD93, 0xFF51AFD7ED558CCD],
    dtype=np.uint64,
)


def band_key_matrix(sigs: np.ndarray, bands: int = BANDS) -> np.ndarray:
    """Band keys of many signatures at once: (n, NUM_PERM) uint32 -> (n, bands) int64. Each band's rows
    and its number are mixed with odd 64-bit constants (wrapping multiply, xor-shift), so equal rows in
    different bands give different keys and unequal rows collide with negligible probability."""
    rows = NUM_PERM // bands
    x = sigs.astype(np.uint64).reshape(len(sigs), bands, rows)
    with np.errstate(over="ignore"):
        h = (np.arange(1, bands + 1, dtype=np.uint64) * _MIX[4])[None, :].repeat(len(sigs), axis=0)
        for r in range(rows):
            h = (h ^ (x[:, :, r] * _MIX[r % 4])) * _MIX[(r + 1) % 4]
            h ^= h >> np.uint64(29)
    return h.view(np.int64)


def band_keys(sig: np.ndarray, bands: int = BANDS) -> list[int]:
    """One signed 64-bit key per band of one signature."""
    return [int(k) for k in band_key_matrix(sig.reshape(1, -1), bands)[0]]


def estimated_jaccard(a: np.ndarray, b: np.ndarray) -> float:
    if (a == _EMPTY).all() or (b == _EMPTY).all():
        return 0.0
    return float(np.mean(a == b))


def jaccard(a: str, b: str) -> float:
    sa, sb = shingles(a), shingles(b)
    if not sa or not sb:
        return 0.0
    return len(sa & sb) / len(sa | sb)


# ---------------------------------------------------------------- the index in the database

DocFields = Callable[[str, str], dict[str, Any]]
DOC_FIELDS: list[DocFields] = []


def register_doc_fields(fields: DocFields) -> None:
    """`fields(title, text)` → more SimilarityDoc fields to store with each indexed text (called in the
    subscriber's AppConfig.ready; the routing app keeps places and top words for hotspots)."""
    if fields not in DOC_FIELDS:
        DOC_FIELDS.append(fields)


def _doc_fields(title: str, text: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for fields in DOC_FIELDS:
        out.update(fields(title, text))
    return out


@dataclass(frozen=True)
class Match:
    appeal_id: int
    similarity: float
    at: datetime
    title: str


def index_text(
    *, appeal_id: int, text: str, at: datetime | None = None, title: str = "", category: str = ""
) -> None:
    """Add or replace one text in the index (idempotent: safe to call again after an edit or a retry)."""
    at = at or timezone.now()
    sig = signature(text)
    with transaction.atomic():
        SimilarityBand.objects.filter(appeal_id=appeal_id).delete()
        SimilarityDoc.objects.update_or_create(
            appeal_id=appeal_id,
            defaults={
                "at": at,
                "title": (title or text)[:200],
                "category": category[:100],
                "signature": signature_bytes(sig),
                **_doc_fields(title, text),
            },
        )
        if (sig != _EMPTY).any():
            SimilarityBand.objects.bulk_create(
                [SimilarityBand(band_key=k, appeal_id=appeal_id, at=at) for k in band_keys(sig)]
            )


def index_new_text(
    *, appeal_id: int, text: str, at: datetime | None = None, title: str = "", category: str = ""
) -> None:
    """`index_text` for an appeal not indexed yet (just created): two INSERTs in one transaction instead
    of delete + select + insert. If it was indexed meanwhile (a retry, the catch-up sync), the unique
    appeal id refuses the insert and the full replace of `index_text` runs instead."""
    at = at or timezone.now()
    sig = signature(text)
    try:
        with transaction.atomic():
            SimilarityDoc.objects.bulk_create(
                [
                    SimilarityDoc(
                        appeal_id=appeal_id,
                        at=at,
                        title=(title or text)[:200],
                        category=category[:100],
                        signature=signature_bytes(sig),
                        **_doc_fields(title, text),
                    )
                ]
            )
            if (sig != _EMPTY).any():
                SimilarityBand.objects.bulk_create(
                    [SimilarityBand(band_key=k, appeal_id=appeal_id, at=at) for k in band_keys(sig)]
                )
    except IntegrityError:
        index_text(appeal_id=appeal_id, text=text, at=at, title=title, category=category)


def unindex(appeal_id: int) -> None:
    with transaction.atomic():
        SimilarityBand.objects.filter(appeal_id=appeal_id).delete()
        SimilarityDoc.objects.filter(appeal_id=appeal_id).delete()


def near_duplicates(
    text: str,
    *,
    since: datetime | None = None,
    threshold: float = DUPLICATE_THRESHOLD,
    exclude: Iterable[int] = (),
    limit: int = 20,
) -> list[Match]:
    """Indexed texts whose estimated Jaccard similarity to `text` is at least `threshold`, most similar
    first. Two indexed queries: band keys → candidate ids, candidate ids → their signatures."""
    sig = signature(text)
    if (sig == _EMPTY).all():
        return []
    bands = SimilarityBand.objects.filter(band_key__in=band_keys(sig))
    if since is not None:
        bands = bands.filter(at__gte=since)
    excluded = set(exclude)
    candidates = {i for i in bands.values_list("appeal_id", flat=True) if i not in excluded}
    if not candidates:
        return []
    matches = []
    for appeal_id, raw, at, title in SimilarityDoc.objects.filter(appeal_id__in=candidates).values_list(
        "appeal_id", "signature", "at", "title"
    ):
        score = estimated_jaccard(sig, signature_from_bytes(raw))
        if score >= threshold:
            matches.append(Match(appeal_id, round(score, 3), at, title))
    matches.sort(key=lambda m: (-m.similarity, -m.at.timestamp(), m.appeal_id))
    return matches[:limit]


def similar_recent(
    text: str,
    *,
    days: int = 30,
    now: datetime | None = None,
    threshold: float = DUPLICATE_THRESHOLD,
    exclude_appeal_id: int | None = None,
    limit: int = 10,
) -> list[tuple[int, float]]:
    """[(appeal id, similarity 0..1)] of appeals indexed in the last `days` days whose text is nearly the same as `text`, most similar first."""
    since = (now or timezone.now()) - timedelta(days=days)
    exclude = [exclude_appeal_id] if exclude_appeal_id is not None else []
    return [
        (m.appeal_id, m.similarity)
        for m in near_duplicates(text, since=since, threshold=threshold, exclude=exclude, limit=limit)
    ]


# ---------------------------------------------------------------- appeals in the index


def appeal_index(*, appeal: Appeal, new: bool = False) -> None:
    """Add (or refresh) one appeal. `new=True` for an appeal just created (never indexed): the lean
    insert-only path."""
    (index_new_text if new else index_text)(
        appeal_id=appeal.pk,
        text=f"{appeal.title}\n{appeal.description}",
        at=appeal.received_at,
        title=appeal.title,
        category=appeal.get_category_display(),
    )


def appeal_indexed_on_commit(appeal: Appeal, *, new: bool = False) -> None:
    """Feed the index once the current transaction commits. Call it from every write that creates an
    appeal (`new=True`: insert-only) or changes its title or description."""
    transaction.on_commit(lambda: appeal_index(appeal=appeal, new=new), robust=True)


def index_sync(*, limit: int = 5000) -> int:
    """Index appeals received since the newest indexed one (catches up after imports; safe to repeat)."""
    newest = SimilarityDoc.objects.aggregate(m=Max("appeal_id"))["m"] or 0
    count = 0
    for appeal in Appeal.objects.filter(pk__gt=newest).order_by("pk")[:limit]:
        appeal_index(appeal=appeal)
        count += 1
    return count


def find_duplicate(
    *, concerned_enterprise_id: int | None, credit_code: str, phone_hash: str, text: str, now: datetime
) -> Appeal | None:
    """The first open, unlinked appeal of the same party (phone, enterprise or credit code) within the
    window whose text is nearly the same. Candidates come from the index (indexed band lookups, no scan
    of history); the same-party filter is applied to those ids."""
    days = int(get_setting("appeals.duplicate_window_days"))
    threshold = float(get_setting("appeals.duplicate_threshold"))
    # A generous limit: many parties may write about the same matter (a road, a policy); the ranking
    # is done in memory on signatures already fetched, so it costs no extra query.
    similar = similar_recent(text, days=days, now=now, threshold=threshold, limit=500)
    if not similar:
        return None
    same_party = Q(phone_hash=phone_hash)
    if concerned_enterprise_id:
        same_party |= Q(concerned_enterprise_id=concerned_enterprise_id)
    if credit_code:
        same_party |= Q(credit_code=credit_code)
    return (
        Appeal.objects.filter(
            same_party,
            pk__in=[pk for pk, _ in similar],
            received_at__gte=now - timedelta(days=days),
            received_at__lte=now,
            duplicate_of__isnull=True,
        )
        .exclude(state=Appeal.State.CLOSED)
        .order_by("received_at", "id")
        .first()
    )
