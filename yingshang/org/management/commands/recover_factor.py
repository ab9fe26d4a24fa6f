from django.core.management.base import BaseCommand, CommandError

from yingshang.core.errors import ApplicationError
from yingshang.org import services
from yingshang.org.models import User

from .create_admin_account import _console_user


class Command(BaseCommand):
    help = (
        "Recover a lost second factor: remove every device of the account, so the holder enrols again at the "
        "next sign-in. For the last security administrator, or when no second admin can confirm. Audited, "
        "and the holder is told."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--reason", required=True, help="why (recorded in the audit trail)")

    def handle(self, *args, **options):
        reason = options["reason"].strip()
        if not reason:
            raise CommandError("请用 --reason 写明原因。")
        try:
            user = User.objects.get(username=options["username"])
        except User.DoesNotExist:
            raise CommandError(f"账号“{options['username']}”不存在。") from None
        detail = f"服务器命令找回动态口令（操作系统用户 {_console_user() or '未知'}）：{reason}"
        try:
            services.user_reset_factor(actor=None, user=user, reason=detail)
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(f"已清除账号 {user.username} 的动态口令；本人下次登录时须重新绑定。")
