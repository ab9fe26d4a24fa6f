from datetime import datetime, timedelta

from yingshang.routing import hotspots

BASE = datetime(2026, 3, 1, 9, 0)
MIXING_PLANT = [
    (
        "丽景花园小区附近搅拌站夜间施工噪音扰民",
        "丽景花园小区旁边新建了一个搅拌站，每天夜里施工，噪音很大，居民无法休息。",
    ),
    (
        "投诉丽景花园小区旁边搅拌站噪音大",
        "丽景花园小区附近的搅拌站噪音大、粉尘多，严重影响居民生活，请相关部门查处。",
    ),
    (
        "丽景花园小区附近的搅拌站噪音严重影响休息",
        "我是丽景花园小区业主，小区附近的搅拌站昼夜生产，噪音严重扰民。",
    ),
    ("举报丽景花园附近违建搅拌站", "丽景花园附近的搅拌站没有手续，是违法建设，噪音和粉尘扰民，请求取缔。"),
]
PARKING = [
    ("锦绣家园开发商捆绑销售车位", "锦绣家园开发商在销售商品房时强制捆绑销售车位，不买车位就不给网签。"),
    ("投诉锦绣家园捆绑销售车位", "锦绣家园项目捆绑销售车位，购房者不买车位开发商就拒绝网签，请求查处。"),
    ("锦绣家园强制捆绑车位销售是否合法", "请问锦绣家园开发商强制购房者购买车位，捆绑销售是否合法？"),
]
SINGLES = [
    "申请办理食品经营许可证进度查询",
    "企业养老保险断缴如何补缴",
    "高新区创业路路灯不亮",
]


def _docs():
    docs, n = [], 0
    for group in (MIXING_PLANT, PARKING, [(t, t) for t in SINGLES]):
        for title, text in group:
            n += 1
            docs.append(hotspots.doc_from_text(n, BASE + timedelta(days=n), title, text))
    return docs


def test_places_are_found():
    places = hotspots.places_in("A2区暮云街道丽发新城小区附近搅拌站")
    assert places[0] == "A2区"
    assert "丽发新城小区" in "".join(places)
    assert "丽发新城" in hotspots.specific_places(places)


def test_similar_appeals_group_into_hotspots_ranked_by_size():
    found = hotspots.detect(_docs(), window_days=None, min_size=3)
    assert [h.ids for h in found] == [[1, 2, 3, 4], [5, 6, 7]]
    first = found[0]
    assert first.size == 4
    assert "搅拌站" in first.top_words and "噪音" in first.top_words
    assert any("丽景花园" in p for p in first.places)
    assert first.sample_title in [t for t, _ in MIXING_PLANT]
    assert (first.earlier, first.recent) == (4, 0)


def test_window_keeps_only_recent_appeals_and_measures_growth():
    docs = _docs()
    found = hotspots.detect(docs, now=BASE + timedelta(days=7, hours=1), window_days=4, min_size=2)
    # Days 4..7 are in the window: mixing plant #4 alone, parking #5-#7.
    assert [h.ids for h in found] == [[5, 6, 7]]
    assert found[0].growth == 2.0


def test_different_categories_are_not_joined_on_place_alone():
    a = hotspots.doc_from_text(
        1, BASE, "丽景花园小区门口道路破损", "丽景花园小区门口道路破损", category="城建"
    )
    b = hotspots.doc_from_text(
        2, BASE, "丽景花园小区学校招生咨询", "丽景花园小区学校招生咨询", category="教育"
    )
    assert sorted(map(sorted, hotspots.group([a, b]))) == [[0], [1]]


def test_one_template_about_different_compounds_is_not_one_matter():
    """The same complaint sent about several compounds (one writer, one template) names several matters."""
    template = "{}小区临街门面油烟直排扰民，夜宵摊经营到凌晨，严重影响小区居民休息，请求查处。"
    docs = [
        hotspots.doc_from_text(
            n, BASE + timedelta(days=n), f"{place}小区临街门面油烟直排扰民", template.format(place)
        )
        for n, place in enumerate(["翠湖花园", "翠湖花园", "锦绣家园", "锦绣家园"], start=1)
    ]
    assert hotspots.estimated_jaccard(docs[0].signature, docs[2].signature) >= hotspots.JOIN_DUPLICATE
    assert sorted(hotspots.group(docs)) == [[0, 1], [2, 3]]


def test_a_verb_before_xiaoqu_is_not_a_place():
    assert hotspots.places_in("噪音严重影响小区居民休息") == []


def test_a_wave_from_one_enterprise_park_is_one_hotspot():
    texts = [
        ("南湖工业园近两周频繁停电影响生产", "我公司位于南湖工业园，近两周已停电四次，生产线被迫停机。"),
        ("投诉南湖工业园频繁停电", "南湖工业园近期频繁停电且无停电通知，设备重启损失很大。"),
        ("南湖工业园三天两头停电", "我们在南湖工业园的工厂三天两头停电，也没有停电公告。"),
    ]
    docs = [hotspots.doc_from_text(n, BASE + timedelta(days=n), t, d) for n, (t, d) in enumerate(texts, 1)]
    assert all(d.places == ["南湖工业园"] for d in docs)
    (wave,) = hotspots.detect(docs, window_days=None, min_size=3)
    assert wave.ids == [1, 2, 3] and "停电" in wave.top_words
