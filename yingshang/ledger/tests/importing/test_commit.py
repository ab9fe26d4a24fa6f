"""Preview, commit all-or-nothing, idempotent re-import, changed rows as updates, mapping unknown units,
categories, and re-importing the ledger's own export."""

from datetime import date
from io import BytesIO

import openpyxl
import pytest

from yingshang.audit.models import AuditRecord
from yingshang.core.errors import ValidationFailed
from yingshang.ledger import selectors
from yingshang.ledger import services as ledger_services
from yingshang.ledger.importing.services import ledger_import
from yingshang.ledger.models import Category, Measure, PolicyDocument, Task
from yingshang.org.models import Department

from . import files

TITLE = "示例市2026年优化营商环境重点任务分工方案"
HEADER = ["类别", "序号", "重点任务", "牵头单位", "配合单位", "完成时限"]


def plan_rows(changes=None):
    rows = [
        [TITLE, None, None, None, None, None],
        HEADER,
        [
            "政务环境",
            1,
            "企业开办全程网办，压缩至1个工作日。",
            "市行政审批局",
            "市市场监管局、市税务局",
            "2026年6月底前",
        ],
        [
            None,
            2,
            "工程建设项目审批全流程压缩至60个工作日内。",
            "市住建局牵头",
            "市自然资源规划局，各有关单位",
            "2026年12月",
        ],
        ["市场环境", 3, "常态化开展涉企违规收费专项治理。", "市发改委、市市场监管局", "市财政局", "持续推进"],
    ]
    for (r, c), value in (changes or {}).items():
        rows[r][c] = value
    return rows


def workbook(rows):
    return files.xlsx(rows, merges=["A1:F1", "A3:A4"])


@pytest.fixture
def city(db, make_department, office_user):
    for code, name, short, aliases in [
        ("XZSP", "示例市行政审批服务局", "市行政审批局", []),
        ("SCJ", "示例市市场监督管理局", "市市场监管局", ["市场监管局"]),
        ("SWJ", "国家税务总局示例市税务局", "市税务局", []),
        ("ZJJ", "示例市住房和城乡建设局", "市住建局", []),
        ("ZGJ", "示例市自然资源和规划局", "市自然资源规划局", []),
        ("FGW", "示例市发展和改革委员会", "市发改委", []),
        ("CZJ", "示例市财政局", "市财政局", []),
    ]:
        make_department(name, short_name=short, aliases=aliases, code=code)
    return office_user


def run(actor, data, name="分工方案.xlsx", **kw):
    return ledger_import(actor=actor, name=name, data=data, **kw)


def leads_and_cos(task):
    lists = ledger_services.task_department_lists(task)
    return [d.code for d in lists["lead"]], [d.code for d in lists["co"]]


def test_preview_saves_nothing(city):
    outcome = run(city, workbook(plan_rows()), dry_run=True)
    assert outcome.counts == {"created": 3, "updated": 0, "unchanged": 0}
    assert not outcome.committed
    assert (PolicyDocument.objects.count(), Measure.objects.count(), Task.objects.count()) == (0, 0, 0)


def test_commit_creates_document_measures_and_tasks(city):
    outcome = run(city, workbook(plan_rows()), dry_run=False)
    assert outcome.committed and outcome.counts == {"created": 3, "updated": 0, "unchanged": 0}
    document = PolicyDocument.objects.get()
    assert (document.title, document.source_file_name) == (TITLE, "分工方案.xlsx")
    tasks = list(Task.objects.order_by("sort_order"))
    assert [(t.serial, t.deadline, t.ongoing, t.category.code) for t in tasks] == [
        ("1", date(2026, 6, 30), False, "government"),
        ("2", date(2026, 12, 31), False, "government"),
        ("3", None, True, "market"),
    ]
    assert [leads_and_cos(t) for t in tasks] == [
        (["XZSP"], ["SCJ", "SWJ"]),
        (["ZJJ"], ["ZGJ"]),
        (["FGW", "SCJ"], ["CZJ"]),
    ]
    assert tasks[0].deadline_text == "2026年6月底前"
    assert tasks[2].cycle == "month"  # the office default: the file names no cycle
    assert all(t.source_key and t.source_key.startswith(f"doc{document.pk}:") for t in tasks)
    assert AuditRecord.objects.filter(action="ledger.import").count() == 1


def test_reimporting_the_same_file_creates_and_updates_nothing(city):
    data = workbook(plan_rows())
    run(city, data, dry_run=False)
    before = list(Task.objects.values_list("pk", "version").order_by("pk"))
    assert run(city, data, dry_run=True).counts == {"created": 0, "updated": 0, "unchanged": 3}
    again = run(city, data, dry_run=False)
    assert again.counts == {"created": 0, "updated": 0, "unchanged": 3}
    assert list(Task.objects.values_list("pk", "version").order_by("pk")) == before
    assert PolicyDocument.objects.count() == 1


