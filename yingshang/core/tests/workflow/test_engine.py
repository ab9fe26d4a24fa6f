"""The workflow engine's rules on plain objects: which transition a user may make and why not.
`apply_transition` (compare-and-set, timeline, audit) is walked by each loop app on its own models."""

from types import SimpleNamespace

import pytest
from django.contrib.auth.models import AnonymousUser

from yingshang.core.errors import PermissionRefused, TransitionRefused, ValidationFailed
from yingshang.core.workflow import Workflow, transition, user_roles

FLOW = Workflow(
    "task",
    {"draft": "草拟", "assigned": "已交办", "reported": "已报送", "closed": "已办结"},
    [
        transition("assign", "交办", ["draft"], "assigned", ["office"]),
        transition(
            "report",
            "报送进展",
            ["assigned"],
            "reported",
            ["liaison"],
            requires={"progress": "进展情况"},
            check="is_lead_department",
        ),
        transition("close", "办结", ["reported"], "closed", ["office"], requires={"note": "办结意见"}),
        transition("reopen", "重新交办", ["reported", "closed"], "assigned", ["office"]),
    ],
)
PREDICATES = {"is_lead_department": lambda user, obj: obj.department == user.department}


def _user(*roles, department="SCJ"):
    return SimpleNamespace(is_authenticated=True, role_codes=frozenset(roles), department=department)


def _item(state, department="SCJ"):
    return SimpleNamespace(state=state, department=department)


def test_unknown_state_in_table_is_refused_at_declaration():
    with pytest.raises(ValueError, match="unknown states"):
        Workflow("x", {"a": "甲"}, [transition("go", "走", ["a"], "b", ["office"])])


def test_resolve_returns_the_transition():
    t = FLOW.resolve(state="draft", action="assign", user=_user("office"))
    assert (t.action, t.target) == ("assign", "assigned")


def test_unknown_action():
    with pytest.raises(TransitionRefused) as exc:
        FLOW.resolve(state="draft", action="explode", user=_user("office"))
    assert exc.value.code == "core.unknown_action" and exc.value.message == "未知的操作：explode。"


def test_action_not_allowed_in_this_state():
    with pytest.raises(TransitionRefused) as exc:
        FLOW.resolve(state="closed", action="assign", user=_user("office"))
    assert exc.value.code == "transition_refused"
    assert exc.value.message == "事项当前为“已办结”，不能执行“交办”。"


def test_wrong_role():
    with pytest.raises(PermissionRefused, match="您的角色不能执行“交办”"):
        FLOW.resolve(state="draft", action="assign", user=_user("liaison"))
    with pytest.raises(PermissionRefused):
        FLOW.resolve(state="draft", action="assign", user=AnonymousUser())


def test_object_predicate():
    item = _item("assigned", department="ZJJ")
    with pytest.raises(PermissionRefused, match="您不能对该事项执行“报送进展”"):
        FLOW.resolve(
            state="assigned",
            action="report",
            user=_user("liaison"),
            obj=item,
            data={"progress": "x"},
            predicates=PREDICATES,
        )
    with pytest.raises(LookupError):
        FLOW.resolve(state="assigned", action="report", user=_user("liaison", department="ZJJ"), obj=item)


@pytest.mark.parametrize("value", [None, "", "   ", [], {}])
def test_required_inputs(value):
    with pytest.raises(ValidationFailed) as exc:
        FLOW.resolve(state="reported", action="close", user=_user("office"), data={"note": value})
    assert exc.value.fields == {"note": ["请填写办结意见。"]}
    assert exc.value.message == "“办结”需要填写：办结意见。"
    t = FLOW.resolve(state="reported", action="close", user=_user("office"), data={"note": "已解决"})
    assert t.target == "closed"


def test_every_state_action_role_triple():
    """Walk the whole table: exactly the declared (state, action, role) triples resolve."""
    allowed = {
        ("draft", "assign", "office"),
        ("assigned", "report", "liaison"),
        ("reported", "close", "office"),
        ("reported", "reopen", "office"),
        ("closed", "reopen", "office"),
    }
    data = {"progress": "进展", "note": "意见"}
    for state in FLOW.states:
        for action in FLOW.actions:
            for role in ["office", "liaison", "leader"]:
                try:
                    FLOW.resolve(
                        state=state,
                        action=action,
                        user=_user(role),
                        obj=_item(state),
                        data=data,
                        predicates=PREDICATES,
                    )
                    outcome = True
                except (TransitionRefused, PermissionRefused):
                    outcome = False
                assert outcome == ((state, action, role) in allowed), (state, action, role)


def test_available_drives_the_buttons():
    office, liaison = _user("office"), _user("liaison")
    assert [t.action for t in FLOW.available(_item("reported"), office)] == ["close", "reopen"]
    assert FLOW.available(_item("reported"), liaison) == []
    assert [t.action for t in FLOW.available(_item("assigned"), liaison, PREDICATES)] == ["report"]
    assert FLOW.available(_item("assigned", department="ZJJ"), liaison, PREDICATES) == []


def test_labels_and_roles_of_anonymous():
    assert FLOW.label("reported") == "已报送" and FLOW.label("nope") == "nope"
    assert FLOW.actions == ["assign", "close", "reopen", "report"]
    assert user_roles(None) == {"anonymous"} and user_roles(AnonymousUser()) == {"anonymous"}
