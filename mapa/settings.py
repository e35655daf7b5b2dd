"""Django settings for Mapa, read from the environment through ``mapa.env``.

``MAPA_ENV`` selects the profile: ``production`` (the default, so that a server
that forgets to say what it is gets the safe profile), ``development`` or
``test``. Production refuses to start with DEBUG on, a missing or weak
SECRET_KEY, or empty ALLOWED_HOSTS.
"""

from __future__ import annotations

import re
from pathlib import Path

import django_stubs_ext
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from mapa.env import Env, database_from_url, with_session_settings

django_stubs_ext.monkeypatch()  # lets ModelAdmin[Unit] and friends be written at run time

BASE_DIR = Path(__file__).resolve().parent.parent
env = Env.from_os()

MAPA_ENV = env.choice("MAPA_ENV", ("production", "development", "test"), "production")
IS_PRODUCTION = MAPA_ENV == "production"

_DEV_SECRET_KEY = "mapa-development-only-secret-key-do-not-use-in-production"  # noqa: S105
DEBUG = env.boolean("DEBUG", default=MAPA_ENV == "development")
SECRET_KEY = env.string("SECRET_KEY", default=None if IS_PRODUCTION else _DEV_SECRET_KEY)
ALLOWED_HOSTS = env.strings(
    "ALLOWED_HOSTS", default=[] if IS_PRODUCTION else ["127.0.0.1", "localhost", "[::1]"]
)
CSRF_TRUSTED_ORIGINS = env.strings("CSRF_TRUSTED_ORIGINS", default=[])

if IS_PRODUCTION:
    if DEBUG:
        raise ImproperlyConfigured("DEBUG must be off in production (MAPA_ENV=production)")
    if SECRET_KEY == _DEV_SECRET_KEY or len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5:
        raise ImproperlyConfigured(
            "SECRET_KEY must be a unique random value of at least 50 characters in production"
        )
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("ALLOWED_HOSTS must list the site's host names in production")

DATABASES = {
    "default": database_from_url(
        env.string(
            "DATABASE_URL",
            default=None if IS_PRODUCTION else "postgis://mapa:mapa@127.0.0.1:5432/mapa",
        ),
        # Seconds a connection is kept for the next request. Not in development: the
        # autoreloading server's thread per client connection would each hold one open.
        conn_max_age=env.integer("DATABASE_CONN_MAX_AGE", 60 if IS_PRODUCTION else 0),
    )
}
# Lets two test runs on one server keep apart (e.g. MAPA_TEST_DATABASE=test_mapa_web).
if env.has("MAPA_TEST_DATABASE"):
    DATABASES["default"]["TEST"] = {"NAME": env.string("MAPA_TEST_DATABASE")}
if MAPA_ENV == "test":
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "mapa.staff.apps.StaffAdminConfig",  # django.contrib.admin, with a throttled log-in
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.gis",
    "rest_framework",
    "rest_framework.authtoken",
    "pgtrigger",
    "pghistory",
    "pghistory.admin",
    "rest_framework_gis",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI's files, served from our static files (no CDN)
    "django_tasks",
    "django_tasks_db",
    "csp",  # the Content-Security-Policy header (below)
    "mapa.core",
    "mapa.limits",
    "mapa.health",
    "mapa.idempotency",
    "mapa.districts",
    "mapa.catalogue",
    "mapa.moderation",
    "mapa.reports",
    "mapa.places",
    "mapa.web",
    "mapa.staff",
    "mapa.exports",
    "mapa.open311",
    "mapa.notifications",
    "mapa.alerts",
    "mapa.sms",
    "mapa.privacy",
    "mapa.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Database faults as 503s, public reads' statement timeout (mapa/core/faults.py).
    "mapa.core.faults.DatabaseFaults",
    # Content-Security-Policy and Permissions-Policy on every response (settings below).
    "csp.middleware.CSPMiddleware",
    "mapa.core.middleware.PermissionsPolicy",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Any error under /open311/ in Open311's own shape (what the middleware below answers).
    "mapa.open311.middleware.Open311Errors",
    "mapa.core.middleware.PagesInPolishFirst",
    "django.middleware.locale.LocaleMiddleware",
    # With DEBUG on too, an unknown /api/ path is a JSON 404 (mapa/core/errors.py).
    "mapa.core.errors.JsonNotFoundWithDebug",
    "mapa.core.guards.RefuseUnstorableText",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # The audit trail's context: who (also when DRF authenticates later) and which URL.
    "pghistory.middleware.HistoryMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

