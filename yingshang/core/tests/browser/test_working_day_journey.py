"""Issue 13 (build): a working day end to end on the served app, each step by the role that does it in an office:
the office imports a plan and dispatches an enterprise's appeal; the liaison asks to close a task with evidence
and replies to the appeal; the department head approves the request; the office approves the close-out; an
inspector records a finding; a leader gives an instruction; the enterprise rates the reply; the auditor verifies
the audit chain. Every step is checked in the served database."""

import datetime as dt

import pytest

from .conftest import screenshot
from .signin import sign_in
from .test_ledger_journey import PDF, import_ledger, ledger_xlsx

pytestmark = pytest.mark.browser

TASK = "验证日常：推行涉企经营许可事项告知承诺制。"
APPEAL = "验证日常：申请食品经营许可现场核查排期过长"
FINDING = "验证日常：政务服务大厅综合窗口未公示办理时限。"
INSTRUCTION = "验证日常：请市市场监管局牵头研究缩短食品经营许可核查时间，两周内报送方案。"
MODELS = (
    "from yingshang.appeals.models import Appeal\n"
    "from yingshang.ledger.models import Task\n"
    "from yingshang.supervision.models import Finding, Instruction\n"
    "from yingshang.audit.models import AuditVerification"
)


def test_a_working_day_end_to_end(new_page, served_app):
    def value(expression: str):
        return served_app.query(expression, setup=MODELS)

    served_app.shell(
        "from yingshang.core.office_settings import office_setting_change\n"
        "office_setting_change(actor=User.objects.get(username='office'), key='ledger_head_approval', "
        "raw_value=True, note='部门提交须经部门负责人审核')"
    )
    market_regulator = value("Department.objects.get(code='SCJ').pk")

    # The office imports the plan.
    office = new_page()
    sign_in(office, served_app, "office")
    import_ledger(
        office,
        ledger_xlsx(
            "示例市2026年涉企许可改革任务清单（验证日常）",
            [(TASK, "示例市市场监督管理局", "", "2027年6月底前")],
        ),
        created=1,
    )
    task_id = value(f"Task.objects.get(title={TASK!r}).pk")

    # The enterprise submits an appeal from its account; the office dispatches it.
    enterprise = new_page()
    sign_in(enterprise, served_app, "enterprise")
    enterprise.goto("/appeals/submit/")
    enterprise.fill("input[name=contact_name]", "周经理")
    enterprise.fill("input[name=contact_phone]", "13512345678")
    enterprise.select_option("select[name=category]", "help")
    enterprise.fill("input[name=title]", APPEAL)
    enterprise.fill(
        "textarea[name=description]", "诉求：申请食品经营许可后现场核查排期已超过20个工作日，请求协调加快。"
    )
    enterprise.check("input[name=consent]")
    with enterprise.expect_navigation():
        enterprise.click("button:has-text('提交诉求')")
    appeal_id = value(f"Appeal.objects.get(title={APPEAL!r}).pk")
    office.goto(f"/appeals/{appeal_id}/")
    office.select_option("select[name=main_department]", str(market_regulator))
    office.click("form[action$='/dispatch/'] button")
    office.wait_for_selector("text=已派单。")

    # The liaison asks to close the task with evidence, then signs and replies to the appeal.
    liaison = new_page()
    sign_in(liaison, served_app, "liaison")
    liaison.goto(f"/ledger/tasks/{task_id}/")
    close_out = liaison.locator("form[action$='/close-out/']")
    close_out.locator("textarea[name=summary]").fill("告知承诺制已在全市推行，附实施情况报告。")
    close_out.locator("input[name=evidence]").set_input_files(PDF)
    close_out.locator("button").click()
    liaison.wait_for_selector("form[action$='/close-out/']", state="detached")
    assert value(f"Task.objects.get(pk={task_id}).state") == "head_review"
    liaison.goto(f"/appeals/{appeal_id}/")
    liaison.click("form[action$='/sign/'] button")
    liaison.wait_for_selector("text=已签收。")
    liaison.fill(
        "form[action$='/reply/'] textarea[name=content]", "已协调审查中心，现场核查安排在三个工作日内完成。"
    )
    liaison.click("form[action$='/reply/'] summary")  # the reply cannot be taken back: confirm first
    liaison.click("form[action$='/reply/'] button")
    liaison.wait_for_selector("form[action$='/reply/']", state="detached")
    assert value(f"Appeal.objects.get(pk={appeal_id}).state") == "replied"

    # The department head approves the request; the office approves the close-out.
    head = new_page()
    sign_in(head, served_app, "dept_head")
    head.goto(f"/ledger/tasks/{task_id}/")
    head.click("form[action$='/head-decision/'] button[value=approve]")
    head.wait_for_selector("form[action$='/head-decision/']", state="detached")
    assert value(f"Task.objects.get(pk={task_id}).state") == "close_requested"
    office.goto(f"/ledger/tasks/{task_id}/")
    office.locator("form[action$='/review/'] summary").click()
    office.locator("form[action$='/review/'] button[value=approve]").click()
    office.wait_for_selector("text=已同意销号。")
    assert value(f"Task.objects.get(pk={task_id}).state") == "closed"

    # An inspector records a visit and a finding for the market regulator.
    inspector = new_page()
    sign_in(inspector, served_app, "inspector")
    inspector.goto("/supervision/inspections/new/")
    inspector.fill("input[name=place]", "市政务服务中心")
    inspector.fill("input[name=team]", "赵明、钱亮")
    inspector.fill("textarea[name=summary]", "暗访市政务服务中心综合窗口，办事指南齐全，但未公示办理时限。")
    with inspector.expect_navigation():
        inspector.click("button:has-text('保存')")
    inspector.fill("form:has(input[name=what][value=finding]) textarea[name=description]", FINDING)
    inspector.select_option(
        "form:has(input[name=what][value=finding]) select[name=department]", str(market_regulator)
    )
    with inspector.expect_navigation():
        inspector.click("form:has(input[name=what][value=finding]) button")
    assert (
        value(f"Finding.objects.filter(description={FINDING!r}, department_id={market_regulator}).count()")
        == 1
    )

    # A leader gives an instruction.
    leader = new_page()
    sign_in(leader, served_app, "leader")
    leader.goto("/supervision/instructions/new/")
    leader.fill("textarea[name=content]", INSTRUCTION)
    leader.select_option("select[name=department]", str(market_regulator))
    leader.fill("input[name=deadline]", (dt.date.today() + dt.timedelta(days=14)).isoformat())
    with leader.expect_navigation():
        leader.click("button:has-text('交办')")
    assert (
        value(
            f"Instruction.objects.filter(content={INSTRUCTION!r}, department_id={market_regulator}).count()"
        )
        == 1
    )

    # The enterprise rates the reply: satisfied, solved.
    enterprise.goto(f"/appeals/{appeal_id}/")
    enterprise.check("#s-satisfied")
    enterprise.check("#sv1")
    enterprise.click("form[action$='/follow-up/'] button")
    enterprise.wait_for_selector("form[action$='/follow-up/']", state="detached")
    assert value(f"Appeal.objects.get(pk={appeal_id}).state") == "concluded"

    # The auditor verifies the audit chain (a background job) and sees it pass.
    auditor = new_page()
    sign_in(auditor, served_app, "auditor")
    auditor.goto("/audit/")
    with auditor.expect_navigation():
        auditor.click("button:has-text('校验审计链')")
    for _ in range(60):
        if (
            value("AuditVerification.objects.order_by('-pk').values_list('status', flat=True).first()")
            == "passed"
        ):
            break
        auditor.wait_for_timeout(2000)
    auditor.goto("/audit/")
    assert auditor.locator("li.list-group-item .badge").first.inner_text().strip() == "通过"
    screenshot(auditor, "working_day")
