"""Beacon settings, read from the environment.

Local use needs no configuration: an SQLite database, a secret key and a field-encryption
key are created once under ``var/``.  With ``BEACON_ENV=production`` every secret must come
from the environment and the process refuses to start without it.  See docs/configuration.md.
"""

from __future__ import annotations

import os
import secrets
import sys
from pathlib import Path

import dj_database_url
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent  # src/beacon
PROJECT_DIR = BASE_DIR.parent.parent  # repository root
VAR_DIR = Path(os.environ.get("BEACON_VAR_DIR", PROJECT_DIR / "var"))

BEACON_ENV = os.environ.get("BEACON_ENV", "development").strip().lower()
PRODUCTION = BEACON_ENV == "production"
TESTING = "pytest" in sys.modules or os.environ.get("BEACON_TESTING") == "1"


def _env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def _local_secret(name: str, env: str, make: str) -> str:
    """Return ``env`` from the environment; outside production, create it once in var/."""
    value = os.environ.get(env, "").strip()
    if value:
        return value
    if PRODUCTION:
        raise ImproperlyConfigured(
            f"{env} must be set when BEACON_ENV=production (Beacon refuses to start without it)."
        )
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    path = VAR_DIR / name
    if not path.exists():
        value = Fernet.generate_key().decode() if make == "fernet" else secrets.token_urlsafe(64)
        path.write_text(value)
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _local_secret("secret_key", "SECRET_KEY", "token")
# Before BEACON_INDEX_KEY existed, blind indexes were keyed by the oldest field key: a local
# install that already has a field key keeps that key as a second (look-up only) index key.
_LEGACY_INDEX = not os.environ.get("BEACON_INDEX_KEY", "").strip() and (
    bool(os.environ.get("BEACON_FIELD_KEY", "").strip()) or (VAR_DIR / "field_key").exists())
# Comma-separated Fernet keys; the first encrypts, all decrypt (see `beacon keys rotate`).
BEACON_FIELD_KEYS = [k.strip() for k in _local_secret("field_key", "BEACON_FIELD_KEY", "fernet").split(",") if k.strip()]
if _LEGACY_INDEX and not PRODUCTION and not (VAR_DIR / "index_key").exists():
    (VAR_DIR / "index_key").write_text(secrets.token_urlsafe(48) + "," + BEACON_FIELD_KEYS[-1])
    (VAR_DIR / "index_key").chmod(0o600)
# Comma-separated blind-index keys, newest first: the first makes new indexes, all are tried
# on look-ups (see `beacon keys rotate-index` and docs/security.md, "Keys").
BEACON_INDEX_KEYS = [k.strip() for k in _local_secret("index_key", "BEACON_INDEX_KEY", "token").split(",") if k.strip()]

DEBUG = _env_bool("DEBUG", not PRODUCTION)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("DEBUG must be off when BEACON_ENV=production.")

_hosts = os.environ.get("ALLOWED_HOSTS", "")
ALLOWED_HOSTS = [h.strip() for h in _hosts.split(",") if h.strip()] or (
    [] if PRODUCTION else ["127.0.0.1", "localhost", "[::1]", "testserver"]
)
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set when BEACON_ENV=production.")
CSRF_TRUSTED_ORIGINS = [o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",  # `beacon serve` (runserver) also serves static through WhiteNoise
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "beacon.core",
    "beacon.tips",
    "beacon.cases",
    "beacon.monitoring",
    "beacon.survivors",
    "beacon.training",
    "beacon.outreach",
    "beacon.records",
]

MIDDLEWARE = [
    "beacon.core.middleware.RequestIdMiddleware",
    "beacon.core.errors.ApiErrorMiddleware",  # JSON errors under /api/ (404, 413, 500...)
    "django.middleware.security.SecurityMiddleware",
    "beacon.core.headers.SecurityHeadersMiddleware",  # Content-Security-Policy, Permissions-Policy
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "beacon.core.middleware.StaffLanguageMiddleware",  # staff pages in the user's chosen language
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "beacon.core.middleware.BodySizeLimitMiddleware",
    "axes.middleware.AxesMiddleware",
    "beacon.core.middleware.NotFoundPageMiddleware",  # Beacon's 404 page under DEBUG too (not /api/)
]

# Static files are served by the app server itself (WhiteNoise), under gunicorn and under
# Django's development server alike (whitenoise.runserver_nostatic).
MIDDLEWARE.insert(2, "whitenoise.middleware.WhiteNoiseMiddleware")
# The lean intake of JSON tips (issue #14, beacon/tips/intake.py): after the request id and the
# security headers, before the rest; BEACON_TIP_LEAN_INTAKE=0 sends every tip the full way.
MIDDLEWARE.insert(MIDDLEWARE.index("beacon.core.headers.SecurityHeadersMiddleware") + 1,
                  "beacon.tips.intake.LeanIntakeMiddleware")
