"""iDesk settings. Every deployment value comes from the environment (see README)."""

import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from idesk import observability
from idesk.env import envbool, envint, envlist, envstr

BASE_DIR = Path(__file__).resolve().parent.parent
# templates/ and static/ are top-level folders of the checkout; the wheel carries them inside the idesk package
# (setup.py), where the idesk app's own template and static folders are.
INSTALLED = (Path(__file__).resolve().parent / "templates").is_dir()
ASSETS_DIR = Path(__file__).resolve().parent if INSTALLED else BASE_DIR
if INSTALLED and not envstr("IDESK_VAR_DIR", ""):
    raise ImproperlyConfigured("IDESK_VAR_DIR must be set when iDesk runs installed (not from a checkout)")
VAR_DIR = Path(envstr("IDESK_VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = envbool("DEBUG", True)


def _secret_key() -> str:
    key = envstr("SECRET_KEY", "")
    if key:
        return key
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG=0")
    # Development: generate once and keep it, so sessions survive restarts.
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "accounts.two_factor.apps.AdminConfig",  # django.contrib.admin whose site asks for the second step
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "guardian",
    "accounts.two_factor.apps.AxesConfig",  # axes, named in Vietnamese in the admin
    "django_htmx",
    "django_otp",
    "accounts.two_factor.apps.TOTPConfig",  # django_otp's TOTP devices, named in Vietnamese in the admin
    "accounts.two_factor.apps.StaticConfig",  # and its backup codes
    "units",
    "accounts",
    "documents",
    "idesk",
    "idesk.bench",  # the benchmark tooling's commands (bench, generate_scale_data, loadtest, compliance_benchmark)
    "django_q",  # after idesk, whose qcluster command (stops in order on SIGTERM) takes the place of django_q's
]

MIDDLEWARE = [
    "idesk.observability.RequestIdMiddleware",  # first: every log line of a request carries its id
    "idesk.security_headers.SecurityHeadersMiddleware",  # outside the rest: error responses get the headers too
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",  # request.user.is_verified(): the session passed the second step
    "documents.core.memo.PolicyCacheMiddleware",  # the documents policy's answers kept for the request
    "django.contrib.messages.middleware.MessageMiddleware",
    "idesk.input_guard.InputGuardMiddleware",  # after messages: control characters out of query strings
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "accounts.two_factor.middleware.TwoFactorMiddleware",  # no page before the second step (or its set-up)
    "accounts.middleware.AccessEventMiddleware",
    "axes.middleware.AxesMiddleware",
    "idesk.debug_404.Debug404Middleware",  # innermost: with DEBUG, 404s are still our page (idesk/debug_404.py)
]

ROOT_URLCONF = "idesk.urls"
WSGI_APPLICATION = "idesk.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [ASSETS_DIR / "templates"],  # before the apps' templates, installed or not
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "idesk.context_processors.site",
                "idesk.context_processors.navigation",
            ],
        },
    },
]

SILENCED_SYSTEM_CHECKS: list[str] = []  # each entry below says why
DATABASES = {"default": dj_database_url.parse(envstr("DATABASE_URL", f"sqlite:///{VAR_DIR / 'idesk.sqlite3'}"))}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # One psycopg pool per process, so connections stay bounded: a web process holds at most DB_POOL_MAX_SIZE
    # however many clients keep a connection open (runserver gives each its own thread). Requests return their
    # connection to the pool when they end (CONN_MAX_AGE=0, which the pool requires). DB_POOL_MAX_SIZE=0 turns
    # the pool off: a connection per request, or kept DB_CONN_MAX_AGE seconds (e.g. behind PgBouncer).
    _pool_max = envint("DB_POOL_MAX_SIZE", 10)
    if _pool_max > 0:
        _pool = {
            "min_size": min(envint("DB_POOL_MIN_SIZE", 1), _pool_max),
            "max_size": _pool_max,
            "timeout": envint("DB_POOL_TIMEOUT", 10),  # seconds a request waits for a free connection
        }
        DATABASES["default"].update(CONN_MAX_AGE=0, OPTIONS={**DATABASES["default"].get("OPTIONS", {}), "pool": _pool})
    else:
        DATABASES["default"]["CONN_MAX_AGE"] = envint("DB_CONN_MAX_AGE", 0)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the worker and the web server write without "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # The covering indexes' include= columns are PostgreSQL's; SQLite keeps the index without them.
    SILENCED_SYSTEM_CHECKS.append("models.W040")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "accounts.backends.UserBackend",  # ModelBackend with the unit read alongside
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "landing"  # a district leader lands on Chờ xử lý (idesk.desk.landing_url)
LOGOUT_REDIRECT_URL = "accounts:login"

