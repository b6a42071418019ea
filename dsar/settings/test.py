"""Tests: the database comes from DATABASE_URL (PostgreSQL in CI), SQLite otherwise."""

import os
import secrets
import tempfile
from pathlib import Path

from .base import *  # noqa: F403
from .base import broker_transport_options

_tmp = Path(tempfile.mkdtemp(prefix="dsar-test-"))
SECRET_KEY = os.environ.get("SECRET_KEY") or secrets.token_urlsafe(64)
MEDIA_ROOT = _tmp / "media"
DSAR_FIELD_KEYS = ["3dKPcakc6X4e9lIX1qz_JYe4Hb5FewSBpsx1zKQiBTM="]
DSAR_KEY_DIR = _tmp / "keys"
DSAR_FIELD_KEY_FILE = DSAR_KEY_DIR / "field.keys"
DSAR_LEGACY_FIELD_KEY_FILE = None
DSAR_SEARCH_KEY = "test-search-key-not-secret"
DSAR_SEARCH_KEY_FILE = DSAR_KEY_DIR / "search.key"
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CELERY_TASK_ALWAYS_EAGER = os.environ.get("CELERY_TASK_ALWAYS_EAGER", "true") == "true"
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "memory://")
CELERY_BROKER_TRANSPORT_OPTIONS = broker_transport_options(CELERY_BROKER_URL)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
STATIC_ROOT = _tmp / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# Each test process counts rate limits in its own memory (tests clear the cache, which must never
# reach a shared Redis named by REDIS_URL); only an explicit CACHE_URL, which the tests of sharing
# across processes give their own Redis, changes that.
if not os.environ.get("CACHE_URL"):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
DSAR_DEMO_ALLOWED = True


# Tests make many requests quickly; the throttle tests set their own low rates.
DSAR_API_THROTTLE_RATES = {"user": "100000/hour", "address": "100000/hour"}
