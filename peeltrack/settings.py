"""PEELtrack settings.

One file, read from environment variables. DEBUG is off unless set, and production
(DEBUG off) refuses to start without a real SECRET_KEY, ALLOWED_HOSTS and a server
database: each refusal names the variable to set. Development and the tests set
DEBUG=1 explicitly (the Makefile, tests/settings.py). docs/deploy.md lists every variable.
"""

import datetime as dt
import os
from pathlib import Path
from urllib.parse import urlsplit

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

# The Ed25519 private key that signs evidence packs (exports/signing.py), kept like
# SECRET_KEY. Development and the tests derive a fixed one from SECRET_KEY.
PACK_SIGNING_KEY = os.environ.get("PACK_SIGNING_KEY", "").strip()
if not DEBUG and not PACK_SIGNING_KEY:
    refuse(
        "PACK_SIGNING_KEY",
        "the Ed25519 key that signs evidence packs: openssl genpkey -algorithm ed25519 "
        "-outform DER | base64 -w0 (docs/deploy.md)",
    )

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
    # Identity and access (accounts/): sign-in, SSO, two-factor, sessions, lockout.
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "allauth.usersessions",
    "axes",
    "csp",
    # PEELtrack's own apps, bottom layer first: each imports only from those above it
    # in this list (import-linter checks it; see docs/architecture.md).
    "ui",
    "api",
    "forces",
    "audit",
    "accounts",
    "inspections",
    "actions",
    "plans",
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
    # NUL bytes and over-long query values are refused before any view reads them.
    "peeltrack.input.RequestInputMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Identity and access (accounts/middleware.py): who is acting (for the audit
    # trail), session timeouts, two-factor first, refusals audited, no caching of
    # signed-in pages; then the headers, sign-in and lockout libraries.
    "accounts.middleware.RequestContextMiddleware",
    "accounts.middleware.SessionTimeoutMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "accounts.middleware.RequireTwoFactorMiddleware",
    "accounts.middleware.RefusalAuditMiddleware",
    "accounts.middleware.NoStoreMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    # Last: it turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
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
                "accounts.context_processors.session_clock",
            ],
        },
    },
]

WSGI_APPLICATION = "peeltrack.wsgi.application"

