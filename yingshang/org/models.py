from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q
from django.utils import timezone

from yingshang.core.crypto import EncryptedTextField

from . import roles as r


class Department(models.Model):
    """A unit in the city's tree: city departments, districts and counties, their sub-units."""

    class Kind(models.TextChoices):
        CITY_DEPARTMENT = "city", "市直部门"
        DISTRICT = "district", "区县"
        SUB_UNIT = "sub", "下属单位"
        OFFICE = "office", "营商办"
        OTHER = "other", "其他单位"

    code = models.CharField("单位编码", max_length=32, unique=True)
    name = models.CharField("单位全称", max_length=100, unique=True)
    short_name = models.CharField("简称", max_length=50, blank=True)
    aliases = models.JSONField("别名", default=list, blank=True)
    kind = models.CharField("类型", max_length=16, choices=Kind.choices, default=Kind.CITY_DEPARTMENT)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name="上级单位",
    )
    # Materialised path of ids ("/3/17/"): a department and its sub-units are one indexed prefix query.
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")
    sort_order = models.PositiveIntegerField("排序", default=0)
    is_active = models.BooleanField("启用", default=True)
    # False for a unit created by an import until the office includes it: never ranked before that.
    in_assessment = models.BooleanField("纳入考核", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "单位"
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name

    @property
    def display_name(self) -> str:
        return self.short_name or self.name

    def all_names(self) -> list[str]:
        return [n for n in [self.name, self.short_name, *self.aliases] if n]


class Enterprise(models.Model):
    """An enterprise, identified by its unified social credit code (统一社会信用代码, GB 32100-2015)."""

    credit_code = models.CharField("统一社会信用代码", max_length=18, unique=True)
    name = models.CharField("企业名称", max_length=200)
    district = models.ForeignKey(
        Department, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="所在区县"
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "企业"

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        from yingshang.core.credit_code import credit_code_error

        error = credit_code_error(self.credit_code)
        if error:
            raise ValidationError({"credit_code": error})


class AccountManager(UserManager):
    def create_superuser(self, username, email=None, password=None, **extra_fields):  # type: ignore[override]
        """A Django superuser bypasses the three separated duties, so it exists only in development
        (`createsuperuser` and any other caller are refused elsewhere)."""
        from django.conf import settings
        from django.core.management.base import CommandError

        if settings.YINGSHANG_ENVIRONMENT != "development":
            raise CommandError(
                "只有开发环境可以创建超级用户；其他环境请由系统管理员、安全管理员、审计管理员分别管理。"
            )
        return super().create_superuser(username, email, password, **extra_fields)


class User(AbstractUser):
    """An account. Roles are a bit set (see roles.py); admin duties never share an account."""

    real_name = models.CharField("姓名", max_length=50, blank=True)
    mobile = EncryptedTextField("手机号", blank=True)
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        verbose_name="所属单位",
    )
    roles = models.PositiveIntegerField("角色", default=0)
    # Roles asked for by an account import (system administrator); in force only once the security
    # administrator confirms them, so the sysadmin never grants roles himself.
    pending_roles = models.PositiveIntegerField("待确认角色", default=0)
    password_changed_at = models.DateTimeField("密码修改时间", null=True, blank=True)
    must_change_password = models.BooleanField("首次登录须改密码", default=True)
    enterprise = models.ForeignKey(
        "org.Enterprise",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="accounts",
        verbose_name="所属企业",
    )

    objects = AccountManager()  # type: ignore[misc]

    class Meta:
        verbose_name = verbose_name_plural = "账号"
        constraints = [
            models.CheckConstraint(
                condition=Q(roles__lt=r.ADMIN_BITS_FLOOR)
                | Q(roles__in=[r.ROLE_BITS[r.SYSADMIN], r.ROLE_BITS[r.SECADMIN], r.ROLE_BITS[r.AUDITOR]]),
                name="admin_duty_stands_alone",
                violation_error_message="系统管理员、安全管理员、审计管理员三种职责须分设账号，且不得兼任业务角色。",
            ),
            models.CheckConstraint(
                condition=Q(pending_roles__lt=r.ADMIN_BITS_FLOOR)
                | Q(
                    pending_roles__in=[
                        r.ROLE_BITS[r.SYSADMIN],
                        r.ROLE_BITS[r.SECADMIN],
                        r.ROLE_BITS[r.AUDITOR],
                    ]
                ),
                name="pending_admin_duty_stands_alone",
                violation_error_message="系统管理员、安全管理员、审计管理员三种职责须分设账号，且不得兼任业务角色。",
            ),
        ]

    def __str__(self) -> str:
        return self.real_name or self.username

    @property
    def role_codes(self) -> frozenset[str]:
        return r.bits_to_roles(self.roles)

    def has_role(self, *codes: str) -> bool:
        return bool(self.role_codes & set(codes))

    @property
    def role_labels(self) -> list[str]:
        return [r.ROLE_LABELS[c] for c in r.ROLE_BITS if c in self.role_codes]

    @property
    def pending_role_codes(self) -> frozenset[str]:
        return r.bits_to_roles(self.pending_roles)

    @property
    def pending_role_labels(self) -> list[str]:
        return [r.ROLE_LABELS[c] for c in r.ROLE_BITS if c in self.pending_role_codes]

    @property
    def masked_mobile(self) -> str:
        from yingshang.core.masking import mask_phone

        return mask_phone(self.mobile)

    def password_expired(self, max_age_days: int) -> bool:
        if self.password_changed_at is None:
            return True
        return (timezone.now() - self.password_changed_at).days >= max_age_days


class PasswordHistory(models.Model):
    """Hashes of an account's recent passwords, so the last five are not reused."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="password_history")
    password = models.CharField(max_length=128)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]


class ApiToken(models.Model):
    """A token for an integration (hotline system, other platforms). Only its SHA-256 is stored."""

    name = models.CharField("名称", max_length=100)
    user = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="api_tokens", verbose_name="代表账号"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField("前缀", max_length=8)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "接口令牌"

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