# A hot-standby replica for public reads (mapa/core/dbrouting.py, docs/scaling.md): the
# map, nearby, report pages and the public API read it; writes, staff, sessions and
# everything in a transaction use the primary. A replica that does not answer within
# connect_timeout (2 s unless the URL says) is left alone for MAPA_REPLICA_RETRY_SECONDS;
# a client that wrote reads the primary for MAPA_REPLICA_PIN_SECONDS (its own writes).
MAPA_REPLICA_RETRY_SECONDS = env.integer("MAPA_REPLICA_RETRY_SECONDS", 30, minimum=1)
MAPA_REPLICA_PIN_SECONDS = env.integer("MAPA_REPLICA_PIN_SECONDS", 15, minimum=1)
_replica_url = env.string("REPLICA_DATABASE_URL", default="")
if _replica_url:
    DATABASES["replica"] = database_from_url(
        _replica_url,
        name="REPLICA_DATABASE_URL",
        conn_max_age=DATABASES["default"]["CONN_MAX_AGE"],
    )
    DATABASES["replica"]["OPTIONS"].setdefault("connect_timeout", "2")
    # Tests read the replica as the test database itself (Django's mirror).
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["mapa.core.dbrouting.PublicReadsToReplica"]
    MIDDLEWARE.insert(
        MIDDLEWARE.index("whitenoise.middleware.WhiteNoiseMiddleware") + 1,
        "mapa.core.dbrouting.ReplicaRouting",
    )

