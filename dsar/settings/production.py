"""Production: everything from the environment; refuses to start without a real secret.

HTTPS is assumed end to end: HSTS, the redirect to https and secure cookies are on. Behind a
reverse proxy that terminates TLS, the proxy must set ``X-Forwarded-Proto: https`` (and strip any
such header sent by clients): that is what ``SECURE_PROXY_SSL_HEADER`` trusts."""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import CACHE_URL, DATABASES, env_bool

# Persistent connections: each worker keeps its connection instead of opening one per request,
# and checks it before reuse so a restarted database costs one failed check, not an error.
# (The cache every process shares — Redis from REDIS_URL or CACHE_URL — is set in base.)
DATABASES = {
    **DATABASES,
    "default": {
        **DATABASES["default"],
        "CONN_MAX_AGE": int(os.environ.get("DB_CONN_MAX_AGE", "600")),
        "CONN_HEALTH_CHECKS": True,
    },
}

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if len(SECRET_KEY) < 50:
    raise ImproperlyConfigured(
        "dsar.settings.production needs SECRET_KEY: at least 50 random characters, for example "
        '`python -c "import secrets; print(secrets.token_urlsafe(64))"`.'
    )
if not CACHE_URL:
    raise ImproperlyConfigured(
        "dsar.settings.production needs REDIS_URL (or CACHE_URL): login rate limits and "
        "two-factor codes are shared by every process through it."
    )
DEBUG = False
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(365 * 24 * 3600)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https"
# Keys come only from the environment (DSAR_FIELD_KEYS, DSAR_SEARCH_KEY): no key files.
DSAR_FIELD_KEY_FILE = None
DSAR_LEGACY_FIELD_KEY_FILE = None
DSAR_SEARCH_KEY_FILE = None
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
