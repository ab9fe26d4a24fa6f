"""Issue 13.14: a 重办 (redo) round shows its own sign and reply deadlines — on the detail page and on the
public tracking page — not those of round 1."""

from datetime import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from yingshang.appeals import services
from yingshang.appeals.models import Appeal, ExtensionRequest
from yingshang.core.errors import TransitionRefused
from yingshang.core.office_settings import office_setting_change


def at(month, day, hour, minute=0):
    return freeze_time(timezone.make_aware(datetime(2026, month, day, hour, minute)))


@pytest.fixture
def redone(submit, office_user, liaison, dept, ent_user):
    """Help appeal (sign within 8 working hours, reply within 5 working days), counted from dispatch.
    Round 1 dispatched Mon 7-06 10:00: limits 7-07 11:00 / 7-10 17:30; an extension of 2 working days
    was asked for and left undecided when the department replied. Reopened Mon 7-13 10:00: round 2's
    limits are 7-14 11:00 / 7-17 17:30."""
    office_setting_change(
        actor=office_user,
        key="appeals.count_from",
        raw_value="receipt",
        effective_from=timezone.make_aware(datetime(2026, 1, 1)),
    )
    with at(7, 3, 9):
        appeal = submit(actor=ent_user)
    with at(7, 6, 10):
        services.appeal_dispatch(actor=office_user, appeal=appeal, main_department=dept)
    with at(7, 6, 11):
        services.appeal_sign(actor=liaison, appeal=appeal)
        services.extension_request(actor=liaison, appeal=appeal, days=2, reason="需现场勘查")
    with at(7, 7, 11):
        services.appeal_reply(actor=liaison, appeal=appeal, content="已协调相关部门解决企业反映的问题。")
    with at(7, 13, 10):
        services.appeal_follow_up(actor=ent_user, appeal=appeal, satisfaction="unsatisfied", solved=False)
    appeal = Appeal.objects.get(pk=appeal.pk)
    assert (appeal.round, appeal.state) == (2, "dispatched")
    return appeal


def _progress(page: str) -> str:
    return page.split('id="progress"')[1].split("</dl>")[0]


def test_detail_page_of_a_redo_round_shows_round_two_deadlines(client, login, redone, liaison):
    login(liaison)
    page = client.get(reverse("appeals:detail", args=[redone.pk])).content.decode()
    assert '签收时限</dt><dd class="col-sm-9">2026-07-14 11:00' in page
    assert '答复时限</dt><dd class="col-sm-9">2026-07-17 17:30' in page
    # Round 1's time limits stay in the dispatch history (its rows greyed), not in the appeal's summary.
    summary = page.split('<dl class="row small mb-0">')[1].split("</dl>")[0]
    assert "2026-07-10 17:30" not in summary
    assert "第1轮" in page.split("延期申请</div>")[1].split("</ul>")[0]


def test_redo_round_can_ask_for_an_extension_despite_round_one_leftover(client, login, redone, liaison):
    with at(7, 13, 11):
        services.appeal_sign(actor=liaison, appeal=redone)
    login(liaison)
    page = client.get(reverse("appeals:detail", args=[redone.pk])).content.decode()
    assert "提交延期申请" in page
    with at(7, 13, 11):
        extension = services.extension_request(actor=liaison, appeal=redone, days=1, reason="需再次勘查")
    assert extension.dispatch.round == 2
    assert timezone.localtime(extension.old_deadline) == timezone.make_aware(datetime(2026, 7, 17, 17, 30))


def test_tracking_of_a_redo_round_shows_round_two_deadline(client, redone):
    page = client.post(
        reverse("appeals:track"), {"code": redone.tracking_code, "last4": redone.phone_last4}
    ).content.decode()
    progress = _progress(page)
    assert "2026年7月17日 17:30 前" in progress
    assert "7月10日" not in progress


def test_round_one_extension_left_pending_cannot_move_round_two_clock(redone, office_user):
    leftover = ExtensionRequest.objects.get(appeal=redone)
    with pytest.raises(TransitionRefused) as refused:
        services.extension_decide(actor=office_user, extension=leftover, approve=True)
    assert refused.value.code == "appeals.extension_round_over"
    assert ExtensionRequest.objects.get(pk=leftover.pk).state == "pending"
    appeal = Appeal.objects.get(pk=redone.pk)
    assert timezone.localtime(appeal.reply_deadline) == timezone.make_aware(datetime(2026, 7, 17, 17, 30))
