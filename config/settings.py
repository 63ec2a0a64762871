"""Paktwerk settings: one module, driven by environment variables (see .env.example)."""

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env")  # optional; real environment variables win

DEBUG = env.bool("DEBUG", default=False)

SECRET_KEY = env("SECRET_KEY", default="")
if not SECRET_KEY:
    if DEBUG:
        SECRET_KEY = "insecure-development-key-only-for-debug"  # noqa: S105
    else:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Production (DEBUG=0) refuses to start without it."
        )

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "axes",
    "csp",
    "import_export",
    "django_tasks",
    "django_tasks_db",
    "core",
    "schools",
    "mediaplans",
    "funding",
    "devices",
    "imports",
    "procurement",
    "notifications",
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
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "core.middleware.LoginRequiredMiddleware",
    "core.middleware.TenancyScopeMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"

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
                "core.context_processors.paktwerk",
            ],
        },
    },
]

FORM_RENDERER = "core.forms.KernFormRenderer"

WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"].setdefault("ATOMIC_REQUESTS", False)
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # WAL lets the web server and the task worker use the database at the same time.
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].setdefault(
        "init_command", "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
    )
    DATABASES["default"]["OPTIONS"].setdefault("transaction_mode", "IMMEDIATE")
    DATABASES["default"]["OPTIONS"].setdefault("timeout", 20)
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    # Reused connections are checked before use: a database restart costs no 500.
    DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Login throttling (django-axes): lock an account/IP pair after repeated failures.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.25)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)

LANGUAGE_CODE = "de"
LANGUAGES = [("de", _("German")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Berlin"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["config.formats"]

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(BASE_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG

FILE_UPLOAD_MAX_MEMORY_SIZE = env.int("FILE_UPLOAD_MAX_MEMORY_SIZE", default=5 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=10 * 1024 * 1024)
DATA_UPLOAD_MAX_NUMBER_FIELDS = 20000

# Security: secure defaults that `check --deploy` accepts; relaxed only for DEBUG.
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 3600)
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env.bool("BEHIND_TLS_PROXY", default=False) else None
)
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy: our own origin only, nothing external (data protection).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "core.filtering.StableOrderingFilter",
        "rest_framework.filters.SearchFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "core.pagination.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_THROTTLE_RATES": {"anon": "60/min"},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Paktwerk API",
    "DESCRIPTION": "DigitalPakt Schule: Schulträger, Schulen, Geräte, Förderanträge.",
    "VERSION": "1.0.0",
    "OAS_VERSION": "3.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # One named enum per choice set (several apps have fields called status/category).
    "ENUM_NAME_OVERRIDES": {
        "DeviceStatusEnum": "devices.choices.DeviceStatus",
        "DeviceCategoryEnum": "devices.choices.DeviceCategory",
        "LoanStatusEnum": "devices.choices.LoanStatus",
        "DefectStatusEnum": "devices.choices.DefectStatus",
        "StocktakeStatusEnum": "devices.choices.StocktakeStatus",
        "DeviceConditionEnum": "devices.choices.Condition",
        "FundingCategoryEnum": "mediaplans.choices.FundingCategory",
        "ApplicationStatusEnum": "funding.choices.ApplicationStatus",
        "TpekStatusEnum": "funding.choices.TpekStatus",
        "ChangeRequestStatusEnum": "funding.choices.ChangeRequestStatus",
        "PayoutStatusEnum": "funding.choices.PayoutStatus",
        "ProofStatusEnum": "funding.choices.ProofStatus",
        "DecisionKindEnum": "funding.choices.DecisionKind",
        "ConceptStatusEnum": "mediaplans.choices.ConceptStatus",
        "TrainingStatusEnum": "mediaplans.choices.TrainingStatus",
        "RoomKindEnum": "schools.choices.RoomKind",
        "BoardKindEnum": "schools.choices.BoardKind",
        "ProcurementRouteEnum": "funding.choices.ProcurementRoute",
        "CallOffStatusEnum": "procurement.choices.CallOffStatus",
        "InvoiceStatusEnum": "procurement.choices.InvoiceStatus",
        "JointOrderStatusEnum": "procurement.choices.JointOrderStatus",
        "NotificationKindEnum": "notifications.choices.Kind",
    },
}

# Background work: django-tasks with its database backend (immediate in config/settings_test.py).
TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks.backends.immediate.ImmediateBackend"
            if env.bool("TASKS_IMMEDIATE", default=False)
            else "django_tasks_db.DatabaseBackend"
        )
    }
}

