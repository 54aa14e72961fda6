"""Django settings: every value comes from the environment (see docs/configuration.md)."""

from __future__ import annotations

from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from atrium import config

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = config.data_dir()

SECRET_KEY = config.secret_key(DATA_DIR)
DEBUG = config.env_bool("ATRIUM_DEBUG", False)
ALLOWED_HOSTS = config.env_list("ATRIUM_ALLOWED_HOSTS") or ["127.0.0.1", "localhost", "[::1]"]
CSRF_TRUSTED_ORIGINS = config.env_list("ATRIUM_CSRF_TRUSTED_ORIGINS")
SITE_URL = config.env_str("ATRIUM_SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
    "django_htmx",
    "ninja",  # serves the API docs page's scripts from our static files, not a CDN
    "django_tasks",
    "django_tasks_db",
    "atrium.kernel",
    "atrium.web",
    "atrium.realtime",
    "atrium.notifications",
    "atrium.modules.links",
    "atrium.modules.chat",
    "atrium.modules.drive",
    "atrium.modules.feed",
]

MIDDLEWARE = [
    "atrium.kernel.memo.RequestMemoMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "atrium.web.middleware.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "atrium.web.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "allauth.usersessions.middleware.UserSessionsMiddleware",
    "atrium.web.middleware.FirstRunMiddleware",
    "atrium.web.middleware.RequireMfaMiddleware",
]

ROOT_URLCONF = "atrium.urls"
ASGI_APPLICATION = "atrium.asgi.application"
WSGI_APPLICATION = "atrium.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "web" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "atrium.web.context.shell",
            ],
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        config.env_str("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'atrium.sqlite3'}",
        conn_max_age=config.env_int("ATRIUM_DB_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Requests run on a few long-lived threads (web/requestthreads.py) and websocket
    # database hops on one: each keeps its SQLite connection instead of reopening it.
    DATABASES["default"]["CONN_MAX_AGE"] = config.env_int("ATRIUM_DB_CONN_MAX_AGE", 600)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers and one writer work at once; IMMEDIATE avoids "database is locked"
        # when a read transaction later tries to write.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
        "PRAGMA busy_timeout=5000;",
        "transaction_mode": "IMMEDIATE",
    }
elif config.env_int("ATRIUM_DB_POOL_SIZE", 10) > 0:
    # A pool (psycopg_pool) hands connections back instead of opening one per request and per
    # websocket database hop, whichever thread asks (a request may still get a thread of its
    # own when the long-lived ones are busy, web/requestthreads.py).
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": 1, "max_size": config.env_int("ATRIUM_DB_POOL_SIZE", 10), "timeout": 20,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = config.env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [{"address": REDIS_URL, "max_connections": 1000}]},
        }
    }
else:
    # The database cache is shared by every worker process, which rate limits need.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "atrium_cache",
        }
    }
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

AUTH_USER_MODEL = "kernel.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"

# django-allauth: e-mail addresses are the login; sign-up is governed by the organisation.
ACCOUNT_ADAPTER = "atrium.kernel.accounts.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FORM_CLASS = "atrium.kernel.signup_form.SignupForm"
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_RATE_LIMITS = {
    "login_failed": config.env_str("ATRIUM_LOGIN_RATE", "10/m/ip,5/5m/key"),
    "login": "30/m/ip",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
}
ALLAUTH_TRUSTED_PROXY_COUNT = config.env_int("ATRIUM_TRUSTED_PROXY_COUNT", 0)
ALLAUTH_RATE_LIMIT_IPV6_PREFIX = 64
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_PASSKEY_LOGIN_ENABLED = True
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = DEBUG
MFA_TOTP_ISSUER = config.env_str("ATRIUM_MFA_ISSUER", "Atrium")
USERSESSIONS_TRACK_ACTIVITY = True

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = config.env_int("ATRIUM_SESSION_AGE", 14 * 24 * 3600)
SECURE_COOKIES = config.env_bool("ATRIUM_SECURE_COOKIES", SITE_URL.startswith("https://"))
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if config.env_bool("ATRIUM_BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 31536000
    SECURE_SSL_REDIRECT = True

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("fr", _("French"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = config.env_str("ATRIUM_TIME_ZONE", "Europe/Paris")

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
MEDIA_ROOT = DATA_DIR / "media"
STORAGES: dict[str, dict[str, object]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "atrium.web.staticstorage.CompressedManifestStorage"},
}

# Blob store: local folder by default, S3-compatible storage when ATRIUM_S3_BUCKET is set.
ATRIUM_S3_BUCKET = config.env_str("ATRIUM_S3_BUCKET")
ATRIUM_BLOB_STORAGE: dict[str, object]
if ATRIUM_S3_BUCKET:
    ATRIUM_BLOB_STORAGE = {
        "BACKEND": "atrium.kernel.storage.s3.RangedS3Storage",
        "OPTIONS": {
            "bucket_name": ATRIUM_S3_BUCKET,
            "endpoint_url": config.env_str("ATRIUM_S3_ENDPOINT_URL") or None,
            "access_key": config.env_str("ATRIUM_S3_ACCESS_KEY") or None,
            "secret_key": config.env_str("ATRIUM_S3_SECRET_KEY") or None,
            "region_name": config.env_str("ATRIUM_S3_REGION") or None,
            "location": config.env_str("ATRIUM_S3_PREFIX", "blobs"),
            "file_overwrite": True,
            "default_acl": None,
            "querystring_auth": True,
        },
    }
else:
    ATRIUM_BLOB_STORAGE = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(DATA_DIR / "blobs"), "file_permissions_mode": 0o600},
    }
