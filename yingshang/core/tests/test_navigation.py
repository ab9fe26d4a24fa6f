from yingshang.core.navigation import menu_for
from yingshang.org import roles as r


def active_labels(path: str) -> list[str]:
    return [e["label"] for g in menu_for(frozenset({r.LIAISON}), path) for e in g["entries"] if e["active"]]


def test_only_the_longest_matching_entry_is_active(db):
    assert active_labels("/ledger/mine/") == ["我的任务"]
    assert active_labels("/ledger/") == ["重点任务台账"]
    assert active_labels("/") == ["首页"]


def test_roles_see_only_their_entries(db):
    labels = {e["label"] for g in menu_for(frozenset({r.AUDITOR})) for e in g["entries"]}
    assert "审计日志" in labels
    assert "重点任务台账" not in labels