SIMPLE_HISTORY_REVERT_DISABLED = True
IMPORT_EXPORT_SKIP_ADMIN_LOG = True

EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="paktwerk@localhost")


# Media-education concepts: completeness and review thresholds. [param]
MEDIAPLANS_SECTION_MIN_CHARS = env.int("MEDIAPLANS_SECTION_MIN_CHARS", default=150)
MEDIAPLANS_REVIEW_AFTER_YEARS = env.int("MEDIAPLANS_REVIEW_AFTER_YEARS", default=2)

# Product parameters that are configuration, never constants.
PAKTWERK = {
    "SITE_NAME": "Paktwerk",
    "BASE_URL": env("BASE_URL", default="http://127.0.0.1:8000"),
    "LOAN_RETENTION_MONTHS": env.int("LOAN_RETENTION_MONTHS", default=6),
    "IMPORT_MAX_UPLOAD_BYTES": env.int("IMPORT_MAX_UPLOAD_BYTES", default=50 * 1024 * 1024),
    "IMPORT_MAX_ROWS": env.int("IMPORT_MAX_ROWS", default=200_000),
    "IMPORT_MAX_UNCOMPRESSED_BYTES": env.int(
        "IMPORT_MAX_UNCOMPRESSED_BYTES", default=400 * 1024 * 1024
    ),
    "IMPORT_MAX_COMPRESSION_RATIO": env.int("IMPORT_MAX_COMPRESSION_RATIO", default=100),
    "IMPORT_INLINE_ROWS": env.int("IMPORT_INLINE_ROWS", default=2000),
    "IMPORT_ENGINE": env("IMPORT_ENGINE", default="fast"),
}


# ---------------------------------------------------------------------------
# Operations (issue 17): health, logs, metrics, error reports, media storage,
# protected downloads, scheduler and worker. See docs/operations.md.
# ---------------------------------------------------------------------------
MIDDLEWARE.insert(0, "core.middleware.HealthCheckMiddleware")  # before the HTTPS redirect
MIDDLEWARE.insert(1, "django_prometheus.middleware.PrometheusBeforeMiddleware")
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
    "core.observability.RequestContextMiddleware",
)
MIDDLEWARE.append("django_prometheus.middleware.PrometheusAfterMiddleware")
INSTALLED_APPS.append("django_prometheus")
SECURE_REDIRECT_EXEMPT = [r"^healthz/$"]

# Health endpoint: a worker heartbeat older than this is "stale".
HEALTH_WORKER_MAX_AGE_SECONDS = env.int("HEALTH_WORKER_MAX_AGE_SECONDS", default=120)
HEALTH_REQUIRE_WORKER = env.bool(
    "HEALTH_REQUIRE_WORKER",
    default=not (DEBUG or env.bool("TASKS_IMMEDIATE", default=False)),
)
HEALTH_MIGRATIONS_CACHE_SECONDS = env.int("HEALTH_MIGRATIONS_CACHE_SECONDS", default=30)

# Prometheus metrics at /metrics: never public (bearer token or IP allow-list).
METRICS_TOKEN = env("METRICS_TOKEN", default="")
METRICS_ALLOWED_IPS = env.list("METRICS_ALLOWED_IPS", default=[])

# Logs: JSON lines (request id, user id; never pupil data) unless LOG_FORMAT=text.
LOG_FORMAT = env("LOG_FORMAT", default="text" if DEBUG else "json")
ADMINS = [(address, address) for address in env.list("ADMINS", default=[])]
SERVER_EMAIL = env("SERVER_EMAIL", default=DEFAULT_FROM_EMAIL)
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_context": {"()": "core.observability.RequestContextFilter"},
        "require_debug_false": {"()": "django.utils.log.RequireDebugFalse"},
    },
    "formatters": {
        "json": {"()": "core.observability.JsonFormatter"},
        "text": {
            "format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s u%(user_id)s] %(message)s"
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json" if LOG_FORMAT == "json" else "text",
            "filters": ["request_context"],
        },
        "mail_admins": {
            "class": "django.utils.log.AdminEmailHandler",
            "level": "ERROR",
            "filters": ["require_debug_false"],
            "include_html": False,
        },
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="WARNING")},
    "loggers": {
        "django.request": {
            "handlers": ["console"] + (["mail_admins"] if ADMINS else []),
            "level": "ERROR",
            "propagate": False,
        },
        "paktwerk": {"level": env("LOG_LEVEL_PAKTWERK", default="INFO")},
    },
}

