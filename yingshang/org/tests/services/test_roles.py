import pytest
from django.db import IntegrityError, transaction

from yingshang.core.errors import ValidationFailed
from yingshang.org import roles as r
from yingshang.org import services
from yingshang.org.models import User


@pytest.mark.parametrize(
    "roles",
    [
        {r.SYSADMIN, r.SECADMIN},
        {r.SYSADMIN, r.AUDITOR},
        {r.SECADMIN, r.AUDITOR},
        {r.AUDITOR, r.OFFICE},
        {r.SYSADMIN, r.LIAISON},
    ],
)
def test_service_refuses_admin_duty_with_another_role(db, roles):
    with pytest.raises(ValidationFailed) as exc:
        services.user_create(actor=None, username="x", password="Str0ng-Pass!", roles=roles)
    assert exc.value.fields == {"roles": ["角色组合不允许。"]}
    assert not User.objects.filter(username="x").exists()


@pytest.mark.parametrize(
    "roles", [{r.SYSADMIN}, {r.SECADMIN}, {r.AUDITOR}, {r.OFFICE, r.LEADER}, {r.LIAISON}]
)
def test_allowed_combinations(db, roles):
    user = services.user_create(actor=None, username="x", password="Str0ng-Pass!", roles=roles)
    assert user.role_codes == roles


def test_database_refuses_admin_duty_with_another_role(db):
    user = services.user_create(actor=None, username="x", password="Str0ng-Pass!", roles={r.AUDITOR})
    bits = r.roles_to_bits({r.AUDITOR, r.OFFICE})
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.filter(pk=user.pk).update(roles=bits)
    user.refresh_from_db()
    assert user.role_codes == {r.AUDITOR}


def test_set_roles_refused_leaves_roles_unchanged(db):
    user = services.user_create(actor=None, username="x", password="Str0ng-Pass!", roles={r.OFFICE})
    with pytest.raises(ValidationFailed):
        services.user_set_roles(actor=None, user=user, roles={r.OFFICE, r.SECADMIN})
    user.refresh_from_db()
    assert user.role_codes == {r.OFFICE}


def test_saving_unchanged_roles_writes_and_proposes_nothing(make_user):
    from yingshang.audit.models import AuditRecord
    from yingshang.org.models import AdminChangeRequest

    secadmin = make_user(r.SECADMIN)
    for target in (make_user(r.AUDITOR), make_user(r.LIAISON)):
        assert services.user_set_roles(actor=secadmin, user=target, roles=set(target.role_codes)) is None
    assert not AdminChangeRequest.objects.exists()
    assert not AuditRecord.objects.filter(action="user.roles").exists()
