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
# Browsers keep to HTTPS for a year once they have seen the site over it (sent on HTTPS requests only: behind
# a TLS-terminating proxy, SECURE_PROXY_SSL_HEADER must name the proxy's header for requests to count as such).
SECURE_HSTS_SECONDS = int(os.environ.get("YINGSHANG_HSTS_SECONDS", str(365 * 24 * 3600)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_REFERRER_POLICY = "same-origin"
