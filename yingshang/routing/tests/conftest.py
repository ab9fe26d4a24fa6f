"""Fixtures for the routing tests: a private model folder per test and small synthetic corpora."""

import random

import pytest

from yingshang.routing import modelstore

TOPICS = {
    "交通": ["道路", "公交", "拥堵", "红绿灯", "停车", "高速", "车站", "路口", "出租车", "地铁"],
    "环保": ["噪音", "油烟", "污染", "排放", "粉尘", "臭味", "污水", "垃圾焚烧", "扰民", "环评"],
    "人社": ["社保", "工资", "拖欠", "养老", "就业", "劳动合同", "失业金", "医保", "工伤", "招聘"],
    "教育": ["学校", "学生", "老师", "补课", "学位", "幼儿园", "校车", "教材", "招生", "食堂"],
}
FILLER = ["请问", "关于", "反映", "希望", "尽快", "解决", "问题", "我们", "企业", "附近", "长期", "严重"]


def topic_text(topic: str, rng: random.Random) -> str:
    words = rng.sample(TOPICS[topic], 3) + rng.sample(FILLER, 3)
    rng.shuffle(words)
    return "".join(words)


@pytest.fixture
def corpus():
    """corpus(counts={topic: n}, seed=0) -> (texts, topics)."""

    def make(counts: dict[str, int], seed: int = 0) -> tuple[list[str], list[str]]:
        rng = random.Random(seed)
        texts, labels = [], []
        for topic, n in counts.items():
            for _ in range(n):
                texts.append(topic_text(topic, rng))
                labels.append(topic)
        return texts, labels

    return make


@pytest.fixture(autouse=True)
def model_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    modelstore.forget()
    yield tmp_path / "models" / "routing"
    modelstore.forget()
