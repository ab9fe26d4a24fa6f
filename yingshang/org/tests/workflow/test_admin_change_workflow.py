"""Every (state, action) pair of the two-person table, refused ones included: a refusal changes nothing."""

from datetime import timedelta

import pytest
from django.utils import timezone

from yingshang.core.errors import ApplicationError
from yingshang.org import roles as r
from yingshang.org import services
from yingshang.org.models import AdminChangeRequest, User
from yingshang.org.workflow import ADMIN_CHANGE


@pytest.fixture
def people(make_user):
    return {
        "proposer": make_user(r.SECADMIN, username="sec1"),
        "second": make_user(r.SYSADMIN, username="sys1"),
        "target": make_user(r.AUDITOR, username="aud1"),
        "office": make_user(r.OFFICE, username="off1"),
    }


def _proposal(people, state="pending"):
    change = services.user_set_roles(actor=people["proposer"], user=people["target"], roles={r.SYSADMIN})
    assert change is not None
    AdminChangeRequest.objects.filter(pk=change.pk).update(state=state)
    change.refresh_from_db()
    return change


def _fingerprint(change):
    row = AdminChangeRequest.objects.values("state", "version", "decided_by", "decided_at").get(pk=change.pk)
    return row, User.objects.get(username="aud1").roles


def test_table_names_every_state():
    assert set(ADMIN_CHANGE.states) == set(AdminChangeRequest.State.values)


@pytest.mark.parametrize("state", ["confirmed", "rejected", "expired"])
@pytest.mark.parametrize("action", ["confirm", "reject"])
def test_decided_proposals_stay_decided(people, state, action):
    change = _proposal(people, state)
    before = _fingerprint(change)
    with pytest.raises(ApplicationError):
        services.admin_change_decide(actor=people["second"], change=change, action=action)
    assert _fingerprint(change) == before


@pytest.mark.parametrize("who", ["proposer", "target", "office"])
@pytest.mark.parametrize("action", ["confirm", "reject"])
def test_only_a_second_admin_decides(people, who, action):
    change = _proposal(people)
    before = _fingerprint(change)
    with pytest.raises(ApplicationError):
        services.admin_change_decide(actor=people[who], change=change, action=action)
    assert _fingerprint(change) == before


@pytest.mark.parametrize(
    ("action", "state", "roles"),
    [("confirm", "confirmed", {r.SYSADMIN}), ("reject", "rejected", {r.AUDITOR})],
)
def test_second_admin_decides(people, action, state, roles):
    change = _proposal(people)
    services.admin_change_decide(actor=people["second"], change=change, action=action)
    change.refresh_from_db()
    assert (change.state, change.version, change.decided_by) == (state, 1, people["second"])
    assert User.objects.get(username="aud1").role_codes == roles


def test_past_deadline_expires_whatever_is_asked(people):
    change = _proposal(people)
    AdminChangeRequest.objects.filter(pk=change.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    change.refresh_from_db()
    services.admin_change_decide(actor=people["second"], change=change, action="confirm")
    change.refresh_from_db()
    assert change.state == "expired" and change.decided_by is None
    assert User.objects.get(username="aud1").role_codes == {r.AUDITOR}


def test_second_proposal_of_the_same_kind_is_refused_while_one_waits(people):
    _proposal(people)
    with pytest.raises(ApplicationError, match="已有一项同类申请"):
        services.user_set_roles(actor=people["proposer"], user=people["target"], roles=set())
    assert AdminChangeRequest.objects.count() == 1


def test_stale_proposal_is_not_carried_out(people):
    change = _proposal(people)
    User.objects.filter(username="aud1").update(roles=r.ROLE_BITS[r.SECADMIN])
    with pytest.raises(ApplicationError, match="已有变化"):
        services.admin_change_decide(actor=people["second"], change=change, action="confirm")
    change.refresh_from_db()
    assert change.state == "pending" and User.objects.get(username="aud1").role_codes == {r.SECADMIN}
