"""An official reply must say something, and the reply form says what sending it means before it is sent."""

import pytest
from django.urls import reverse

from yingshang.appeals.models import Appeal, Reply

pytestmark = pytest.mark.django_db


def test_one_word_reply_is_refused_on_the_page_and_nothing_is_saved(login, walk, liaison):
    appeal = walk("signed")
    c = login(liaison)
    response = c.post(
        reverse("appeals:reply", args=[appeal.pk]), {"content": "好", "version": appeal.version}, follow=True
    )
    assert "答复内容至少 15 个字" in response.content.decode()
    fresh = Appeal.objects.get(pk=appeal.pk)
    assert (fresh.state, fresh.version) == ("signed", appeal.version)
    assert not Reply.objects.filter(appeal=appeal).exists()


def test_padding_with_punctuation_does_not_count(login, walk, liaison):
    appeal = walk("signed")
    c = login(liaison)
    c.post(
        reverse("appeals:reply", args=[appeal.pk]), {"content": "好" + "。 " * 30, "version": appeal.version}
    )
    assert not Reply.objects.filter(appeal=appeal).exists()


def test_reply_form_asks_for_confirmation_saying_it_cannot_be_undone(login, walk, liaison):
    appeal = walk("signed")
    page = login(liaison).get(reverse("appeals:detail", args=[appeal.pk])).content.decode()
    assert "答复将以本单位名义发给企业" in page and "此操作提交后不能撤销" in page
    assert "确认提交答复" in page
