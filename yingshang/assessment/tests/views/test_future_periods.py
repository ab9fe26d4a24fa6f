"""A period that has not started cannot be assessed or reported, whichever way the office tries."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from yingshang.assessment import services
from yingshang.assessment.models import AssessmentRun, EvaluationValue
from yingshang.core.errors import ValidationFailed

pytestmark = pytest.mark.django_db

TODAY = "2026-12-03 10:00:00"
# Requests run on the real clock (a frozen clock inside a request leaks into later tests on PostgreSQL), so
# they use a quarter that is always ahead.
NEXT_YEAR = timezone.localdate().year + 1
AHEAD = f"{NEXT_YEAR}-Q1"


def test_page_refuses_a_future_quarter(world, login):
    c = login(world["office"])
    response = c.post(
        reverse("assessment:compute"), {"period": AHEAD, "indicator_set": world["set"].pk}, follow=True
    )
    assert f"{NEXT_YEAR}年第一季度尚未开始" in response.content.decode()
    assert not AssessmentRun.objects.exists()


def test_command_refuses_a_future_quarter(world):
    with pytest.raises(CommandError, match="尚未开始"):
        call_command("assess", "--period", AHEAD, "--user", world["office"].username, stdout=StringIO())
    assert not AssessmentRun.objects.exists()


@pytest.mark.parametrize(
    ("period", "started"),
    [
        ("2026-12", True),
        ("2026-Q4", True),
        ("2026", True),
        ("2027-01", False),
        ("2027-Q1", False),
        ("2027", False),
    ],
)
def test_service_accepts_started_periods_and_refuses_the_rest(world, period, started):
    with freeze_time(TODAY):
        if started:
            assert services.run_compute(actor=world["office"], period=period, indicator_set=world["set"])
        else:
            with pytest.raises(ValidationFailed, match="尚未开始"):
                services.run_compute(actor=world["office"], period=period, indicator_set=world["set"])
            assert not AssessmentRun.objects.exists()


def test_monitoring_value_for_a_future_period_is_refused(world, make_department):
    with freeze_time(TODAY):
        indicator = services.evaluation_indicator_save(
            actor=world["office"],
            indicator=None,
            first_level="开办企业",
            name="开办时间",
            unit="天",
            department=make_department("示例市市场监管局"),
            frontier=1,
            worst=5,
            higher_is_better=False,
        )
        with pytest.raises(ValidationFailed, match="尚未开始"):
            services.evaluation_value_report(
                actor=world["office"], indicator=indicator, period="2027-Q1", value="3"
            )
    assert not EvaluationValue.objects.exists()


def test_api_refuses_a_future_quarter(world, login, client):
    login(world["office"])
    response = client.post(
        "/api/assessment/runs",
        {"period": AHEAD, "indicator_set": world["set"].pk},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["fields"] == {"period": ["周期尚未开始。"]}
    assert not AssessmentRun.objects.exists()


def test_api_computes_a_started_quarter_for_the_office_only(world, login, client, make_user):
    from yingshang.org import roles as r

    login(make_user(r.LEADER))
    body = {"period": "2026-Q3", "indicator_set": world["set"].pk}
    assert client.post("/api/assessment/runs", body, content_type="application/json").status_code == 403
    assert not AssessmentRun.objects.exists()
    login(world["office"])
    response = client.post("/api/assessment/runs", body, content_type="application/json")
    assert response.status_code == 200 and response.json()["state"] == "draft"
    assert AssessmentRun.objects.get().period_code == "2026-Q3"