# Encryption at rest (AES-256-GCM in segments) around either, when a key is configured.
ATRIUM_ENCRYPTION_KEY = config.env_str("ATRIUM_ENCRYPTION_KEY")
if ATRIUM_ENCRYPTION_KEY:
    from atrium.kernel.storage.keys import parse_key

    parse_key(ATRIUM_ENCRYPTION_KEY)  # a malformed key stops the start with a clear message
    ATRIUM_BLOB_STORAGE = {"BACKEND": "atrium.kernel.storage.encrypted.EncryptedStorage",
                           "OPTIONS": {"inner": ATRIUM_BLOB_STORAGE}}
STORAGES["blobs"] = ATRIUM_BLOB_STORAGE
ATRIUM_MAX_UPLOAD_BYTES = config.env_int("ATRIUM_MAX_UPLOAD_BYTES", 100 * 1024 * 1024)
# Resumable (tus) uploads, used by the drive for large files.
ATRIUM_MAX_DRIVE_UPLOAD_BYTES = config.env_int("ATRIUM_MAX_DRIVE_UPLOAD_BYTES", 4 * 1024**3)
# Real-time events are kept this long for clients that reconnect; older ones must reload.
ATRIUM_EVENT_RETENTION_HOURS = config.env_int("ATRIUM_EVENT_RETENTION_HOURS", 168)
ATRIUM_MAX_AVATAR_BYTES = config.env_int("ATRIUM_MAX_AVATAR_BYTES", 5 * 1024 * 1024)
ATRIUM_DRIVE_TRASH_DAYS = config.env_int("ATRIUM_DRIVE_TRASH_DAYS", 30)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_HANDLERS = [
    "atrium.kernel.uploads.SizeLimitUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
(DATA_DIR / "tmp").mkdir(exist_ok=True)
FILE_UPLOAD_TEMP_DIR = str(DATA_DIR / "tmp")
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# E-mail: an SMTP server when ATRIUM_EMAIL_HOST is set, otherwise files in the data folder,
# so no message is lost on an instance that has no mail server yet.
EMAIL_HOST = config.env_str("ATRIUM_EMAIL_HOST")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = config.env_int("ATRIUM_EMAIL_PORT", 587)
    EMAIL_HOST_USER = config.env_str("ATRIUM_EMAIL_USER")
    EMAIL_HOST_PASSWORD = config.env_str("ATRIUM_EMAIL_PASSWORD")
    EMAIL_USE_TLS = config.env_bool("ATRIUM_EMAIL_STARTTLS", EMAIL_PORT == 587)
    EMAIL_USE_SSL = config.env_bool("ATRIUM_EMAIL_SSL", EMAIL_PORT == 465)
    EMAIL_TIMEOUT = 15
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = str(DATA_DIR / "mail")
DEFAULT_FROM_EMAIL = config.env_str("ATRIUM_EMAIL_FROM", "Atrium <atrium@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

ATRIUM_INVITATION_DAYS = config.env_int("ATRIUM_INVITATION_DAYS", 14)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": config.env_str("ATRIUM_LOG_LEVEL", "WARNING")},
}

# Notifications (atrium.notifications): digests go out at this local hour of each person, the
# weekly one on this weekday (0 = Monday).
NOTIFICATIONS_DIGEST_HOUR = min(23, max(0, config.env_int("ATRIUM_DIGEST_HOUR", 7)))
NOTIFICATIONS_DIGEST_WEEKDAY = min(6, max(0, config.env_int("ATRIUM_DIGEST_WEEKDAY", 0)))
