"""Production: every secret from the environment; refuses to start with development defaults."""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403

YINGSHANG_ENVIRONMENT = "production"
for _name in ("DJANGO_SECRET_KEY", "YINGSHANG_FIELD_KEY", "YINGSHANG_HASH_KEY", "DATABASE_URL"):
    if not os.environ.get(_name):
        raise ImproperlyConfigured(f"{_name} must be set in production")
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_CONTENT_TYPE_NOSNIFF = True
