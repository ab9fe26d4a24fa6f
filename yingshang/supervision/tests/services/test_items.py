import datetime as dt

import pytest
from django.utils import timezone

from yingshang.core.errors import PermissionRefused, ValidationFailed
from yingshang.core.models import Attachment
from yingshang.org import roles as r
from yingshang.org import services as org_services
from yingshang.supervision import selectors, services
from yingshang.supervision.models import Finding, Instruction, TypicalCase
from yingshang.supervision.tests.conftest import pdf, png

pytestmark = pytest.mark.django_db


def later(days=20):
    return timezone.localdate() + dt.timedelta(days=days)


def test_instruction_to_inactive_department_is_refused(people, dept):
    org_services.department_update(actor=None, department=dept, is_active=False)
    with pytest.raises(ValidationFailed) as exc:
        services.instruction_create(
            actor=people[r.LEADER], department=dept, content="请办理", deadline=later()
        )
    assert "已撤销或停用" in exc.value.message
    assert Instruction.objects.count() == 0


def test_instruction_on_an_item_shows_on_its_timeline(people, dept, make_inspection):
    from yingshang.core.events import timeline_for

    finding = services.finding_create(
        actor=people[r.INSPECTOR],
        inspection=make_inspection(),
        description="窗口人员脱岗",
        department=dept,
        rectification_deadline=later(),
    )
    instruction = services.instruction_create(
        actor=people[r.LEADER], department=dept, content="要举一反三", deadline=later(), target=finding
    )
    assert instruction.target_label == "明察暗访问题：窗口人员脱岗"
    assert [e.action for e in timeline_for(finding)] == ["create", "instruction"]
    with pytest.raises(PermissionRefused):
        services.instruction_create(actor=people[r.LIAISON], department=dept, content="x", deadline=later())


def test_inspection_with_photos_and_refusals(people, make_inspection):
    inspection = make_inspection(photos=[png()])
    assert Attachment.objects.filter(object_id=inspection.pk, purpose="photo").count() == 1
    with pytest.raises(ValidationFailed):
        make_inspection(photos=[pdf()])  # photos are images only
    with pytest.raises(ValidationFailed):
        make_inspection(date=timezone.localdate() + dt.timedelta(days=1))
    with pytest.raises(PermissionRefused):
        services.inspection_create(
            actor=people[r.OFFICE], date=timezone.localdate(), place="x", team="y", mode="open", summary="z"
        )


def test_finding_report_needs_evidence(people, dept, make_inspection):
    finding = services.finding_create(
        actor=people[r.INSPECTOR],
        inspection=make_inspection(),
        description="办事指南未更新",
        department=dept,
        rectification_deadline=later(),
    )
    with pytest.raises(ValidationFailed) as exc:
        services.finding_transition(
            actor=people[r.LIAISON], finding=finding, action="report", data={"report": "已更新"}
        )
    assert "佐证材料" in exc.value.message
    finding.refresh_from_db()
    assert (finding.state, finding.version, finding.report) == ("assigned", 0, "")
    services.finding_transition(
        actor=people[r.LIAISON], finding=finding, action="report", data={"report": "已更新"}, evidence=[pdf()]
    )
    finding.refresh_from_db()
    assert finding.state == "reported" and finding.reported_at is not None
    services.finding_transition(
        actor=people[r.INSPECTOR], finding=finding, action="return", data={"reason": "照片不清"}
    )
    finding.refresh_from_db()
    assert (finding.state, finding.verify_note) == ("assigned", "照片不清")
    # The evidence the inspector returned does not prove the new rectification: the second report brings its own.
    with pytest.raises(ValidationFailed):
        services.finding_transition(
            actor=people[r.LIAISON], finding=finding, action="report", data={"report": "补充说明"}
        )
    assert Finding.objects.get(pk=finding.pk).state == "assigned"
    services.finding_transition(
        actor=people[r.LIAISON],
        finding=Finding.objects.get(pk=finding.pk),
        action="report",
        data={"report": "补充说明"},
        evidence=[pdf("清晰照片.pdf")],
    )
    assert Finding.objects.get(pk=finding.pk).state == "reported"


def make_case(people, dept, **kw):
    data = dict(
        title="某窗口违规增设前置条件",
        facts="经查，该窗口要求企业提供法定以外的证明材料。",
        departments=[dept],
        people=[{"name": "王某某", "position": "窗口负责人"}],
        action="criticism",
        case_date=timezone.localdate() - dt.timedelta(days=3),
    )
    data.update(kw)
    return services.case_create(actor=people[r.DISCIPLINE], **data)


def test_cases_store_names_encrypted_and_print_them_only_when_allowed(people, dept):
    from django.db import connection

    case = make_case(people, dept)
    with connection.cursor() as cursor:
        cursor.execute("SELECT people FROM supervision_typicalcase WHERE id = %s", [case.pk])
        raw = cursor.fetchone()[0]
    assert "王某某" not in raw
    start, end = timezone.localdate() - dt.timedelta(days=30), timezone.localdate()
    assert selectors.published_cases(start, end) == []
    services.case_transition(actor=people[r.DISCIPLINE], case=case, action="publish")
    [row] = selectors.published_cases(start, end)
    assert row["departments"] == [dept.name] and row["people"] == [] and row["people_count"] == 1
    services.case_set_names_printable(actor=people[r.DISCIPLINE], case=case, printable=True)
    [row] = selectors.published_cases(start, end)
    assert row["people"] == ["王某某（窗口负责人）"]
    assert selectors.published_cases(end + dt.timedelta(days=1), end + dt.timedelta(days=30)) == []
    with pytest.raises(PermissionRefused):
        services.case_set_names_printable(actor=people[r.OFFICE], case=case, printable=False)


def test_case_input_checked(people, dept):
    with pytest.raises(ValidationFailed):
        make_case(people, dept, departments=[])
    with pytest.raises(ValidationFailed):
        make_case(people, dept, action="beheading")
    with pytest.raises(PermissionRefused):
        services.case_create(
            actor=people[r.OFFICE],
            title="t",
            facts="f",
            departments=[dept],
            people=[],
            action="other",
            case_date=timezone.localdate(),
        )
    assert TypicalCase.objects.count() == 0


def test_findings_for_department(people, dept, make_inspection, make_department):
    inspection = make_inspection()
    rows = []
    for days in (5, 10, 15):
        rows.append(
            services.finding_create(
                actor=people[r.INSPECTOR],
                inspection=inspection,
                description=f"问题{days}",
                department=dept,
                rectification_deadline=later(days),
            )
        )
    services.finding_create(
        actor=people[r.INSPECTOR],
        inspection=inspection,
        description="别的单位",
        department=make_department(),
        rectification_deadline=later(5),
    )
    first = rows[0]
    services.finding_transition(
        actor=people[r.LIAISON], finding=first, action="report", data={"report": "ok"}, evidence=[pdf()]
    )
    services.finding_transition(actor=people[r.INSPECTOR], finding=first, action="verify")
    services.finding_transition(actor=people[r.OFFICE], finding=first, action="close")
    got = selectors.findings_for_department(dept.pk, timezone.localdate(), later(12))
    assert got == {"total": 2, "closed": 1, "rectified_on_time": 1, "overdue_open": 0}
