"""The bulletin (通报) of a frozen period: the office's text per section around tables drawn from the
snapshot, written as a GB/T 9704-2012 .docx (official_docx) and the tables as .xlsx (core exports)."""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta
from io import BytesIO
from typing import Any

from django.db import transaction
from django.utils import timezone
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font

from yingshang.audit.events import record as audit_record
from yingshang.core.exports import build_workbook
from yingshang.core.office_settings import get_setting
from yingshang.ledger.workflow import TASK

from . import permissions, selectors, services
from .models import AssessmentRun, Bulletin
from .official_docx import OfficialDocument, Section, Table, render, written_date

SECTION_KEYS = ["opening", "overview", "ranking", "lists", "overdue", "cases", "requirements"]
SECTION_TITLES = {
    "opening": "开头语",
    "overview": "总体情况",
    "ranking": "考核排名",
    "lists": "红黑榜",
    "overdue": "逾期未完成任务",
    "cases": "典型案例通报",
    "requirements": "下一阶段工作要求",
}
ACTIVE_TASK_STATES = ["not_started", "in_progress", "head_review", "close_requested"]


def _fmt(x: float | None) -> str:
    return "无数据" if x is None else f"{x:.2f}"


def overdue_tasks(run: AssessmentRun) -> list[dict[str, Any]]:
    """Tasks past their deadline by the end of the period and still not closed, named by lead department."""
    from yingshang.ledger.models import Task

    cutoff = min(run.period_end, timezone.localdate() - timedelta(days=1))
    qs = (
        Task.objects.filter(ongoing=False, deadline__lte=cutoff, state__in=ACTIVE_TASK_STATES)
        .select_related("primary_lead")
        .order_by("primary_lead__sort_order", "deadline", "id")
    )
    by_dept: dict[str, list[Any]] = defaultdict(list)
    for t in qs:
        by_dept[t.primary_lead.name].append(t)
    return [{"department": d, "tasks": tasks} for d, tasks in by_dept.items()]


def cases(run: AssessmentRun) -> list[dict[str, Any]]:
    from yingshang.supervision.selectors import published_cases

    return published_cases(run.period_start, run.period_end)


def default_sections(run: AssessmentRun) -> dict[str, str]:
    groups = selectors.grouped_results(run)
    lists = selectors.red_black_lists(run)
    ranked = sum(1 for g in groups for x in g["results"] if x.rank is not None)
    total = sum(len(g["results"]) for g in groups)
    lines = []
    for g in lists:
        if g["red"]:
            lines.append(f"{g['label']}红榜：{'、'.join(x.department_name for x in g['red'])}。")
        if g["black"]:
            lines.append(f"{g['label']}黑榜：{'、'.join(x.department_name for x in g['black'])}。")
    overdue = overdue_tasks(run)
    period_cases = cases(run)
    return {
        "opening": f"根据全市优化营商环境考核工作安排，现将{run.period_label}各单位优化营商环境工作考核情况通报如下。",
        "overview": (
            f"本期考核采用“{run.indicator_set.name}”，对{total}个单位进行考核，其中{ranked}个单位参与排名。"
            "考核数据来源于台账管理、督查督办和企业诉求办理记录，各项指标按前沿距离法标准化后加权计分，"
            "扣分和加分在加权后计入并按上限控制。"
        ),
        "ranking": "各单位分组排名情况见下表。某项指标无数据的单位，该指标不计分，其权重按比例分配至其他指标。",
        "lists": "\n".join(lines) or "本期无上榜单位。",
        "overdue": (
            f"截至{written_date(timezone.localdate())}，{len(overdue)}个单位存在逾期未完成任务，请相关单位抓紧推进。"
            if overdue
            else "本期无逾期未完成任务。"
        ),
        "cases": (f"本期共通报典型案例{len(period_cases)}起。" if period_cases else "本期无通报的典型案例。"),
        "requirements": (
            "各单位要对照考核结果认真查找差距，红榜单位要总结经验、保持领先，黑榜单位要深刻剖析原因、"
            "制定整改措施，于下一考核周期开始后10个工作日内将整改情况报市营商办。"
        ),
    }


def _paragraphs(text: str) -> list[str]:
    return [p.strip() for p in text.splitlines() if p.strip()]


def ranking_rows(run: AssessmentRun) -> tuple[list[str], list[list[Any]]]:
    names = [i["name"] for i in run.inputs.get("indicators", [])]
    keys = [i["measure"] for i in run.inputs.get("indicators", [])]
    lines = selectors.lines_by_department(run)
    headers = ["分组", "名次", "单位", "总分", "加权得分", "扣分", "加分", *names, "说明"]
    rows = []
    for g in selectors.grouped_results(run):
        for res in g["results"]:
            per = lines.get(res.department_id, {})
            rows.append(
                [
                    g["label"],
                    res.rank if res.rank is not None else "不参与排名",
                    res.department_name,
                    res.score,
                    res.weighted,
                    res.deductions,
                    res.bonuses,
                    *[
                        ("无数据" if per[k].raw is None else round(per[k].contribution, 2))
                        if k in per
                        else ""
                        for k in keys
                    ],
                    res.note,
                ]
            )
    return headers, rows


