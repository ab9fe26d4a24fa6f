"""Settings shared by every environment. Operators set the environment variables; office-tuned values
live in the database (yingshang.core.office_settings), not here."""

import os
from pathlib import Path
from typing import Any

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("YINGSHANG_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    return default if value is None else value.lower() in {"1", "true", "yes", "on"}


SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "dev-only-insecure-key-change-me")
DEBUG = False
ALLOWED_HOSTS = [h for h in os.environ.get("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("DJANGO_CSRF_TRUSTED_ORIGINS", "").split(",") if o]

# Key for personal data at rest (SM4) and the keyed hash beside it; 32 hex digits each.
FIELD_ENCRYPTION_KEY = os.environ.get("YINGSHANG_FIELD_KEY", "00112233445566778899aabbccddeeff")
FIELD_HASH_KEY = os.environ.get("YINGSHANG_HASH_KEY", "ffeeddccbbaa99887766554433221100")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "template_partials",
    "django_htmx",
    "ninja",  # serves Swagger UI from the package's own static files, not from a CDN
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_tasks",
    "django_tasks_db",
    "yingshang.core",
    "yingshang.org",
    "yingshang.audit",
    "yingshang.workdays",
    "yingshang.notify",
    "yingshang.ledger",
    "yingshang.appeals",
    "yingshang.supervision",
    "yingshang.assessment",
    "yingshang.dashboard",
    "yingshang.routing",
    "bench",  # benchmarks, data generators and the load scenario: their management commands
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "yingshang.core.security_headers.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "yingshang.audit.middleware.RequestContextMiddleware",
    "yingshang.audit.middleware.DeniedAccessMiddleware",
    "yingshang.core.middleware.RequestCacheMiddleware",
    "yingshang.core.middleware.RequestGuardMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "yingshang.org.middleware.ExplicitLanguageMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "yingshang.org.middleware.HtmxSignInRedirectMiddleware",
    "yingshang.org.middleware.IdleTimeoutMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "yingshang.org.middleware.SignInPolicyMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "yingshang" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "yingshang.core.context_processors.navigation",
            ],
        },
    }
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'yingshang.sqlite3'}", conn_max_age=60, conn_health_checks=True
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers work during a write; IMMEDIATE takes the write lock at BEGIN so two writers
    # queue on the busy timeout instead of failing with "database is locked" half-way through.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = False
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "org.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "yingshang.org.passwords.CharacterClassValidator", "OPTIONS": {"min_classes": 3}},
    {"NAME": "yingshang.org.passwords.NotUsernameValidator"},
    {"NAME": "yingshang.org.passwords.HistoryValidator", "OPTIONS": {"remember": 5}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
PASSWORD_MAX_AGE_DAYS = int(os.environ.get("YINGSHANG_PASSWORD_MAX_AGE_DAYS", "90"))
LOGIN_URL = "org:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "org:login"

# Sign-in hardening: 5 failures lock the account for 15 minutes.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "yingshang.org.views.locked_out"
AXES_VERBOSE = False

SESSION_IDLE_TIMEOUT_SECONDS = int(os.environ.get("YINGSHANG_IDLE_TIMEOUT", "1800"))
SESSION_COOKIE_AGE = 12 * 3600
SESSION_COOKIE_HTTPONLY = True
SESSION_ENGINE = "django.contrib.sessions.backends.db"
# Second factor: required for the three admin duties and the office role; optional for others.
OTP_REQUIRED_ROLES = ["sysadmin", "secadmin", "auditor", "office"]
OTP_TOTP_ISSUER = "营商"
# Everything from this site only: no CDN, no framing, no form posting elsewhere. Inline scripts and styles
# are still allowed because some templates carry onclick/onsubmit handlers and style attributes; moving those
# into static files would let 'unsafe-inline' go from script-src.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self' 'unsafe-inline'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
# A first device may be enrolled only this soon after a password sign-in in the same session.
OTP_ENROLMENT_WINDOW_SECONDS = 10 * 60

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "yingshang" / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
# Vendor assets are copied from their npm packages at install time (`make install`: var/vendor), never
# fetched from a CDN and never committed.
STATICFILES_DIRS = [("vendor", VAR_DIR / "vendor")]
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": VAR_DIR / "media"},
    },
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
MEDIA_ROOT = VAR_DIR / "media"
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

TASKS = {
    "default": {
        "BACKEND": os.environ.get("YINGSHANG_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

EMAIL_BACKEND = os.environ.get("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = os.environ.get("DJANGO_EMAIL_HOST", "127.0.0.1")
EMAIL_PORT = int(os.environ.get("DJANGO_EMAIL_PORT", "25"))
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "yingshang@localhost")

# Notifications: the site's address for links in e-mail/SMS/robot messages, and the SMS gateway adapter
# (dotted path to a class; the default only logs).
YINGSHANG_SITE_URL = os.environ.get("YINGSHANG_SITE_URL", "")
YINGSHANG_SMS_GATEWAY = os.environ.get("YINGSHANG_SMS_GATEWAY", "yingshang.notify.channels.LoggingSmsGateway")

# The level holds on the handler too: a command that lowers its own logger's level (db_worker logs each job
# at INFO) stays quiet unless DJANGO_LOG_LEVEL asks for more (scripts/serve.sh sets it under VERBOSE=1).
LOG_LEVEL = os.environ.get("DJANGO_LOG_LEVEL", "WARNING")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler", "level": LOG_LEVEL}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
}

# Environment marker used by commands that must never run in production (seed_demo).
YINGSHANG_ENVIRONMENT = "base"

# Shared cache: rate limits, refusal counts and staged previews must hold across every gunicorn worker and
# machine, so never a per-process cache. The database on the embedded default (its table is created after
# every `migrate`: yingshang.core.apps), Redis when YINGSHANG_REDIS_URL is set (redis://host:6379/0).
YINGSHANG_REDIS_URL = os.environ.get("YINGSHANG_REDIS_URL", "")
CACHES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": YINGSHANG_REDIS_URL}
    if YINGSHANG_REDIS_URL
    else {
        "BACKEND": "yingshang.core.cache.AtomicDatabaseCache",
        "LOCATION": "core_cache",
        # Django culls a third of the table past MAX_ENTRIES; counters must not vanish under a burst.
        "OPTIONS": {"MAX_ENTRIES": 200_000},
    }
}
# Reverse proxies whose X-Forwarded-For is believed (addresses or CIDRs, comma-separated), e.g.
# "10.0.0.5,10.0.1.0/24". Empty: the peer address is the client (no proxy in front).
YINGSHANG_TRUSTED_PROXIES = [
    p.strip() for p in os.environ.get("YINGSHANG_TRUSTED_PROXIES", "").split(",") if p.strip()
]
AXES_CLIENT_IP_CALLABLE = "yingshang.core.http.client_address"

# The lock-out is per account as the policy requires; locking by address would lock out a whole
# government intranet behind one NAT gateway. Address rate limits belong to the reverse proxy.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
