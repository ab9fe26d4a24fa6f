import getpass
import os

from django.core.management.base import BaseCommand, CommandError

from yingshang.core.errors import ValidationFailed
from yingshang.org import roles as r
from yingshang.org import services

PASSWORD_ENV = "YINGSHANG_ADMIN_PASSWORD"


class Command(BaseCommand):
    help = (
        "Create an admin-duty account on the server console (first security administrator of a new "
        "installation by default). Refused when one of that duty exists, unless --another. The password is "
        f"asked for twice, or read from ${PASSWORD_ENV}; it must be changed at the first sign-in. Audited."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--duty", choices=sorted(r.ADMIN_DUTIES), default=r.SECADMIN)
        parser.add_argument("--real-name", default="")
        parser.add_argument("--mobile", default="")
        parser.add_argument("--email", default="")
        parser.add_argument(
            "--another", action="store_true", help="create it even though an account of this duty exists"
        )

    def handle(self, *args, **options):
        password = os.environ.get(PASSWORD_ENV) or self._ask_password()
        try:
            user = services.admin_account_bootstrap(
                duty=options["duty"],
                username=options["username"],
                password=password,
                real_name=options["real_name"],
                mobile=options["mobile"],
                email=options["email"],
                allow_another=options["another"],
                console_user=_console_user(),
            )
        except ValidationFailed as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(
            f"已创建{r.ROLE_LABELS[options['duty']]}账号 {user.username}；首次登录须修改密码并绑定动态口令。"
        )

    def _ask_password(self) -> str:
        first = getpass.getpass("初始密码：")
        if first != getpass.getpass("再输入一次："):
            raise CommandError("两次输入的密码不一致。")
        return first


def _console_user() -> str:
    try:
        return getpass.getuser()
    except OSError:
        return ""