# Error reports: to ADMINS by mail (above) and, if set, to Sentry (no personal data).
SENTRY_DSN = env("SENTRY_DSN", default="")
if SENTRY_DSN:
    import sentry_sdk

    sentry_sdk.init(
        dsn=SENTRY_DSN,
        send_default_pii=False,
        environment=env("SENTRY_ENVIRONMENT", default="production"),
        traces_sample_rate=0.0,
    )

STATIC_ROOT = Path(env("STATIC_ROOT", default=str(STATIC_ROOT)))
if not env.bool("STATIC_COMPRESS", default=True) and not DEBUG:
    # hashed names without the gzip/brotli copies: collectstatic in seconds, not minutes
    STORAGES["staticfiles"] = {
        "BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"
    }

# Media: local disk with all-or-nothing writes, or S3-compatible object storage.
MEDIA_STORAGE = env("MEDIA_STORAGE", default="filesystem")  # filesystem | s3
if MEDIA_STORAGE == "s3":
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env("S3_BUCKET"),
            "endpoint_url": env("S3_ENDPOINT_URL", default=None),
            "region_name": env("S3_REGION", default=None),
            "access_key": env("S3_ACCESS_KEY", default=None),
            "secret_key": env("S3_SECRET_KEY", default=None),
            "location": env("S3_PREFIX", default=""),
            "default_acl": None,
            "file_overwrite": False,
            "querystring_auth": True,
        },
    }
elif MEDIA_STORAGE == "filesystem":
    STORAGES["default"] = {"BACKEND": "core.storage.SafeFileSystemStorage"}
else:
    raise ImproperlyConfigured("MEDIA_STORAGE must be 'filesystem' or 's3'.")
# Set (e.g. "/protected-media/") when nginx serves files after the permission check.
MEDIA_ACCEL_REDIRECT_PREFIX = env("MEDIA_ACCEL_REDIRECT_PREFIX", default="")

# Scheduler and workers. Retention periods are parameters, never constants. [param]
SCHEDULER_TICK_SECONDS = env.int("SCHEDULER_TICK_SECONDS", default=30)
IMPORT_FILE_RETENTION_DAYS = env.int("IMPORT_FILE_RETENTION_DAYS", default=30)
JOB_RESULT_RETENTION_DAYS = env.int("JOB_RESULT_RETENTION_DAYS", default=14)
TASK_RESULT_RETENTION_DAYS = env.int("TASK_RESULT_RETENTION_DAYS", default=14)
WORKER_HEARTBEAT_SECONDS = env.int("WORKER_HEARTBEAT_SECONDS", default=10)
JOB_STALE_AFTER_SECONDS = env.int("JOB_STALE_AFTER_SECONDS", default=90)
JOB_MAX_ATTEMPTS = env.int("JOB_MAX_ATTEMPTS", default=2)
# Lists (issue 14): an export of more rows than this, or a bulk action on more
# devices than this, runs as a background job with progress. [param]
LIST_EXPORT_INLINE_MAX = env.int("LIST_EXPORT_INLINE_MAX", default=5000)
BULK_INLINE_MAX = env.int("BULK_INLINE_MAX", default=200)
# ---------------------------------------------------------------------------
# Security (issue 17, point 6): API errors, throttling, tokens, 2FA, OIDC, mail.
# Kept in one block; see docs/decisions.md "Security findings".
# ---------------------------------------------------------------------------
REST_FRAMEWORK["EXCEPTION_HANDLER"] = "core.api_errors.problem_exception_handler"
REST_FRAMEWORK["DEFAULT_SCHEMA_CLASS"] = "core.schema.ProblemAutoSchema"
REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"] = [
    "core.throttling.AnonThrottle",
    "core.throttling.UserThrottle",
]
REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] = {
    "anon": env("API_THROTTLE_ANON", default="60/min"),
    "user": env("API_THROTTLE_USER", default="1200/min"),
    "token": env("API_THROTTLE_TOKEN", default="10/min"),
}
REST_FRAMEWORK["DEFAULT_AUTHENTICATION_CLASSES"] = [
    "core.tokens.ExpiringTokenAuthentication",
    "rest_framework.authentication.SessionAuthentication",
]
#: API tokens expire this many days after they were issued (0 = never; not recommended).
API_TOKEN_TTL_DAYS = env.int("API_TOKEN_TTL_DAYS", default=30)

