from datetime import timedelta

import numpy as np
from django.utils import timezone

from yingshang.appeals import similarity
from yingshang.appeals.models import SimilarityBand, SimilarityDoc

ORIGINAL = "我公司位于高新区创业路88号，厂区门口道路破损严重，雨天积水，货车无法通行，请尽快维修。"
EDITED = "我公司位于高新区创业路88号，厂区门口的道路破损严重，下雨天积水，货车无法通行，请求尽快维修！"
UNRELATED = "申请办理食品经营许可证，材料已于上月提交，至今未收到审批结果，请问进度如何。"


def test_signature_estimates_jaccard():
    a, b = similarity.signature(ORIGINAL), similarity.signature(EDITED)
    assert a.dtype == np.uint32 and a.shape == (similarity.NUM_PERM,)
    exact = similarity.jaccard(ORIGINAL, EDITED)
    assert abs(similarity.estimated_jaccard(a, b) - exact) < 0.2
    assert similarity.estimated_jaccard(a, similarity.signature(UNRELATED)) < 0.15
    assert np.array_equal(similarity.signature_from_bytes(similarity.signature_bytes(a)), a)


def test_index_finds_a_near_duplicate_and_not_an_unrelated_text(db):
    now = timezone.now()
    similarity.index_text(appeal_id=1, text=ORIGINAL, at=now - timedelta(days=3), title="厂门口道路破损")
    similarity.index_text(appeal_id=2, text=UNRELATED, at=now - timedelta(days=2), title="许可证审批进度")
    assert SimilarityBand.objects.filter(appeal_id=1).count() == similarity.BANDS
    matches = similarity.near_duplicates(EDITED)
    assert [m.appeal_id for m in matches] == [1]
    assert matches[0].similarity >= 0.5
    assert similarity.near_duplicates("企业开办一网通办流程咨询，营业执照多久能领取") == []


def test_near_duplicates_respects_since_and_exclusions(db):
    now = timezone.now()
    similarity.index_text(appeal_id=1, text=ORIGINAL, at=now - timedelta(days=40))
    similarity.index_text(appeal_id=5, text=ORIGINAL, at=now - timedelta(days=1))
    assert [m.appeal_id for m in similarity.near_duplicates(EDITED, since=now - timedelta(days=30))] == [5]
    assert similarity.similar_recent(EDITED, days=30, exclude_appeal_id=5) == []
    assert [pk for pk, _ in similarity.similar_recent(EDITED, days=60)] == [5, 1]


def test_reindexing_replaces_the_old_entry(db):
    similarity.index_text(appeal_id=1, text=ORIGINAL)
    similarity.index_text(appeal_id=1, text=UNRELATED)
    assert SimilarityDoc.objects.count() == 1
    assert SimilarityBand.objects.filter(appeal_id=1).count() == similarity.BANDS
    assert similarity.near_duplicates(EDITED) == []
    assert [m.appeal_id for m in similarity.near_duplicates(UNRELATED)] == [1]
    similarity.unindex(1)
    assert not SimilarityBand.objects.exists() and not SimilarityDoc.objects.exists()


def test_empty_text_matches_nothing(db):
    similarity.index_text(appeal_id=1, text="……")
    assert SimilarityBand.objects.count() == 0
    assert similarity.near_duplicates("……") == []


def test_index_new_text_inserts_and_falls_back_to_replace_when_already_indexed(db):
    text = "开发区纬二路排水管网堵塞，雨天厂区积水严重，请协调疏通"
    similarity.index_new_text(appeal_id=901, text=text, title="排水管网堵塞")
    assert SimilarityDoc.objects.get(appeal_id=901).title == "排水管网堵塞"
    assert SimilarityBand.objects.filter(appeal_id=901).count() == similarity.BANDS
    # A second feed of the same appeal (retry, catch-up sync) replaces instead of failing or doubling.
    similarity.index_new_text(
        appeal_id=901, text="完全不同的另一件事情：申请办理食品经营许可证延续", title="许可延续"
    )
    assert SimilarityDoc.objects.get(appeal_id=901).title == "许可延续"
    assert SimilarityBand.objects.filter(appeal_id=901).count() == similarity.BANDS
    assert [m.appeal_id for m in similarity.near_duplicates(text)] == []