def test_a_changed_row_is_an_update(city):
    run(city, workbook(plan_rows()), dry_run=False)
    changed = workbook(plan_rows({(2, 5): "2026年9月底前", (4, 4): "市财政局、市税务局"}))
    preview = run(city, changed, dry_run=True)
    assert preview.counts == {"created": 0, "updated": 2, "unchanged": 1}
    plans = preview.staged.plans
    assert plans[0].changes == {"deadline": date(2026, 9, 30), "deadline_text": "2026年9月底前"}
    assert plans[2].changes == {"co_codes": ["CZJ", "SWJ"]}
    assert Task.objects.get(serial="1").deadline == date(2026, 6, 30)  # the preview changed nothing
    run(city, changed, dry_run=False)
    first, third = Task.objects.get(serial="1"), Task.objects.get(serial="3")
    assert first.deadline == date(2026, 9, 30)
    assert leads_and_cos(third) == (["FGW", "SCJ"], ["CZJ", "SWJ"])
    assert run(city, changed, dry_run=True).counts == {"created": 0, "updated": 0, "unchanged": 3}


def test_changed_task_text_under_the_same_serial_is_an_update(city):
    run(city, workbook(plan_rows()), dry_run=False)
    changed = workbook(plan_rows({(3, 2): "工程建设项目审批全流程压缩至50个工作日内。"}))
    preview = run(city, changed, dry_run=True)
    assert preview.counts == {"created": 0, "updated": 1, "unchanged": 2}
    run(city, changed, dry_run=False)
    assert Task.objects.get(serial="2").title == "工程建设项目审批全流程压缩至50个工作日内。"
    assert Task.objects.count() == 3
    assert run(city, changed, dry_run=True).counts == {"created": 0, "updated": 0, "unchanged": 3}


def test_any_error_saves_nothing(city):
    data = workbook(plan_rows({(4, 5): "尽快完成"}))
    outcome = run(city, data, dry_run=False)
    assert not outcome.committed
    assert outcome.result.rows[2].errors == ["第5行 F 列“完成时限”：无法识别的时限“尽快完成”。"]
    assert (PolicyDocument.objects.count(), Task.objects.count(), Measure.objects.count()) == (0, 0, 0)


def test_a_refusal_while_writing_rolls_back_every_row(city, monkeypatch):
    calls = {"n": 0}
    real = ledger_services.task_create

    def failing(**kw):
        calls["n"] += 1
        if calls["n"] == 3:
            raise ValidationFailed("模拟第三行写入失败。")
        return real(**kw)

    monkeypatch.setattr(ledger_services, "task_create", failing)
    with pytest.raises(ValidationFailed):
        run(city, workbook(plan_rows()), dry_run=False)
    assert (PolicyDocument.objects.count(), Task.objects.count(), Measure.objects.count()) == (0, 0, 0)


def test_unknown_unit_is_listed_then_mapped_or_created(city):
    data = workbook(plan_rows({(3, 4): "市自然资源规划局、市城管执法支队"}))
    preview = run(city, data, dry_run=True)
    assert preview.result.unknown_units == ["市城管执法支队"]
    assert preview.result.rows[1].errors == [
        "第4行 E 列“配合单位”：单位“市城管执法支队”不在单位库中，请对应到已有单位或新建。"
    ]
    assert run(city, data, dry_run=False).committed is False
    mapped = run(city, data, dry_run=True, mapping={"市城管执法支队": "ZJJ"})
    assert mapped.result.ok and mapped.result.rows[1].matched["市城管执法支队"] == "ZJJ"
    with pytest.raises(ValidationFailed) as untyped:  # a new unit's type is asked, never guessed
        run(city, data, dry_run=False, mapping={"市城管执法支队": "new:"})
    assert untyped.value.message == "请为导入时新建的单位选择类型：市城管执法支队。未保存任何内容。"
    assert not Department.objects.filter(name="市城管执法支队").exists() and Task.objects.count() == 0
    created = run(city, data, dry_run=False, mapping={"市城管执法支队": "new:sub"})
    assert created.committed
    new = Department.objects.get(name="市城管执法支队")
    assert (new.code, new.kind, new.in_assessment) == ("IMP001", "sub", False)
    assert leads_and_cos(Task.objects.get(serial="2")) == (["ZJJ"], ["ZGJ", "IMP001"])


def test_rollback_also_undoes_a_created_unit(city, monkeypatch):
    data = workbook(plan_rows({(3, 4): "市城管执法支队"}))

    def failing(**kw):
        raise ValidationFailed("模拟写入失败。")

    monkeypatch.setattr(ledger_services, "task_create", failing)
    with pytest.raises(ValidationFailed):
        run(city, data, dry_run=False, mapping={"市城管执法支队": "new:sub"})
    assert not Department.objects.filter(name="市城管执法支队").exists()