# One cache shared by every web process and host: the API throttles and rate limits count
# there, so with a per-process memory cache each gunicorn worker would allow its own quota.
# Production default: a table in the database (created by `migrate`, see core.apps);
# development: process memory. Any django-environ cache URL works (e.g. redis://…).
CACHES = {
    "default": env.cache_url(
        "CACHE_URL", default="locmemcache://" if DEBUG else "dbcache://paktwerk_cache"
    )
}

# Production refuses to send mail to the console unless that is chosen explicitly.
if not DEBUG and "EMAIL_BACKEND" not in env.ENVIRON:
    raise ImproperlyConfigured(
        "EMAIL_BACKEND is not set. Production (DEBUG=0) refuses the console mail backend "
        "by default: set EMAIL_BACKEND (e.g. django.core.mail.backends.smtp.EmailBackend "
        "with EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD, EMAIL_USE_TLS)."
    )
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)

# Two-factor authentication (django-otp): required for platform admins and reviewers.
INSTALLED_APPS += [
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
]
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
    "django_otp.middleware.OTPMiddleware",
)
MIDDLEWARE.insert(
    MIDDLEWARE.index("core.middleware.LoginRequiredMiddleware") + 1,
    "core.twofactor.TwoFactorMiddleware",
)
TWO_FACTOR_ENFORCED = env.bool("TWO_FACTOR_ENFORCED", default=True)
OTP_TOTP_ISSUER = env("OTP_TOTP_ISSUER", default="Paktwerk")
REST_FRAMEWORK["DEFAULT_FILTER_BACKENDS"] = [
    "core.filtering.BoundedFilterBackend" if b.endswith("DjangoFilterBackend") else b
    for b in REST_FRAMEWORK["DEFAULT_FILTER_BACKENDS"]
]

# Optional OpenID Connect login (mozilla-django-oidc); existing users only, by e-mail.
OIDC_ENABLED = env.bool("OIDC_ENABLED", default=False)
OIDC_RP_CLIENT_ID = env("OIDC_RP_CLIENT_ID", default="")
OIDC_RP_CLIENT_SECRET = env("OIDC_RP_CLIENT_SECRET", default="")
OIDC_OP_AUTHORIZATION_ENDPOINT = env("OIDC_OP_AUTHORIZATION_ENDPOINT", default="")
OIDC_OP_TOKEN_ENDPOINT = env("OIDC_OP_TOKEN_ENDPOINT", default="")
OIDC_OP_USER_ENDPOINT = env("OIDC_OP_USER_ENDPOINT", default="")
OIDC_OP_JWKS_ENDPOINT = env("OIDC_OP_JWKS_ENDPOINT", default="")
OIDC_RP_SIGN_ALGO = env("OIDC_RP_SIGN_ALGO", default="RS256")
OIDC_RP_SCOPES = "openid email"
OIDC_CREATE_USER = False
OIDC_TIMEOUT = 10
if OIDC_ENABLED:
    AUTHENTICATION_BACKENDS.append("core.oidc.PaktwerkOIDCBackend")

# ---------------------------------------------------------------------------
# Notifications (issue 15): reminders, mail retry and backoff. [param]
# ---------------------------------------------------------------------------
NOTIFICATIONS = {
    # a Verwendungsnachweis is announced this many days before it is due
    "PROOF_DUE_DAYS": env.int("NOTIFY_PROOF_DUE_DAYS", default=60),
    # earmarking and warranty ends are announced this many days ahead
    "ENDING_DAYS": env.int("NOTIFY_ENDING_DAYS", default=90),
    # a defect report should be answered within this many days (Reaktionszeit)
    "DEFECT_RESPONSE_DAYS": env.int("DEFECT_RESPONSE_DAYS", default=5),
    "MAIL_MAX_ATTEMPTS": env.int("NOTIFY_MAIL_MAX_ATTEMPTS", default=8),
    "MAIL_BACKOFF_SECONDS": env.int("NOTIFY_MAIL_BACKOFF_SECONDS", default=60),
    "MAIL_BACKOFF_MAX_SECONDS": env.int("NOTIFY_MAIL_BACKOFF_MAX_SECONDS", default=6 * 3600),
}
# A hanging SMTP server must not hold a worker forever.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=15)
