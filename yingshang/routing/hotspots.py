"""Hotspot detection (热点发现): groups of similar appeals in a recent window, by text similarity, place and
category, ranked by size and growth, each with its top words and places.

Grouping is union-find over candidate pairs. Candidates come from finer LSH bands than the database index
(32 bands of 2 rows over the same signatures, so pairs down to Jaccard ≈ 0.15 are likely found) and from
shared specific places (a residential compound, a road, a school). A pair is joined when its estimated
Jaccard is high, or when it is moderate and the two appeals name the same specific place (and do not carry
different categories). The detection is a pure function of the documents, so the office page (documents
from the database index) and `routing_hotspots --csv` (documents from a file) run the same code."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from typing import Any

import numpy as np

from yingshang.appeals.similarity import NUM_PERM, estimated_jaccard, jaccard, signature

from .textmodel import _jieba

HOT_BANDS = 32
JOIN_DUPLICATE = 0.7  # the same text, copied or lightly edited
JOIN_HIGH = 0.45  # much common wording (title and body) and no conflicting places
JOIN_TITLE = 0.3
JOIN_WITH_PLACE = 0.08  # same specific place and some common wording
JOIN_TITLE_WITH_PLACE = 0.2
COMMON_SHARE = 0.01  # a title word in more than 1% of the window's appeals names no particular matter
MAX_BUCKET = 60  # a band/place bucket bigger than this is boilerplate, not a matter

_DISTRICT = re.compile(r"[A-Z]\d{0,2}(?:市|县|区)")
_CODES = re.compile(r"([A-Z]\d{0,2}(?:市|县|区|镇))")
PLACE_SUFFIXES = (
    "工业园",  # enterprises write from parks: "南湖工业园", "高新区科技园"
    "产业园",
    "科技园",
    "小区",
    "街道",
    "社区",
    "花园",
    "广场",
    "大道",
    "公馆",
    "家园",
    "新城",
    "山庄",
    "公寓",
    "大厦",
    "学院",
    "大学",
    "中学",
    "小学",
    "学校",
    "幼儿园",
    "医院",
    "市场",
    "公园",
    "路",
    "街",
    "村",
    "镇",
    "乡",
    "苑",
    "城",
    "湾",
    "府",
)
GENERIC_PREFIXES = {
    "住宅",
    "居民",
    "安置",
    "公立",
    "私立",
    "民办",
    "普惠性",
    "附近",
    "周边",
    "本",
    "该",
    "我们",
    "这个",
    "影响",  # "严重影响小区居民": a verb before 小区, not a compound's name
    "整个",
}
NOT_PLACES = ("政府", "道路", "马路", "公路", "线路", "出路", "思路", "进城", "全城", "县城", "省城")
_STOPWORDS_TEXT = (
    "关于 反映 投诉 举报 咨询 建议 请求 要求 希望 请问 问题 情况 有关 "
    "相关 恳请 严重 一个 什么 为什么 怎么 如何 能否 是否 可以 不能 没有 "
    "已经 还是 我们 他们 你们 自己 这个 那个 这些 进行 存在 对于 目前 "
    "现在 何时 领导 政府 部门 市民 群众 业主 居民 的 了 在 和 与 及 "
    "或 有 是 被 把 将 对 给 请 让 从 向 为 就 都 也 还 又 再 很 "
    "太 多 少 不 没 能 会 要 想 该 吗 呢 吧 啊 呀 嘛 市 县 区 省 "
    "西地省 位于 "
)
STOPWORDS = set(_STOPWORDS_TEXT.split())


def _segment(text: str) -> list[str]:
    return [w for w in _jieba().lcut(_CODES.sub(r" \1 ", text or "")) if w.strip()]


def places_in(text: str) -> list[str]:
    """Districts (A3区) and named places (青青家园小区, 联丰路, 经济学院) in order of first appearance."""
    found: list[str] = []
    for code in _DISTRICT.findall(text or ""):
        if code not in found:
            found.append(code)
    # Blanks and punctuation stay in as tokens here: a place name never runs across them.
    tokens = _jieba().lcut(_CODES.sub(r" \1 ", text or ""))
    for i, token in enumerate(tokens):
        if not token.endswith(PLACE_SUFFIXES) or _DISTRICT.fullmatch(token):
            continue
        parts = [token]
        j = i - 1
        while j >= 0 and len("".join(parts)) < 8:
            prev = tokens[j]
            if prev in STOPWORDS or _DISTRICT.fullmatch(prev) or not re.fullmatch(r"[\u4e00-\u9fff]+", prev):
                break
            parts.insert(0, prev)
            j -= 1
        name = "".join(parts)
        suffix = next(x for x in PLACE_SUFFIXES if name.endswith(x))
        prefix = name[: -len(suffix)]
        # "幼儿园", "住宅小区": a kind of place, not a named one.
        if len(prefix) < 2 or prefix in GENERIC_PREFIXES:
            continue
        if name not in found and not name.endswith(NOT_PLACES):
            found.append(name)
    return found


_INNER = re.compile(r"^.*?(?:街道|社区|东路|西路|南路|北路|大道|路|镇|乡|村)(?=[\u4e00-\u9fff]{2,})")


def place_keys(place: str) -> set[str]:
    """Spellings of one place that should match: "暮云街道丽发新城小区" also as "丽发新城小区" and "丽发新城"."""
    keys = {place}
    tail = _INNER.sub("", place)
    keys.add(tail)
    for key in list(keys):
        for suffix in ("小区", "社区", "临街"):
            if key.endswith(suffix) and len(key) - len(suffix) >= 2:
                keys.add(key[: -len(suffix)])
    return {k for k in keys if len(k) >= 2}


# Streets, roads, towns and villages hold many unrelated matters; a compound, a school or a project is one.
BROAD = ("街道", "社区", "大道", "路", "街", "镇", "乡", "村")


def specific_places(places: Iterable[str]) -> set[str]:
    keys: set[str] = set()
    for p in places:
        if not _DISTRICT.fullmatch(p):
            keys |= {k for k in place_keys(p) if not k.endswith(BROAD)}
    return keys


def top_words_of(text: str, n: int = 8) -> list[str]:
    counts = Counter(
        w
        for w in _segment(text)
        if len(w) >= 2
        and w not in STOPWORDS
        and not _DISTRICT.fullmatch(w)
        and not w.isdigit()
        and re.search(r"[\u4e00-\u9fff]", w)
    )
    return [w for w, _ in counts.most_common(n)]


@dataclass
class HotDoc:
    id: int
    at: datetime
    title: str
    signature: np.ndarray
    category: str = ""
    places: list[str] = field(default_factory=list)
    words: list[str] = field(default_factory=list)


def doc_from_text(id: int, at: datetime, title: str, text: str, category: str = "") -> HotDoc:
    body = f"{title} {text}"
    return HotDoc(
        id=id,
        at=at,
        title=title,
        signature=signature(body),
        category=category,
        places=places_in(body)[:10],
        words=top_words_of(title, 8),
    )


@dataclass
class Hotspot:
    ids: list[int]
    size: int
    recent: int  # in the later half of the window
    earlier: int
    growth: float  # recent / earlier (earlier counted as at least one)
    top_words: list[str]
    places: list[str]
    sample_title: str
    first_at: datetime
    last_at: datetime
    category: str = ""

    @property
    def anchor(self) -> int:
        """A stable name for the group while it grows: its smallest appeal id."""
        return min(self.ids)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["first_at"], data["last_at"] = self.first_at.isoformat(), self.last_at.isoformat()
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Hotspot:
        first_at, last_at = datetime.fromisoformat(data["first_at"]), datetime.fromisoformat(data["last_at"])
        return cls(**{**data, "first_at": first_at, "last_at": last_at})


class _UnionFind:
    def __init__(self, n: int):
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def _candidate_pairs(docs: Sequence[HotDoc]) -> set[tuple[int, int]]:
    buckets: dict[tuple, list[int]] = defaultdict(list)
    rows = NUM_PERM // HOT_BANDS
    for i, d in enumerate(docs):
        sig = d.signature
        for b in range(HOT_BANDS):
            buckets[("b", b, sig[b * rows : (b + 1) * rows].tobytes())].append(i)
        for place in specific_places(d.places):
            buckets[("p", place)].append(i)
    pairs: set[tuple[int, int]] = set()
    for members in buckets.values():
        if 1 < len(members) <= MAX_BUCKET:
            for x in range(len(members)):
                for y in range(x + 1, len(members)):
                    pairs.add((members[x], members[y]))
    return pairs


_GENERIC_WORDS_TEXT = (
    "附近 小区 业主 居民 周边 旁边 门口 开发商 物业 问题 部门 相关 反映 "
    "投诉 举报 请求 建议 咨询 希望 严重 能否 何时 什么 为何 怎么 违法 "
    "违规 不合理 影响 生活 "
)
GENERIC_WORDS = set(_GENERIC_WORDS_TEXT.split())


def _matter_words(doc: HotDoc, common: set[str]) -> set[str]:
    """The title words naming the matter: not generic, not common in the window, not part of a place."""
    return {
        w
        for w in doc.words
        if w not in GENERIC_WORDS and w not in common and len(w) >= 2 and not any(w in p for p in doc.places)
    }


def group(docs: Sequence[HotDoc]) -> list[list[int]]:
    """Indices of `docs` grouped by similarity (every doc in exactly one group)."""
    uf = _UnionFind(len(docs))
    places = [specific_places(d.places) for d in docs]
    df = Counter(w for d in docs for w in set(d.words))
    common = {w for w, n in df.items() if n > max(10, len(docs) * COMMON_SHARE)}
    matters = [_matter_words(d, common) for d in docs]
    for a, b in _candidate_pairs(docs):
        if uf.find(a) == uf.find(b):
            continue
        da, db = docs[a], docs[b]
        if da.category and db.category and da.category != db.category:
            continue
        score = estimated_jaccard(da.signature, db.signature)
        title_score = jaccard(da.title, db.title)
        shared = places[a] & places[b]
        disjoint = bool(places[a] and places[b] and not shared)
        if (
            # A template sent about several compounds is several matters: different places never join.
            (score >= JOIN_DUPLICATE and not disjoint)
            or (score >= JOIN_HIGH and title_score >= JOIN_TITLE and not disjoint)
            # Same compound or project and the same matter: a common title word that is not the place.
            or (shared and title_score >= JOIN_TITLE_WITH_PLACE and score >= JOIN_WITH_PLACE)
            or (shared and matters[a] & matters[b])
        ):
            uf.union(a, b)
    groups: dict[int, list[int]] = defaultdict(list)
    for i in range(len(docs)):
        groups[uf.find(i)].append(i)
    return list(groups.values())


def detect(
    docs: Sequence[HotDoc],
    *,
    now: datetime | None = None,
    window_days: int | None = 30,
    min_size: int = 3,
    limit: int = 50,
) -> list[Hotspot]:
    """Hotspots among `docs` in the window ending `now` (all docs when window_days is None), largest and
    fastest-growing first."""
    if window_days is not None:
        end = now or max((d.at for d in docs), default=None)
        if end is None:
            return []
        start = end - timedelta(days=window_days)
        docs = [d for d in docs if start <= d.at <= end]
    if not docs:
        return []
    start_at = min(d.at for d in docs)
    end_at = max(d.at for d in docs)
    middle = start_at + (end_at - start_at) / 2
    hotspots = []
    for members in group(docs):
        if len(members) < min_size:
            continue
        items = sorted((docs[i] for i in members), key=lambda d: (d.at, d.id))
        recent = sum(1 for d in items if d.at > middle)
        earlier = len(items) - recent
        word_df = Counter(w for d in items for w in set(d.words))
        place_df = Counter(p for d in items for p in set(d.places))
        categories = Counter(d.category for d in items if d.category)
        # The sample is the title sharing most top words with the group: a typical member, not an outlier.
        common = {w for w, _ in word_df.most_common(5)}
        sample = max(items, key=lambda d: (len(common & set(d.words)), -d.id))
        hotspots.append(
            Hotspot(
                ids=[d.id for d in items],
                size=len(items),
                recent=recent,
                earlier=earlier,
                growth=round(recent / max(earlier, 1), 2),
                top_words=[w for w, n in word_df.most_common(6) if n > 1]
                or [w for w, _ in word_df.most_common(3)],
                places=[p for p, _ in place_df.most_common(4)],
                sample_title=sample.title,
                first_at=items[0].at,
                last_at=items[-1].at,
                category=categories.most_common(1)[0][0] if categories else "",
            )
        )
    hotspots.sort(key=lambda h: (-h.size, -h.growth, h.first_at))
    return hotspots[:limit]
