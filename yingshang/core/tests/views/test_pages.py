"""The shared page helpers: the refusal, the action message with field details, the list with its export."""

from io import BytesIO

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory
from openpyxl import load_workbook

from yingshang.audit.models import AuditRecord
from yingshang.core import pages
from yingshang.core.errors import ValidationFailed


def _request(method: str = "get", data: dict | None = None, user=None):
    request = getattr(RequestFactory(), method)("/x/", data or {})
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    request.user = user
    return request


def test_require_refuses_with_403_only_when_not_allowed():
    pages.require(True)
    with pytest.raises(PermissionDenied):
        pages.require(False)


@pytest.mark.parametrize(("raw", "expected"), [("7", 7), ("", None), ("7a", None), ("-1", None)])
def test_seen_version_reads_only_a_whole_number(raw, expected):
    assert pages.seen_version(_request("post", {"version": raw})) == expected


class _Form(forms.Form):
    percent = forms.IntegerField()


def test_a_refusal_reaches_the_field_and_the_message():
    request = _request("post")
    form = _Form({"percent": "101"})
    form.is_valid()

    def refuse():
        raise ValidationFailed(
            "完成进度应为 0–100 的整数。", fields={"percent": ["超出范围。"], "other": ["另一处。"]}
        )

    assert pages.run_action(request, refuse, "已保存。", form=form) is False
    assert "超出范围。" in form.errors["percent"]
    assert "另一处。" in form.non_field_errors()
    [message] = list(get_messages(request))
    assert message.level_tag == "error"
    assert str(message) == "完成进度应为 0–100 的整数。（超出范围。；另一处。）"


def test_a_success_says_so():
    request = _request("post")
    calls = []
    assert pages.run_action(request, lambda: calls.append(1), "已保存。") is True
    assert calls == [1]
    assert [str(m) for m in get_messages(request)] == ["已保存。"]


def test_the_query_string_keeps_filters_but_not_the_page():
    request = _request("get", {"state": "open", "page": "3", "export": "xlsx", "q": ""})
    assert pages.query_string(request) == "state=open"


def test_a_list_exports_every_row_and_audits_it(office_user):
    request = _request("get", {"export": "xlsx", "state": "open"}, user=office_user)
    export = pages.Export("测试清单", ["编号", "名称"], lambda n: [n, f"事项{n}"], "core.test_export")
    response = pages.list_page(request, items=list(range(45)), template="unused.html", export=export)
    assert response["Content-Disposition"].startswith("attachment; filename*=UTF-8''")
    sheet = load_workbook(BytesIO(response.content)).active
    assert sheet["A3"].value == 0 and sheet["B47"].value == "事项44"
    record = AuditRecord.objects.get(action="core.test_export")
    assert record.actor_id == office_user.pk and record.after["rows"] == 45
