"""A Celery worker of the project, instrumented for bench/bench_reminders.py (never used in production).

    python bench/reminder_worker.py worker --pool=solo --without-gossip --without-mingle --loglevel=INFO

It is ``celery -A mentorship worker`` plus counters, kept in the hash ``COUNTERS`` of the worker's own Redis
database (``REDIS_URL``) so that the benchmark process can read them:

- ``started`` / ``done``: tasks begun and finished (``tasks:<name>``: finished, per task name, and
  ``seconds:<name>`` their time);
- ``queries`` (``queries:<name>``): the SQL statements the tasks ran, counted by a Django execute wrapper on
  the worker's connection (transaction begin and commit are not statements: psycopg sends them itself), and
  ``db_seconds``, their time;
- ``smtp_sends``, ``smtp_seconds``: the calls of Django's SMTP backend and their time, with
  ``smtp_open_seconds`` / ``smtp_close_seconds`` the part spent connecting (TCP, greeting, EHLO) and quitting,
  and ``mime_seconds`` the part spent building the message;
- ``commits``, ``commit_seconds``: the transactions committed (not statements: not in ``queries``);
- ``render_seconds``: the rendering of the emails' templates (``mentorship.email.render_to_string``);
- ``task_seconds``: the tasks' time from ``task_prerun`` to ``task_postrun``, and ``cpu_seconds`` the worker's CPU
  time in them (user and system: what the machine's load does not change).

Nothing of the project's code is changed: the counters hang on Celery's signals and wrap Django's backend.
"""

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the project's packages (run as a script)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentorship.settings")

import redis
from celery import signals

COUNTERS = "bench:reminder-worker"

_redis = redis.Redis.from_url(os.environ["REDIS_URL"])
_pending: dict[str, float] = {}  # this task's counts, written to Redis when it ends
_task_began = 0.0
_task_cpu_began = 0.0


def _add(name: str, amount: float = 1) -> None:
    _pending[name] = _pending.get(name, 0) + amount


def _count_query(execute, sql, params, many, context):
    began = time.perf_counter()
    try:
        return execute(sql, params, many, context)
    finally:
        _add("queries")
        _add("db_seconds", time.perf_counter() - began)


def _timed(method, counter: str, calls: str | None = None):
    def wrapper(self, *args, **kwargs):
        began = time.perf_counter()
        try:
            return method(self, *args, **kwargs)
        finally:
            _add(counter, time.perf_counter() - began)
            if calls:
                _add(calls)

    return wrapper


@signals.worker_init.connect
def _instrument(**_kwargs) -> None:
    from django.core.mail import EmailMessage
    from django.core.mail.backends.smtp import EmailBackend
    from django.db.backends.base.base import BaseDatabaseWrapper

    import mentorship.email

    EmailBackend.send_messages = _timed(EmailBackend.send_messages, "smtp_seconds", "smtp_sends")
    EmailBackend.open = _timed(EmailBackend.open, "smtp_open_seconds")
    EmailBackend.close = _timed(EmailBackend.close, "smtp_close_seconds")
    EmailMessage.message = _timed(EmailMessage.message, "mime_seconds")  # building the message, within SMTP's
    BaseDatabaseWrapper.commit = _timed(BaseDatabaseWrapper.commit, "commit_seconds", "commits")
    render = mentorship.email.render_to_string
    mentorship.email.render_to_string = lambda *args, **kwargs: _timed_call(render, "render_seconds", args, kwargs)


def _timed_call(function, counter: str, args, kwargs):
    began = time.perf_counter()
    try:
        return function(*args, **kwargs)
    finally:
        _add(counter, time.perf_counter() - began)


@signals.task_prerun.connect
def _task_begins(**_kwargs) -> None:
    global _task_began, _task_cpu_began
    from django.db import connection

    if _count_query not in connection.execute_wrappers:  # the solo pool runs every task in this thread
        connection.execute_wrappers.append(_count_query)
    _redis.hincrby(COUNTERS, "started", 1)
    _pending.clear()
    _task_began, _task_cpu_began = time.perf_counter(), time.process_time()


@signals.task_postrun.connect
def _task_ends(sender=None, **_kwargs) -> None:
    _add("task_seconds", time.perf_counter() - _task_began)
    _add("cpu_seconds", time.process_time() - _task_cpu_began)
    name = getattr(sender, "name", "unknown")
    with _redis.pipeline() as pipe:
        for key, value in _pending.items():
            pipe.hincrbyfloat(COUNTERS, key, value)
        pipe.hincrbyfloat(COUNTERS, f"queries:{name}", _pending.get("queries", 0))
        pipe.hincrbyfloat(COUNTERS, f"seconds:{name}", _pending["task_seconds"])
        pipe.hincrby(COUNTERS, f"tasks:{name}", 1)
        pipe.hincrby(COUNTERS, "done", 1)
        pipe.execute()
    _pending.clear()


if __name__ == "__main__":
    from mentorship.celery import app

    app.worker_main(sys.argv[1:] if sys.argv[1:] else ["worker", "--pool=solo"])