ROOT_URLCONF = "mapa.urls"
WSGI_APPLICATION = "mapa.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "mapa" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "mapa.staff.context.staff_frame",
            ],
        },
    },
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Polish first: it is the city's language. English is the switchable second one.
LANGUAGE_CODE = "pl"
LANGUAGES = [("pl", _("Polish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "mapa" / "locale"]
TIME_ZONE = "Europe/Warsaw"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
# collectstatic's target, used in production; elsewhere whitenoise serves from the finders.
STATIC_ROOT = (
    Path(env.string("MAPA_STATIC_ROOT", default=str(BASE_DIR / "var" / "static")))
    if IS_PRODUCTION or env.has("MAPA_STATIC_ROOT")
    else None
)
WHITENOISE_USE_FINDERS = not IS_PRODUCTION
STATICFILES_DIRS = [BASE_DIR / "frontend" / "dist"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.string("MAPA_MEDIA_ROOT", default=str(BASE_DIR / "var" / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if IS_PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# Request size limits. JSON API bodies are small; photos come as multipart files.
MAPA_MAX_JSON_BODY_BYTES = env.integer("MAPA_MAX_JSON_BODY_BYTES", 64 * 1024, minimum=1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
MAPA_PHOTO_MAX_BYTES = env.integer("MAPA_PHOTO_MAX_BYTES", 10 * 1000 * 1000, minimum=100_000)
MAPA_PHOTOS_PER_REPORT = 3
# A phone's photo is 12-24 megapixels; larger is refused from the header, before decoding.
MAPA_PHOTO_MAX_PIXELS = env.integer("MAPA_PHOTO_MAX_PIXELS", 24_000_000, minimum=1_000_000)
MAPA_PHOTO_DECODES_AT_ONCE = env.integer("MAPA_PHOTO_DECODES_AT_ONCE", 2, minimum=1)

# Idempotency-Key (mapa/idempotency): a key's stored answer is replayed for this many hours,
# then forgotten (the worker's periodic job deletes it; manage.py expire_idempotency_keys too).
MAPA_IDEMPOTENCY_KEY_HOURS = env.integer("MAPA_IDEMPOTENCY_KEY_HOURS", 24, minimum=1)
# A photo uploaded but never sent with a report (a form left, a double submit) is deleted,
# files and all, this long after its upload, by the worker (or manage.py purge_photos).
MAPA_PHOTO_UNATTACHED_HOURS = env.integer("MAPA_PHOTO_UNATTACHED_HOURS", 24, minimum=1)

# Unit exports' incremental sync (mapa/exports/sync.py): a response covers the changes made
# at least this many seconds before it, and before any transaction still open began, so that
# a change committed late can never fall behind a cursor already handed out. It must exceed
# the clock difference between the web servers and the database.
MAPA_EXPORT_SYNC_LAG_SECONDS = env.integer("MAPA_EXPORT_SYNC_LAG_SECONDS", 5)

REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["mapa.core.api.LimitedJSONParser", "mapa.core.api.GeoJSONParser"],
    # Other systems send `Authorization: Token <key>` (manage.py api_token; revoked in the
    # admin); the pages use the session. Token first, so that a request without either is
    # a 401 with `WWW-Authenticate: Token` rather than a 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    # A view's `throttle_scope` limits its writes per client (MAPA_THROTTLE_RATES, below).
    "DEFAULT_THROTTLE_CLASSES": ["mapa.limits.throttling.ClientRateThrottle"],
    "EXCEPTION_HANDLER": "mapa.core.api.exception_handler",
    "UNAUTHENTICATED_USER": None,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}

# The API's OpenAPI description at /api/schema/, Swagger UI at /api/docs/
# (mapa/core/openapi.py has the shared pieces; each view describes itself).
SPECTACULAR_SETTINGS = {
    "TITLE": "Mapa Porządku API",
    "VERSION": "1.0.0",
    "DESCRIPTION": (
        "Report problems in Gdańsk's public space and follow them; the city's staff "
        "work the cases.\n\n"
        "- **Public API** (`/api/reports/`, `/api/categories/`, `/api/routing/`, "
        "`/api/districts/`, `/api/places/`, `/api/photos/`): no credentials.\n"
        "- **Staff API** (`/api/staff/`) and **exports** (`/api/exports/`): "
        "`Authorization: Token <key>` (`manage.py api_token <username>`, revoked in the admin) "
        "or the staff workspace's session.\n"
        "- **Open311 GeoReport v2** (`/open311/v2/`): the standard's resources; "
        "POST with an `api_key` (a staff API token).\n\n"
        "Geometries are GeoJSON (RFC 7946): WGS84, `[longitude, latitude]`. "
        'Errors: a 400 names each wrong field, `{"field": ["message"]}`; '
        'every other error is `{"detail": "message"}`. Texts follow `Accept-Language` '
        "(Polish first, English)."
    ),
    "LICENSE": {"name": "AGPL-3.0-or-later"},
    "OAS_VERSION": "3.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "mapa.core.openapi.describe_responses",
    ],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    # No call to validator.swagger.io (Swagger UI's badge would send it the schema's URL).
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None, "displayOperationId": True},
    "TAGS": [
        {"name": "reports", "description": "Residents' reports: file, list, find nearby, read."},
        {"name": "catalogue", "description": "Categories and who would handle a point."},
        {"name": "districts", "description": "Gdańsk's districts."},
        {"name": "places", "description": "Address and place search."},
        {"name": "alerts", "description": "Follow a report by e-mail (double opt-in)."},
        {"name": "staff", "description": "The staff's cases (token or session)."},
        {"name": "exports", "description": "Units' exports (token or session)."},
        {"name": "open311", "description": "Open311 GeoReport v2 (/open311/v2/)."},
    ],
    "ENUM_NAME_OVERRIDES": {
        "ReportStatusEnum": "mapa.reports.models.ReportStatus",
        "ChannelEnum": "mapa.reports.models.Channel",
        "PriorityEnum": "mapa.reports.models.Priority",
        "LocationSourceEnum": "mapa.reports.models.LocationSource",
        "AttributeDatatypeEnum": "mapa.catalogue.models.AttributeType",
        "PlaceKindEnum": "mapa.places.models.PlaceKind",
        "FeatureTypeEnum": [("Feature", "Feature")],
        "FeatureCollectionTypeEnum": [("FeatureCollection", "FeatureCollection")],
    },
}

# Background work (Django's tasks API, the django-tasks backport): tasks are rows in this
# same PostgreSQL database, run by `manage.py worker` beside the web server (make run,
# compose.yaml's worker service). mapa/notifications/ explains what is guaranteed.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# E-mail, with Django's own variable names. With EMAIL_HOST, mail goes over SMTP (in
# development too: EMAIL_HOST=127.0.0.1 EMAIL_PORT=8025 make run, with a local sink);
# without it development and tests write mail to the console, and production refuses to start.
EMAIL_HOST = env.string("EMAIL_HOST", default="")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
elif IS_PRODUCTION:
    raise ImproperlyConfigured(
        "EMAIL_HOST must be set in production (the SMTP server that sends residents' e-mail)"
    )
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
EMAIL_PORT = env.integer("EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = env.string("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.string("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.boolean("EMAIL_USE_TLS", default=False)
EMAIL_TIMEOUT = env.integer("EMAIL_TIMEOUT", 30, minimum=1)
DEFAULT_FROM_EMAIL = env.string("DEFAULT_FROM_EMAIL", default="Mapa Porządku <mapa@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The site's public address, for links in e-mail (tracking links). Production defaults to
# https:// and the first of ALLOWED_HOSTS.
MAPA_SITE_URL = env.url(
    "MAPA_SITE_URL",
    default=f"https://{ALLOWED_HOSTS[0]}" if IS_PRODUCTION else "http://127.0.0.1:8000",
)
# Notifications (mapa/notifications/): sends are tried this many times, waiting
# MAPA_NOTIFY_BACKOFF_SECONDS x 2^(attempt-1) between tries, then marked failed for an
# admin; a send pending this many minutes past its time is enqueued again by the worker's
# sweep, and one left `sending` this long (a worker died mid-send) is marked uncertain.
MAPA_NOTIFY_MAX_ATTEMPTS = env.integer("MAPA_NOTIFY_MAX_ATTEMPTS", 6, minimum=1)
MAPA_NOTIFY_BACKOFF_SECONDS = env.integer("MAPA_NOTIFY_BACKOFF_SECONDS", 60, minimum=0)
MAPA_NOTIFY_STALE_MINUTES = env.integer("MAPA_NOTIFY_STALE_MINUTES", 10, minimum=1)
# Unit webhooks (mapa/notifications/webhooks.py): the time a receiver has to answer, and
# whether URLs resolving to loopback/private/link-local addresses may be called (an SSRF
# guard: refused in production unless set; allowed in development and tests).
MAPA_WEBHOOK_TIMEOUT_SECONDS = env.integer("MAPA_WEBHOOK_TIMEOUT_SECONDS", 5, minimum=1)
MAPA_WEBHOOK_ALLOW_PRIVATE = env.boolean("MAPA_WEBHOOK_ALLOW_PRIVATE", default=not IS_PRODUCTION)
# SMS (mapa/sms/; README "Notifications"). MAPA_SMS_BACKEND picks how texts leave:
# `console` (development's default: the text on the worker's stdout, the number masked),
# `file` (JSON lines appended to MAPA_SMS_FILE_PATH: development and tests), `gateway` (an
# HTTP JSON gateway: POST {to, message, from} with a bearer token) or `disabled` (SMS is
# neither offered nor queued, the inbound line answers 403). Production must name `gateway`
# or `disabled`: no choice, a development backend or a half-configured gateway stop the start.
if IS_PRODUCTION and not env.has("MAPA_SMS_BACKEND"):
    raise ImproperlyConfigured(
        "MAPA_SMS_BACKEND must be set in production: gateway (with MAPA_SMS_GATEWAY_URL, "
        "MAPA_SMS_GATEWAY_TOKEN and MAPA_SMS_SENDER) or disabled"
    )
MAPA_SMS_BACKEND = env.choice(
    "MAPA_SMS_BACKEND", ("console", "file", "gateway", "disabled"), "console"
)
if IS_PRODUCTION and MAPA_SMS_BACKEND in {"console", "file"}:
    raise ImproperlyConfigured(
        f"MAPA_SMS_BACKEND={MAPA_SMS_BACKEND} is for development: use gateway or disabled"
    )
_SMS_GATEWAY = MAPA_SMS_BACKEND == "gateway"
MAPA_SMS_FILE_PATH = env.string(
    "MAPA_SMS_FILE_PATH", default=None if MAPA_SMS_BACKEND == "file" else ""
)
MAPA_SMS_GATEWAY_URL = env.url("MAPA_SMS_GATEWAY_URL") if _SMS_GATEWAY else ""
if IS_PRODUCTION and _SMS_GATEWAY and not MAPA_SMS_GATEWAY_URL.startswith("https://"):
    raise ImproperlyConfigured("MAPA_SMS_GATEWAY_URL must be an https:// URL in production")
MAPA_SMS_GATEWAY_TOKEN = env.string("MAPA_SMS_GATEWAY_TOKEN", default=None if _SMS_GATEWAY else "")
# The sender name residents see (up to 11 letters and digits, registered with the gateway).
MAPA_SMS_SENDER = env.string("MAPA_SMS_SENDER", default=None if _SMS_GATEWAY else "Mapa")
if not re.fullmatch(r"[A-Za-z0-9]{1,11}|\+?[0-9]{6,15}", MAPA_SMS_SENDER):
    raise ImproperlyConfigured(
        "MAPA_SMS_SENDER must be up to 11 letters and digits, or a phone number"
    )
MAPA_SMS_GATEWAY_TIMEOUT_SECONDS = env.integer("MAPA_SMS_GATEWAY_TIMEOUT_SECONDS", 10, minimum=1)
# The inbound line (POST /api/sms/inbound/): the gateway signs each call with this secret
# (HMAC-SHA256 over "<timestamp>.<body>"); calls older than the tolerance are refused. Without
# a secret every call is refused. Texts from one number within MAPA_SMS_JOIN_MINUTES of the
# last join that open case.
MAPA_SMS_INBOUND_SECRET = env.string("MAPA_SMS_INBOUND_SECRET", default="")
if MAPA_SMS_INBOUND_SECRET and len(MAPA_SMS_INBOUND_SECRET) < 32:
    raise ImproperlyConfigured("MAPA_SMS_INBOUND_SECRET must be at least 32 characters")
MAPA_SMS_INBOUND_TOLERANCE_SECONDS = env.integer(
    "MAPA_SMS_INBOUND_TOLERANCE_SECONDS", 300, minimum=1
)
MAPA_SMS_JOIN_MINUTES = env.integer("MAPA_SMS_JOIN_MINUTES", 30, minimum=0)

# Privacy (mapa/privacy/): the reporter's contact data (name, e-mail, phone, and the same
# in the outbox, SMS cases and follows of the report) is erased MAPA_RETENTION_DAYS after
# the case closes (``manage.py anonymise_closed``, queued daily by the worker). The signed
# removal link in residents' e-mails works for MAPA_REMOVAL_LINK_DAYS.
MAPA_RETENTION_DAYS = env.integer("MAPA_RETENTION_DAYS", 365, minimum=1)
MAPA_REMOVAL_LINK_DAYS = env.integer("MAPA_REMOVAL_LINK_DAYS", 730, minimum=1)

# Staff log-in (mapa/staff/). Failed log-ins are counted per client address
# (mapa/staff/throttle.py): behind reverse proxies that append to X-Forwarded-For,
# say how many, or every client would share the proxy's address.
LOGIN_URL = "/staff/login/"
LOGIN_REDIRECT_URL = "/staff/"
MAPA_TRUSTED_PROXIES = env.integer("MAPA_TRUSTED_PROXIES", 0)

# Rate limits per client (mapa/limits/throttling.py), counted by the same address as the
# log-in throttle: MAPA_THROTTLE_RATES="reports=30/hour,open311=off" changes the scopes it
# names (N/second|minute|hour|day, or N/15min; off lifts a limit). Accounts (consultants,
# integrations) count under "staff", per account. The test profile lifts them all: the
# suite files many reports from one address; the limits' own tests set their rates.
_THROTTLE_DEFAULTS: dict[str, str | None] = {
    "reports": "30/hour",
    "photos": "90/hour",
    "open311": "300/hour",
    "subscriptions": "20/hour",
    "sms_inbound": "600/minute",
    "sms_sender": "30/hour",
    "staff": "3000/hour",
}
MAPA_THROTTLE_RATES = env.rates(
    "MAPA_THROTTLE_RATES",
    dict.fromkeys(_THROTTLE_DEFAULTS) if MAPA_ENV == "test" else _THROTTLE_DEFAULTS,
)

# Map tiles. The pages must work without them (tests run with no tile server).
MAPA_TILE_URL = env.string(
    "MAPA_TILE_URL", default="https://tile.openstreetmap.org/{z}/{x}/{y}.png"
)
MAPA_TILE_ATTRIBUTION = env.string(
    "MAPA_TILE_ATTRIBUTION",
    default='&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> '
    "contributors",
)

# The map's answers (mapa/reports/map_cache.py) are kept under the database's change
# counters, so a store never serves a stale one: Redis, shared by every web process, when
# REDIS_URL is set (redis://host:6379/0, rediss:// for TLS); else each process's memory.
#
# The rate limits and the log-in throttle count in "limits", which every process must share
# exactly: Redis with REDIS_URL, else a PostgreSQL table (mapa/limits/cache.py says why not
# Django's DatabaseCache).
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "limits": {"BACKEND": "mapa.limits.cache.SharedDatabaseCache", "KEY_PREFIX": "mapa"},
    "map": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "mapa-map",
        "OPTIONS": {"MAX_ENTRIES": 2000},
    },
}
REDIS_URL = env.string("REDIS_URL", default="")
if REDIS_URL:
    if not re.match(r"^(redis|rediss|unix)://", REDIS_URL):
        raise ImproperlyConfigured(
            f"REDIS_URL must be a redis://, rediss:// or unix:// URL, got {REDIS_URL[:20]!r}"
        )
    CACHES["map"] = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "mapa",
    }
    CACHES["limits"] = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "mapa",
    }

# Security headers; most matter only behind TLS in production.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# No script reads the CSRF cookie: the pages' scripts send the token of the page's own form
# (frontend/src/lib/api.js), so the cookie can be out of scripts' reach. (Swagger UI's "Try
# it out" with a staff session cannot POST then; other systems use a token, which needs none.)
CSRF_COOKIE_HTTPONLY = LANGUAGE_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = CSRF_COOKIE_SAMESITE = LANGUAGE_COOKIE_SAMESITE = "Lax"


def _tile_host(url: str) -> str:
    """Where MAPA_TILE_URL's tiles come from, as a CSP source ({s} subdomains as *)."""
    match = re.match(r"^(https?)://([^/?#]+)", url.replace("{s}", "*"))
    return f"{match[1]}://{match[2]}" if match else ""


# A strict Content-Security-Policy (django-csp), enforced: scripts and styles only from
# Mapa's own static files (no inline code, no eval), images from Mapa, data:/blob: (Leaflet's
# icons, a photo's preview) and the tile server only; no plugins, no framing, forms and
# requests to Mapa only. Views that need more say so with django-csp's decorators; the
# briefing map (mapa/exports/briefing.py) sets its own, stricter, sandboxed policy.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", "blob:", *filter(None, [_tile_host(MAPA_TILE_URL)])],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
# What the pages may ask the browser for: the location ("Use my location"), nothing else.
MAPA_PERMISSIONS_POLICY = (
    "geolocation=(self), camera=(), microphone=(), payment=(), usb=(), serial=(), "
    "bluetooth=(), hid=(), midi=(), magnetometer=(), gyroscope=(), accelerometer=(), "
    "display-capture=(), publickey-credentials-get=(), browsing-topics=()"
)
if IS_PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.boolean("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.integer("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact": {"()": "mapa.core.logging.RedactPersonalData"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["redact"],
        }
    },
    "root": {"handlers": ["console"], "level": env.string("LOG_LEVEL", default="INFO")},
    # Never emitted, whatever LOG_LEVEL says (tests/privacy/test_logs.py): SQL debug lines
    # carry the queries' parameters (a reporter's name, e-mail, phone), and Pillow's debug
    # lines a photo's EXIF tags (camera, time, GPS) as it reads them.
    "loggers": {"django.db.backends": {"level": "INFO"}, "PIL": {"level": "INFO"}},
}

# GDAL 3.9+ can block network and file access while parsing spatial references;
# Debian 12 ships GDAL 3.6. Mapa parses spatial references only from files an
# administrator imports on purpose (import_boundaries), never from clients.
SILENCED_SYSTEM_CHECKS = ["gis.W001"]

# Database faults (mapa/core/faults.py, docs/operations.md): public reads (GET of
# the resident's pages and the public API) are cancelled after this many milliseconds and
# answered 503 (0: no limit); staff, exports, writes, the worker and commands are not cut.
MAPA_PUBLIC_STATEMENT_TIMEOUT_MS = env.integer("MAPA_PUBLIC_STATEMENT_TIMEOUT_MS", 5000)
if 0 < MAPA_PUBLIC_STATEMENT_TIMEOUT_MS < 100:
    raise ImproperlyConfigured(
        "MAPA_PUBLIC_STATEMENT_TIMEOUT_MS must be 0 (no limit) or at least 100 milliseconds, "
        f"got {MAPA_PUBLIC_STATEMENT_TIMEOUT_MS}"
    )
# Health (mapa/health/): the worker records a heartbeat every MAPA_WORKER_HEARTBEAT_SECONDS;
# /health/ready/ answers 503 once the last one is older than MAPA_WORKER_HEARTBEAT_STALE_SECONDS.
MAPA_WORKER_HEARTBEAT_SECONDS = env.integer("MAPA_WORKER_HEARTBEAT_SECONDS", 30, minimum=1)
MAPA_WORKER_HEARTBEAT_STALE_SECONDS = env.integer(
    "MAPA_WORKER_HEARTBEAT_STALE_SECONDS", 120, minimum=2
)
if MAPA_WORKER_HEARTBEAT_STALE_SECONDS <= MAPA_WORKER_HEARTBEAT_SECONDS:
    raise ImproperlyConfigured(
        "MAPA_WORKER_HEARTBEAT_STALE_SECONDS must be longer than MAPA_WORKER_HEARTBEAT_SECONDS "
        f"({MAPA_WORKER_HEARTBEAT_STALE_SECONDS} <= {MAPA_WORKER_HEARTBEAT_SECONDS})"
    )

# Every database session, the primary's and the replica's, starts with these settings
# (libpq options: no extra statement). Parallel query is for long scans; Mapa's web
# queries take milliseconds, and on a small machine starting parallel workers costs more
# than it saves (on 2 cores it made a 13 ms map tile take 72 ms). 0 turns it off for the
# web and the worker; raise it for a big analytics replica. Kept last, after every
# database is defined.
DATABASE_MAX_PARALLEL_WORKERS_PER_GATHER = env.integer(
    "DATABASE_MAX_PARALLEL_WORKERS_PER_GATHER", 0
)
for _database in DATABASES.values():
    with_session_settings(
        _database, {"max_parallel_workers_per_gather": DATABASE_MAX_PARALLEL_WORKERS_PER_GATHER}
    )
