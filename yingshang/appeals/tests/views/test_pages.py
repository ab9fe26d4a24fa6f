from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from yingshang.appeals import services
from yingshang.appeals.models import Appeal, FollowUp
from yingshang.appeals.tests.conftest import credit_code, intake
from yingshang.audit.models import AuditRecord
from yingshang.org import roles as r


def form_data(**overrides):
    data = intake(**overrides)
    data["consent"] = "on"
    return data


def test_anonymous_submit_gives_tracking_code(client, db):
    response = client.get(reverse("appeals:submit"))
    body = response.content.decode()
    assert response.status_code == 200 and "联系信息使用说明" in body and 'name="viewport"' in body
    response = client.post(
        reverse("appeals:submit"),
        {**form_data(), "attachments": [SimpleUploadedFile("现场.png", b"\x89PNG\r\n\x1a\n0000")]},
    )
    assert response.status_code == 302 and response.url == reverse("appeals:submitted")
    appeal = Appeal.objects.get()
    page = client.get(reverse("appeals:submitted")).content.decode()
    assert appeal.tracking_code in page


def test_submit_errors_are_shown_and_nothing_saved(client, db):
    response = client.post(
        reverse("appeals:submit"), form_data(credit_code="91370100MA3C8XYR29", description="")
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "校验位不正确" in body and "请填写诉求内容" in body
    response = client.post(reverse("appeals:submit"), {**form_data(), "consent": ""})
    assert "请阅读并同意" in response.content.decode()
    assert Appeal.objects.count() == 0


def test_track_with_code_and_last4_and_rate_limit(client, db):
    appeal = services.appeal_submit(actor=None, data=intake(contact_phone="13912348888"))
    ok = client.post(reverse("appeals:track"), {"code": appeal.tracking_code.lower(), "last4": "8888"})
    assert ok.status_code == 200 and appeal.title in ok.content.decode()
    for _ in range(5):
        wrong = client.post(reverse("appeals:track"), {"code": appeal.tracking_code, "last4": "0000"})
        assert "未找到" in wrong.content.decode()
    blocked = client.post(reverse("appeals:track"), {"code": appeal.tracking_code, "last4": "8888"})
    assert blocked.status_code == 429
    assert appeal.title not in blocked.content.decode()


def test_track_rate_limited_per_address(client, db, office_user):
    from yingshang.core.office_settings import office_setting_change

    office_setting_change(actor=office_user, key="appeals.track_limit_per_ip", raw_value="3")
    for n in range(3):
        client.post(reverse("appeals:track"), {"code": f"YS000000AAAA{n}", "last4": "1234"})
    assert (
        client.post(reverse("appeals:track"), {"code": "YS000000AAAA9", "last4": "1234"}).status_code == 429
    )


def test_enterprise_sees_only_its_own(client, login, ent_user, make_user, db):
    mine = services.appeal_submit(actor=ent_user, data=intake())
    other = services.appeal_submit(
        actor=None, data=intake(credit_code=credit_code(5), contact_phone="13700001111")
    )
    c = login(ent_user)
    listing = c.get(reverse("appeals:list")).content.decode()
    assert mine.tracking_code in listing and other.tracking_code not in listing
    assert c.get(reverse("appeals:detail", args=[mine.pk])).status_code == 200
    assert c.get(reverse("appeals:detail", args=[other.pk])).status_code == 404


def test_department_sees_only_what_was_dispatched_to_it(client, login, walk, other_liaison, liaison):
    ours = walk("dispatched")
    not_dispatched = walk("submitted")
    c = login(liaison)
    listing = c.get(reverse("appeals:list")).content.decode()
    assert ours.tracking_code in listing and not_dispatched.tracking_code not in listing
    assert c.get(reverse("appeals:detail", args=[not_dispatched.pk])).status_code == 404
    assert login(other_liaison).get(reverse("appeals:detail", args=[ours.pk])).status_code == 404


def test_list_query_count_is_fixed(client, login, walk, office_user, django_assert_num_queries):
    for state in ("submitted", "dispatched", "signed", "replied"):
        walk(state)
    c = login(office_user)
    c.get(reverse("appeals:list"))
    # session, user, otp device, count, page, departments for the filter, session save
    with django_assert_num_queries(6):
        response = c.get(reverse("appeals:list"))
    assert response.status_code == 200
    for _ in range(5):
        walk("signed")
    with django_assert_num_queries(6):
        c.get(reverse("appeals:list"))


def test_phone_masked_in_list_full_in_office_detail_and_audited(client, login, walk, office_user, make_user):
    appeal = walk("dispatched", contact_phone="13912345678")
    c = login(office_user)
    listing = c.get(reverse("appeals:list")).content.decode()
    assert "139****5678" in listing and "13912345678" not in listing
    detail = c.get(reverse("appeals:detail", args=[appeal.pk])).content.decode()
    assert "13912345678" in detail
    assert AuditRecord.objects.filter(action="appeal.view_contact", object_id=str(appeal.pk)).count() == 1
    leader = login(make_user(r.LEADER), c=client.__class__())
    assert "13912345678" not in leader.get(reverse("appeals:detail", args=[appeal.pk])).content.decode()


def test_the_loop_in_the_browser(client, login, walk, office_user, liaison, dept, ent_user):
    appeal = services.appeal_submit(actor=ent_user, data=intake())
    office = login(office_user)
    office.post(reverse("appeals:dispatch", args=[appeal.pk]), {"main_department": dept.pk, "version": 0})
    dept_client = login(liaison, c=client.__class__())
    page = dept_client.get(reverse("appeals:detail", args=[appeal.pk])).content.decode()
    assert "签收" in page and "剩余" in page
    dept_client.post(reverse("appeals:sign", args=[appeal.pk]), {"version": 1})
    dept_client.post(
        reverse("appeals:reply", args=[appeal.pk]),
        {"content": "已协调相关部门解决企业反映的问题。", "version": 2},
    )
    ent = login(ent_user, c=client.__class__())
    ent.post(
        reverse("appeals:follow_up", args=[appeal.pk]), {"satisfaction": "basic", "solved": "1", "version": 3}
    )
    appeal.refresh_from_db()
    assert appeal.state == "concluded"
    followup = FollowUp.objects.get(appeal=appeal)
    office.post(reverse("appeals:unreasonable", args=[followup.pk]), {"reason": "超出职能范围"})
    assert FollowUp.objects.get(pk=followup.pk).unreasonable


def test_stale_form_tells_the_user(client, login, walk, office_user, dept, other_dept, make_user):
    appeal = walk("submitted")
    c = login(office_user)
    c.post(reverse("appeals:dispatch", args=[appeal.pk]), {"main_department": dept.pk, "version": 0})
    response = c.post(
        reverse("appeals:dispatch", args=[appeal.pk]),
        {"main_department": other_dept.pk, "version": 0},
        follow=True,
    )
    assert "不能执行“派单”" in response.content.decode() or "刚被他人处理过" in response.content.decode()
    assert Appeal.objects.get(pk=appeal.pk).main_department == dept


def test_export_masks_phone(client, login, walk, office_user):
    from io import BytesIO

    from openpyxl import load_workbook

    walk("submitted", contact_phone="13912345678")
    response = login(office_user).get(reverse("appeals:export"))
    ws = load_workbook(BytesIO(response.content)).active
    values = [c for row in ws.iter_rows(values_only=True) for c in row if c]
    assert "139****5678" in values and "13912345678" not in values


def test_rates_page_drill_and_export(client, login, walk, office_user, liaison, dept):
    from django.utils import timezone

    walk("concluded")
    today = timezone.localdate()
    c = login(office_user)
    page = c.get(reverse("appeals:rates")).content.decode()
    assert dept.display_name in page and "100.0%" in page
    start, end = today.replace(day=1), today
    drill = c.get(
        reverse("appeals:rates_drill"),
        {"rate": "resolution", "part": "numerator", "department": dept.pk, "start": start, "end": end},
    )
    assert drill.status_code == 200 and "共 1 件" in drill.content.decode()
    export = c.get(reverse("appeals:rates_export"))
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd.openxml")
    other = login(liaison, c=client.__class__())
    assert (
        other.get(
            reverse("appeals:rates_drill"), {"rate": "response", "department": dept.pk + 999}
        ).status_code
        == 404
    )


def test_import_preview_and_all_or_nothing(client, login, office_user):
    good = (
        "工单编号,受理时间,企业名称,联系人,联系电话,诉求类型,诉求内容\n"
        "RX1,2026-09-30 15:00,示例甲公司,张三,13911110000,投诉,办理施工许可多次被要求补充同样的材料\n"
        "RX2,2026-10-08 09:30,示例乙公司,李四,13911110001,咨询,咨询高新技术企业认定的申报时间\n"
    )
    c = login(office_user)
    preview = c.post(reverse("appeals:import"), {"file": SimpleUploadedFile("导出.csv", good.encode())})
    body = preview.content.decode()
    assert preview.status_code == 200 and "确认导入 2 行" in body
    token = preview.context["token"]
    mapping = {f"map_{k}": ("" if v is None else v) for k, v in preview.context["mapping"].items()}
    bad = good + "RX3,,示例丙公司,王五,12,投诉,\n"
    preview_bad = c.post(reverse("appeals:import"), {"file": SimpleUploadedFile("导出.csv", bad.encode())})
    refused = c.post(
        reverse("appeals:import"), {"step": "confirm", "token": preview_bad.context["token"], **mapping}
    )
    assert refused.status_code == 422 and "第4行" in refused.content.decode()
    assert Appeal.objects.count() == 0
    done = c.post(reverse("appeals:import"), {"step": "confirm", "token": token, **mapping})
    assert done.status_code == 302
    rows = list(Appeal.objects.order_by("external_id").values_list("external_id", "source", "category"))
    assert rows == [("RX1", "hotline", "complaint"), ("RX2", "hotline", "consult")]
    again = c.post(reverse("appeals:import"), {"file": SimpleUploadedFile("导出.csv", good.encode())})
    refused_again = c.post(
        reverse("appeals:import"), {"step": "confirm", "token": again.context["token"], **mapping}
    )
    assert "已导入过" in refused_again.content.decode() and Appeal.objects.count() == 2


def test_import_refused_for_departments(client, login, liaison):
    assert login(liaison).get(reverse("appeals:import")).status_code == 403
