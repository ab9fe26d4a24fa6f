"""Issue 13.13: the anonymous submitter rates the reply on the public tracking page, by the same rules as an
enterprise account (one rating per round, 不满意 reopens), audited, rate-limited like the page, and refused
before the reply, after the rating, for a wrong code or phone ending, and for an appeal an account owns."""

import pytest
from django.urls import reverse

from yingshang.appeals.models import Appeal, FollowUp
from yingshang.audit.models import AuditRecord
from yingshang.core.office_settings import office_setting_change

LAST4 = "5678"  # intake()'s phone 13912345678


def rate(client, appeal, *, last4=LAST4, code=None, satisfaction="satisfied", solved="1", note="办得很快"):
    return client.post(
        reverse("appeals:track_rate"),
        {
            "code": code or appeal.tracking_code,
            "last4": last4,
            "satisfaction": satisfaction,
            "solved": solved,
            "note": note,
        },
        REMOTE_ADDR="203.0.113.20",
    )


def track(client, appeal):
    return client.post(
        reverse("appeals:track"), {"code": appeal.tracking_code, "last4": LAST4}, REMOTE_ADDR="203.0.113.20"
    )


def unchanged(appeal):
    row = Appeal.objects.get(pk=appeal.pk)
    return (row.state, row.version, row.round, FollowUp.objects.filter(appeal=appeal).count())


def test_the_page_offers_the_rating_after_the_reply_and_records_it_as_the_submitter(client, walk):
    appeal = walk("replied")
    page = track(client, appeal).content.decode()
    assert 'id="rating"' in page and "对答复作出评价" in page and 'name="satisfaction"' in page
    # The code and phone ending travel hidden, under ids of their own (the look-up form has id_code).
    assert f'name="code" value="{appeal.tracking_code}" id="rating_code"' in page

    response = rate(client, appeal)
    assert response.status_code == 200
    body = response.content.decode()
    assert (
        "感谢您的评价" in body
        and 'id="rating"' not in body
        and "第 1 轮答复的评价：<strong>满意</strong>" in body
    )
    followup = FollowUp.objects.get(appeal=appeal)
    assert (followup.recorded_by, followup.satisfaction, followup.solved, followup.note, followup.round) == (
        None,
        "satisfied",
        True,
        "办得很快",
        1,
    )
    appeal.refresh_from_db()
    assert appeal.state == Appeal.State.CONCLUDED
    audit = AuditRecord.objects.get(action="appeal.conclude", object_id=str(appeal.pk))
    assert (audit.actor_id, audit.ip) == (None, "203.0.113.20")


def test_not_satisfied_reopens_as_for_an_enterprise(client, walk):
    appeal = walk("replied")
    body = rate(client, appeal, satisfaction="unsatisfied", solved="0").content.decode()
    assert "诉求已交承办单位重新办理" in body
    appeal.refresh_from_db()
    assert (appeal.state, appeal.round, appeal.reopen_count) == (Appeal.State.DISPATCHED, 2, 1)
    assert AuditRecord.objects.filter(action="appeal.reopen", actor_id=None).count() == 1


@pytest.mark.parametrize("wrong", [{"last4": "0000"}, {"code": "YS000000ZZZZZZ"}])
def test_a_wrong_code_or_phone_ending_is_a_404_and_records_nothing(client, walk, wrong):
    appeal = walk("replied")
    before = unchanged(appeal)
    assert rate(client, appeal, **wrong).status_code == 404
    assert unchanged(appeal) == before
    assert not AuditRecord.objects.filter(action__in=["appeal.conclude", "appeal.reopen"]).exists()


def test_a_second_rating_of_the_round_is_refused(client, walk):
    appeal = walk("replied")
    rate(client, appeal)
    before = unchanged(appeal)
    second = rate(client, appeal, satisfaction="unsatisfied", solved="0")
    assert second.status_code == 409 and "您已对本轮答复作出评价" in second.content.decode()
    assert unchanged(appeal) == before


def test_before_the_reply_there_is_nothing_to_rate(client, walk):
    appeal = walk("signed")
    assert 'id="rating"' not in track(client, appeal).content.decode()
    before = unchanged(appeal)
    refused = rate(client, appeal)
    assert refused.status_code == 409 and "诉求答复后才能评价" in refused.content.decode()
    assert unchanged(appeal) == before


def test_an_appeal_an_enterprise_account_submitted_is_rated_by_that_account(client, walk, ent_user):
    appeal = walk("replied", actor=ent_user)
    page = track(client, appeal).content.decode()
    assert 'id="rating"' not in page and "请登录企业账号" in page
    before = unchanged(appeal)
    refused = rate(client, appeal)
    assert refused.status_code == 403 and "请登录企业账号" in refused.content.decode()
    assert unchanged(appeal) == before


def test_a_missing_choice_is_shown_on_the_field_and_records_nothing(client, walk):
    appeal = walk("replied")
    before = unchanged(appeal)
    body = rate(client, appeal, satisfaction="", solved="").content.decode()
    assert "请选择满意度。" in body and "请选择问题是否已解决。" in body
    assert unchanged(appeal) == before


def test_rating_counts_against_the_tracking_limit(client, walk, office_user):
    office_setting_change(actor=office_user, key="appeals.track_limit_per_ip", raw_value="1")
    appeal = walk("replied")
    assert track(client, appeal).status_code == 200
    before = unchanged(appeal)
    limited = rate(client, appeal)
    assert limited.status_code == 429 and "查询过于频繁" in limited.content.decode()
    assert unchanged(appeal) == before
