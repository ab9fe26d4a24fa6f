import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from freezegun import freeze_time

from yingshang.org import roles as r
from yingshang.supervision import services

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n" + b"0" * 64


def png(name="photo.png"):
    return SimpleUploadedFile(name, PNG, content_type="image/png")


def pdf(name="evidence.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


@pytest.fixture
def dept(make_department):
    return make_department("示例市测试监管局")


@pytest.fixture
def people(make_user, dept):
    """One account per business role; the department roles belong to `dept`."""
    return {
        r.OFFICE: make_user(r.OFFICE),
        r.LIAISON: make_user(r.LIAISON, department=dept),
        r.DEPT_HEAD: make_user(r.DEPT_HEAD, department=dept),
        r.INSPECTOR: make_user(r.INSPECTOR),
        r.DISCIPLINE: make_user(r.DISCIPLINE),
        r.LEADER: make_user(r.LEADER),
        r.ENTERPRISE: make_user(r.ENTERPRISE),
    }


@pytest.fixture
def make_instruction(people, dept):
    def make(deadline: dt.date, *, department=None, content="请抓紧研究解决企业反映的问题", today=None):
        with freeze_time(today or min(deadline, dt.date(2026, 9, 1))):
            return services.instruction_create(
                actor=people[r.LEADER], department=department or dept, content=content, deadline=deadline
            )

    return make


@pytest.fixture
def make_inspection(people):
    def make(**kw):
        data = {
            "date": dt.date(2026, 9, 10),
            "place": "市政务服务中心",
            "team": "赵明、钱亮",
            "mode": "covert",
            "summary": "暗访企业开办窗口",
        }
        data.update(kw)
        return services.inspection_create(actor=people[r.INSPECTOR], **data)

    return make


_ = io
