import datetime as dt
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from yingshang.core.models import TimelineEntry
from yingshang.org import roles as r
from yingshang.supervision import services
from yingshang.supervision.models import Finding, Instruction, Reminder, SupervisionOrder, TypicalCase
from yingshang.supervision.tests.conftest import pdf, png

pytestmark = pytest.mark.django_db


def later(days=20):
    return timezone.localdate() + dt.timedelta(days=days)


@pytest.fixture
def world(people, dept, make_inspection, make_department):
    other = make_department("示例市另一局")
    inspection = make_inspection(photos=[png()])
    mine = services.finding_create(
        actor=people[r.INSPECTOR],
        inspection=inspection,
        description="窗口未公示收费标准",
        department=dept,
        rectification_deadline=later(),
    )
    theirs = services.finding_create(
        actor=people[r.INSPECTOR],
        inspection=inspection,
        description="别人家的问题",
        department=other,
        rectification_deadline=later(),
    )
    instruction = services.instruction_create(
        actor=people[r.LEADER], department=dept, content="请专题研究", deadline=later()
    )
    order = services.order_issue(
        actor=people[r.OFFICE], target=mine, requirement="请限期整改", reply_deadline=later()
    )
    other_order = services.order_issue(
        actor=people[r.OFFICE], target=theirs, requirement="请限期整改", reply_deadline=later()
    )
    case = services.case_create(
        actor=people[r.DISCIPLINE],
        title="某局窗口推诿扯皮",
        facts="经查属实",
        departments=[dept],
        people=[{"name": "李某某", "position": "科长"}],
        action="admonishment",
        case_date=timezone.localdate(),
    )
    return {
        "inspection": inspection,
        "mine": mine,
        "theirs": theirs,
        "instruction": instruction,
        "order": order,
        "other_order": other_order,
        "case": case,
        "other": other,
    }


PAGES = {
    "supervision:order_list": {r.OFFICE, r.LIAISON, r.DEPT_HEAD, r.INSPECTOR, r.DISCIPLINE, r.LEADER},
    "supervision:instruction_list": {r.OFFICE, r.LIAISON, r.DEPT_HEAD, r.INSPECTOR, r.DISCIPLINE, r.LEADER},
    "supervision:finding_list": {r.OFFICE, r.LIAISON, r.DEPT_HEAD, r.INSPECTOR, r.DISCIPLINE, r.LEADER},
    "supervision:reminder_list": {r.OFFICE, r.LIAISON, r.DEPT_HEAD, r.INSPECTOR, r.DISCIPLINE, r.LEADER},
    "supervision:inspection_list": {r.OFFICE, r.INSPECTOR, r.DISCIPLINE, r.LEADER},
    "supervision:case_list": {r.OFFICE, r.INSPECTOR, r.DISCIPLINE, r.LEADER},
    "supervision:inspection_create": {r.INSPECTOR},
    "supervision:case_create": {r.DISCIPLINE},
    "supervision:instruction_create": {r.LEADER, r.OFFICE},
}


@pytest.mark.parametrize("url_name", sorted(PAGES))
def test_pages_open_for_their_roles_only(url_name, people, world, login, client):
    for role, user in people.items():
        c = login(user, client.__class__())
        status = c.get(reverse(url_name)).status_code
        assert status == (200 if role in PAGES[url_name] else 403), (url_name, role, status)


def test_department_sees_only_its_own_and_guessing_gives_404(people, world, login):
    c = login(people[r.LIAISON])
    page = c.get(reverse("supervision:order_list")).content.decode()
    assert world["order"].number in page and world["other_order"].number not in page
    assert c.get(reverse("supervision:order_detail", args=[world["other_order"].pk])).status_code == 404
    assert c.get(reverse("supervision:finding_detail", args=[world["theirs"].pk])).status_code == 404
    # Inspections and cases are for city-wide roles: a department's refusal is by role (403), not scope.
    assert c.get(reverse("supervision:inspection_detail", args=[world["inspection"].pk])).status_code == 403
    assert c.get(reverse("supervision:case_detail", args=[world["case"].pk])).status_code == 403
    before = (world["other_order"].state, world["other_order"].version)
    assert c.post(reverse("supervision:order_act", args=[world["other_order"].pk, "sign"])).status_code == 404
    world["other_order"].refresh_from_db()
    assert (world["other_order"].state, world["other_order"].version) == before


