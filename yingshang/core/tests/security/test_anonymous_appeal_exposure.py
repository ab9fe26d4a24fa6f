"""Finding 8: an anonymous submission naming a registered enterprise's credit code was linked to that
enterprise's account, which then saw the submitter's name and full phone (a whistle-blower reporting their
own employer exposed) and anyone could plant appeals in any enterprise's list.

The attack: submit through every door that is not the enterprise's own account, then read as the
enterprise through every door it has. Nothing may show, and the office still sees whom the appeal names."""

import io
import json

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from yingshang.appeals import services
from yingshang.appeals.models import Appeal, SourceSystem
from yingshang.appeals.tests.conftest import credit_code
from yingshang.org import roles as r
from yingshang.org import services as org_services

pytestmark = pytest.mark.django_db

WHISTLEBLOWER = "举报人赵六"
WHISTLEBLOWER_PHONE = "13811112222"


@pytest.fixture
def employer():
    return org_services.enterprise_create(actor=None, credit_code=credit_code(41), name="示例被举报有限公司")


@pytest.fixture
def employer_account(make_user, employer):
    return make_user(r.ENTERPRISE, enterprise=employer)


def _report(**overrides):
    return {
        "enterprise_name": "示例被举报有限公司",
        "credit_code": credit_code(41),
        "contact_name": WHISTLEBLOWER,
        "contact_phone": WHISTLEBLOWER_PHONE,
        "category": "report",
        "title": "公司拖欠工资",
        "description": "本人为该公司员工，公司连续三个月拖欠工资，请予查处。",
        **overrides,
    }


def _submit_through_public_form(client) -> Appeal:
    response = client.post(reverse("appeals:submit"), {**_report(), "consent": "on"})
    assert response.status_code == 302, response.content.decode()[:500]
    return Appeal.objects.get(contact_name=WHISTLEBLOWER, source="web")


def _submit_through_api(client, make_user) -> Appeal:
    account = make_user()
    SourceSystem.objects.create(code="12345", name="市12345热线", account=account)
    _, token = org_services.api_token_create(actor=None, user=account, name="热线")
    response = client.post(
        "/api/appeals/",
        data=json.dumps(_report(title="热线转来的举报")),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
        HTTP_IDEMPOTENCY_KEY="whistle-1",
    )
    assert response.status_code == 201, response.content
    return Appeal.objects.get(pk=response.json()["id"])


def _submit_through_hotline_import(make_user) -> Appeal:
    office = make_user(r.OFFICE)
    services.appeals_import(
        actor=office,
        rows=[{**_report(title="热线导入的举报"), "category": "举报", "external_id": "RX-41"}],
    )
    return Appeal.objects.get(title="热线导入的举报")


def _walk_to_replied(appeal: Appeal, make_user, make_department) -> None:
    """Handled up to the point where the enterprise would rate the answer (回访)."""
    dept = make_department()
    handler = make_user(r.LIAISON, department=dept)
    services.appeal_dispatch(actor=make_user(r.OFFICE), appeal=appeal, main_department=dept)
    services.appeal_sign(actor=handler, appeal=appeal)
    services.appeal_reply(
        actor=handler, appeal=appeal, content="已督促企业按劳动合同补发拖欠的工资并书面承诺按月足额发放。"
    )
    appeal.refresh_from_db()


def _assert_hidden_from(client, appeal: Appeal, token: str) -> None:
    """Every door of the enterprise account: list page, its htmx table, detail by id, export, API."""
    for page in (
        client.get(reverse("appeals:list")),
        client.get(reverse("appeals:list"), {"state": "", "q": appeal.tracking_code}, HTTP_HX_REQUEST="true"),
    ):
        assert page.status_code == 200
        text = page.content.decode()
        assert appeal.tracking_code not in text and WHISTLEBLOWER not in text
    assert client.get(reverse("appeals:detail", args=[appeal.pk])).status_code == 404
    rating = {"satisfaction": "dissatisfied", "solved": "0", "version": str(appeal.version)}
    assert client.post(reverse("appeals:follow_up", args=[appeal.pk]), rating).status_code == 404
    export = client.get(reverse("appeals:export"))
    assert export.status_code == 200
    cells = [
        str(c)
        for row in load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True)
        for c in row
    ]
    assert appeal.tracking_code not in cells and WHISTLEBLOWER not in cells
    assert not any(WHISTLEBLOWER_PHONE[-4:] in c for c in cells)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    assert client.get(f"/api/appeals/{appeal.pk}", **auth).status_code == 404
    queue = client.get("/api/appeals/queue?state=", **auth)
    assert queue.status_code == 200 and queue.json()["count"] == 0
    assert WHISTLEBLOWER not in queue.content.decode()


