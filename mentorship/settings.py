"""Settings of the mentorship platform, read from the environment.

One module for every place the project runs: the quick start (no variables: SQLite, tasks
in-process, console email), CI and production (``DATABASE_URL``, ``REDIS_URL``, ``SECRET_KEY``...).
The variables are listed in the README.

https://docs.djangoproject.com/en/5.2/ref/settings/
https://django-environ.readthedocs.io/en/latest/
"""

import sys
from pathlib import Path

import environ
from csp.constants import NONE, SELF, UNSAFE_HASHES
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        # A one-line refusal rather than a traceback: the operator needs the fix, not the stack.
        sys.exit("SECRET_KEY is not set: set the SECRET_KEY environment variable (or DEBUG=1 for local development).")
    SECRET_KEY = "insecure-development-key-only-used-when-DEBUG-is-on"  # noqa: S105

# Self-identification answers are encrypted at rest with these Fernet keys (comma-separated, newest
# first: new answers use the first, any of them reads). They are never in the repository. Generate one
# with `python manage.py rotate_identity_key --new-key`; to rotate, put a new key first, run
# `python manage.py rotate_identity_key`, then remove the old one. See mentorship/crypto.py.
IDENTITY_KEYS = env.list("IDENTITY_KEYS", default=[])
if not IDENTITY_KEYS:
    if not DEBUG:
        sys.exit("IDENTITY_KEYS is not set: set it to a Fernet key (or DEBUG=1 for local development).")
    IDENTITY_KEYS = ["ZGV2ZWxvcG1lbnQtb25seS1pZGVudGl0eS1rZXktMzI="]  # development only, like SECRET_KEY above

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# The public address of the site, used in links sent by email from background tasks.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")

INSTALLED_APPS = [
    "mentorship.admin_apps.AdminConfig",  # django.contrib.admin, with our site class
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_celery_beat",
    "simple_history",
    "mentorship",
    "accounts",
    "cohorts",
    "applications",
    "events",
    "matching",
    "meetings",
    "reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # After authentication and allauth's: staff sessions idle out; staff need a second factor for the admin.
    "accounts.middleware.StaffSessionMiddleware",
    "accounts.middleware.StaffSecondFactorMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "mentorship.urls"

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
                "django.template.context_processors.i18n",
            ],
        },
    },
]

WSGI_APPLICATION = "mentorship.wsgi.application"

# Absent DATABASE_URL: a SQLite file, so the quick start needs nothing installed.
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Reuse connections between requests: https://docs.djangoproject.com/en/5.2/ref/databases/#persistent-connections
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # No just-in-time compilation: our queries are short, and PostgreSQL's JIT spent more time compiling the
    # cohort report's grouped queries than running them (bench/bench_report.py). Per connection, so it needs
    # no change to the server. https://www.postgresql.org/docs/current/jit-decision.html
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"

AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]

# Argon2id at one of OWASP's settings (accounts/hashers.py); passwords stored by the earlier default, PBKDF2, are still
# accepted and stored again with Argon2id at their owner's next log-in.
PASSWORD_HASHERS = [
    "accounts.hashers.Argon2idPasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Redis when REDIS_URL is set (shared by every process: rate limits hold across gunicorn workers);
# otherwise a per-process memory cache for the quick start.
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
    # Sessions read from the shared cache, written through to the database (one query less per page;
    # bench/bench_load.py). Only with Redis: a per-process cache would keep a deleted session alive elsewhere.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Languages -------------------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("fr", _("French"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "America/Toronto"
USE_TZ = True

# --- Static files ----------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # https://whitenoise.readthedocs.io/en/stable/django.html#add-compression-and-caching-support
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# --- Email -----------------------------------------------------------------------------------
# Absent EMAIL_URL: messages are printed on the console. Example: smtp+tls://user:pass@host:587
globals().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Mentorship <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Accounts (django-allauth) ---------------------------------------------------------------
# https://docs.allauth.org/en/latest/account/configuration.html
SITE_ID = 1
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
# Never reveal on a page whether an address has an account: knowing that someone joined an LGBTQ+
# or BIPOC program can out them. A sign-up with a taken address emails that address's owner instead.
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_FORMS = {"signup": "accounts.forms.SignupForm", "add_email": "accounts.forms.AddEmailForm"}
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
# Rate limits, on and written out (these are allauth's defaults; actions not listed keep theirs). They are
# counted in the cache above, so REDIS_URL makes them hold across processes. "login_failed" refuses a login,
# even with the right password, after 5 failures for one address in 5 minutes or 10 from one IP in a minute;
# the same limit counts wrong two-factor codes per person. It guards allauth's login page only: the admin's
# own login page sends people there (mentorship/urls.py). Setting this to False would turn them all off.
# https://docs.allauth.org/en/latest/account/rate_limits.html
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "change_password": "5/m/user",
    "reauthenticate": "10/m/user",
}

