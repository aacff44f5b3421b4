"""Settings come from the environment, parsed strictly, with safe laptop defaults (STYLE rule 8)."""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    if raw.lower() in ("1", "true", "yes", "on"):
        return True
    if raw.lower() in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), got {raw!r}")


DEBUG = env_bool("SAMPARK_DEBUG", False)
SECRET_KEY = os.environ.get("SAMPARK_SECRET_KEY") or "dev-only-insecure-key-change-me-in-production-0123456789"
if not DEBUG and "SAMPARK_SECRET_KEY" not in os.environ and os.environ.get("SAMPARK_PRODUCTION"):
    raise ImproperlyConfigured("SAMPARK_SECRET_KEY is required in production")
ALLOWED_HOSTS = [h.strip() for h in os.environ.get("SAMPARK_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",") if h.strip()]

# Demo log-ins print their code on the console and accept it from the outbox; never in production.
SAMPARK_DEMO = env_bool("SAMPARK_DEMO", True)

INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "sampark.core",
    "sampark.org",
    "sampark.people",
    "sampark.directives",
    "sampark.reports",
    "sampark.difficulties",
    "sampark.demo",
    "sampark.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Pages and JSON go compressed to phones that ask (an inbox page shrinks several times over);
    # Django's gzip pads responses against BREACH, and CSRF tokens are masked per response.
    "django.middleware.gzip.GZipMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "sampark.people.middleware.PersonMiddleware",
    "sampark.web.middleware.LanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "sampark.urls"
WSGI_APPLICATION = "sampark.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.messages.context_processors.messages",
                "sampark.web.context.sampark",
            ],
        },
    }
]

DATABASE_URL = os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'sampark.sqlite3'}"
if not DATABASE_URL.startswith(("sqlite:", "postgres:", "postgresql:")):
    raise ImproperlyConfigured("DATABASE_URL must be sqlite:///path or postgres://...")
_db = dj_database_url.parse(DATABASE_URL, conn_max_age=60)
if _db["ENGINE"] == "django.db.backends.sqlite3":
    _db["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000; PRAGMA cache_size=-65536;",
        "transaction_mode": "IMMEDIATE",
    }
    _db["CONN_MAX_AGE"] = 0
    # Tests use a file too, not shared memory: the live server's threads then each get their own
    # connection, as in production, instead of racing on one.
    _db["TEST"] = {"NAME": os.environ.get("SAMPARK_TEST_SQLITE", str(BASE_DIR / "test-sampark.sqlite3"))}
else:
    # No JIT: our statements are short, and PostgreSQL's row estimates for arrays, CTEs and
    # temporary tables are blind, so it compiled plans that then ran in milliseconds (a fold
    # spent more time compiling than running).
    # Prepared statements: Django's cursors bind on the client and never prepare, and psycopg
    # ignores even an explicit prepare=True while prepare_threshold is None (Django's default). A
    # number lets sampark.core.sql.prepared() prepare its few hot statements (nothing is prepared
    # by count: nothing else binds on the server), and a generic plan makes the preparing pay:
    # PostgreSQL otherwise re-plans a prepared statement for each call's values (an
    # acknowledgement's plan cost more than running it). plan_cache_mode touches nothing else.
    _db.setdefault("OPTIONS", {})["options"] = "-c jit=off -c plan_cache_mode=force_generic_plan"
    _db["OPTIONS"]["prepare_threshold"] = 1_000_000
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

SESSION_ENGINE = "django.contrib.sessions.backends.signed_cookies"
SESSION_COOKIE_AGE = 60 * 60 * 24 * 30
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SAMPARK_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

LANGUAGE_CODE = "hi"
LANGUAGES = [("hi", "हिन्दी"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "sampark_lang"
LANGUAGE_COOKIE_AGE = 60 * 60 * 24 * 365
TIME_ZONE = "Asia/Kolkata"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["sampark.formats"]

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
MEDIA_ROOT = Path(os.environ.get("SAMPARK_MEDIA_ROOT", BASE_DIR / "media"))
# Images decoded at once per process (each may take ~130 MB while it is decoded; see core/files.py).
_decodes = os.environ.get("SAMPARK_MAX_IMAGE_DECODES") or "2"
if not _decodes.isdigit() or int(_decodes) < 1:
    raise ImproperlyConfigured(f"SAMPARK_MAX_IMAGE_DECODES must be a whole number of at least 1, got {_decodes!r}")
SAMPARK_MAX_IMAGE_DECODES = int(_decodes)

# SMS channel for one-time codes and messages: "console" writes to the console and the outbox table.
SAMPARK_SMS_CHANNEL = os.environ.get("SAMPARK_SMS_CHANNEL", "console")
if SAMPARK_SMS_CHANNEL not in ("console",):
    raise ImproperlyConfigured("SAMPARK_SMS_CHANNEL must be one of: console")
# Sends of login codes allowed per phone and per IP address in one hour.
SAMPARK_OTP_PER_PHONE_HOUR = int(os.environ.get("SAMPARK_OTP_PER_PHONE_HOUR") or 5)
SAMPARK_OTP_PER_IP_HOUR = int(os.environ.get("SAMPARK_OTP_PER_IP_HOUR", "30"))


# Directives: how they go out beyond the app. (When reminders and escalations go out is a policy
# in the database, see core.policies.)
SAMPARK_DIRECTIVE_CHANNEL = os.environ.get("SAMPARK_DIRECTIVE_CHANNEL", "console")
if SAMPARK_DIRECTIVE_CHANNEL not in ("console", "sms", "whatsapp", "none"):
    raise ImproperlyConfigured("SAMPARK_DIRECTIVE_CHANNEL must be one of: console, sms, whatsapp, none")
SAMPARK_GATEWAY_URL = os.environ.get("SAMPARK_GATEWAY_URL", "")
SAMPARK_GATEWAY_TOKEN = os.environ.get("SAMPARK_GATEWAY_TOKEN", "")
if SAMPARK_DIRECTIVE_CHANNEL in ("sms", "whatsapp") and not SAMPARK_GATEWAY_URL:
    raise ImproperlyConfigured("SAMPARK_GATEWAY_URL is needed when SAMPARK_DIRECTIVE_CHANNEL is sms or whatsapp")
for _moved in ("SAMPARK_DIRECTIVE_REMIND_BEFORE_MINUTES", "SAMPARK_DIRECTIVE_ESCALATION_MINUTES",
               "SAMPARK_DIRECTIVE_SILENT_BELOW_PERCENT"):
    if os.environ.get(_moved):
        raise ImproperlyConfigured(f"{_moved} is no longer read: it is a policy in the database now "
                                   "(sampark policy --list, sampark policy --set KEY=VALUE)")

# Geography and names for the demo and the maps; they ship in sampark/data with their licences.
SAMPARK_DATA_DIR = Path(os.environ.get("SAMPARK_DATA_DIR") or Path(__file__).resolve().parent / "data")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"sampark": {"handlers": ["console"], "level": os.environ.get("SAMPARK_LOG_LEVEL", "INFO")}},
}