BEACON_TIP_LEAN_INTAKE = os.environ.get("BEACON_TIP_LEAN_INTAKE", "1") != "0"
# Seconds an enrichment run waits for more tips before it starts (P1 notification stays within 2 s).
BEACON_TIP_ENRICH_DELAY = float(os.environ.get("BEACON_TIP_ENRICH_DELAY", "0.5"))
# Production and `beacon serve` (which sets BEACON_COLLECTED_STATIC=1 and runs collectstatic
# first) serve the collected files: hashed names (when DEBUG is off) and gzip copies. Tests and
# `beacon runserver` read them straight from the apps.
COLLECTED_STATIC = PRODUCTION or os.environ.get("BEACON_COLLECTED_STATIC") == "1"
WHITENOISE_USE_FINDERS = not COLLECTED_STATIC
WHITENOISE_AUTOREFRESH = DEBUG

ROOT_URLCONF = "beacon.urls"
WSGI_APPLICATION = "beacon.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "beacon.core.context_processors.beacon",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------------------
VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASE_URL = os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'beacon.sqlite3'}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=0 if TESTING else 60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers work while one writer writes; IMMEDIATE avoids lock upgrades.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;",
        "transaction_mode": "IMMEDIATE",
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Server-side parameter binding, and a statement run twice on a connection is prepared
    # (psycopg): PostgreSQL parses and plans the hot statements once per connection (a tip
    # submission: 1.7 -> 1.2 ms of database CPU). A pooler in transaction mode (PgBouncer
    # < 1.21) cannot keep prepared statements: set BEACON_PG_PREPARE=0 behind one.
    _prepare = int(os.environ.get("BEACON_PG_PREPARE", "2"))
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"server_side_binding": True, "prepare_threshold": _prepare if _prepare > 0 else None}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {
    # Shared by every app server (rate limits must hold across a scaled-out deployment).
    "default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "beacon_cache"},
}

TASKS = {
    "default": {
        "BACKEND": "django_tasks.backends.immediate.ImmediateBackend"
        if TESTING or os.environ.get("BEACON_TASKS") == "immediate"
        else "django_tasks_db.DatabaseBackend"
    }
}