# --- Staff accounts: second factor, idle sessions ---------------------------------------------
# Staff must turn on a second factor (an authenticator app, with recovery codes) before any admin page
# opens (accounts.middleware.StaffSecondFactorMiddleware); from then on allauth asks for a code at login.
# https://docs.allauth.org/en/latest/mfa/configuration.html
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
# The name staff see in their authenticator app: the Site's name (accounts/migrations/0002_site_name.py).
MFA_TOTP_ISSUER = "Mentorship programs"
# A staff session ends after this many minutes without a request (accounts.middleware.StaffSessionMiddleware);
# other people keep Django's session age (SESSION_COOKIE_AGE, two weeks).
STAFF_SESSION_IDLE_MINUTES = env.int("STAFF_SESSION_IDLE_MINUTES", default=30)

# --- Forms -----------------------------------------------------------------------------------
# https://github.com/django-crispy-forms/crispy-bootstrap5
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Celery ----------------------------------------------------------------------------------
# https://docs.celeryq.dev/en/stable/django/first-steps-with-django.html
# Absent REDIS_URL: tasks run in-process (eager), so the quick start needs no broker and no worker.
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_ENABLE_UTC = True
# With late acknowledgement, a task whose worker died stays in Redis, unacknowledged, and Redis hands it
# to another worker only once the visibility timeout has passed (Celery's default: one hour). It must be
# longer than the longest task and ETA; a shorter one sends a running task to a second worker (the
# reminder ledger makes that harmless, but wasteful). Tests set it to a few seconds.
# https://docs.celeryq.dev/en/stable/getting-started/backends-and-brokers/redis.html#visibility-timeout
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600)}
# The schedule lives in the database (django-celery-beat) so staff can see and change it in the admin;
# the entries below are written there when beat starts.
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BEAT_SCHEDULE = {
    "worker-heartbeat": {"task": "mentorship.tasks.worker_heartbeat", "schedule": 60.0},
    "invite-alumni": {"task": "applications.tasks.invite_alumni", "schedule": 6 * 3600.0},
    "checkin-reminders": {"task": "meetings.tasks.queue_checkin_reminders", "schedule": 15 * 60.0},
    "pairs-at-risk-digest": {"task": "meetings.tasks.send_staff_digest", "schedule": 3600.0},
    "expire-identity-answers": {"task": "applications.tasks.expire_identity_answers", "schedule": 24 * 3600.0},
    "surveys": {"task": "reports.tasks.send_surveys", "schedule": 3600.0},
}

# --- Security --------------------------------------------------------------------------------
# https://docs.djangoproject.com/en/5.2/howto/deployment/checklist/
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env.bool("BEHIND_HTTPS_PROXY", default=False) else None
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_HTTPONLY = True
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
# No other site learns which page of ours a person came from (a program's page can say who they are).
# https://docs.djangoproject.com/en/5.2/ref/middleware/#referrer-policy
SECURE_REFERRER_POLICY = "same-origin"
# A window this site opens, or that opens it, from another origin gets no handle on it.
# https://docs.djangoproject.com/en/5.2/ref/middleware/#cross-origin-opener-policy
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content Security Policy (django-csp 4): scripts, styles, images, fonts and requests come from this site
# only, and no inline script runs, so injected markup cannot run code. Inline styles are refused too
# ('unsafe-inline' is off for style-src as well as script-src): injected CSS can restyle a page to trick
# someone or read a page's content out through its selectors. Nothing needs them: our templates carry no
# style element and no style attribute (their styles are classes in static/css/site.css), nor do Django
# 5.2's admin pages. Two third-party templates have one style attribute each; style-src-attr lets exactly
# those two values through by their hashes ('unsafe-hashes' makes hashes apply to style attributes) rather
# than opening style attributes to 'unsafe-inline'. Neither value gives injected markup anything it lacks
# (the HTML `hidden` attribute already hides, with no CSS).
# mentorship/tests/test_csp_browser.py opens the pages in Chromium and fails on any violation.
# https://django-csp.readthedocs.io/en/latest/configuration.html
# https://developer.mozilla.org/en-US/docs/Web/HTTP/Headers/Content-Security-Policy/style-src-attr
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "style-src-attr": [
            UNSAFE_HASHES,
            # "border-top: 0": django-simple-history's history page (simple_history/object_history_list.html)
            "'sha256-XMXSevYjgSjXgRafBFDvtjwX+yyWLrxfso9DcNZ9UXM='",
            # "display: none": allauth's e-mail page, with a change waiting (account/email_change.html)
            "'sha256-ZdHxw9eWtnxUb3mk6tBS+gIiVUPE3pGM470keHPDFlE='",
        ],
        "img-src": [SELF, "data:"],  # data: for Bootstrap's and the admin's small SVG icons in their CSS
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],  # as X_FRAME_OPTIONS, for the browsers that read only this one
        "form-action": [SELF],
    },
}

# The change history (django-simple-history) is a record of who changed what and when, never an undo:
# changes go through the services, which keep the invariants and write the audit and the emails.
# https://django-simple-history.readthedocs.io/en/latest/admin.html
SIMPLE_HISTORY_REVERT_DISABLED = True

# Identity data never goes to logs: only warnings and errors are logged, to the console.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
    # Never DEBUG, whatever the level of "django": at DEBUG the template engine logs each variable it cannot
    # resolve together with the whole context, which on the self-identification form holds the answers.
    "loggers": {"django.template": {"level": "INFO"}},
}
