"""Password policy validators (AUTH_PASSWORD_VALIDATORS): character classes, not the username, not one of
the last N passwords. Length and common passwords use Django's own validators; maximum age is enforced at
sign-in by SignInPolicyMiddleware."""

import re

from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError

CLASSES = [
    (re.compile(r"[a-z]"), "小写字母"),
    (re.compile(r"[A-Z]"), "大写字母"),
    (re.compile(r"[0-9]"), "数字"),
    (re.compile(r"[^a-zA-Z0-9]"), "特殊符号"),
]


class CharacterClassValidator:
    def __init__(self, min_classes: int = 3):
        self.min_classes = min_classes

    def validate(self, password: str, user=None) -> None:
        present = sum(1 for pattern, _ in CLASSES if pattern.search(password))
        if present < self.min_classes:
            raise ValidationError(self.get_help_text(), code="password_classes")

    def get_help_text(self) -> str:
        return f"密码须包含大写字母、小写字母、数字、特殊符号中的至少 {self.min_classes} 类。"


class NotUsernameValidator:
    def validate(self, password: str, user=None) -> None:
        if user is not None and user.get_username() and user.get_username().lower() in password.lower():
            raise ValidationError(self.get_help_text(), code="password_contains_username")

    def get_help_text(self) -> str:
        return "密码不能包含账号名。"


class HistoryValidator:
    def __init__(self, remember: int = 5):
        self.remember = remember

    def validate(self, password: str, user=None) -> None:
        if user is None or user.pk is None:
            return
        recent = user.password_history.values_list("password", flat=True)[: self.remember]
        if any(check_password(password, old) for old in recent):
            raise ValidationError(self.get_help_text(), code="password_reused")

    def get_help_text(self) -> str:
        return f"不能使用最近 {self.remember} 次用过的密码。"