def build_document(run: AssessmentRun, bulletin: Bulletin) -> OfficialDocument:
    texts = {**default_sections(run), **{k: v for k, v in (bulletin.sections or {}).items() if v}}
    groups = selectors.grouped_results(run)
    lists = selectors.red_black_lists(run)
    sections = [Section("总体情况", _paragraphs(texts["overview"]))]
    table_rows = [
        [g["label"], str(res.rank or "—"), res.department_name, _fmt(res.score)]
        for g in groups
        for res in g["results"]
    ]
    sections.append(
        Section(
            "考核排名",
            _paragraphs(texts["ranking"]),
            table=Table(["分组", "名次", "单位", "得分"], table_rows),
        )
    )
    subsections = []
    for g in lists:
        subsections.append(
            (f"{g['label']}红榜", [f"{x.department_name}（{_fmt(x.score)}分）" for x in g["red"]] or ["无"])
        )
        subsections.append(
            (f"{g['label']}黑榜", [f"{x.department_name}（{_fmt(x.score)}分）" for x in g["black"]] or ["无"])
        )
    sections.append(Section("红黑榜", _paragraphs(texts["lists"]), subsections=subsections))
    overdue = overdue_tasks(run)
    sections.append(
        Section(
            "逾期未完成任务",
            _paragraphs(texts["overdue"]),
            subsections=[
                (
                    o["department"],
                    [f"{t.title[:60]}（完成时限{written_date(t.deadline)}）" for t in o["tasks"]],
                )
                for o in overdue
            ],
        )
    )
    sections.append(
        Section(
            "典型案例通报",
            _paragraphs(texts["cases"]),
            subsections=[
                (
                    c["title"],
                    [
                        f"涉及单位：{'、'.join(c['departments'])}。"
                        + (f"涉及人员：{'、'.join(c['people'])}。" if c["people"] else "")
                        + f"{c['facts']}处理情况：{c['action_label']}。{c['action_detail']}".strip()
                    ],
                )
                for c in cases(run)
            ],
        )
    )
    sections.append(Section("下一阶段工作要求", _paragraphs(texts["requirements"])))
    return OfficialDocument(
        issuer_mark=str(get_setting("assessment_issuer")),
        number=bulletin.number,
        title=bulletin.title,
        recipients=str(get_setting("assessment_recipients")),
        opening=_paragraphs(texts["opening"]),
        sections=sections,
        issuer=str(get_setting("assessment_issuer")),
        issued_on=bulletin.issued_on or timezone.localdate(),
        attachments_note=f"{run.period_label}考核排名表（电子表格另附）",
    )


def build_xlsx(run: AssessmentRun, user: Any) -> bytes:
    """The bulletin's tables, one sheet each (each built by core.exports.build_workbook)."""
    headers, rows = ranking_rows(run)
    parts = [("考核排名", headers, rows)]
    list_rows = [
        [g["label"], kind, x.rank, x.department_name, x.score]
        for g in selectors.red_black_lists(run)
        for kind, members in (("红榜", g["red"]), ("黑榜", g["black"]))
        for x in members
    ]
    parts.append(("红黑榜", ["分组", "榜单", "名次", "单位", "得分"], list_rows))
    parts.append(
        (
            "逾期未完成任务",
            ["牵头单位", "序号", "任务", "完成时限", "状态"],
            [
                [o["department"], t.serial, t.title, t.deadline, TASK.label(t.state)]
                for o in overdue_tasks(run)
                for t in o["tasks"]
            ],
        )
    )
    parts.append(
        (
            "典型案例",
            ["处理日期", "案例", "涉及单位", "涉及人员", "处理方式"],
            [
                [c["case_date"], c["title"], c["departments"], c["people"], c["action_label"]]
                for c in cases(run)
            ],
        )
    )
    book = Workbook()
    book.remove(book.active)
    for title, hdrs, data in parts:
        content, _ = build_workbook(title=f"{run.period_label}{title}", headers=hdrs, rows=data, user=user)
        src = load_workbook(BytesIO(content)).active
        ws = book.create_sheet(title[:31])
        for row in src.iter_rows(values_only=True):
            ws.append(list(row))
        for key, dim in src.column_dimensions.items():
            ws.column_dimensions[key].width = dim.width
        ws["A1"].font = Font(bold=True, size=14)
        for cell in ws[2]:
            cell.font = Font(bold=True)
        ws.freeze_panes = "A3"
    book.properties.title = f"{run.period_label}考核通报附表"
    book.properties.creator = getattr(user, "username", "")
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def default_title(run: AssessmentRun) -> str:
    return f"关于{run.period_label}全市优化营商环境工作考核情况的通报"


@transaction.atomic
def generate(*, actor: Any, run: AssessmentRun) -> tuple[Bulletin, bytes, bytes]:
    """Allocate the number once, then render the .docx and the .xlsx (audited)."""
    services.require_office(actor)
    services.ensure_not_draft(run)
    bulletin = Bulletin.objects.filter(run=run).first()
    if bulletin is None:
        bulletin = services.bulletin_save(actor=actor, run=run, title=default_title(run), sections={})
    bulletin = services.bulletin_number(actor=actor, bulletin=bulletin)
    docx = render(build_document(run, bulletin))
    xlsx = build_xlsx(run, actor)
    audit_record(actor=actor, action="bulletin.generate", obj=bulletin, after={"number": bulletin.number})
    return bulletin, docx, xlsx


def files_for(*, actor: Any, run: AssessmentRun) -> tuple[Bulletin, bytes, bytes]:
    """The bulletin's .docx and .xlsx: the office generates them (numbering the bulletin once); anyone
    else who may download them gets the numbered bulletin as it stands."""
    if permissions.can_manage(actor):
        return generate(actor=actor, run=run)
    bulletin = Bulletin.objects.get(run=run)
    return bulletin, render(build_document(run, bulletin)), build_xlsx(run, actor)
