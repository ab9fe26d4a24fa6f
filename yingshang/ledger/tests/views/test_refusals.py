"""A refused action: the rule is the service's, its code is specific, and on the page the message reaches
the field while what was typed stays; a role refusal is 403, an object outside the scope 404."""

import pytest
from django.urls import reverse

from yingshang.core.errors import ValidationFailed
from yingshang.ledger import services
from yingshang.ledger.models import ProgressReport, Task


@pytest.mark.parametrize(
    "text,percent,code",
    [(" ", 10, "ledger.report_text_required"), ("进展", 101, "ledger.report_percent_range")],
)
def test_report_rules_are_the_services(ledger, text, percent, code):
    task = ledger["make_task"]()
    with pytest.raises(ValidationFailed) as refused:
        services.progress_report_submit(actor=ledger["liaison"], task=task, text=text, percent=percent)
    assert refused.value.code == code
    assert ProgressReport.objects.count() == 0 and Task.objects.get(pk=task.pk).version == 0


def test_refused_report_shows_the_error_beside_the_field(ledger, login, client):
    task = ledger["make_task"]()
    login(ledger["liaison"])
    response = client.post(
        reverse("ledger:report", args=[task.pk]), {"text": "已出台方案", "percent": "140", "version": "0"}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert '<div class="invalid-feedback d-block">应为 0–100 的整数。</div>' in body
    assert ">已出台方案</textarea>" in body and 'name="percent" value="140"' in body
    assert ProgressReport.objects.count() == 0


def test_refused_cancel_shows_the_reason_error(ledger, login, client):
    task = ledger["make_task"]()
    login(ledger["office"])
    response = client.post(
        reverse("ledger:action", args=[task.pk]), {"action": "cancel", "reason": " ", "version": "0"}
    )
    assert '<div class="invalid-feedback d-block">请填写理由。</div>' in response.content.decode()
    assert Task.objects.get(pk=task.pk).state == "not_started"


def test_primary_lead_stays_when_still_a_lead(ledger):
    task = ledger["make_task"](
        lead_departments=[ledger["other"], ledger["lead"]], primary_lead=ledger["lead"]
    )
    services.task_adjust(
        actor=ledger["office"],
        task=task,
        reason="调整牵头单位",
        changes={"lead_departments": [ledger["other"], ledger["lead"], ledger["co"]], "co_departments": []},
    )
    assert Task.objects.get(pk=task.pk).primary_lead == ledger["lead"]
    services.task_adjust(
        actor=ledger["office"], task=task, reason="再调整", changes={"lead_departments": [ledger["co"]]}
    )
    assert Task.objects.get(pk=task.pk).primary_lead == ledger["co"]


def test_role_refusal_is_403_and_out_of_scope_is_404(ledger, login, client, make_user):
    from yingshang.org import roles as r

    task = ledger["make_task"]()
    login(ledger["other_liaison"])
    assert client.get(reverse("ledger:task", args=[task.pk])).status_code == 404
    login(make_user(r.ENTERPRISE))
    assert client.get(reverse("ledger:list")).status_code == 403
    login(ledger["liaison"])
    assert client.get(reverse("ledger:categories")).status_code == 403
    assert client.get(reverse("ledger:document_create")).status_code == 403


def test_document_form_shows_the_services_field_error(ledger, login, client):
    login(ledger["office"])
    response = client.post(reverse("ledger:document_create"), {"title": " ", "issued_on": "2026-13-01"})
    body = response.content.decode()
    assert response.status_code == 200
    assert '<div class="invalid-feedback d-block">发文日期格式应为 YYYY-MM-DD。</div>' in body
