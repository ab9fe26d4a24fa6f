from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from yingshang.org.demo import ACCOUNTS, DEMO_PASSWORD
from yingshang.org.models import User
from yingshang.org.roles import ROLE_LABELS


class Command(BaseCommand):
    help = "Load the demo city 示例市 with departments, one account per role and realistic content."

    def add_arguments(self, parser):
        parser.add_argument("--if-empty", action="store_true", help="do nothing when accounts already exist")

    def handle(self, *args, if_empty: bool, **options):
        if settings.YINGSHANG_ENVIRONMENT == "production":
            raise CommandError("seed_demo 不能在生产环境运行。")
        if User.objects.exists():
            if if_empty:
                self.stdout.write("已有数据，跳过演示数据加载。")
                self._print_accounts()
                return
            raise CommandError("数据库中已有账号；演示数据只能加载到空数据库。")
        ctx: dict = {}
        with transaction.atomic():
            for app in apps.get_app_configs():
                module = f"{app.name}.demo"
                if app.name.startswith("yingshang.") and find_spec(module):
                    import_module(module).seed(ctx)
        self.stdout.write(self.style.SUCCESS("演示数据已加载。"))
        self._print_accounts()

    def _print_accounts(self):
        self.stdout.write(f"演示账号（密码均为 {DEMO_PASSWORD}）：")
        for username, real_name, roles, _ in ACCOUNTS:
            labels = "、".join(ROLE_LABELS[c] for c in sorted(roles))
            self.stdout.write(f"  {username:<12} {labels:<10} {real_name}")