def test_list_query_counts_are_fixed(people, world, login, django_assert_num_queries, dept):
    for _ in range(3):
        services.order_issue(
            actor=people[r.OFFICE], target=world["mine"], requirement="再督办", reply_deadline=later()
        )
    c = login(people[r.OFFICE])
    c.get(reverse("supervision:order_list"))  # warm caches (content types, settings)
    with django_assert_num_queries(6):
        assert c.get(reverse("supervision:order_list")).status_code == 200
    with django_assert_num_queries(6):
        assert c.get(reverse("supervision:finding_list")).status_code == 200
    c.get(reverse("supervision:case_list"))
    with django_assert_num_queries(6):
        assert c.get(reverse("supervision:case_list")).status_code == 200


def test_liaison_signs_and_answers_order_and_office_concludes(people, world, login, client):
    order = world["order"]
    liaison = login(people[r.LIAISON], client.__class__())
    liaison.post(reverse("supervision:order_act", args=[order.pk, "sign"]), {"version": order.version})
    liaison.post(
        reverse("supervision:order_act", args=[order.pk, "answer"]),
        {"reply": "已整改到位，收费标准已在窗口醒目位置公示", "version": order.version + 1},
    )
    order.refresh_from_db()
    assert (order.state, order.reply) == ("answered", "已整改到位，收费标准已在窗口醒目位置公示")
    office = login(people[r.OFFICE], client.__class__())
    # A stale version (someone else acted meanwhile) is refused with a message, nothing changes.
    response = office.post(
        reverse("supervision:order_act", args=[order.pk, "conclude"]), {"version": 0}, follow=True
    )
    assert "刚被他人处理过" in response.content.decode()
    order.refresh_from_db()
    assert order.state == "answered"
    office.post(
        reverse("supervision:order_act", args=[order.pk, "conclude"]),
        {"note": "同意办结", "version": order.version},
    )
    order.refresh_from_db()
    assert order.state == "concluded"


def test_office_issues_order_and_reminds_from_the_item_page(people, world, login):
    c = login(people[r.OFFICE])
    ref = f"supervision.instruction:{world['instruction'].pk}"
    page = c.get(reverse("supervision:item"), {"target": ref})
    assert page.status_code == 200 and "下发督办单" in page.content.decode()
    c.post(
        reverse("supervision:item"),
        {
            "target": ref,
            "what": "order",
            "requirement": "请于三日内报送",
            "level": "listed",
            "department": world["instruction"].department_id,
            "reply_deadline": later(3).isoformat(),
        },
    )
    order = SupervisionOrder.objects.get(target_id=world["instruction"].pk, target_type__model="instruction")
    assert (order.level, order.requirement) == ("listed", "请于三日内报送")
    c.post(reverse("supervision:item"), {"target": ref, "what": "remind", "message": "请加快进度"})
    assert Reminder.objects.get(object_id=world["instruction"].pk).message == "请加快进度"
    # A closed item: the office is told why, nothing is created.
    closed = world["instruction"]
    services.instruction_transition(
        actor=people[r.LIAISON],
        instruction=closed,
        action="reply",
        data={"reply": "已召开专题会议研究，形成整改方案并抓好落实"},
    )
    services.instruction_transition(actor=people[r.LEADER], instruction=closed, action="conclude")
    response = c.post(
        reverse("supervision:item"),
        {
            "target": ref,
            "what": "order",
            "requirement": "x",
            "level": "normal",
            "department": closed.department_id,
            "reply_deadline": later(3).isoformat(),
        },
        follow=True,
    )
    assert "已办结或已关闭，不能再下发督办单" in response.content.decode()
    assert SupervisionOrder.objects.filter(target_id=closed.pk, target_type__model="instruction").count() == 1
    # Only the office issues orders.
    liaison = login(people[r.LIAISON], c.__class__())
    assert (
        liaison.post(
            reverse("supervision:item"), {"target": ref, "what": "order", "requirement": "x"}
        ).status_code
        == 403
    )


