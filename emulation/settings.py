"""Settings for the emulation cluster management system.

One file, driven by the environment (see README.md, "Configuration"). A fresh checkout runs
on an embedded SQLite database; DATABASE_URL points it at PostgreSQL.
"""

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"", "0", "false", "no", "off"}


def env_bool(name, default=False):
    """Read a boolean; bool("0") is True, so the accepted spellings are listed."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be 1/0/true/false, not {raw!r}")


def env_list(name):
    return [item.strip() for item in os.environ.get(name, "").split(",") if item.strip()]


def env_gc_threshold(name, default):
    raw = os.environ.get(name, default).replace(" ", "")
    parts = raw.split(",") if raw else []
    if len(parts) > 3 or not all(part.isdigit() and int(part) > 0 for part in parts):
        raise ImproperlyConfigured(
            f"{name} must be up to three positive whole numbers such as 5000,10,10 (0 would "
            f"turn the collector off), or empty for Python's defaults; not {raw!r}"
        )
    return [int(part) for part in parts]


DEBUG = env_bool("DJANGO_DEBUG", False)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is required when DJANGO_DEBUG is off (see README.md)."
        )
    SECRET_KEY = "development-only-key-never-use-in-production-0123456789abcdefghijklmnop"

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS") or (
    ["127.0.0.1", "localhost", "[::1]"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    # The pickers (django-autocomplete-light) before the admin, whose select2 they extend.
    "dal",
    "dal_select2",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tables2",
    "django_filters",
    "django_htmx",
    "simple_history",
    "axes",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "emulation",
    "clusters",
    "awards",
]

# Background tasks (Django's tasks API): queued in the database, run by `manage.py db_worker`
# (`make run` starts one, the compose file has a worker service). Another backend (e.g. a
# Celery or RQ one for the whole country) replaces it here with no change in the code.
TASKS = {
    "default": {
        "BACKEND": os.environ.get("DJANGO_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default", "exports"],
    }
}
# Downloads prepared in the background are deleted after this many days (`prune_exports`).
EXPORT_RETENTION_DAYS = int(os.environ.get("EXPORT_RETENTION_DAYS", "3"))

MIDDLEWARE = [
    # Before everything else: a container's health check asks by an address that need not be
    # in ALLOWED_HOSTS, over plain HTTP.
    "emulation.middleware.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "emulation.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "clusters.permissions.RightsSessionMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "emulation.middleware.IdleSessionMiddleware",
    "emulation.middleware.PasswordChangeMiddleware",
    "emulation.middleware.UploadLimitMiddleware",
    "emulation.middleware.PrivatePagesMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Axes last, as its documentation asks.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "emulation.urls"

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
            ],
        },
    },
]

# Forms and widgets drawn from Django's Jinja2 templates (emulation/forms.py says why).
FORM_RENDERER = "emulation.forms.FormRenderer"

WSGI_APPLICATION = "emulation.wsgi.application"

# Persistent connections in production (a new PostgreSQL connection per request halves the
# throughput); checked before reuse so that a restarted database does not fail a request.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "0" if DEBUG else "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # The planner tries every order of at most six joined tables (PostgreSQL's default is
    # eight): a list of seven, such as the inbox's nominations with their types, cluster,
    # unit and vote, took 6-10 ms to plan for 2 ms of running. Over the 600 queries of
    # `make bench`'s pages on the national dataset: planning 12-16% shorter, none slower to
    # run by more than about a millisecond.
    options = DATABASES["default"].setdefault("OPTIONS", {})
    options["options"] = " ".join(
        filter(None, [options.get("options", ""), "-c join_collapse_limit=6"])
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"

# Lock out repeated wrong passwords (django-axes) for a name *from* an address together: one
# office's mistakes never lock the office's other users, and nobody elsewhere can lock a named
# officer out.
AXES_FAILURE_LIMIT = 10
AXES_COOLOFF_TIME = 1  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "emulation.views.locked_out"
# The client's address: REMOTE_ADDR, unless the operator says how many reverse proxies in
# front of the app append to X-Forwarded-For (a header anyone can send is never trusted alone).
TRUSTED_PROXIES = int(os.environ.get("DJANGO_TRUSTED_PROXIES", "0"))
AXES_CLIENT_IP_CALLABLE = "emulation.security.client_ip"

# A session also ends after this long without a request (the cookie's own age is two weeks).
SESSION_IDLE_SECONDS = int(float(os.environ.get("DJANGO_SESSION_IDLE_HOURS", "8")) * 3600)
# The last activity is written at most this often, not on every request.
SESSION_ACTIVITY_RESOLUTION = 300
# A signed-in user's rights are read from the officer records at most this often (in seconds;
# sooner after any change of roles or structure – see clusters.permissions); 0 reads them on
# every request.
RIGHTS_SESSION_SECONDS = int(os.environ.get("DJANGO_RIGHTS_SECONDS", "60"))
# The scoring tables a process keeps read (clusters.services.scoring.load_table); 0: none.
SCORING_TABLES_KEPT = 512


# The garbage collector's thresholds in a serving process (emulation/serving.py): a page
# allocates hundreds of thousands of objects, and Python's defaults (700, 10, 10) collected
# hundreds of times per page. Empty ("") keeps Python's defaults and freezes nothing.
GC_THRESHOLD = env_gc_threshold("DJANGO_GC_THRESHOLD", "5000,10,10")

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
# Django's own vi formats are incomplete (no dd/mm/yyyy input, no grouping): ours live here.
FORMAT_MODULE_PATH = ["emulation.formats"]
# Grouping is asked for where a quantity is shown (|intcomma, |floatformat:"g"), so that
# years and codes never print as "2.024".
USE_THOUSAND_SEPARATOR = False

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", BASE_DIR / "media"))
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

# Uploads: evidence files and decision scans are at most 10 MB; a request body larger than
# this is refused before it is read (the reverse proxy should refuse it first: README.md).
UPLOAD_MAX_BYTES = 10 * 1024 * 1024
UPLOAD_REQUEST_MAX_BYTES = UPLOAD_MAX_BYTES + 1024 * 1024  # the file and the form around it

# Reasons quote decision references, which run longer than simple_history's 100 characters.
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

DJANGO_TABLES2_TEMPLATE = "includes/table.html"
DJANGO_TABLES2_TABLE_ATTRS = {"class": "table table-sm table-hover align-middle"}

# Mail: EMAIL_URL (smtp://user:pass@host:587?tls=1) or the individual EMAIL_* variables.
if os.environ.get("EMAIL_URL"):
    from urllib.parse import parse_qs, unquote, urlparse

    _mail = urlparse(os.environ["EMAIL_URL"])
    _query = parse_qs(_mail.query)
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = _mail.hostname or "localhost"
    EMAIL_PORT = _mail.port or 25
    EMAIL_HOST_USER = unquote(_mail.username or "")
    EMAIL_HOST_PASSWORD = unquote(_mail.password or "")
    EMAIL_USE_TLS = _query.get("tls", ["0"])[0] in _TRUE
    EMAIL_USE_SSL = _mail.scheme == "smtps"
else:
    EMAIL_BACKEND = os.environ.get(
        "EMAIL_BACKEND",
        "django.core.mail.backends.console.EmailBackend"
        if DEBUG
        else "django.core.mail.backends.smtp.EmailBackend",
    )
    EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
    EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "webmaster@localhost")
# The address the links in e-mailed notifications start with.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")

# Production-only security, derived from the environment and not from settings.DEBUG at run
# time: Django's test runner forces DEBUG off, and the live-server browser tests speak HTTP.
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    # Answered before the redirect anyway (HealthCheckMiddleware); listed for whoever reads this.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    # Preloading is a one-way commitment for the whole domain; the operator opts in.
    SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", False)
    SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
# Scripts only from our own static files: no inline script, no eval. Styles allow inline
# attributes (the printed documents' previews and the SVG charts carry their own).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
PERMISSIONS_POLICY = (
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), serial=(), bluetooth=(), "
    "magnetometer=(), gyroscope=(), accelerometer=(), display-capture=(), interest-cohort=()"
)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Everything to standard output, where a container's logs are collected.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "{asctime} {levelname} {name}: {message}", "style": "{"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": "plain",
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "WARNING")},
    # A font that fails to load only logs a warning in WeasyPrint; keep those visible.
    "loggers": {"weasyprint": {"level": "WARNING"}, "fontTools": {"level": "ERROR"}},
}