def test_categories_assigned_in_the_preview_when_the_file_has_none(city):
    rows = [r[1:] for r in plan_rows()]
    data = files.xlsx(rows)
    preview = run(city, data, dry_run=True)
    assert not preview.result.has_category_column
    assert [p.category for p in preview.staged.plans] == [None, None, None]
    run(city, data, dry_run=False, categories={0: "rule_of_law", 2: "conduct"})
    assert [t.category.code if t.category else None for t in Task.objects.order_by("sort_order")] == [
        "rule_of_law",
        None,
        "conduct",
    ]


def test_explicit_year_option_reads_month_only_deadlines(city):
    rows = plan_rows({(0, 0): "示例市优化营商环境重点任务分工方案", (2, 5): "6月底完成", (3, 5): "年底前"})
    without = run(city, workbook(rows), dry_run=True)
    assert without.result.rows[0].errors == [
        "第3行 F 列“完成时限”：时限“6月底完成”未写年份，请填写方案年份（命令行用 --year）或在文件标题中注明。"
    ]
    with_year = run(city, workbook(rows), dry_run=True, year=2027)
    assert [r.deadline.date for r in with_year.result.rows] == [date(2027, 6, 30), date(2027, 12, 31), None]


def test_reimporting_the_ledgers_own_export_changes_nothing(city):
    run(city, workbook(plan_rows()), dry_run=False)
    from yingshang.core.exports import build_workbook

    qs = selectors.task_list(city, selectors.TaskFilters.from_query({}))
    rows = [selectors.export_row(r) for r in selectors.task_rows(qs)]
    data, _ = build_workbook(title="重点任务台账", headers=selectors.EXPORT_HEADERS, rows=rows, user=city)
    sheet = openpyxl.load_workbook(BytesIO(data)).active
    assert sheet.cell(2, 2).value == "重点任务/具体措施"
    outcome = run(city, data, name="重点任务台账-20261127.xlsx", dry_run=True)
    assert outcome.result.ok, outcome.result.as_json()
    assert outcome.counts == {"created": 0, "updated": 0, "unchanged": 3}
    assert Category.objects.filter(code="government").exists()


def test_a_second_plan_with_overlapping_rows_creates_its_own_tasks(city):
    run(city, workbook(plan_rows()), dry_run=False)
    plan_a = list(Task.objects.order_by("pk").values_list("pk", "version", "title", "serial", "deadline"))
    # Plan B: its own title, the same 序号 and two of the same task texts, an old deadline on the first row.
    plan_b = workbook(
        plan_rows(
            {(0, 0): "示例市2016年优化营商环境实施方案", (2, 5): "2016年6月底前", (4, 2): "推行跨省通办。"}
        )
    )
    preview = run(city, plan_b, name="2016方案.xlsx", dry_run=True)
    assert preview.counts == {"created": 3, "updated": 0, "unchanged": 0}
    assert [p.task_id for p in preview.staged.plans] == [None, None, None]
    done = run(city, plan_b, name="2016方案.xlsx", dry_run=False)
    assert done.counts == preview.counts
    assert (
        list(Task.objects.order_by("pk").values_list("pk", "version", "title", "serial", "deadline"))[:3]
        == plan_a
    )
    plan_b_doc = PolicyDocument.objects.get(title="示例市2016年优化营商环境实施方案")
    assert Task.objects.filter(document=plan_b_doc).count() == 3
    assert Task.objects.count() == 6


def test_a_commit_that_would_differ_from_its_preview_is_refused(city):
    run(city, workbook(plan_rows()), dry_run=False)
    changed = workbook(plan_rows({(2, 5): "2026年9月底前"}))
    preview = run(city, changed, dry_run=True)
    task = Task.objects.get(serial="1")
    ledger_services.task_adjust(
        actor=city, task=task, reason="办公室调整", changes={"deadline": date(2026, 9, 30)}
    )
    versions = list(Task.objects.order_by("pk").values_list("pk", "version"))
    with pytest.raises(ValidationFailed) as refused:
        run(city, changed, dry_run=False, expected_digest=preview.staged.digest)
    assert refused.value.code == "ledger.import_preview_outdated"
    assert list(Task.objects.order_by("pk").values_list("pk", "version")) == versions


def test_changes_are_described_in_chinese_with_old_and_new_values(city):
    from yingshang.ledger.importing.commit import describe_changes

    run(city, workbook(plan_rows()), dry_run=False)
    changed = workbook(plan_rows({(2, 1): "1.1", (2, 5): "2026年9月底前", (4, 4): "市财政局、市税务局"}))
    staged = run(city, changed, dry_run=True).staged
    described = describe_changes(staged, staged.plans)
    first, third = (described[id(staged.plans[i])] for i in (0, 2))
    assert [(c.label, c.old, c.new) for c in first] == [
        ("序号", "1", "1.1"),
        ("完成时限", "2026年6月30日", "2026年9月30日"),
    ]
    assert [(c.label, c.old, c.new) for c in third] == [
        ("配合单位", "示例市财政局", "示例市财政局、国家税务总局示例市税务局")
    ]