# Lockout (django-axes): 5 failures for one username from one address lock that pair for 15 minutes, so an
# attacker elsewhere cannot lock a person out. Any attempt during the lock, right password included, is refused
# without restarting the 15 minutes.
AXES_FAILURE_LIMIT = envint("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = envint("AXES_COOLOFF_MINUTES", 15) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "accounts.views.lockout"
AXES_VERBOSE = False
# The client's address: the connection's, unless it comes from one of these proxies (addresses or networks,
# e.g. "127.0.0.1" for nginx on the same host); then X-Forwarded-For is read from the right, past trusted hops.
IDESK_TRUSTED_PROXIES = envlist("IDESK_TRUSTED_PROXIES", [])
AXES_CLIENT_IP_CALLABLE = "accounts.client_ip.client_ip"
if envstr("AXES_PROXY_COUNT", ""):
    # django-ipware, which read it, is not installed: the setting did nothing and trusted any X-Forwarded-For.
    raise ImproperlyConfigured("AXES_PROXY_COUNT is no longer read: list the proxy in IDESK_TRUSTED_PROXIES")

# Two-factor sign-in (TOTP, django-otp): whoever has set it up enters a code after the password. IDESK_2FA=1
# also makes it compulsory for superusers, staff (the admin site) and the roles in IDESK_2FA_REQUIRED_ROLES, who
# set it up at their next login; on by default in production (DEBUG=0), off in development and the demo.
IDESK_2FA = envbool("IDESK_2FA", not DEBUG)
IDESK_2FA_REQUIRED_ROLES = envlist("IDESK_2FA_REQUIRED_ROLES", ["leader", "head", "deputy_head", "admin"])
OTP_TOTP_ISSUER = "iDesk"  # the name the authenticator app shows beside the username
OTP_ADMIN_HIDE_SENSITIVE_DATA = True  # the admin lists devices without their keys or recovery codes

# Access events: a visit is a login or the first request after this many minutes without one.
IDESK_VISIT_GAP_MINUTES = envint("IDESK_VISIT_GAP_MINUTES", 30)
# How often the last-request time is written to the session; below this, requests cost no write.
IDESK_SEEN_TOUCH_SECONDS = envint("IDESK_SEEN_TOUCH_SECONDS", 60)

LANGUAGE_CODE = envstr("LANGUAGE_CODE", "vi")
LANGUAGES = [("vi", "Tiếng Việt")]
TIME_ZONE = envstr("TIME_ZONE", "Asia/Ho_Chi_Minh")
USE_I18N = True
USE_TZ = True
# Vietnamese for third-party apps' strings in the admin (django-axes, django-q2); iDesk's own are written in it.
LOCALE_PATHS = [ASSETS_DIR / "locale"]

STATIC_URL = "static/"
STATICFILES_DIRS = [] if INSTALLED else [BASE_DIR / "static"]  # installed: found as the idesk app's
STATIC_ROOT = VAR_DIR / "staticfiles"
STATIC_ROOT.mkdir(exist_ok=True)  # whitenoise warns when it is missing
MEDIA_URL = "media/"
MEDIA_ROOT = Path(envstr("MEDIA_ROOT", str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# Rows per page of every list (Văn bản đến, Văn bản đi, Nhiệm vụ, Chờ vào sổ); the benchmark varies it to check
# that a list's query count does not grow with its length.
IDESK_PAGE_SIZE = envint("IDESK_PAGE_SIZE", 50)

# Uploads: documents may be large scans; the limit is checked per file by the upload validator.
IDESK_MAX_UPLOAD_MB = envint("IDESK_MAX_UPLOAD_MB", 50)
# Liên thông (edXML): a package larger than this is refused before it is parsed; each attachment in it is held to
# IDESK_MAX_UPLOAD_MB like an upload.
IDESK_EDXML_MAX_MB = envint("IDESK_EDXML_MAX_MB", 80)
# Ký số: the Fernet key that encrypts server-held PKCS#12 files at rest. Unset (development only), it is derived
# from SECRET_KEY with a warning; `manage.py check --deploy` warns too. Never logged.
IDESK_SIGNING_KEY = envstr("IDESK_SIGNING_KEY", "")
# "Ký duyệt" and issuing are refused without the leader's and the agency's certificates (issue 16); 0 lets a
# person or unit without one sign off and issue unsigned as before. IDESK_TSA_URL: a timestamp authority (PAdES
# B-T); empty, signatures are B-B.
IDESK_SIGNATURES_REQUIRED = envbool("IDESK_SIGNATURES_REQUIRED", True)
IDESK_TSA_URL = envstr("IDESK_TSA_URL", "")
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# E-mail: console in development.
EMAIL_BACKEND = envstr("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = envstr("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", 25)
EMAIL_HOST_USER = envstr("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = envstr("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = envbool("EMAIL_USE_SSL", False)
DEFAULT_FROM_EMAIL = envstr("DEFAULT_FROM_EMAIL", "iDesk <idesk@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# The district this installation serves: shown in the top bar and on document faces.
IDESK_SITE_NAME = envstr("IDESK_SITE_NAME", "UBND huyện Vân Canh")
IDESK_PLACE_NAME = envstr("IDESK_PLACE_NAME", "Vân Canh")

# Background queue (django-q2): the ORM broker needs nothing extra; Redis when REDIS_URL is set.
REDIS_URL = envstr("REDIS_URL", "")
Q_CLUSTER = {
    "name": "idesk",
    "workers": envint("Q_WORKERS", 2),
    "timeout": 300,
    "retry": 360,
    "max_attempts": 3,
    "queue_limit": 50,
    "bulk": 10,
    "catch_up": False,
    "save_limit": 1000,
    "label": "Hàng đợi",
    # A worker process whose peak memory has reached this (KB) is replaced by a fresh one after its task: what a
    # big task leaves behind (the daily reminders, a long register book) is not carried into the next one (a fresh
    # worker's size and each task's: docs/performance.md, "Constants").
    "max_rss": envint("Q_MAX_RSS_MB", 100) * 1024,
}
if REDIS_URL:
    Q_CLUSTER["redis"] = REDIS_URL
else:
    Q_CLUSTER["orm"] = "default"
    Q_CLUSTER["poll"] = 1

# Production hardening: on by default when DEBUG=0; a TLS-terminating proxy may switch HTTPS redirect off.
if not DEBUG:
    SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = envbool("SESSION_COOKIE_SECURE", True)
    CSRF_COOKIE_SECURE = envbool("CSRF_COOKIE_SECURE", True)
    SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", True)
    # Behind a TLS-terminating proxy (IDESK_BEHIND_TLS_PROXY=1; USE_X_FORWARDED_PROTO=1 is the older name), the
    # proxy says the scheme it saw. HSTS and secure cookies stay on; the redirect to HTTPS may be left to the proxy
    # (SECURE_SSL_REDIRECT=0), and only then is the deploy check's warning about it silenced.
    if envbool("IDESK_BEHIND_TLS_PROXY", False) or envbool("USE_X_FORWARDED_PROTO", False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
        if not SECURE_SSL_REDIRECT:
            SILENCED_SYSTEM_CHECKS.append("security.W008")
SESSION_COOKIE_AGE = envint("SESSION_COOKIE_AGE", 12 * 3600)
X_FRAME_OPTIONS = "DENY"  # views that must be framed (PDF preview) say so themselves
CSRF_FAILURE_VIEW = "idesk.views.csrf_failure"  # a Vietnamese page in the layout, whatever DEBUG says

# Log lines carry the request id (web) or the task (worker); server errors are mailed to ADMINS when DEBUG=0
# (ADMINS="Tên <a@b.vn>, c@d.vn"); Sentry receives errors when SENTRY_DSN is set, and nothing is sent otherwise.
LOGGING = observability.logging_config(envstr("LOG_LEVEL", "WARNING"), envstr("Q_LOG_LEVEL", "INFO"))
ADMINS = observability.parse_admins(envstr("ADMINS", ""))
SENTRY_ENABLED = observability.init_sentry(
    envstr("SENTRY_DSN", ""), envstr("SENTRY_ENVIRONMENT", ""), float(envstr("SENTRY_TRACES_SAMPLE_RATE", "0") or 0)
)

# GET /healthz (idesk/health.py): no login, no visit recorded, answered over plain HTTP to a local probe.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
IDESK_UNRECORDED_PATHS = ["/healthz"]
# Unhealthy when the oldest waiting task has waited longer than this, or a schedule is this late.
IDESK_HEALTH_QUEUE_MAX_SECONDS = envint("IDESK_HEALTH_QUEUE_MAX_SECONDS", 900)
IDESK_HEALTH_SCHEDULE_GRACE_MINUTES = envint("IDESK_HEALTH_SCHEDULE_GRACE_MINUTES", 30)

# --- Compliance and notifications (issue 6) ---


def _clock(name: str, default: str) -> tuple[int, int]:
    """An "HH:MM" time of day from the environment; refuses anything else (like the env readers)."""
    raw = envstr(name, default).strip()
    hours, sep, minutes = raw.partition(":")
    if sep and hours.isdigit() and minutes.isdigit() and int(hours) < 24 and int(minutes) < 60:
        return int(hours), int(minutes)
    raise ImproperlyConfigured(f"{name} must be a time of day HH:MM, got {raw!r}")


# Founding letter R2: each unit's clerk account opens the system at least this many times a working day.
IDESK_REQUIRED_VISITS = envint("IDESK_REQUIRED_VISITS", 2)
# The working day ends here (Asia/Ho_Chi_Minh): the daily report is computed then, and a delivery sent after it
# counts as arriving the next day. A delivery must be opened within this many working days after arriving.
IDESK_WORKDAY_ENDS_AT = _clock("IDESK_WORKDAY_ENDS_AT", "18:00")
IDESK_OPEN_WITHIN_WORKING_DAYS = envint("IDESK_OPEN_WITHIN_WORKING_DAYS", 1)
# Each evening run also recomputes this many working days before today: evening visits, late openings,
# attendance recorded and absence reasons judged after the fact then reach the stored results.
IDESK_COMPLIANCE_REFRESH_DAYS = envint("IDESK_COMPLIANCE_REFRESH_DAYS", 5)
# Daily đôn đốc (deadline tomorrow, overdue) in the morning; the leadership e-mail after the report.
IDESK_REMINDERS_AT = _clock("IDESK_REMINDERS_AT", "07:30")
IDESK_BREACH_EMAIL_AT = _clock("IDESK_BREACH_EMAIL_AT", "18:30")
# Links in e-mails are absolute: the address people use to reach iDesk. By default the development server's,
# on the port `make run PORT=…` gives it (IDESK_PORT).
IDESK_SITE_URL = envstr("IDESK_SITE_URL", "") or f"http://127.0.0.1:{envint('IDESK_PORT', 8000)}"
IDESK_SITE_URL = IDESK_SITE_URL.rstrip("/")

# A task that raises is retried by the broker after `retry` seconds (which must exceed `timeout`, or a slow task
# would run twice), up to `max_attempts`; each failure is listed under "Failed tasks" in the admin.
Q_CLUSTER.update({"timeout": 300, "retry": 420, "max_attempts": 3, "ack_failures": False})

# Meeting reminders: minutes before the start (the day before, and one hour before).
IDESK_MEETING_REMINDERS = [int(m) for m in envlist("IDESK_MEETING_REMINDERS", ["1440", "60"])]
