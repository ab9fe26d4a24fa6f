import pytest
from django.core.management import CommandError, call_command

from yingshang.org.models import Department, User
from yingshang.org.tests.xlsx import DEPT_HEADER, USER_HEADER, xlsx


def test_import_departments_dry_run_then_real(db, tmp_path, capsys):
    path = tmp_path / "d.xlsx"
    path.write_bytes(xlsx([DEPT_HEADER, ["HX", "示例市海新区人民政府", "海新区", "", "区县", "", 1]]))
    call_command("import_departments", str(path), "--dry-run")
    assert "检查通过，共 1 行" in capsys.readouterr().out
    assert not Department.objects.filter(code="HX").exists()
    call_command("import_departments", str(path))
    assert Department.objects.get(code="HX").short_name == "海新区"


def test_import_users_refuses_bad_file_and_saves_nothing(db, tmp_path, capsys):
    path = tmp_path / "u.xlsx"
    path.write_bytes(
        xlsx(
            [
                USER_HEADER,
                ["a", "甲", "", "a@example.gov.cn", "NOPE", ""],
                ["b", "乙", "", "b@example.gov.cn", "", ""],
            ]
        )
    )
    with pytest.raises(CommandError, match="发现 1 处问题"):
        call_command("import_users", str(path))
    assert "第 2 行［所属单位编码］：单位“NOPE”不存在。" in capsys.readouterr().err
    assert not User.objects.filter(username__in=["a", "b"]).exists()


def test_import_users_shows_no_password_and_sends_each_holder_a_link(db, tmp_path, capsys):
    path = tmp_path / "u.xlsx"
    path.write_bytes(xlsx([USER_HEADER, ["a", "甲", "13800001111", "", "", "市领导"]]))
    call_command("import_users", str(path))
    out = capsys.readouterr().out
    user = User.objects.get(username="a")
    assert not user.has_usable_password() and "密码的链接已发到" in out
    assert user.password_reset_links.filter(used_at__isnull=True).count() == 1
