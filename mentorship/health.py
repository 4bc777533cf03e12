"""What /healthz reports: can this process reach the database and the task broker."""

import redis
from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connection
from django.utils import timezone

HEARTBEAT_KEY = "health:worker-heartbeat"
OK, DOWN, IN_PROCESS = "ok", "down", "in-process"


def database_state() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return DOWN
    return OK


def broker_state() -> str:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return IN_PROCESS  # the quick start runs tasks in the web process: there is no broker
    client = redis.Redis.from_url(settings.CELERY_BROKER_URL, socket_connect_timeout=1, socket_timeout=1)
    try:
        client.ping()
    except (redis.RedisError, OSError):
        return DOWN
    finally:
        client.close()
    return OK


def heartbeat_record() -> None:
    cache.set(HEARTBEAT_KEY, timezone.now().isoformat(), timeout=None)


def heartbeat_last_seen() -> str | None:
    try:
        return cache.get(HEARTBEAT_KEY)
    except Exception:  # the cache lives in Redis: when it is down, the broker line says so
        return None


def health_report() -> tuple[bool, dict]:
    """(healthy, details); healthy when neither the database nor the broker is down."""
    report = {"database": database_state(), "broker": broker_state(), "worker_last_seen": heartbeat_last_seen()}
    return DOWN not in (report["database"], report["broker"]), report
