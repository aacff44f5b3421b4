"""Settings come from the environment, parsed strictly, with safe laptop defaults (STYLE rule 8)."""

import hashlib
import hmac
import os
import secrets
import sys
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


def env_count(name: str, default: int) -> int:
    """A whole number of at least 1."""
    raw = os.environ.get(name) or str(default)
    if not raw.isdigit() or int(raw) < 1:
        raise ImproperlyConfigured(f"{name} must be a whole number of at least 1, got {raw!r}")
    return int(raw)


DEBUG = env_bool("SAMPARK_DEBUG", False)

# The laptop demo (`make run` turns it on): demo log-ins print their code on the console, and the
# keys may come from a random local file. Off unless asked, so a deploy never runs as the demo.
SAMPARK_DEMO = env_bool("SAMPARK_DEMO", False)
DEMO_SECRET_FILE = BASE_DIR / ".sampark-demo-secret"


def _demo_secret() -> str:
    """The demo's random key, made on first use in an ignored file; read only when the demo is on."""
    try:
        fd = os.open(DEMO_SECRET_FILE, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return DEMO_SECRET_FILE.read_text(encoding="ascii").strip()
    value = secrets.token_urlsafe(50)
    with os.fdopen(fd, "w", encoding="ascii") as out:
        out.write(value + "\n")
    return value


# Commands that only read the code (is a migration missing?) serve nothing and sign nothing that
# lasts: they run without the keys, each with a random key of its own.
KEYLESS_COMMANDS = {"makemigrations"}
_KEYLESS = len(sys.argv) > 1 and sys.argv[1] in KEYLESS_COMMANDS


def env_secret(name: str, *, demo_label: str, min_length: int) -> str:
    """A secret from NAME or from the file NAME_FILE names. Outside the demo there is no default:
    the server refuses to start, naming the variable."""
    value, path = os.environ.get(name, ""), os.environ.get(name + "_FILE", "")
    if value and path:
        raise ImproperlyConfigured(f"Set {name} or {name}_FILE, not both")
    if path:
        try:
            value = Path(path).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ImproperlyConfigured(f"{name}_FILE: cannot read {path}: {exc.strerror}") from exc
    if value:
        if len(value) < min_length:
            raise ImproperlyConfigured(f"{name} must be at least {min_length} characters long")
        return value
    if SAMPARK_DEMO:
        return hmac.new(_demo_secret().encode(), demo_label.encode(), hashlib.sha256).hexdigest() * 2
    if _KEYLESS:
        return secrets.token_urlsafe(64)  # for this process only: nothing it signs outlives it
    raise ImproperlyConfigured(
        f"{name} is not set: Sampark does not start without it (outside the demo). Set it to a long "
        f"random value, e.g. python3 -c 'import secrets; print(secrets.token_urlsafe(50))', or set "
        f"{name}_FILE to the path of a file holding one. For the laptop demo, use `make run`.")


# Signs sessions' data, CSRF tokens and messages. Rotating it logs everyone out, nothing more.
SECRET_KEY = env_secret("SAMPARK_SECRET_KEY", demo_label="sampark demo secret key", min_length=50)
# Keys the hashes of login codes and API tokens (people.auth derives one key for each), so
# rotating SECRET_KEY leaves tokens working; rotating this one invalidates every token.
SAMPARK_HASH_KEY = env_secret("SAMPARK_HASH_KEY", demo_label="sampark demo hash key", min_length=32)
ALLOWED_HOSTS = [h.strip() for h in os.environ.get("SAMPARK_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",") if h.strip()]

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
    "sampark.events",
    "sampark.network",
    "sampark.demo",
    "sampark.web",
]

MIDDLEWARE = [
    "sampark.core.requests.RequestIdMiddleware",
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
    "sampark.people.twofactor_middleware.SecondFactorMiddleware",
    "sampark.web.middleware.LanguageMiddleware",
    "sampark.web.middleware.AttentionMiddleware",
    "sampark.people.consent_middleware.ConsentMiddleware",
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

# Sessions live in the database (people.sessions): logging out ends one for good, a person sees
# theirs and ends any, a coordinator ends a member's. The cookie carries only a random key.
SESSION_ENGINE = "sampark.people.sessions"
SAMPARK_SESSION_IDLE_MINUTES = int(os.environ.get("SAMPARK_SESSION_IDLE_MINUTES") or 7 * 24 * 60)
SAMPARK_SESSION_MAX_DAYS = int(os.environ.get("SAMPARK_SESSION_MAX_DAYS") or 30)
if SAMPARK_SESSION_IDLE_MINUTES < 1 or SAMPARK_SESSION_MAX_DAYS < 1:
    raise ImproperlyConfigured("SAMPARK_SESSION_IDLE_MINUTES and SAMPARK_SESSION_MAX_DAYS must be at least 1")
SESSION_COOKIE_AGE = 60 * 60 * 24 * SAMPARK_SESSION_MAX_DAYS
SESSION_COOKIE_HTTPONLY = True
# One-off messages ("sent", an error naming a person) wait in the session, not in a readable cookie.
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

# HTTPS: cookies only over TLS, HTTP redirected to HTTPS, HSTS; on by default outside the demo.
SAMPARK_SECURE_COOKIES = env_bool("SAMPARK_SECURE_COOKIES", not SAMPARK_DEMO)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = LANGUAGE_COOKIE_SECURE = SAMPARK_SECURE_COOKIES
SECURE_SSL_REDIRECT = SAMPARK_SECURE_COOKIES
SECURE_REDIRECT_EXEMPT = [r"^api/v1/healthz$"]  # a load balancer's probe may come over plain HTTP
SECURE_HSTS_SECONDS = int(os.environ.get("SAMPARK_HSTS_SECONDS") or (31_536_000 if SAMPARK_SECURE_COOKIES else 0))
# Behind a proxy that ends TLS, Django sees plain HTTP; trust the proxy's X-Forwarded-Proto only
# when asked (a client could send the header itself when no proxy overwrites it).
if env_bool("SAMPARK_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SILENCED_SYSTEM_CHECKS = [
    # Whether every subdomain serves HTTPS, and whether to join the browsers' HSTS preload list,
    # are the domain owner's decisions (and hard to undo), not the application's.
    "security.W005",
    "security.W021",
]

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

# SMS channel for one-time codes and messages: "console" writes to the console and the outbox table
# (a login code itself only in the demo; the outbox keeps it masked). Tests use "memory".
# "sms" sends them through the DLT SMS provider, "whatsapp" as WhatsApp's authentication template.
SAMPARK_SMS_CHANNEL = os.environ.get("SAMPARK_SMS_CHANNEL", "console")
if SAMPARK_SMS_CHANNEL not in ("console", "sms", "whatsapp"):
    raise ImproperlyConfigured("SAMPARK_SMS_CHANNEL must be one of: console, sms, whatsapp")
# Sends of login codes allowed per phone and per IP address in one hour.
SAMPARK_OTP_PER_PHONE_HOUR = int(os.environ.get("SAMPARK_OTP_PER_PHONE_HOUR") or 5)
SAMPARK_OTP_PER_IP_HOUR = int(os.environ.get("SAMPARK_OTP_PER_IP_HOUR", "30"))
# Retention (the DPDP Act: kept no longer than needed). Login codes serve the hourly caps above, so
# they are kept at least an hour; outbox messages let an operator see what went out.
SAMPARK_RETAIN_LOGIN_CODES_HOURS = env_count("SAMPARK_RETAIN_LOGIN_CODES_HOURS", 24)
SAMPARK_RETAIN_OUTBOX_DAYS = env_count("SAMPARK_RETAIN_OUTBOX_DAYS", 30)
# Whom a member tells a grievance about their data (the privacy notice names it): a name, phone or
# address. Empty: the notice says "your district coordinator, who passes it to the grievance officer".
SAMPARK_GRIEVANCE_CONTACT = os.environ.get("SAMPARK_GRIEVANCE_CONTACT", "").strip()


# Directives: how they go out beyond the app. (When reminders and escalations go out is a policy
# in the database, see core.policies.)
SAMPARK_DIRECTIVE_CHANNEL = os.environ.get("SAMPARK_DIRECTIVE_CHANNEL", "console")
if SAMPARK_DIRECTIVE_CHANNEL not in ("console", "sms", "whatsapp", "none"):
    raise ImproperlyConfigured("SAMPARK_DIRECTIVE_CHANNEL must be one of: console, sms, whatsapp, none")
# The phone channels (sampark.core.gateways). SMS: a bulk-SMS provider's HTTP API under TRAI's DLT rules:
# the account, the registered sender header and the DLT entity id (the template ids are data, in
# sampark/data/message_templates.csv). WhatsApp: the Business Cloud API, its phone number id and token;
# the app secret checks the signature of status callbacks, the verify token answers Meta's handshake.
# The base URLs change only for a provider's other region, or for tests' local fakes.
SAMPARK_SMS_API_URL = os.environ.get("SAMPARK_SMS_API_URL", "https://api.exotel.com")
SAMPARK_SMS_ACCOUNT_SID = os.environ.get("SAMPARK_SMS_ACCOUNT_SID", "")
SAMPARK_SMS_API_KEY = os.environ.get("SAMPARK_SMS_API_KEY", "")
SAMPARK_SMS_API_TOKEN = os.environ.get("SAMPARK_SMS_API_TOKEN", "")
SAMPARK_SMS_SENDER = os.environ.get("SAMPARK_SMS_SENDER", "")
SAMPARK_SMS_DLT_ENTITY_ID = os.environ.get("SAMPARK_SMS_DLT_ENTITY_ID", "")
SAMPARK_WHATSAPP_API_URL = os.environ.get("SAMPARK_WHATSAPP_API_URL", "https://graph.facebook.com/v21.0")
SAMPARK_WHATSAPP_PHONE_ID = os.environ.get("SAMPARK_WHATSAPP_PHONE_ID", "")
SAMPARK_WHATSAPP_TOKEN = os.environ.get("SAMPARK_WHATSAPP_TOKEN", "")
SAMPARK_WHATSAPP_APP_SECRET = os.environ.get("SAMPARK_WHATSAPP_APP_SECRET", "")
SAMPARK_WHATSAPP_VERIFY_TOKEN = os.environ.get("SAMPARK_WHATSAPP_VERIFY_TOKEN", "")
CHANNEL_NEEDS = {
    "sms": ("SAMPARK_SMS_ACCOUNT_SID", "SAMPARK_SMS_API_KEY", "SAMPARK_SMS_API_TOKEN", "SAMPARK_SMS_SENDER",
            "SAMPARK_SMS_DLT_ENTITY_ID"),
    "whatsapp": ("SAMPARK_WHATSAPP_PHONE_ID", "SAMPARK_WHATSAPP_TOKEN", "SAMPARK_WHATSAPP_APP_SECRET",
                 "SAMPARK_WHATSAPP_VERIFY_TOKEN"),
}
for _chooser, _chosen in (("SAMPARK_SMS_CHANNEL", SAMPARK_SMS_CHANNEL),
                          ("SAMPARK_DIRECTIVE_CHANNEL", SAMPARK_DIRECTIVE_CHANNEL)):
    for _needed in CHANNEL_NEEDS.get(_chosen, ()):
        if not globals()[_needed]:
            raise ImproperlyConfigured(f"{_needed} is not set: it is needed when {_chooser} is {_chosen}")
if SAMPARK_SMS_SENDER and not (len(SAMPARK_SMS_SENDER) == 6 and SAMPARK_SMS_SENDER.isalpha()):
    raise ImproperlyConfigured("SAMPARK_SMS_SENDER must be the 6-letter sender header registered on DLT")
for _moved in ("SAMPARK_DIRECTIVE_REMIND_BEFORE_MINUTES", "SAMPARK_DIRECTIVE_ESCALATION_MINUTES",
               "SAMPARK_DIRECTIVE_SILENT_BELOW_PERCENT"):
    if os.environ.get(_moved):
        raise ImproperlyConfigured(f"{_moved} is no longer read: it is a policy in the database now "
                                   "(sampark policy --list, sampark policy --set KEY=VALUE)")

# Geography and names for the demo and the maps; they ship in sampark/data with their licences.
SAMPARK_DATA_DIR = Path(os.environ.get("SAMPARK_DATA_DIR") or Path(__file__).resolve().parent / "data")

# The second factor (sampark.people.twofactor): passkeys are bound to this host name and origin,
# and revealing phone numbers in bulk asks the factor again when it is older than this.
SAMPARK_WEBAUTHN_RP_ID = os.environ.get("SAMPARK_WEBAUTHN_RP_ID") or "localhost"
SAMPARK_WEBAUTHN_ORIGIN = [o.strip() for o in (os.environ.get("SAMPARK_WEBAUTHN_ORIGIN") or "").split(",") if o.strip()]
SAMPARK_STEP_UP_MINUTES = int(os.environ.get("SAMPARK_STEP_UP_MINUTES") or 10)

# Server errors (django.request) are logged with the request's id and without personal data:
# phone-like digit runs are masked, and no request body or cookie is written (core.requests).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "sampark.core.requests.RequestIdFilter"}},
    "formatters": {"plain": {"()": "sampark.core.requests.RedactingFormatter",
                             "format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["request_id"], "formatter": "plain"}},
    "loggers": {
        "sampark": {"handlers": ["console"], "level": os.environ.get("SAMPARK_LOG_LEVEL", "INFO")},
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        "django.security": {"handlers": ["console"], "level": "WARNING", "propagate": False},
    },
}
