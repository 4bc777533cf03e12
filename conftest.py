"""Fixtures shared by every app's tests.

Tests that need a real service (Postgres, Redis, a Celery worker, Chromium) ask for it through the
fixtures below. Without the service they skip with the reason, unless REQUIRE_SERVICES=1 (CI), where
they fail instead: CI must prove the real stack, never skip it.
"""

import os
import shutil
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
import redis
from django.conf import settings as django_settings
from django.core.cache import cache
from django.db import connection
from django.utils import translation

from mentorship.celery import app as celery_app

ROOT = Path(__file__).resolve().parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
LOCAL_REDIS = "redis://127.0.0.1:6379/0"


def service_missing(reason: str) -> None:
    """Skip for lack of a service, or fail when CI requires every service."""
    if os.environ.get("REQUIRE_SERVICES") == "1":
        pytest.fail(f"REQUIRE_SERVICES=1 but {reason}")
    pytest.skip(reason)


def _port_answers(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


@pytest.fixture(autouse=True)
def _english_unless_asked(settings):
    """Each test starts in the site's default language: a test that renders French must not leave
    French active for the next one."""
    with translation.override(settings.LANGUAGE_CODE):
        yield


@pytest.fixture(autouse=True)
def _isolated_cache_and_eager_tasks(settings):
    """Each test starts with an empty in-memory cache (so allauth's rate limits of one test do not
    reach the next) and with tasks run in-process; tests of a real worker opt out explicitly."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    # Sessions in the database whether or not REDIS_URL is set, so that the query counts tests assert are the
    # same everywhere; with Redis the site reads them through the cache (cached_db), which
    # accounts/tests/test_mfa.py runs too.
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.db"
    # A fast hash for the many test accounts; production stores Argon2id (accounts/hashers.py).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    cache.clear()  # memory caches of the same name share their store: empty it for this test
    # Pages name static files as they are, without the manifest that collectstatic writes for production
    # (mentorship/tests/test_deploy.py builds that manifest and checks it).
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = eager


@pytest.fixture
def postgres():
    if connection.vendor != "postgresql":
        service_missing("these tests need PostgreSQL (set DATABASE_URL or run Postgres on 127.0.0.1:5432)")


@pytest.fixture
def redis_url() -> str:
    url = os.environ.get("REDIS_URL", "")
    if url:
        return url
    if _port_answers("127.0.0.1", 6379):
        return LOCAL_REDIS
    service_missing("these tests need Redis (set REDIS_URL or run Redis on 127.0.0.1:6379)")


def _database_url_for_other_processes() -> str:
    db = connection.settings_dict
    user = quote(db.get("USER") or "", safe="")
    password = f":{quote(db['PASSWORD'], safe='')}" if db.get("PASSWORD") else ""
    return f"postgres://{user}{password}@{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{db['NAME']}"


def _use_broker(url: str) -> None:
    """Point the test process's Celery app at another broker. Connection pools are cached by the app
    (and kombu keys producer pools by broker URL): forget the app's, so the next task gets new ones."""
    celery_app.conf.broker_url = url
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.fixture
def celery_workers(redis_url, postgres, transactional_db, settings):
    """Starts real `celery worker` processes using the test database and their own Redis database (15),
    so that no other worker on this machine takes their tasks. Tasks sent with .delay() during the test
    go to them, and the test's cache is that Redis database too.

    ``start(**env)`` starts one (extra environment variables for it, such as EMAIL_URL) and returns its
    process once it is ready; every worker still running is stopped at the end of the test.
    """
    broker = redis_url.rsplit("/", 1)[0] + "/15" if redis_url.count("/") > 2 else redis_url + "/15"
    base_env = {
        **os.environ,
        "DATABASE_URL": _database_url_for_other_processes(),
        "REDIS_URL": broker,
        "SECRET_KEY": django_settings.SECRET_KEY,
        "PYTHONUNBUFFERED": "1",
    }
    redis.Redis.from_url(broker).flushdb()  # tasks left by an interrupted run must not run now
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": broker}}
    celery_app.conf.task_always_eager = False
    _use_broker(broker)
    workers = []

    def start(**env: str) -> subprocess.Popen:
        log = ROOT / "test-output" / f"celery-worker-{uuid.uuid4().hex[:8]}.log"
        log.parent.mkdir(exist_ok=True)
        with open(log, "w") as out:
            worker = subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", "mentorship", "worker", "--pool=solo",
                 "--without-gossip", "--without-mingle", "--loglevel=INFO"],
                cwd=ROOT, env={**base_env, **env}, stdout=out, stderr=subprocess.STDOUT,
            )  # fmt: skip
        workers.append(worker)
        worker.log = log
        deadline = time.monotonic() + 30
        while "ready." not in log.read_text():
            if worker.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"the Celery worker did not start:\n{log.read_text()[-3000:]}")
            time.sleep(0.1)
        return worker

    start.broker = broker
    try:
        yield start
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.terminate()
                worker.wait(timeout=10)
        _use_broker(django_settings.CELERY_BROKER_URL)


@pytest.fixture
def celery_worker(celery_workers):
    """One real worker (see ``celery_workers``). Yields the broker URL."""
    celery_workers()
    return celery_workers.broker


@pytest.fixture(scope="session")
def chromium():
    if not (os.path.exists(CHROMIUM) or shutil.which("chromium")):
        service_missing(f"browser tests need Debian's chromium at {CHROMIUM}")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's sync API runs an event loop in this thread
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def browser_page(chromium, live_server):
    """Opens pages in fresh browser contexts (no cookies) on the live server: a phone-sized window
    by default, in the browser language given."""
    contexts = []

    def open_page(*, locale: str = "en-CA", width: int = 390, height: int = 844):
        context = chromium.new_context(
            base_url=live_server.url, viewport={"width": width, "height": height}, locale=locale
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def page(browser_page):
    """A phone-sized page with an English-speaking browser."""
    return browser_page()
