import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from yingshang.appeals import services
from yingshang.appeals.models import Appeal
from yingshang.appeals.tests.conftest import credit_code, intake
from yingshang.audit.models import AuditRecord
from yingshang.core.crypto import blind_index
from yingshang.core.errors import ValidationFailed
from yingshang.core.models import Attachment
from yingshang.core.office_settings import office_setting_change

PDF = b"%PDF-1.4 test"


def test_submit_encrypts_phone_and_names_the_enterprise_concerned(db, enterprise):
    appeal = services.appeal_submit(actor=None, data=intake(contact_phone="139 1234 5678"))
    assert (appeal.enterprise, appeal.concerned_enterprise) == (None, enterprise)
    assert appeal.state == "submitted"
    assert appeal.tracking_code.startswith("YS") and len(appeal.tracking_code) == 14
    assert appeal.phone_last4 == "5678"
    assert appeal.phone_hash == blind_index("13912345678")
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT contact_phone FROM appeals_appeal WHERE id = %s", [appeal.pk])
        stored = cursor.fetchone()[0]
    assert stored.startswith("sm4:") and "13912345678" not in stored
    assert Appeal.objects.get(pk=appeal.pk).contact_phone == "13912345678"
    assert AuditRecord.objects.filter(action="appeal.submit", object_id=str(appeal.pk)).count() == 1


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"credit_code": "91370100MA3C8XYR29"}, "credit_code", "校验位不正确"),
        ({"credit_code": "123"}, "credit_code", "应为18位"),
        ({"description": "   "}, "description", "请填写诉求内容"),
        ({"description": "字" * 5001}, "description", "不能超过 5000 字"),
        ({"contact_phone": "12"}, "contact_phone", "联系电话"),
        ({"category": "other"}, "category", "诉求类型"),
    ],
)
def test_bad_input_is_refused_and_nothing_saved(db, overrides, field, message):
    with pytest.raises(ValidationFailed) as info:
        services.appeal_submit(actor=None, data=intake(**overrides))
    assert field in info.value.fields
    assert message in info.value.fields[field][0]
    assert Appeal.objects.count() == 0


def test_description_limit_is_an_office_setting(db, office_user):
    office_setting_change(actor=office_user, key="appeals.description_max", raw_value="200")
    with pytest.raises(ValidationFailed):
        services.appeal_submit(actor=None, data=intake(description="字" * 201))
    assert services.appeal_submit(actor=None, data=intake(description="字" * 200)).pk


def test_wrong_file_type_saves_nothing(db):
    fake = SimpleUploadedFile("合同.pdf", b"MZ\x90\x00 not a pdf")
    with pytest.raises(ValidationFailed) as info:
        services.appeal_submit(actor=None, data=intake(), files=[fake])
    assert "内容与扩展名不符" in info.value.message
    assert Appeal.objects.count() == 0 and Attachment.objects.count() == 0


def test_oversized_file_saves_nothing(db, office_user):
    office_setting_change(actor=office_user, key="upload_max_mb", raw_value="1")
    big = SimpleUploadedFile("大文件.pdf", PDF + b"0" * (1024 * 1024))
    with pytest.raises(ValidationFailed) as info:
        services.appeal_submit(actor=None, data=intake(), files=[big])
    assert "超过 1 MB" in info.value.message
    assert Appeal.objects.count() == 0


def test_attachment_stored(db):
    appeal = services.appeal_submit(actor=None, data=intake(), files=[SimpleUploadedFile("证明.pdf", PDF)])
    files = list(Attachment.objects.filter(object_id=appeal.pk, purpose="appeal"))
    assert [f.original_name for f in files] == ["证明.pdf"]


def test_enterprise_account_submits_as_its_enterprise(db, ent_user, enterprise):
    appeal = services.appeal_submit(actor=ent_user, data=intake(credit_code="", enterprise_name="随便填"))
    assert appeal.enterprise == enterprise
    assert appeal.enterprise_name == enterprise.name
    assert appeal.submitted_by == ent_user


DESCRIPTION = "我公司位于高新区创业路8号，厂区门前道路破损严重已有半年，货车进出十分困难，请求尽快协调修复。"


def test_similar_text_from_same_contact_is_linked_to_the_first(db, committed):
    first = committed(
        services.appeal_submit, actor=None, data=intake(description=DESCRIPTION, title="道路破损")
    )
    second = committed(
        services.appeal_submit,
        actor=None,
        data=intake(
            description=DESCRIPTION.replace("半年", "大半年") + "谢谢！",
            title="道路破损",
            credit_code=credit_code(2),
        ),
    )
    third = committed(
        services.appeal_submit,
        actor=None,
        data=intake(description=DESCRIPTION + "再次反映。", title="道路破损", contact_phone="13700000000"),
    )
    assert second.duplicate_of == first  # same phone, different enterprise
    assert third.duplicate_of == first  # same enterprise, different phone


def test_different_party_or_text_is_not_linked(db, committed):
    committed(services.appeal_submit, actor=None, data=intake(description=DESCRIPTION, title="道路破损"))
    other_party = committed(
        services.appeal_submit,
        actor=None,
        data=intake(
            description=DESCRIPTION, title="道路破损", credit_code=credit_code(3), contact_phone="13600000000"
        ),
    )
    other_text = committed(
        services.appeal_submit,
        actor=None,
        data=intake(description="申请办理食品经营许可证延续，网上系统一直提示材料不全，请帮助。"),
    )
    assert other_party.duplicate_of is None
    assert other_text.duplicate_of is None


def test_outside_the_window_is_not_linked(db, office_user, committed):
    from datetime import timedelta

    from django.utils import timezone

    first = committed(
        services.appeal_submit, actor=None, data=intake(description=DESCRIPTION, title="道路破损")
    )
    later = committed(
        services.appeal_submit,
        actor=None,
        data=intake(description=DESCRIPTION, title="道路破损"),
        received_at=first.received_at + timedelta(days=31),
    )
    assert later.duplicate_of is None
    office_setting_change(
        actor=office_user,
        key="appeals.duplicate_window_days",
        raw_value="60",
        effective_from=timezone.now() - timedelta(days=1),
    )
    again = committed(
        services.appeal_submit,
        actor=None,
        data=intake(description=DESCRIPTION, title="道路破损"),
        received_at=first.received_at + timedelta(days=40),
    )
    assert again.duplicate_of == first
