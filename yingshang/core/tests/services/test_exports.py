from datetime import datetime
from io import BytesIO
from urllib.parse import quote
from zoneinfo import ZoneInfo

from openpyxl import load_workbook

from yingshang.audit.models import AuditRecord
from yingshang.core.exports import XLSX_TYPE, build_workbook, exporter_line, xlsx_response
from yingshang.org import roles as r


def test_workbook_layout_properties_and_footer(make_user):
    user = make_user(r.OFFICE, username="wxm")
    when = datetime(2026, 3, 1, 9, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
    content, count = build_workbook(
        title="任务台账",
        headers=["编号", "事项", "责任单位", "时间"],
        rows=[[1, "事项甲", ["市发改委", "市财政局"], when], [2, "事项乙", "市住建局", None]],
        user=user,
    )
    assert count == 2
    wb = load_workbook(BytesIO(content))
    ws = wb.active
    assert ws.title == "任务台账" and ws["A1"].value == "任务台账"
    assert [c.value for c in ws[2]] == ["编号", "事项", "责任单位", "时间"]
    assert [c.value for c in ws[3]] == [1, "事项甲", "市发改委、市财政局", datetime(2026, 3, 1, 9, 30)]
    assert [c.value for c in ws[4]][:3] == [2, "事项乙", "市住建局"]
    footer = ws.cell(row=ws.max_row, column=1).value
    assert footer.startswith(f"导出人：{user.real_name}　导出时间：")
    assert ws.freeze_panes == "A3"
    assert wb.properties.creator == "wxm" and wb.properties.title == "任务台账"
    assert wb.properties.description.startswith("导出人：")


def test_response_is_a_download_and_audited(make_user):
    user = make_user(r.OFFICE)
    response = xlsx_response(
        filename="台账.xlsx",
        title="台账",
        headers=["a"],
        rows=[[1], [2], [3]],
        user=user,
        audit_action="task.export",
        filters={"state": "overdue"},
    )
    assert response["Content-Type"] == XLSX_TYPE
    assert response["Content-Disposition"] == f"attachment; filename*=UTF-8''{quote('台账.xlsx')}"
    record = AuditRecord.objects.get(action="task.export")
    assert record.after == {"rows": 3, "filters": {"state": "overdue"}} and record.actor_id == user.pk


def test_exporter_line_for_a_user_without_real_name():
    class Who:
        real_name = ""
        username = "anon1"

    assert exporter_line(Who()).startswith("导出人：anon1　导出时间：")