@pytest.mark.parametrize("door", ["public_form", "api", "hotline_import"])
def test_anonymous_appeal_naming_an_enterprise_is_never_shown_to_it(
    door, client, login, make_user, make_department, employer, employer_account
):
    if door == "public_form":
        appeal = _submit_through_public_form(client)
    elif door == "api":
        appeal = _submit_through_api(client, make_user)
    else:
        appeal = _submit_through_hotline_import(make_user)
    assert appeal.enterprise_id is None  # not the owner...
    assert (appeal.concerned_enterprise, appeal.credit_code) == (
        employer,
        employer.credit_code,
    )  # ...concerned

    _walk_to_replied(appeal, make_user, make_department)

    client.logout()
    _, token = org_services.api_token_create(actor=None, user=employer_account, name="企业")
    _assert_hidden_from(login(employer_account), appeal, token)
    appeal.refresh_from_db()
    assert (appeal.state, appeal.reopen_count, appeal.enterprise_id) == ("replied", 0, None)
    assert not appeal.followups.exists()


def test_the_office_still_sees_the_enterprise_concerned(client, login, office_user, employer):
    appeal = _submit_through_public_form(client)
    client.logout()
    c = login(office_user)
    detail = c.get(reverse("appeals:detail", args=[appeal.pk])).content.decode()
    assert "示例被举报有限公司" in detail and employer.credit_code in detail
    _, token = org_services.api_token_create(actor=None, user=office_user, name="营商办")
    answer = c.get(f"/api/appeals/{appeal.pk}", HTTP_AUTHORIZATION=f"Bearer {token}").json()
    assert (answer["concerned_enterprise"], answer["credit_code"]) == (
        "示例被举报有限公司",
        employer.credit_code,
    )


def test_the_enterprise_still_sees_what_its_own_account_submitted(client, login, employer, employer_account):
    own = services.appeal_submit(actor=employer_account, data=_report(contact_name="企业经办人"))
    assert (own.enterprise, own.concerned_enterprise) == (employer, employer)
    c = login(employer_account)
    assert c.get(reverse("appeals:detail", args=[own.pk])).status_code == 200
    assert own.tracking_code in c.get(reverse("appeals:list")).content.decode()


def test_the_database_refuses_an_owner_on_an_appeal_no_account_submitted(employer):
    from django.db import IntegrityError, transaction

    appeal = services.appeal_submit(actor=None, data=_report())
    with pytest.raises(IntegrityError), transaction.atomic():
        Appeal.objects.filter(pk=appeal.pk).update(enterprise=employer)
    appeal.refresh_from_db()
    assert appeal.enterprise_id is None


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_migration_unlinks_existing_anonymous_appeals_and_keeps_the_enterprise_concerned():
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    before = [("appeals", "0003_provisional_deadlines")]
    after = [("appeals", "0006_appeal_owner_only_when_submitted_by_account")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    Appeal_, Enterprise_, User_ = (
        old.get_model("appeals", "Appeal"),
        old.get_model("org", "Enterprise"),
        old.get_model("org", "User"),
    )
    employer = Enterprise_.objects.create(credit_code=credit_code(41), name="示例被举报有限公司")
    own_account = User_.objects.create(username="ent41", roles=r.ROLE_BITS[r.ENTERPRISE], enterprise=employer)
    office = User_.objects.create(username="office41", roles=r.ROLE_BITS[r.OFFICE])
    common = {
        "contact_phone": "",
        "category": "report",
        "description": "x",
        "received_at": "2026-11-30T10:00Z",
    }

    def legacy(code: str, **fields):
        return Appeal_.objects.create(
            tracking_code=code, title=code, enterprise_name="示例", **common, **fields
        )

    anonymous = legacy("YS-ANON", enterprise=employer, credit_code=employer.credit_code)
    by_office = legacy(
        "YS-OFFICE", enterprise=employer, credit_code=employer.credit_code, submitted_by=office
    )
    own = legacy("YS-OWN", enterprise=employer, credit_code=employer.credit_code, submitted_by=own_account)
    unlinked = legacy("YS-CODE", credit_code=employer.credit_code)

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(after)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())  # leave the schema whole for the next tests
    rows = {
        a.tracking_code: (a.enterprise_id, a.concerned_enterprise_id)
        for a in Appeal.objects.filter(pk__in=[anonymous.pk, by_office.pk, own.pk, unlinked.pk])
    }
    assert rows == {
        "YS-ANON": (None, employer.pk),
        "YS-OFFICE": (None, employer.pk),
        "YS-OWN": (employer.pk, employer.pk),
        "YS-CODE": (None, employer.pk),
    }
