import json
from io import BytesIO, StringIO

import pytest
from django.core.management import CommandError, call_command
from docx import Document
from freezegun import freeze_time
from openpyxl import load_workbook

from yingshang.assessment.models import AssessmentRun


def test_assess_json_shape(world):
    out = StringIO()
    with freeze_time("2026-10-10 09:00:00"):
        call_command(
            "assess", "--period", "2026-Q3", "--json", "--user", world["office"].username, stdout=out
        )
    data = json.loads(out.getvalue())
    assert set(data) == {"period", "groups"}
    assert data["period"] == "2026-Q3"
    assert [g["group"] for g in data["groups"]] == ["city", "district"]
    city = data["groups"][0]["departments"]
    assert [(d["department"], d["score"], d["rank"]) for d in city] == [
        ("示例市戊局", 100.0, 1),
        ("示例市甲局", 100.0, 1),
        ("示例市乙局", 20.0, 3),
        ("示例市丙局", 2.0, 4),
        ("示例市丁局", None, None),
    ]
    assert all(set(d) == {"department", "score", "rank", "indicators"} for d in city)
    b_on_time = city[2]["indicators"]["task_on_time"]
    assert (b_on_time["numerator"], b_on_time["denominator"], b_on_time["raw"]) == (1, 2, 50.0)
    assert "no_data" in city[4]["indicators"]["task_on_time"]
    assert AssessmentRun.objects.get().state == "draft"


def test_assess_freeze_then_bulletin_writes_docx_and_xlsx(world, tmp_path):
    with freeze_time("2026-10-10 09:00:00"):
        call_command("assess", "--period", "2026-Q3", "--freeze", stdout=StringIO())
        out = StringIO()
        call_command("bulletin", "--period", "2026-Q3", "--out", str(tmp_path / "tb.docx"), stdout=out)
    assert AssessmentRun.objects.get().state == "frozen"
    doc = Document(BytesIO((tmp_path / "tb.docx").read_bytes()))
    assert "示营商办〔2026〕1号" in [p.text for p in doc.paragraphs]
    assert load_workbook(tmp_path / "tb.xlsx").sheetnames[0] == "考核排名"
    assert "示营商办〔2026〕1号" in out.getvalue()


def test_bulletin_without_frozen_period_is_a_clear_error(world, tmp_path):
    with pytest.raises(CommandError, match="没有已冻结的考核结果"):
        call_command("bulletin", "--period", "2026-Q3", "--out", str(tmp_path / "x.docx"))
    with pytest.raises(CommandError, match="无法识别"):
        call_command("assess", "--period", "Q3")
