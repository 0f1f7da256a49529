"""PEELtrack settings.

One file, read from environment variables. DEBUG is off unless set, and production
(DEBUG off) refuses to start without a real SECRET_KEY, ALLOWED_HOSTS and a server
database: each refusal names the variable to set. Development and the tests set
DEBUG=1 explicitly (the Makefile, tests/settings.py). docs/deploy.md lists every variable.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or not value.strip():
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from None


def refuse(variable: str, why: str):
    raise ImproperlyConfigured(f"Set {variable}: {why} (DEBUG is off, so this is production).")


DEV_SECRET_KEY = "django-insecure-peeltrack-development-only"
DEBUG = env_bool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY", "").strip() or DEV_SECRET_KEY
if not DEBUG and SECRET_KEY == DEV_SECRET_KEY:
    refuse("SECRET_KEY", "a long random value; the development key must not be used")
if not DEBUG and len(SECRET_KEY) < 50:
    refuse("SECRET_KEY", "at least 50 random characters")

if not DEBUG and not env_list("ALLOWED_HOSTS", ""):
    refuse("ALLOWED_HOSTS", "the host names people reach the site at, comma-separated")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

DATABASE_URL = os.environ.get("DATABASE_URL", "").strip()
if not DEBUG and not DATABASE_URL:
    refuse("DATABASE_URL", "the PostgreSQL database, e.g. postgres://peeltrack@db:5432/peeltrack")
if not DEBUG and DATABASE_URL.startswith("sqlite"):
    refuse("DATABASE_URL", "a PostgreSQL database; SQLite is for development only")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "knox",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "crispy_forms",
    "crispy_forms_gds",
    "django_tasks",
    "django_tasks_db",
    # PEELtrack's own apps, bottom layer first: each imports only from those above it
    # in this list (import-linter checks it; see docs/architecture.md).
    "ui",
    "api",
    "forces",
    "audit",
    "accounts",
    "inspections",
    "actions",
    "governance",
    "notifications",
    "exports",
    "peeltrack",
]

MIDDLEWARE = [
    # Health probes are answered first: no host check, HTTPS redirect, session or log line.
    "peeltrack.health.HealthCheckMiddleware",
    # The request id and one JSON log line per request, whatever happens inside.
    "peeltrack.logs.RequestLogMiddleware",
    # A body over REQUEST_MAX_BYTES is refused before anything reads it.
    "peeltrack.uploads.RequestBodyLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, so it sees a view's exception first: a database outage answers 503.
    "peeltrack.errors.DatabaseOutageMiddleware",
]

ROOT_URLCONF = "peeltrack.urls"

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
                "forces.context_processors.membership",
                "notifications.context_processors.unread",
            ],
        },
    },
]

WSGI_APPLICATION = "peeltrack.wsgi.application"

DATABASES = {
    # CONN_MAX_AGE: seconds a worker keeps its database connection between requests.
    # 0 (a connection per request) is safe everywhere; 60 saves the connect on each
    # request once PostgreSQL's max_connections covers every worker of every server.
    # Health checks run on each reuse, so a connection the database dropped is replaced.
    "default": dj_database_url.parse(
        DATABASE_URL or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("CONN_MAX_AGE", 0),
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = os.environ.get("TIME_ZONE", "Europe/London")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]

# Evidence and source reports live outside the web root and are only ever served
# through views that check who may see them. FILE_STORAGE picks where: the local disk
# (one server), Azure Blob Storage or an S3-compatible store (several servers).
FILE_STORAGE = os.environ.get("FILE_STORAGE", "local").strip().lower() or "local"
if FILE_STORAGE == "local":
    DEFAULT_FILE_STORE = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": os.environ.get("MEDIA_ROOT", str(BASE_DIR / "var" / "files"))},
    }
elif FILE_STORAGE == "azure":
    AZURE_CONNECTION_STRING = os.environ.get("AZURE_CONNECTION_STRING", "").strip()
    if not AZURE_CONNECTION_STRING and not os.environ.get("AZURE_ACCOUNT_NAME"):
        raise ImproperlyConfigured(
            "Set AZURE_CONNECTION_STRING (or AZURE_ACCOUNT_NAME with AZURE_ACCOUNT_KEY or "
            "AZURE_SAS_TOKEN): FILE_STORAGE is azure."
        )
    DEFAULT_FILE_STORE = {
        "BACKEND": "peeltrack.storage.AzureStorage",
        "OPTIONS": {
            "connection_string": AZURE_CONNECTION_STRING or None,
            "account_name": os.environ.get("AZURE_ACCOUNT_NAME") or None,
            "account_key": os.environ.get("AZURE_ACCOUNT_KEY") or None,
            "sas_token": os.environ.get("AZURE_SAS_TOKEN") or None,
            "azure_container": os.environ.get("AZURE_CONTAINER", "peeltrack"),
            "timeout": env_int("STORAGE_TIMEOUT", 20),
            # Private: no public or signed URLs are ever made; the app streams downloads.
            "expiration_secs": None,
            "overwrite_files": False,
        },
    }
elif FILE_STORAGE == "s3":
    if not os.environ.get("AWS_STORAGE_BUCKET_NAME"):
        raise ImproperlyConfigured("Set AWS_STORAGE_BUCKET_NAME: FILE_STORAGE is s3.")
    DEFAULT_FILE_STORE = {
        "BACKEND": "peeltrack.storage.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ["AWS_STORAGE_BUCKET_NAME"],
            # Unset for AWS itself; the address of any other S3-compatible store.
            "endpoint_url": os.environ.get("AWS_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("AWS_S3_REGION_NAME") or None,
            # Unset to use the instance's role (boto3's usual credential chain).
            "access_key": os.environ.get("AWS_ACCESS_KEY_ID") or None,
            "secret_key": os.environ.get("AWS_SECRET_ACCESS_KEY") or None,
            "default_acl": "private",
            "file_overwrite": False,
            "querystring_auth": True,
        },
    }
else:
    raise ImproperlyConfigured(f"FILE_STORAGE must be local, azure or s3, not {FILE_STORAGE!r}.")

STORAGES = {
    "default": DEFAULT_FILE_STORE,
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = ["gds"]
CRISPY_TEMPLATE_PACK = "gds"

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "actions:home"
LOGOUT_REDIRECT_URL = "login"

# Uploads: evidence files larger than this are refused with a clear message.
EVIDENCE_MAX_BYTES = env_int("EVIDENCE_MAX_BYTES", 25 * 1024 * 1024)
REPORT_MAX_BYTES = env_int("REPORT_MAX_BYTES", 50 * 1024 * 1024)
# A request body larger than this is refused (413) before anything reads it: the largest
# upload plus room for the form. Set the reverse proxy's limit to the same figure
# (nginx: client_max_body_size; docs/deploy.md).
REQUEST_MAX_BYTES = env_int(
    "REQUEST_MAX_BYTES", max(EVIDENCE_MAX_BYTES, REPORT_MAX_BYTES) + 1024 * 1024
)
# Form fields other than files, held in memory.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 5 * 1024 * 1024)
# Files up to this size stay in memory; larger ones go to an anonymous temporary file
# (peeltrack/uploads.py) that the kernel removes whenever its process ends, even killed.
FILE_UPLOAD_MAX_MEMORY_SIZE = env_int("FILE_UPLOAD_MAX_MEMORY_SIZE", 2_621_440)
FILE_UPLOAD_TEMP_DIR = os.environ.get("FILE_UPLOAD_TEMP_DIR") or None
FILE_UPLOAD_HANDLERS = [
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "peeltrack.uploads.AnonymousTemporaryFileUploadHandler",
]

# An action with no update for this many days is "stale".
STALE_AFTER_DAYS = env_int("STALE_AFTER_DAYS", 14)

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30)
# The file backend (django.core.mail.backends.filebased.EmailBackend) writes here.
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", str(BASE_DIR / "var" / "mail"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "peeltrack@localhost")

# Links in emails are absolute: this is the address people reach the site at.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")

# Background work (reminder emails) on django-tasks, the backport of Django 6's tasks.
# The database backend needs no extra server: run `python manage.py db_worker`.
TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
# Only matters once the domain is submitted to the browsers' preload list.
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
if env_bool("BEHIND_TLS_PROXY", False):
    # Trust the proxy's X-Forwarded-Proto only when told the proxy sets it.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
X_FRAME_OPTIONS = "DENY"
# An expired or missing form token gets PEELtrack's own page (peeltrack/errors.py).
CSRF_FAILURE_VIEW = "peeltrack.errors.csrf_failure"

REST_FRAMEWORK = {
    # Scripts send a personal token (made on /api/tokens/); the browser uses its session.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "rest_framework.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_FILTER_BACKENDS": ["api.filters.FilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.PagePagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "api.exceptions.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "api.schema.AutoSchema",
}
# API tokens are knox tokens (only a hash is stored) with a name and a last-used date.
KNOX_TOKEN_MODEL = "accounts.ApiToken"
# knox's own migrations create its default token table even when the model is
# swapped out; it would be an unused table that blocks flushes. Leave it out.
MIGRATION_MODULES = {"knox": None}
REST_KNOX = {"TOKEN_PREFIX": "peel_", "AUTH_HEADER_PREFIX": "Token"}
SPECTACULAR_SETTINGS = {
    "TITLE": "PEELtrack API",
    "DESCRIPTION": (
        "Everything the PEELtrack pages do, for integrations and analysts. Authenticate with "
        "a personal token (`Authorization: Token <secret>`, made on /api/tokens/) or a "
        "signed-in session. You see exactly what you see on the pages: another force's "
        "records answer 404. List filters are the pages' filters: the same query string "
        "gives the same rows. Errors share one JSON shape (`status`, `code`, `detail`, and "
        "`errors` per field)."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema and docs map every endpoint and filter: for signed-in users only.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "ActionStatus": "actions.models.Status",
        "Rag": "actions.models.RAG",
        "Priority": "actions.models.Priority",
        "Marking": "actions.models.Marking",
        "Outcome": "governance.models.Outcome",
        "Role": "forces.models.Role",
        "EvidenceKind": "actions.models.Evidence.Kind",
        "ExtensionState": "governance.models.ExtensionRequest.State",
        "FindingKind": "inspections.models.FindingKind",
        "Theme": "inspections.models.Theme",
        "Grade": "inspections.models.Grade",
        "Pillar": "inspections.models.Pillar",
        "ForceProgress": "inspections.models.ForceProgress",
        "InspectorateStatus": "inspections.models.InspectorateStatus",
    },
}

# One JSON line per record in production (peeltrack/logs.py): one per request, one per
# background job, each with the request id; plain text while developing.
LOG_FORMAT = os.environ.get("LOG_FORMAT", "text" if DEBUG else "json").strip().lower()
if LOG_FORMAT not in {"json", "text"}:
    raise ImproperlyConfigured(f"LOG_FORMAT must be json or text, not {LOG_FORMAT!r}.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"context": {"()": "peeltrack.logs.ContextFilter"}},
    "formatters": {
        "json": {"()": "peeltrack.logs.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["context"],
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # Django's own console handler would print request errors a second time.
    "loggers": {
        "django": {"handlers": [], "propagate": True},
        # The storage SDK logs every HTTP call at INFO; its warnings and errors are enough.
        "azure": {"level": "WARNING"},
        "botocore": {"level": "WARNING"},
    },
}
