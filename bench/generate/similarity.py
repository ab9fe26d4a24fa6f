"""The synthetic similarity index behind `routing_generate --scale small|design [--clear]`.

Fills the similarity index with synthetic rows for the near-duplicate benchmark: 200,000 documents
(small) or 2,000,000 (design), each with 16 band keys, under appeal ids from 10^12 up so they never meet
real appeals; plus 200 probe texts whose edited copies the benchmark looks up. Random MinHash values
behave like unrelated texts; the probes are real shingled texts."""

import random
import time
from datetime import timedelta

import numpy as np
from django.db import connection, transaction
from django.utils import timezone

from yingshang.appeals import similarity
from yingshang.appeals.models import SimilarityBand, SimilarityDoc

BASE_ID = 10**12
SCALES = {"small": 200_000, "design": 2_000_000}
PROBES = 200
CHUNK = 20_000
WORDS = [
    "企业",
    "厂区",
    "道路",
    "破损",
    "积水",
    "货车",
    "通行",
    "维修",
    "许可证",
    "审批",
    "进度",
    "材料",
    "补正",
    "退税",
    "社保",
    "缴费",
    "工资",
    "拖欠",
    "噪音",
    "油烟",
    "粉尘",
    "排放",
    "污水",
    "停车",
    "占道",
    "施工",
    "夜间",
    "扰民",
    "电力",
    "供水",
    "燃气",
    "用地",
    "规划",
    "验收",
    "消防",
    "招聘",
    "融资",
    "贷款",
    "担保",
    "补贴",
    "申报",
    "减免",
    "租金",
    "园区",
    "物业",
    "网络",
    "信号",
    "公交",
    "站点",
    "路灯",
    "绿化",
    "垃圾",
    "清运",
]


def probe_text(i: int) -> str:
    rng = random.Random(i)
    return f"高新区{i}号" + "".join(rng.choice(WORDS) for _ in range(18))


def edited(text: str) -> str:
    """A near duplicate: one word dropped and a phrase appended, as people re-submit."""
    return text[:10] + text[12:] + "，请尽快处理"


def generated_count() -> int:
    return SimilarityDoc.objects.filter(appeal_id__gte=BASE_ID).count()


def generate(n: int, *, stdout=None) -> None:
    """Add synthetic documents until there are `n` (ids are consecutive, so a smaller run is extended)."""
    first = generated_count()
    rng = np.random.default_rng(2024 + first)
    now = timezone.now()
    doc_table = SimilarityDoc._meta.db_table
    band_table = SimilarityBand._meta.db_table
    started = time.perf_counter()
    ph = "%s"
    with connection.cursor() as cursor:
        for start in range(first, n, CHUNK):
            count = min(CHUNK, n - start)
            ids = np.arange(BASE_ID + start, BASE_ID + start + count, dtype=np.int64)
            sigs = rng.integers(0, 2**32, size=(count, similarity.NUM_PERM), dtype=np.uint64).astype(
                np.uint32
            )
            if start == 0:
                for j in range(min(PROBES, count)):
                    sigs[j] = similarity.signature(probe_text(j))
            keys = similarity.band_key_matrix(sigs)
            ats = [now - timedelta(minutes=int(m)) for m in rng.integers(0, 60 * 24 * 365, size=count)]
            with transaction.atomic():
                cursor.executemany(
                    f"INSERT INTO {doc_table} (appeal_id, at, title, category, places, words, signature) "
                    f"VALUES ({ph}, {ph}, '', '', '[]', '[]', {ph})",
                    [
                        (int(i), at, similarity.signature_bytes(s))
                        for i, at, s in zip(ids, ats, sigs, strict=True)
                    ],
                )
                cursor.executemany(
                    f"INSERT INTO {band_table} (band_key, appeal_id, at) VALUES ({ph}, {ph}, {ph})",
                    [(int(k), int(i), at) for i, at, row in zip(ids, ats, keys, strict=True) for k in row],
                )
            if stdout is not None:
                stdout.write(f"{start + count} / {n}（{time.perf_counter() - started:.0f} 秒）")


def clear() -> None:
    """Remove the generated documents."""
    SimilarityBand.objects.filter(appeal_id__gte=BASE_ID).delete()
    SimilarityDoc.objects.filter(appeal_id__gte=BASE_ID).delete()