# --- Authentication -----------------------------------------------------------------------
AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "core:login"
LOGIN_REDIRECT_URL = "core:dashboard"
LOGOUT_REDIRECT_URL = "core_public:home"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_HASHERS = (
    ["django.contrib.auth.hashers.MD5PasswordHasher"]
    if TESTING
    else ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
)
AXES_FAILURE_LIMIT = int(os.environ.get("BEACON_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 1  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "core/locked_out.html"
AXES_ENABLE_ACCESS_FAILURE_LOG = False
AXES_VERBOSE = False
OTP_TOTP_ISSUER = "Beacon"
SESSION_COOKIE_AGE = 8 * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# --- i18n ---------------------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("es", _("Spanish"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Staff pages (no /es/ prefix) take the language from the user's saved choice, else this cookie
# (set by the staff header's switch, also before sign-in), else Accept-Language.  See docs/staff.md.
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = "America/Chicago"
USE_I18N = True
USE_TZ = True

# --- Static files -------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("BEACON_STATIC_ROOT", PROJECT_DIR / "staticfiles"))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if COLLECTED_STATIC
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_ROOT = Path(os.environ.get("BEACON_MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "/media/"
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Deepest nesting of arrays and objects a JSON request body may have (beacon.core.parsers).
BEACON_JSON_MAX_DEPTH = int(os.environ.get("BEACON_JSON_MAX_DEPTH", "32"))
BEACON_PUBLIC_BODY_LIMIT = int(os.environ.get("BEACON_PUBLIC_BODY_LIMIT", str(64 * 1024)))
# Text a tip (docs/tips.md, "Text a tip"): "console" logs replies (development), "twilio" sends them.
BEACON_SMS_PROVIDER = os.environ.get("BEACON_SMS_PROVIDER", "console")
BEACON_SMS_AUTH_TOKEN = os.environ.get("BEACON_SMS_AUTH_TOKEN", "")  # signs inbound webhooks; no token: all refused
BEACON_SMS_ACCOUNT_SID = os.environ.get("BEACON_SMS_ACCOUNT_SID", "")
BEACON_SMS_FROM = os.environ.get("BEACON_SMS_FROM", "")
BEACON_SMS_API_BASE = os.environ.get("BEACON_SMS_API_BASE", "https://api.twilio.com")
BEACON_SMS_RETENTION_DAYS = int(os.environ.get("BEACON_SMS_RETENTION_DAYS", "30"))
# Multipart posts of the tip form and API only: 5 photos of 10 MB plus the rest of the form.
BEACON_TIP_PHOTO_BODY_LIMIT = int(os.environ.get("BEACON_TIP_PHOTO_BODY_LIMIT",
                                                 str(5 * 10 * 1024 * 1024 + BEACON_PUBLIC_BODY_LIMIT)))
# HSDS packages uploaded on /staff/survivors/directory/import/ (larger ones: `beacon hsds import` on the server)
BEACON_HSDS_UPLOAD_MAX_BYTES = int(os.environ.get("BEACON_HSDS_UPLOAD_MAX_BYTES", str(50 * 1024 * 1024)))

# --- API ----------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "beacon.core.api_auth.VerifiedSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "beacon.core.api.Pagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "beacon.core.api.exception_handler",
    # The API takes JSON bodies (a form cannot say null or nest), nesting depth bounded
    # (BEACON_JSON_MAX_DEPTH) before parsing; the ad batch upload also takes a file.
    "DEFAULT_PARSER_CLASSES": ["beacon.core.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "beacon.core.schema.AutoSchema",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Beacon API",
    "DESCRIPTION": "Beacon: Missouri's shared anti-trafficking platform. Public endpoints need no token.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
}

# --- Email --------------------------------------------------------------------------------
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend" if PRODUCTION else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
# A mail relay that asks for a sign-in and TLS (most do): docs/operations.md, first-day setup.
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = _env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = _env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "30"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "beacon@localhost")
BEACON_BASE_URL = os.environ.get("BEACON_BASE_URL", "http://127.0.0.1:8000")
# How long an invitation or MFA-reset enrolment link stays valid (it also works only once).
BEACON_ENROLMENT_LINK_HOURS = int(os.environ.get("BEACON_ENROLMENT_LINK_HOURS", "72"))
PASSWORD_RESET_TIMEOUT = int(os.environ.get("BEACON_PASSWORD_RESET_HOURS", "24")) * 3600

# --- Security -----------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# The CSRF cookie lives for the browser session only, and only pages with a form set it.
CSRF_COOKIE_AGE = None
if PRODUCTION:
    SECURE_SSL_REDIRECT = _env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    if len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5:
        raise ImproperlyConfigured("SECRET_KEY must be at least 50 characters with 5 distinct characters.")

# Rate limits on public forms: "count/seconds".  Counters are named by an HMAC of the client
# address under a random key that exists only for its window (beacon.core.ratelimit); no address
# is stored, and an ended window's counters cannot be linked to one.
_tip_count, _tip_slash, _tip_seconds = os.environ.get("BEACON_RATE_TIP_SUBMIT", "10/3600").partition("/")
BEACON_RATE_LIMITS = {
    "sms_inbound": os.environ.get("BEACON_RATE_SMS_INBOUND", "30/3600"),  # per sender (threading key)
    "tip_submit": os.environ.get("BEACON_RATE_TIP_SUBMIT", "10/3600"),  # accepted tips only
    # Every tip POST, valid or not (a flood of junk posts): by default 6 times tip_submit's count.
    "tip_submit_attempt": os.environ.get("BEACON_RATE_TIP_SUBMIT_ATTEMPT",
                                         f"{6 * int(_tip_count or 10)}/{_tip_seconds or 3600}"),
    "tip_followup": os.environ.get("BEACON_RATE_TIP_FOLLOWUP", "10/900"),
    "public_form": os.environ.get("BEACON_RATE_PUBLIC_FORM", "30/3600"),
}

# Reverse proxies in front of Beacon that append to X-Forwarded-For (0: use REMOTE_ADDR and
# ignore the header).  See beacon.core.client; also used for sign-in throttling and staff audit.
_proxies = os.environ.get("BEACON_TRUSTED_PROXIES", "0").strip() or "0"
if not _proxies.isdigit():
    raise ImproperlyConfigured(f"BEACON_TRUSTED_PROXIES must be a whole number of proxies (0 or more), not {_proxies!r}.")
BEACON_TRUSTED_PROXIES = int(_proxies)
AXES_CLIENT_IP_CALLABLE = "beacon.core.client.client_address"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        # The request logs carry no client address (Django's format has none); keep it so.
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "beacon": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}
