"""Resurs settings: one module, every deployment-specific value from the environment (see .env.example)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from config.env import env_bool, env_int, env_list, env_str
from resurs.core.brand import DEFAULT_BRAND_COLOR, validated_brand_color

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("RESURS_VAR_DIR", str(BASE_DIR / "var")))
# Public data the demo, the tests and the benchmarks read (see data/PROVENANCE.md): inside the repository.
DATA_DIR = BASE_DIR / "data"

DEBUG = env_bool("DEBUG", default=True)
# matplotlib builds its font cache once per config folder: keep it where the app can write and reuse it.
os.environ.setdefault("MPLCONFIGDIR", str(VAR_DIR / "matplotlib"))
TESTING = "pytest" in sys.modules or env_bool("RESURS_TESTING", default=False)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is false.")
    SECRET_KEY = "insecure-local-development-key-only-for-debug-mode-0123456789abcdef"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "django_htmx",
    "django_filters",
    "auditlog",
    "django_tasks",
    "django_tasks_db",
    "resurs.core",
    "resurs.notifications",
    "resurs.accounts",
    "resurs.registry",
    "resurs.criteria",
    "resurs.grants",
    "resurs.reviews",
    "resurs.learning",
    "resurs.events",
    "resurs.outreach",
    "resurs.cooperation",
    "resurs.research",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Before CSRF, which reads the form: cuts off an oversized upload and reports it beside its field.
    "resurs.core.uploads.UploadLimitMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

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
                "resurs.core.context_processors.site",
            ],
            "builtins": ["django.templatetags.i18n", "django.templatetags.static"],
        },
    }
]

# --- Database ---------------------------------------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'resurs.sqlite3'}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000;",
        "transaction_mode": "IMMEDIATE",
    }
    # A file (not memory) so that the live server of the browser tests shares it; named after the main database.
    DATABASES["default"]["TEST"] = {
        "NAME": str(VAR_DIR / f"test_{Path(DATABASES['default']['NAME']).stem}.sqlite3")
    }
else:
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
IS_POSTGRES = DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache, sessions and throttling state (issue 17) ------------------------------------------------------
# In-process (LocMem) by default: one process, nothing to run. With several app processes set CACHE_URL to a Redis
# server (redis://127.0.0.1:6379/1): precomputed analysis pages, sessions (cached_db: read from Redis, written
# through to the database) and API throttling state are then shared by every process.
CACHE_URL = env_str("CACHE_URL", "")
if CACHE_URL:
    if not CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
        raise ImproperlyConfigured("CACHE_URL must be a Redis address: redis://host:6379/1")
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "resurs"),
            "TIMEOUT": env_int("CACHE_TIMEOUT", 7 * 24 * 3600),
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "resurs",
            "TIMEOUT": env_int("CACHE_TIMEOUT", 7 * 24 * 3600),
            "OPTIONS": {"MAX_ENTRIES": 2000},
        }
    }

# --- Background work (django-tasks: Django 6's tasks API, backported) --------------------------------------
# Inline by default; in production TASK_BACKEND=django_tasks_db.DatabaseBackend and run `manage.py db_worker`.
TASKS = {"default": {"BACKEND": env_str("TASK_BACKEND", "django_tasks.backends.immediate.ImmediateBackend")}}

# --- Accounts: django-allauth (see docs/decisions/0008-accounts-allauth-mfa.md) ----------------------------
# Sign-in by username or e-mail, self sign-up with a verified e-mail, two factors (TOTP and recovery codes), rate
# limits on sign-in, sign-up and password reset. Our templates come first (resurs.accounts precedes allauth).
INSTALLED_APPS += ["allauth", "allauth.account", "allauth.mfa", "health_check"]
MIDDLEWARE += [
    "allauth.account.middleware.AccountMiddleware",
    # A role that needs two factors reaches nothing but enrolment until an authenticator is set up.
    "resurs.accounts.middleware.TwoFactorRequiredMiddleware",
]
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:dashboard"
LOGOUT_REDIRECT_URL = "core:home"
ACCOUNT_ADAPTER = "resurs.accounts.adapters.AccountAdapter"
ACCOUNT_FORMS = {"login": "resurs.accounts.forms.LoginForm", "signup": "resurs.accounts.forms.SignupForm"}
ACCOUNT_USER_DISPLAY = "resurs.accounts.adapters.user_display"
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = [
    "email*",
    "password1*",
    "password2*",
]  # the username is made from the name and e-mail
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_CHANGE_EMAIL = True  # one address per account; a new one is verified before it replaces the old
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_PREVENT_ENUMERATION = True
# Where a newly signed-up representative goes after the first sign-in: find their organisation and ask to act
# for it (a URL name; the registry owns the page).
ACCOUNT_ONBOARDING_URL = "registry:represent"
# Rate limits (allauth's format: amount/period/per; kept in Django's cache, so CACHES decides whether several
# processes share them). Five wrong passwords for one account lock it for 15 minutes (or until an administrator
# unlocks it); token creation has its own limit.
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/15m/key",
    "signup": "10/h/ip",
    "reset_password": "20/m/ip,5/h/key",
    "reset_password_from_key": "20/m/ip",
    "change_password": "5/m/user",
    "api_token_create": "10/h/user",
}
# Behind reverse proxies that append X-Forwarded-For, how many of them to trust (1 behind one nginx): the per-IP
# limits then count the client's address, not the proxy's. 0 (default) trusts no header.
ALLAUTH_TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
MFA_ADAPTER = "resurs.accounts.adapters.MFAAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_RECOVERY_CODE_COUNT = 10
# Roles whose users must have a second factor. Default: the roles that decide on money and read personal data,
# in production; none in DEBUG (the demo stays easy to try). Comma-separated role values; "none" for none.
MFA_REQUIRED_ROLES = [
    role
    for role in env_list(
        "MFA_REQUIRED_ROLES", [] if DEBUG else ["admin", "staff", "programme_manager", "expert"]
    )
    if role != "none"
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# --- Internationalisation ---------------------------------------------------------------------------------
LANGUAGE_CODE = "ru"
LANGUAGES = [("ru", _("Russian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "Europe/Moscow")
# Whose public holidays are not working days (consultation deadlines): an ISO country code python-holidays knows.
WORKING_CALENDAR = env_str("WORKING_CALENDAR", "RU")
USE_I18N = True
USE_TZ = True
LANGUAGE_COOKIE_NAME = "resurs_language"

# --- Static and media files -------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "static")))
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist"),
    ("vendor/echarts", BASE_DIR / "node_modules" / "echarts" / "dist"),
    ("vendor/sigma", BASE_DIR / "node_modules" / "sigma" / "dist"),
    ("vendor/graphology", BASE_DIR / "node_modules" / "graphology" / "dist"),
    ("vendor/graphology-library", BASE_DIR / "node_modules" / "graphology-library" / "dist"),
    ("vendor/html5-qrcode", BASE_DIR / "node_modules" / "html5-qrcode"),
]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
MAX_UPLOAD_MB = env_int("MAX_UPLOAD_MB", 50)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if env_bool("STATIC_MANIFEST", default=not DEBUG and not TESTING)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# --- Private files and uploads (resurs/core/files.py, resurs/core/uploads.py, docs/decisions/0007) ---------
# Every uploaded file lives in STORAGES["private"], never served by URL: handed out only by views that
# authorise, through nginx's X-Accel-Redirect (PRIVATE_FILES_ACCEL_PREFIX) or S3 presigned URLs.
PRIVATE_MEDIA_ROOT = Path(env_str("PRIVATE_MEDIA_ROOT", str(VAR_DIR / "private")))
if PRIVATE_MEDIA_ROOT.resolve().is_relative_to(MEDIA_ROOT.resolve()):
    raise ImproperlyConfigured(
        "PRIVATE_MEDIA_ROOT must not be inside MEDIA_ROOT, which may be served publicly."
    )
PRIVATE_FILES_ACCEL_PREFIX = env_str("PRIVATE_FILES_ACCEL_PREFIX", "")  # e.g. /_private/ (see README)
PRIVATE_FILES_URL_SECONDS = env_int("PRIVATE_FILES_URL_SECONDS", 60)  # life of an S3 presigned URL
STORAGE_BACKEND = env_str("STORAGE_BACKEND", "local")
if STORAGE_BACKEND == "local":
    STORAGES["private"] = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(PRIVATE_MEDIA_ROOT), "base_url": None},
    }
elif STORAGE_BACKEND == "s3":
    if not env_str("S3_BUCKET"):
        raise ImproperlyConfigured("STORAGE_BACKEND=s3 needs S3_BUCKET (and usually S3_ENDPOINT_URL, keys).")
    S3_OPTIONS = {
        "bucket_name": env_str("S3_BUCKET"),
        "endpoint_url": env_str("S3_ENDPOINT_URL") or None,
        "region_name": env_str("S3_REGION") or None,
        "access_key": env_str("S3_ACCESS_KEY_ID") or None,
        "secret_key": env_str("S3_SECRET_ACCESS_KEY") or None,
        "addressing_style": env_str("S3_ADDRESSING_STYLE") or None,  # "path" for MinIO
        "signature_version": "s3v4",
        "default_acl": None,
        "querystring_auth": True,
        "querystring_expire": PRIVATE_FILES_URL_SECONDS,
        "file_overwrite": False,
    }
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {**S3_OPTIONS, "location": "public"},
    }
    STORAGES["private"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {**S3_OPTIONS, "location": "private"},
    }
else:
    raise ImproperlyConfigured(f"STORAGE_BACKEND must be local or s3, not {STORAGE_BACKEND!r}")
# The first handler stops reading an upload past MAX_UPLOAD_MB (or a view's smaller upload_limit).
FILE_UPLOAD_HANDLERS = [
    "resurs.core.uploads.LimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

# --- E-mail -----------------------------------------------------------------------------------------------
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", default=False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Resurs <noreply@resurs.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Security ---------------------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=True)
    if env_bool("BEHIND_TLS_PROXY", default=False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# models.W040: the registry's covering index of live organisations (INCLUDE kind) is a PostgreSQL optimisation;
# SQLite builds it as a plain index, which is all it needs, and `make run` should not print a warning about it.
SILENCED_SYSTEM_CHECKS = ["models.W040", *env_list("SILENCED_SYSTEM_CHECKS", [])]

# --- Audit log (django-auditlog) --------------------------------------------------------------------------
AUDITLOG_INCLUDE_ALL_MODELS = False
AUDITLOG_DISABLE_REMOTE_ADDR = False

# --- Resurs -----------------------------------------------------------------------------------------------
RESURS_NAME = env_str("RESURS_NAME", "")  # empty: the name of the hub centre in the registry
# The brand colour of the header, buttons and links; white text must read on it (checked: WCAG AA, 4.5:1).
RESURS_BRAND_COLOR = validated_brand_color(env_str("RESURS_BRAND_COLOR", DEFAULT_BRAND_COLOR))
NINJA_PAGINATION_PER_PAGE = 50

# --- Design system and Content-Security-Policy (docs/decisions/0004, 0005) -----------------------------------
# Bootstrap 5 forms through django-bootstrap5; ninja serves its API docs from static files, not a CDN.
INSTALLED_APPS += ["django_bootstrap5", "csp", "ninja"]
STATICFILES_DIRS += [
    ("vendor/bootstrap", BASE_DIR / "node_modules" / "bootstrap" / "dist"),
    ("vendor/bootstrap-icons", BASE_DIR / "node_modules" / "bootstrap-icons" / "font"),
]
# A list filter's empty choice reads "All", not "---------".
FILTERS_EMPTY_CHOICE_LABEL = pgettext_lazy("filter choice", "All")
BOOTSTRAP5 = {
    "set_placeholder": False,
    "required_css_class": "required",
    "field_renderers": {"default": "resurs.core.forms_rendering.FieldRenderer"},
}
# Every response says where its scripts, styles and images may come from: this origin only, no inline code.
MIDDLEWARE[1:1] = [
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
]
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],  # Bootstrap draws select arrows and check marks as data: SVG
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
# Powerful browser features nobody here needs are switched off for the site and anything it embeds.
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "usb",
    )
}
PERMISSIONS_POLICY["camera"] = ["self"]  # the check-in desk scans QR tickets with the camera (events)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "weasyprint": {"level": "ERROR"},
        "fontTools": {"level": "ERROR"},
        "django_tasks": {"level": "WARNING"},
    },
}

# --- Operations: /health/ and error reporting --------------------------------------------------------------
# /health/ fails when this many queued background tasks have waited longer than this many minutes.
HEALTH_TASK_BACKLOG_MINUTES = env_int("HEALTH_TASK_BACKLOG_MINUTES", 15)
HEALTH_TASK_BACKLOG_LIMIT = env_int("HEALTH_TASK_BACKLOG_LIMIT", 1)
# Optional error reporting (Sentry or a compatible service such as GlitchTip): off unless SENTRY_DSN is set. No
# personal data is sent (no cookies, user ids, IP addresses or request bodies). The 500 page says "we have been
# notified" only when it is set.
SENTRY_DSN = env_str("SENTRY_DSN")
if SENTRY_DSN and not TESTING:
    import sentry_sdk

    sentry_sdk.init(
        dsn=SENTRY_DSN,
        environment=env_str("SENTRY_ENVIRONMENT", "development" if DEBUG else "production"),
        release=env_str("SENTRY_RELEASE") or None,
        traces_sample_rate=env_int("SENTRY_TRACES_PER_MILLE", 0) / 1000,
        send_default_pii=False,
        max_request_body_size="never",
    )