DATABASES = {
    # CONN_MAX_AGE: seconds a worker thread keeps its database connection between
    # requests. 60 in production saves a PostgreSQL connect (and its TLS and
    # authentication) on every request, about 2.5 times the requests a second on a light
    # page; each gunicorn thread then holds one connection, so max_connections must cover
    # servers x workers x threads (docs/deploy.md). 0 (a connection per request) behind
    # PgBouncer in transaction mode, and in development. Health checks run before each
    # reuse, so a connection the database dropped (restart, failover) is replaced.
    "default": dj_database_url.parse(
        DATABASE_URL or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("CONN_MAX_AGE", 0 if DEBUG else 60),
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Passwords (NCSC and ASVS V2.1): at least 12 characters, at most 128, not a common or
# breached password (an offline list: see accounts/passwords.py), not like the user's
# own name or email. No composition rules and no expiry.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "accounts.passwords.MaximumLengthValidator"},
    {"NAME": "accounts.passwords.BreachedPasswordValidator"},
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

LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "actions:home"
LOGOUT_REDIRECT_URL = "account_login"

# Uploads: evidence files larger than this are refused with a clear message.
EVIDENCE_MAX_BYTES = env_int("EVIDENCE_MAX_BYTES", 25 * 1024 * 1024)
REPORT_MAX_BYTES = env_int("REPORT_MAX_BYTES", 50 * 1024 * 1024)
PLAN_MAX_BYTES = env_int("PLAN_MAX_BYTES", 20 * 1024 * 1024)
# A request body larger than this is refused (413) before anything reads it: the largest
# upload plus room for the form. Set the reverse proxy's limit to the same figure
# (nginx: client_max_body_size; docs/deploy.md).
REQUEST_MAX_BYTES = env_int(
    "REQUEST_MAX_BYTES", max(EVIDENCE_MAX_BYTES, REPORT_MAX_BYTES, PLAN_MAX_BYTES) + 1024 * 1024
)
# Every upload is checked before it is stored (ui/upload_safety.py): an archive (office
# files are zips) may not expand past these limits, judged without extracting it.
UPLOAD_ZIP_MAX_BYTES = env_int("UPLOAD_ZIP_MAX_BYTES", 200 * 1024 * 1024)
UPLOAD_ZIP_MAX_RATIO = env_int("UPLOAD_ZIP_MAX_RATIO", 100)
UPLOAD_ZIP_MAX_MEMBERS = env_int("UPLOAD_ZIP_MAX_MEMBERS", 5000)
# ...and scanned by ClamAV's daemon: on unless DEBUG (the demo, the tests), and production
# warns when it is off (peeltrack/checks.py). CLAMD_HOST (with CLAMD_PORT) for clamd over
# TCP, otherwise its Unix socket. An upload clamd cannot scan is refused, never kept.
CLAMAV_ENABLED = env_bool("CLAMAV_ENABLED", not DEBUG)
CLAMD_SOCKET = os.environ.get("CLAMD_SOCKET", "").strip() or "/var/run/clamav/clamd.ctl"
CLAMD_HOST = os.environ.get("CLAMD_HOST", "").strip()
CLAMD_PORT = env_int("CLAMD_PORT", 3310)
CLAMD_TIMEOUT = env_int("CLAMD_TIMEOUT", 60)
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
# Secure cookies get the __Host- prefix (ASVS 3.4.4): the browser then refuses them
# from any other host or path, or over plain HTTP.
if SESSION_COOKIE_SECURE:
    SESSION_COOKIE_NAME = "__Host-sessionid"
if CSRF_COOKIE_SECURE:
    CSRF_COOKIE_NAME = "__Host-csrftoken"
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
    # Rate limits (accounts/throttling.py): per token (or signed-in user) here; per
    # address in the token authentication, which runs before credentials are checked.
    "DEFAULT_THROTTLE_CLASSES": ["accounts.throttling.TokenRateThrottle"],
}
API_RATE_PER_TOKEN = os.environ.get("API_RATE_PER_TOKEN", "600/min")
API_RATE_PER_ADDRESS = os.environ.get("API_RATE_PER_ADDRESS", "1200/min")
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

# --- Identity and access (accounts/; README "Identity and access") -------------------
# Sign-in, passwords, single sign-on and two-factor are django-allauth; lockout is
# django-axes; the security headers are django-csp and django-permissions-policy.

AUTHENTICATION_BACKENDS = [
    # First: refuses an account and address that are locked out, before any password check.
    "axes.backends.AxesStandaloneBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]

# Two-factor (TOTP with recovery codes) is required of coordinators, auditors, people
# managers, staff and superusers who sign in with a password. The demo turns it off
# (`make run` sets REQUIRE_2FA=false); production refuses to.
REQUIRE_2FA = env_bool("REQUIRE_2FA", True)
if not DEBUG and not REQUIRE_2FA:
    raise ImproperlyConfigured(
        "REQUIRE_2FA=false is for the demo only: production must require two-factor."
    )

# Sessions end after 30 minutes without a request, and 12 hours after sign-in whatever
# happens; pages warn 5 minutes before. The cookie lasts no longer than the session.
SESSION_IDLE_TIMEOUT = int(os.environ.get("SESSION_IDLE_MINUTES", "30")) * 60
SESSION_ABSOLUTE_TIMEOUT = int(os.environ.get("SESSION_MAX_HOURS", "12")) * 3600
SESSION_WARNING_BEFORE = int(os.environ.get("SESSION_WARNING_MINUTES", "5")) * 60
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_TIMEOUT
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_SAMESITE = "Lax"

# The client's address, for lockout, rate limits and the audit trail: REMOTE_ADDR, or
# the address this many proxies back in X-Forwarded-For (accounts.clients.client_ip).
TRUSTED_PROXY_COUNT = int(
    os.environ.get("TRUSTED_PROXY_COUNT", "1" if env_bool("BEHIND_TLS_PROXY", False) else "0")
)

# The cache holds rate-limit counters (the API's and the sign-in page's). Per-process
# memory is fine for one process (the demo, tests); several processes must share one:
# the database cache (the default with DEBUG off: run `manage.py createcachetable`) or
# Redis (`redis://host:6379/0`, with the `redis` package installed).
CACHE_URL = os.environ.get("CACHE_URL", "locmem://" if DEBUG else "db://peeltrack_cache")
if CACHE_URL.startswith("db://"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": CACHE_URL.removeprefix("db://") or "peeltrack_cache",
        }
    }
elif CACHE_URL.startswith(("redis://", "rediss://")):
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Password reset links work once, for an hour; invitations for three days.
PASSWORD_RESET_TIMEOUT = int(os.environ.get("PASSWORD_RESET_MINUTES", "60")) * 60
INVITATION_TIMEOUT = int(os.environ.get("INVITATION_DAYS", "3")) * 24 * 3600

# django-allauth: sign in by username (or email); nobody signs up by themselves (people
# managers invite, SSO sign-ups wait for approval); the same answer whether or not an
# address is known; rate limits slow repeated failures before axes locks them out.
ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
SOCIALACCOUNT_ADAPTER = "accounts.adapters.SocialAccountAdapter"
MFA_ADAPTER = "accounts.adapters.MFAAdapter"
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "email*", "password1*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_EMAIL_NOTIFICATIONS = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = "PEELtrack: "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http" if DEBUG else "https"
ACCOUNT_RATE_LIMITS = {
    # Slowed: 5 failures for one account in 5 minutes, or 20 from one address in a
    # minute, and the sign-in page asks them to wait.
    "login_failed": "20/m/ip,5/5m/key",
    "reset_password": "20/m/ip,3/10m/key",
}
ACCOUNT_FORMS = {
    "login": "accounts.forms.LoginForm",
    "reset_password": "accounts.forms.ResetPasswordForm",
    "reset_password_from_key": "accounts.forms.ResetPasswordKeyForm",
    "change_password": "accounts.forms.ChangePasswordForm",
    "reauthenticate": "accounts.forms.ReauthenticateForm",
}
MFA_FORMS = {
    "authenticate": "accounts.forms.MFAAuthenticateForm",
    "reauthenticate": "accounts.forms.MFAAuthenticateForm",
    "activate_totp": "accounts.forms.ActivateTOTPForm",
    "deactivate_totp": "accounts.forms.DeactivateTOTPForm",
    "generate_recovery_codes": "accounts.forms.GenerateRecoveryCodesForm",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = os.environ.get("MFA_TOTP_ISSUER", "PEELtrack")
MFA_RECOVERY_CODE_COUNT = 10
USERSESSIONS_TRACK_ACTIVITY = False  # accounts.middleware stamps activity once a minute

# Single sign-on: OpenID Connect with discovery (Microsoft Entra ID or any provider).
# See README "Connecting Microsoft Entra ID". First sign-in makes an inactive account
# that a people manager of OIDC_FORCE approves; an account whose email the provider
# has verified signs in as the person already known by that email.
SOCIALACCOUNT_ONLY = False
SOCIALACCOUNT_AUTO_SIGNUP = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True
SOCIALACCOUNT_LOGIN_ON_GET = False
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_REQUESTS_TIMEOUT = 10
SOCIALACCOUNT_PROVIDERS = {"openid_connect": {"OAUTH_PKCE_ENABLED": True, "APPS": []}}
if os.environ.get("OIDC_SERVER_URL"):
    SOCIALACCOUNT_PROVIDERS["openid_connect"]["APPS"].append(
        {
            "provider_id": os.environ.get("OIDC_PROVIDER_ID", "sso"),
            "name": os.environ.get("OIDC_NAME", "your force account"),
            "client_id": os.environ.get("OIDC_CLIENT_ID", ""),
            "secret": os.environ.get("OIDC_CLIENT_SECRET", ""),
            "settings": {
                "server_url": os.environ["OIDC_SERVER_URL"],
                # PEELtrack's own: whose people managers approve first sign-ins.
                "force": os.environ.get("OIDC_FORCE", ""),
                # Emails in these domains count as verified even without the
                # email_verified claim (Entra ID does not send it).
                "verified_email": env_list("OIDC_VERIFIED_EMAIL_DOMAINS", ""),
            },
        }
    )

OIDC_ORIGINS = [
    "{0.scheme}://{0.netloc}".format(urlsplit(app["settings"]["server_url"]))
    for app in SOCIALACCOUNT_PROVIDERS["openid_connect"]["APPS"]
]

# django-axes: after 10 failed sign-ins for one account from one address, that account
# is locked from that address for an hour, or until a people manager unlocks it. Keyed
# on both, so nobody can lock a colleague out from elsewhere.
AXES_FAILURE_LIMIT = int(os.environ.get("LOCKOUT_AFTER", "10"))
AXES_COOLOFF_TIME = dt.timedelta(minutes=int(os.environ.get("LOCKOUT_MINUTES", "60")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_USERNAME_CALLABLE = "accounts.clients.username_tried"
AXES_CLIENT_IP_CALLABLE = "accounts.clients.axes_client_ip"
AXES_VERBOSE = False
AXES_DISABLE_ACCESS_LOG = True  # sign-ins are in the audit trail
AXES_SENSITIVE_PARAMETERS = ["password", "password1", "password2", "oldpassword", "code"]

# Security headers. No inline script anywhere: page behaviour is in static/js/.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        # data: for the two-factor QR code, drawn as an inline SVG image.
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        # The sign-in button's form redirects to the SSO provider.
        "form-action": ["'self'", *OIDC_ORIGINS, *env_list("CSP_FORM_ACTION", "")],
        "frame-ancestors": ["'none'"],
    }
}
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "encrypted-media",
        "fullscreen",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "picture-in-picture",
        "publickey-credentials-get",
        "screen-wake-lock",
        "usb",
        "xr-spatial-tracking",
    )
}

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
        # django-axes logs each failure and reset; they are in the audit trail already.
        "axes": {"level": "ERROR"},
    },
}
