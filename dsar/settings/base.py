"""Settings shared by every environment.

Everything that differs between machines comes from environment variables; the defaults are the
zero-configuration embedded setup (SQLite, a file-system Celery broker under ``var/``).
"""

import os
import secrets
import time
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("DSAR_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def secret_key_from_file(path: Path) -> str:
    """A random secret created on first use in ``path`` (mode 0600) and read back afterwards.

    The embedded default keeps it in its data folder, like the field key; several processes
    starting at once agree on one key because only the first exclusive create succeeds."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_urlsafe(64))
    for _attempt in range(50):
        key = path.read_text().strip()
        if key:
            return key
        time.sleep(0.01)  # another process created the file and is still writing it
    raise ImproperlyConfigured(f"{path} is empty: delete it to create a new secret key.")


# No default: local.py generates one under var/, test.py one per run, production requires it.
SECRET_KEY = os.environ.get("SECRET_KEY", "")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "dsar.accounts.apps.AdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "dsar.core",
    "dsar.accounts",
    "dsar.directory",
    "dsar.rules",
    "dsar.cases",
    "dsar.letters",
    "dsar.reminders",
    "dsar.responses",
    "dsar.audit",
    "dsar.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "dsar.accounts.middleware.OrganizationMfaMiddleware",
    "dsar.core.middleware.SecurityHeadersMiddleware",
    "dsar.core.middleware.NoStoreForSignedInMiddleware",
    "dsar.audit.context.AuditContextMiddleware",
]

ROOT_URLCONF = "dsar.urls"
WSGI_APPLICATION = "dsar.wsgi.application"
ASGI_APPLICATION = "dsar.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "dsar.core.context_processors.site",
            ],
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'dsar.sqlite3'}"),
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # The web process and the worker share the file. WAL lets readers and one writer work at
    # the same time; a writer waits up to 20 s for another (busy timeout) instead of failing;
    # IMMEDIATE transactions take the write lock when they start, so two transactions never
    # deadlock upgrading from read to write (which SQLite reports at once as "database is
    # locked", whatever the timeout). Tasks keep their transactions short (no PDF rendering or
    # e-mail inside one).
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000;"
            ),
        }
    )
    # The listed-proceeding indexes carry two extra columns (INCLUDE) so PostgreSQL answers the
    # calendar feed's version from the index alone; SQLite builds the same indexes without them.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# django-allauth: e-mail based accounts.
ACCOUNT_ADAPTER = "dsar.accounts.adapter.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
# Mandatory verification (by a code sent by e-mail) is what lets sign-up and password reset
# answer the same whether or not an account exists: allauth then e-mails the owner of an
# existing address instead of saying "already registered".
ACCOUNT_EMAIL_VERIFICATION = os.environ.get("ACCOUNT_EMAIL_VERIFICATION", "mandatory")
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = True
ACCOUNT_DEFAULT_HTTP_PROTOCOL = os.environ.get("ACCOUNT_DEFAULT_HTTP_PROTOCOL", "http")
# Failed logins are counted per client address and per (account, address) — the adapter adds
# the address to allauth's per-account key — so someone guessing a password slows themselves
# down, never the account's owner signing in from elsewhere. Counts live in the cache, which
# every process shares (Redis in production, files under var/ in the embedded default).
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip,100/h/ip,5/5m/key,20/h/key",
}
# Behind a reverse proxy, the number of proxies whose X-Forwarded-For entry is trusted.
ALLAUTH_TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "cases:dashboard"
ACCOUNT_LOGOUT_REDIRECT_URL = "home"

# Two factors: authenticator app codes, recovery codes and passkeys (WebAuthn).
MFA_ADAPTER = "dsar.accounts.adapter.MfaAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_PASSKEY_LOGIN_ENABLED = True
MFA_TOTP_ISSUER = "dsar"

# Sessions last a working day; without "Remember me" they end when the browser closes.
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", str(12 * 3600)))
SESSION_EXPIRE_AT_BROWSER_CLOSE = env_bool("SESSION_EXPIRE_AT_BROWSER_CLOSE", False)
ACCOUNT_SESSION_REMEMBER = None  # the login form offers "Remember me"

# A cache every process shares: rate limits and TOTP replay protection live in it.
CACHE_URL = os.environ.get("CACHE_URL") or os.environ.get("REDIS_URL", "")
if CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": "dsar",
        }
    }
elif CACHE_URL:
    raise ImproperlyConfigured("CACHE_URL must be a redis:// address.")
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("es", _("Spanish"))]
LOCALE_PATHS = [BASE_DIR / "dsar" / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "dsar" / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "/media/"  # never served directly: documents go through permission-checked views
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Uploads: documents are checked by content (see dsar/core/uploads.py). One file may be at most
# DSAR_UPLOAD_MAX_BYTES; the files of one request together at most DSAR_UPLOAD_MAX_TOTAL_BYTES
# (checked by the services); a request body larger than that plus 1 MiB is refused before it is
# read (RequestSizeLimitHandler).
DSAR_UPLOAD_MAX_BYTES = int(os.environ.get("DSAR_UPLOAD_MAX_BYTES", str(10 * 1024 * 1024)))
DSAR_UPLOAD_MAX_TOTAL_BYTES = int(
    os.environ.get("DSAR_UPLOAD_MAX_TOTAL_BYTES", str(25 * 1024 * 1024))
)
DATA_UPLOAD_MAX_MEMORY_SIZE = DSAR_UPLOAD_MAX_BYTES + 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_HANDLERS = [
    "dsar.core.uploads.RequestSizeLimitHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

# Encryption keys live outside the database and outside the data folder. DSAR_FIELD_KEYS is a
# comma-separated list of Fernet keys (the first encrypts, all decrypt, so keys can be rotated);
# it encrypts sensitive fields and wraps each document's own data key. Without it, the embedded
# default keeps its keys in DSAR_KEY_DIR (0700, files 0600), never next to the database.
# Production (settings/production.py) reads only the environment.
_xdg_config = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
DSAR_KEY_DIR = Path(os.environ.get("DSAR_KEY_DIR", Path(_xdg_config) / "dsar" / "keys"))
DSAR_FIELD_KEYS = env_list("DSAR_FIELD_KEYS")
DSAR_FIELD_KEY_FILE: Path | None = Path(
    os.environ.get("DSAR_FIELD_KEY_FILE", DSAR_KEY_DIR / "field.keys")
)
# Where older versions kept the key; moved to DSAR_FIELD_KEY_FILE on first use.
DSAR_LEGACY_FIELD_KEY_FILE: Path | None = VAR_DIR / "field.key"
# The key of the keyed-hash search index (exact search on encrypted names and numbers).
DSAR_SEARCH_KEY = os.environ.get("DSAR_SEARCH_KEY", "")
DSAR_SEARCH_KEY_FILE: Path | None = Path(
    os.environ.get("DSAR_SEARCH_KEY_FILE", DSAR_KEY_DIR / "search.key")
)

# `manage.py demo` creates accounts whose password is in the README: never in production.
DSAR_DEMO_ALLOWED = False

# E-mail
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "20"))  # below the delivery task's limit
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", str(VAR_DIR / "mail"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "dsar <noreply@localhost>")
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# Celery: Redis in production; the embedded default uses kombu's file-system transport.
CELERY_BROKER_URL = (
    os.environ.get("CELERY_BROKER_URL") or os.environ.get("REDIS_URL") or "filesystem://"
)


def broker_transport_options(url: str) -> dict:
    if url == "filesystem://":
        broker_dir = VAR_DIR / "broker"
        return {
            "data_folder_in": str(broker_dir / "queue"),
            "data_folder_out": str(broker_dir / "queue"),
            "processed_folder": str(broker_dir / "processed"),
            "control_folder": str(broker_dir / "control"),
            "store_processed": False,
        }
    if url.startswith(("redis://", "rediss://")):
        # A message not acknowledged within the visibility timeout is redelivered (every task
        # is safe to re-run). Recovery does not wait for it: the work sweep re-publishes rows
        # whose worker died as soon as their lease expires. Short socket timeouts make a
        # request fail fast (and the save still succeed) when Redis is down.
        return {
            "visibility_timeout": int(os.environ.get("CELERY_VISIBILITY_TIMEOUT", "900")),
            "socket_connect_timeout": 2,
            "socket_timeout": 5,
        }
    return {}


CELERY_BROKER_TRANSPORT_OPTIONS = broker_transport_options(CELERY_BROKER_URL)
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_MAX_RETRIES = None  # a worker waits for Redis to come back
# Publishing gives up after about a second: the row stays waiting and the sweep publishes it.
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.3,
    "interval_max": 0.5,
}
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_IGNORE_RESULT = True
# Every task is safe to re-run (it claims its row before acting), so messages are acknowledged
# after the task and a task whose worker process dies is requeued.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_TIMEZONE = "UTC"

# Background work (dsar/core/work.py): a claim's lease, how long a waiting row may go without
# its message being seen before it is published again, and how often the sweep runs. With these
# values a lost message or a killed worker delays work by at most about two minutes.
DSAR_WORK_LEASE_SECONDS = int(os.environ.get("DSAR_WORK_LEASE_SECONDS", "75"))
DSAR_WORK_REENQUEUE_SECONDS = int(os.environ.get("DSAR_WORK_REENQUEUE_SECONDS", "60"))
DSAR_WORK_SWEEP_SECONDS = int(os.environ.get("DSAR_WORK_SWEEP_SECONDS", "30"))
DSAR_DIGEST_HOUR = int(os.environ.get("DSAR_DIGEST_HOUR", "7"))
# The operator health view (/healthz with this token in the X-Health-Token header or the
# ``token`` parameter) reports the database, the broker and the oldest waiting work. Empty:
# only the public ok / not ok answer.
DSAR_HEALTH_TOKEN = os.environ.get("DSAR_HEALTH_TOKEN", "")

CELERY_BEAT_SCHEDULE: dict = {
    "sweep-work": {
        "task": "dsar.core.tasks.sweep_work",
        "schedule": float(DSAR_WORK_SWEEP_SECONDS),
    },
    "refresh-clock-states": {"task": "dsar.rules.tasks.refresh_clock_states", "schedule": 3600.0},
    "sweep-reminders": {"task": "dsar.reminders.tasks.sweep_reminders", "schedule": 300.0},
    "send-reminder-digests": {
        "task": "dsar.reminders.tasks.send_digests",
        "schedule": crontab(hour=DSAR_DIGEST_HOUR, minute=0),
    },
    # Retention of closed cases and expired exports.
    "sweep-data-rights": {"task": "dsar.accounts.tasks.sweep_data_rights", "schedule": 3600.0},
}

# The API throttles' counters live in the shared cache set up above (CACHES: Redis when
# CACHE_URL or REDIS_URL is set, files under var/ in the embedded default), so every web
# process counts the same requests.

REST_FRAMEWORK = {
    # The token class comes first: its "Bearer" challenge makes a missing credential a 401.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "dsar.api.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "dsar.api.permissions.TokenScope",
    ],
    "DEFAULT_THROTTLE_CLASSES": [
        "dsar.api.throttling.UserThrottle",
        "dsar.api.throttling.AddressThrottle",
    ],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PAGINATION_CLASS": "dsar.api.pagination.Pagination",
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "dsar.api.schema.AutoSchema",
    "EXCEPTION_HANDLER": "dsar.api.exceptions.exception_handler",
    "PAGE_SIZE": 50,
    # How many proxies in front of the web processes append to X-Forwarded-For: 0 trusts only
    # the connection's address, so a client cannot pick the address it is throttled as.
    "NUM_PROXIES": int(os.environ.get("DSAR_NUM_PROXIES", "0")),
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
# Requests allowed per user (by token or session; anonymous callers by address) and per
# address (every caller), counted in the shared cache.
DSAR_API_THROTTLE_RATES = {
    "user": os.environ.get("DSAR_API_RATE_USER", "2000/hour"),
    "address": os.environ.get("DSAR_API_RATE_ADDRESS", "5000/hour"),
}
DSAR_API_IMPORT_MAX_CASES = 1000

SPECTACULAR_SETTINGS = {
    "TITLE": "dsar API",
    "DESCRIPTION": (
        "Cases, proceedings, events, clocks, documents, letters, notifications, client "
        "consents and the audit log of the signed-in user (token or session), and the public "
        "directory, planner and deadline "
        'calculator. Errors are JSON: {"detail": message, "errors": {field: [messages]}}. '
        "dsar gives legal information, not legal advice."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "OutcomeEnum": "dsar.cases.models.Outcome",
        "ProceedingStatusEnum": "dsar.cases.models.ProceedingStatus",
        "CaseStatusEnum": "dsar.cases.models.Case.Status",
        "ClockStateEnum": "dsar.cases.models.Clock.State",
        "FactStatusEnum": "dsar.directory.models.FactStatus",
        "LetterStatusEnum": "dsar.letters.models.LetterRequest.Status",
        "DocumentKindEnum": "dsar.letters.models.Document.Kind",
        "EventKindEnum": "dsar.cases.models.EventKind",
    },
    "SCHEMA_PATH_PREFIX": r"/api/v1",
}

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