def test_order_notice_downloads_as_docx(people, world, login):
    c = login(people[r.LIAISON])
    response = c.get(reverse("supervision:order_notice", args=[world["order"].pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.wordprocessingml"
    )
    assert response.content[:2] == b"PK"


def test_exports_contain_exactly_the_filtered_rows(people, world, login):
    c = login(people[r.OFFICE])
    response = c.get(reverse("supervision:order_list"), {"department": world["other"].pk, "export": "xlsx"})
    ws = load_workbook(BytesIO(response.content)).active
    numbers = [
        row[0].value
        for row in ws.iter_rows(min_row=3)
        if row[0].value and str(row[0].value).startswith("督办")
    ]
    assert numbers == [world["other_order"].number]
    for name in (
        "supervision:instruction_list",
        "supervision:finding_list",
        "supervision:reminder_list",
        "supervision:inspection_list",
        "supervision:case_list",
    ):
        assert c.get(reverse(name), {"export": "xlsx"}).status_code == 200


def test_case_names_only_for_discipline_and_office(people, world, login, client):
    url = reverse("supervision:case_detail", args=[world["case"].pk])
    for role, visible in ((r.DISCIPLINE, True), (r.OFFICE, True), (r.LEADER, False), (r.INSPECTOR, False)):
        page = login(people[role], client.__class__()).get(url).content.decode()
        assert ("李某某" in page) is visible, role
    export = login(people[r.LEADER], client.__class__()).get(
        reverse("supervision:case_list"), {"export": "xlsx"}
    )
    cells = [c.value for row in load_workbook(BytesIO(export.content)).active.iter_rows() for c in row]
    assert "李某某" not in cells and "1人" in cells


def test_discipline_records_and_publishes_a_case(people, dept, login):
    c = login(people[r.DISCIPLINE])
    c.post(
        reverse("supervision:case_create"),
        {
            "title": "某区审批超时",
            "facts": "多次超时",
            "departments": [dept.pk],
            "person_name": ["赵某", ""],
            "person_position": ["股长", ""],
            "action": "criticism",
            "case_date": timezone.localdate().isoformat(),
        },
    )
    case = TypicalCase.objects.get(title="某区审批超时")
    assert services.case_people(case) == [{"name": "赵某", "position": "股长"}]
    c.post(reverse("supervision:case_act", args=[case.pk, "publish"]), {"version": case.version})
    case.refresh_from_db()
    assert case.state == "published"


def test_inspector_records_inspection_finding_and_verifies(people, dept, login, client):
    inspector = login(people[r.INSPECTOR], client.__class__())
    inspector.post(
        reverse("supervision:inspection_create"),
        {
            "date": timezone.localdate().isoformat(),
            "place": "高新区政务大厅",
            "team": "赵明",
            "mode": "open",
            "summary": "检查窗口服务",
            "photos": [png()],
        },
    )
    inspection = __import__("yingshang.supervision.models", fromlist=["Inspection"]).Inspection.objects.get(
        place="高新区政务大厅"
    )
    inspector.post(
        reverse("supervision:inspection_detail", args=[inspection.pk]),
        {
            "what": "finding",
            "description": "叫号机故障",
            "department": dept.pk,
            "rectification_deadline": later().isoformat(),
        },
    )
    finding = Finding.objects.get(description="叫号机故障")
    liaison = login(people[r.LIAISON], client.__class__())
    liaison.post(
        reverse("supervision:finding_act", args=[finding.pk, "report"]),
        {"report": "已维修", "evidence": [pdf()]},
    )
    finding.refresh_from_db()
    assert finding.state == "reported"
    evidence = (
        __import__("yingshang.core.uploads", fromlist=["attachments_for"]).attachments_for(finding).get()
    )
    assert liaison.get(reverse("core:attachment", args=[evidence.pk])).status_code == 200
    inspector.post(reverse("supervision:finding_act", args=[finding.pk, "verify"]), {"note": "属实"})
    finding.refresh_from_db()
    assert finding.state == "verified"
    assert TimelineEntry.objects.filter(object_id=finding.pk, action="verify").exists()


def test_leader_writes_instruction_and_department_replies(people, dept, login, client):
    leader = login(people[r.LEADER], client.__class__())
    leader.post(
        reverse("supervision:instruction_create"),
        {"content": "要把企业的事当成自家的事来办", "department": dept.pk, "deadline": later().isoformat()},
    )
    obj = Instruction.objects.get(content__startswith="要把企业的事")
    liaison = login(people[r.LIAISON], client.__class__())
    liaison.post(
        reverse("supervision:instruction_act", args=[obj.pk, "reply"]),
        {"reply": "已召开专题会议研究，形成整改方案并抓好落实"},
    )
    obj.refresh_from_db()
    assert obj.state == "replied"
    # Refused input shows a message and changes nothing.
    response = leader.post(
        reverse("supervision:instruction_act", args=[obj.pk, "return"]), {"reason": ""}, follow=True
    )
    assert "退回理由" in response.content.decode()
    obj.refresh_from_db()
    assert obj.state == "replied"


def test_a_refused_form_shows_the_service_message_beside_its_field(people, login):
    c = login(people[r.DISCIPLINE])
    response = c.post(
        reverse("supervision:case_create"),
        {"title": "窗口推诿", "facts": "经查属实", "action": "criticism", "case_date": "2026-01-05"},
    )
    assert response.status_code == 200
    assert '<div class="invalid-feedback d-block">请选择涉及单位。</div>' in response.content.decode()
    assert not TypicalCase.objects.exists()
