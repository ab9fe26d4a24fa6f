"""督办 answers carry the written report the order asks for; every rectification report carries its evidence."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from yingshang.core.errors import ValidationFailed
from yingshang.core.models import Attachment
from yingshang.org import roles as r
from yingshang.supervision import services
from yingshang.supervision.models import Finding, SupervisionOrder
from yingshang.supervision.tests.conftest import pdf

pytestmark = pytest.mark.django_db

REPLY = "已召开专题会议研究，形成整改方案并抓好落实"


@pytest.fixture
def signed_order(people, dept):
    instruction = services.instruction_create(
        actor=people[r.LEADER],
        department=dept,
        content="请研究解决",
        deadline=timezone.localdate() + dt.timedelta(20),
    )
    order = services.order_issue(actor=people[r.OFFICE], target=instruction, requirement="请书面报告")
    return services.order_transition(actor=people[r.LIAISON], order=order, action="sign")


def test_liaison_answers_with_a_written_report_the_office_can_open(people, login, signed_order):
    c = login(people[r.LIAISON])
    c.post(
        reverse("supervision:order_act", args=[signed_order.pk, "answer"]),
        {"reply": REPLY, "version": signed_order.version, "attachments": pdf("书面报告.pdf")},
    )
    assert SupervisionOrder.objects.get(pk=signed_order.pk).state == "answered"
    attachment = Attachment.objects.get(object_id=signed_order.pk, purpose="reply")
    office = login(people[r.OFFICE], c.__class__())
    page = office.get(reverse("supervision:order_detail", args=[signed_order.pk])).content.decode()
    assert "书面报告.pdf" in page
    assert office.get(reverse("core:attachment", args=[attachment.pk])).status_code == 200


def test_a_file_that_is_not_what_it_claims_refuses_the_whole_answer(people, login, signed_order):
    fake = SimpleUploadedFile("报告.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    c = login(people[r.LIAISON])
    response = c.post(
        reverse("supervision:order_act", args=[signed_order.pk, "answer"]),
        {"reply": REPLY, "version": signed_order.version, "attachments": fake},
        follow=True,
    )
    assert "内容与扩展名不符" in response.content.decode()
    fresh = SupervisionOrder.objects.get(pk=signed_order.pk)
    assert (fresh.state, fresh.version, fresh.reply) == ("signed", signed_order.version, "")
    assert not Attachment.objects.filter(purpose="reply").exists()


def test_a_report_after_a_return_needs_new_evidence(people, dept, make_inspection):
    finding = services.finding_create(
        actor=people[r.INSPECTOR],
        inspection=make_inspection(),
        description="窗口未公示收费标准",
        department=dept,
        rectification_deadline=timezone.localdate() + dt.timedelta(20),
    )
    services.finding_transition(
        actor=people[r.LIAISON], finding=finding, action="report", data={"report": REPLY}, evidence=[pdf()]
    )
    services.finding_transition(
        actor=people[r.INSPECTOR], finding=finding, action="return", data={"reason": "照片不清"}
    )
    returned = Finding.objects.get(pk=finding.pk)
    before = (returned.state, returned.version)
    with pytest.raises(ValidationFailed, match="本次整改的佐证材料"):
        services.finding_transition(
            actor=people[r.LIAISON], finding=returned, action="report", data={"report": REPLY}
        )
    fresh = Finding.objects.get(pk=finding.pk)
    assert (fresh.state, fresh.version) == before == ("assigned", 2)
    assert Attachment.objects.filter(object_id=finding.pk, purpose="evidence").count() == 1
