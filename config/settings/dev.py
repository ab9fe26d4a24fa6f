"""The embedded default of `make run`: SQLite under ./var, demo data, no extra service."""

from .base import *  # noqa: F403
from .base import env_bool

DEBUG = env_bool("DJANGO_DEBUG", False)
YINGSHANG_ENVIRONMENT = "development"
EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
EMAIL_FILE_PATH = VAR_DIR / "mail"  # noqa: F405

# Demo accounts sign in without a second factor so a newcomer can look around at once;
# YINGSHANG_REQUIRE_OTP=1 turns the production rule (admin duties and office) back on.
OTP_REQUIRED_ROLES = OTP_REQUIRED_ROLES if env_bool("YINGSHANG_REQUIRE_OTP", False) else []  # noqa: F405
