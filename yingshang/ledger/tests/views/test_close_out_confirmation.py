"""Approving a close-out cannot be undone, so the office is told so before the approval is sent."""

import pytest
from django.urls import reverse

from yingshang.ledger import services
from yingshang.ledger.tests.conftest import pdf

pytestmark = pytest.mark.django_db


def test_approve_close_out_sits_behind_a_confirmation(ledger, login, client):
    task = ledger["make_task"]()
    services.close_out_request(actor=ledger["liaison"], task=task, summary="完成", evidence=[pdf()])
    login(ledger["office"])
    html = client.get(reverse("ledger:task", args=[task.pk])).content.decode()
    assert "同意后该任务按此申请销号" in html and "此操作提交后不能撤销" in html
    assert 'name="decision" value="approve">确认同意销号</button>' in html
