"""Shared helpers of the benchmarks under bench/.

Every figure is printed as exactly one line, which ``bench/run.py`` reads:

    bench: <name> <value> <unit> target <op> <value> <ok|FAIL>

A benchmark that serves pages uses :func:`bench_site` (a migrated database and collected static files, in a
production-like environment), :func:`gunicorn_server` (gunicorn on a free local port, stopped on exit) and
:func:`http_load` (a bounded load from a few client threads, on 127.0.0.1 only).
"""

from __future__ import annotations

import base64
import contextlib
import http.client
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
LOCAL_POSTGRES_ADMIN = {"host": HOST, "port": 5432, "user": "postgres", "dbname": "postgres"}
BENCH_DATABASE = "mentorship_bench"
LOCAL_POSTGRES_URL = f"postgres://postgres@{HOST}:5432/{BENCH_DATABASE}"

OPS = {
    ">=": lambda value, target: value >= target,
    "<=": lambda value, target: value <= target,
    "==": lambda value, target: value == target,
}


# --- Reporting -------------------------------------------------------------------------------


def _number(value: float) -> str:
    if isinstance(value, int) or float(value).is_integer():
        return str(int(value))
    return f"{value:.1f}"


def format_figure(name: str, value: float, unit: str, op: str, target: float) -> tuple[str, bool]:
    """The figure's line and whether it meets its target."""
    if op not in OPS:
        raise ValueError(f"unknown comparison {op!r}: use one of {', '.join(OPS)}")
    ok = OPS[op](value, target)
    line = f"bench: {name} {_number(value)} {unit} target {op} {_number(target)} {'ok' if ok else 'FAIL'}"
    return line, ok


def report(name: str, value: float, unit: str, op: str, target: float) -> bool:
    """Print one figure's line; return whether it meets its target."""
    line, ok = format_figure(name, value, unit, op, target)
    print(line, flush=True)
    return ok


def note(message: str) -> None:
    """A line of context (never parsed as a figure)."""
    print(f"  {message}", flush=True)


# --- Database and environment ----------------------------------------------------------------


def postgres_answers(host: str = HOST, port: int = 5432) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def ensure_local_bench_database(name: str = BENCH_DATABASE) -> None:
    """Create the benchmark database ``name`` on the local Postgres when it does not exist yet."""
    import psycopg2  # only needed when Postgres is used

    connection = psycopg2.connect(connect_timeout=5, **LOCAL_POSTGRES_ADMIN)
    try:
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if cursor.fetchone() is None:
                cursor.execute(f'CREATE DATABASE "{name}"')
    finally:
        connection.close()


def keep_or_recreate_local_database(name: str, seeded: str, params: list) -> bool:
    """Keep the local benchmark database ``name`` when its seed is there (True): ``seeded`` is a query on
    ``cohorts_cohort`` (with ``params``) whose first value is true for the seed the benchmark wants. Otherwise
    drop it and create it empty (False), for the benchmark to seed."""
    import psycopg2

    ensure_local_bench_database(name)
    connection = psycopg2.connect(connect_timeout=5, **{**LOCAL_POSTGRES_ADMIN, "dbname": name})
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT to_regclass('cohorts_cohort') IS NOT NULL")
            if cursor.fetchone()[0]:
                cursor.execute(seeded, params)
                if cursor.fetchone()[0]:
                    return True
    finally:
        connection.close()
    admin = psycopg2.connect(connect_timeout=5, **LOCAL_POSTGRES_ADMIN)
    try:
        admin.autocommit = True
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            cursor.execute(f'CREATE DATABASE "{name}"')
    finally:
        admin.close()
    return False


def setup_django(env: dict[str, str]) -> None:
    """Configure Django in this process with the benchmark's environment."""
    os.environ.update(env)
    os.environ["DJANGO_SETTINGS_MODULE"] = "mentorship.settings"
    if str(BASE_DIR) not in sys.path:
        sys.path.insert(0, str(BASE_DIR))
    import django

    django.setup()


def bench_environment(database_url: str) -> dict[str, str]:
    """A production-like environment for manage.py and gunicorn (plain HTTP on localhost)."""
    env = dict(os.environ)
    env.update(
        {
            "DEBUG": "0",
            "SECRET_KEY": secrets.token_urlsafe(50),  # 67 characters
            "IDENTITY_KEYS": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
            "ALLOWED_HOSTS": f"{HOST},localhost",
            "SECURE_SSL_REDIRECT": "0",
            "SECURE_COOKIES": "0",
            "SECURE_HSTS_SECONDS": "0",
            "DATABASE_URL": database_url,
            "PYTHONUNBUFFERED": "1",
        }
    )
    if not env.get("REDIS_URL"):
        env.pop("REDIS_URL", None)  # kept when set; never invented
    env.pop("DJANGO_SETTINGS_MODULE", None)  # manage.py and wsgi.py pick the project's settings
    return env


def manage(env: dict[str, str], *args: str, timeout: float = 300) -> None:
    """Run ``manage.py <args>``; on failure print its output and raise."""
    command = [sys.executable, "manage.py", *args]
    result = subprocess.run(command, cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=timeout)
    if result.returncode != 0:
        print(result.stdout[-4000:], result.stderr[-4000:], sep="\n", file=sys.stderr, flush=True)
        raise RuntimeError(f"manage.py {' '.join(args)} exited with {result.returncode}")


def _redact(url: str) -> str:
    return url.rsplit("@", 1)[-1] if "@" in url else url


@contextlib.contextmanager
def bench_site() -> Iterator[dict[str, str]]:
    """Yield the environment of a migrated site with collected static files.

    The database: DATABASE_URL if set; else the local Postgres (database ``mentorship_bench``, created if
    missing) if it answers on 127.0.0.1:5432; else a SQLite file in a temporary directory.
    """
    tmpdir = None
    try:
        database_url = os.environ.get("DATABASE_URL", "")
        if database_url:
            source = "DATABASE_URL"
        elif postgres_answers():
            ensure_local_bench_database()
            database_url, source = LOCAL_POSTGRES_URL, "the local Postgres"
        else:
            tmpdir = tempfile.mkdtemp(prefix="mentorship-bench-")
            database_url, source = f"sqlite:///{tmpdir}/bench.sqlite3", "SQLite (no DATABASE_URL, no local Postgres)"
        redis = "REDIS_URL" if os.environ.get("REDIS_URL") else "none (in-process tasks, per-process cache)"
        note(f"database from {source}: {_redact(database_url)}; redis: {redis}")
        env = bench_environment(database_url)
        manage(env, "migrate", "--no-input")
        manage(env, "collectstatic", "--no-input")
        yield env
    finally:
        if tmpdir:
            shutil.rmtree(tmpdir, ignore_errors=True)


# --- gunicorn --------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def default_workers() -> int:
    return (os.cpu_count() or 1) + 1


def get(port: int, path: str, timeout: float = 10) -> tuple[int, bytes]:
    """One GET on 127.0.0.1:<port>, on a new connection: (status, body)."""
    connection = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        connection.request("GET", path, headers={"Accept": "text/html", "Accept-Language": "en"})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def _stop_group(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


@contextlib.contextmanager
def gunicorn_server(
    env: dict[str, str], workers: int | None = None, ready_path: str = "/", start_timeout: float = 30
) -> Iterator[int]:
    """Serve ``mentorship.wsgi`` with gunicorn on a free port of 127.0.0.1; yield the port.

    Waits until ``ready_path`` answers 200. The server runs in its own process group, which is
    terminated on exit (killed if it does not stop within 10 s). Its log is printed when it fails.
    """
    port = free_port()
    workers = workers or default_workers()
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "mentorship.wsgi",
        "--bind",
        f"{HOST}:{port}",
        "--workers",
        str(workers),
        "--log-level",
        "warning",
        "--timeout",
        "30",
        "--graceful-timeout",
        "5",
    ]
    with tempfile.TemporaryFile(mode="w+") as log:
        process = subprocess.Popen(
            command, cwd=BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )

        def show_log() -> None:
            log.flush()
            log.seek(0)
            print(f"--- gunicorn log ---\n{log.read()[-6000:]}--- end of gunicorn log ---", file=sys.stderr, flush=True)

        try:
            deadline = time.monotonic() + start_timeout
            status = None
            while True:
                if process.poll() is not None:
                    raise RuntimeError(f"gunicorn exited with {process.returncode} before answering")
                try:
                    status, _ = get(port, ready_path, timeout=5)
                except OSError:
                    status = None
                if status == 200:
                    break
                if time.monotonic() > deadline:
                    raise RuntimeError(
                        f"gunicorn did not answer 200 on {ready_path} within {start_timeout:.0f} s (last: {status})"
                    )
                time.sleep(0.2)
            note(f"gunicorn: {workers} workers on {HOST}:{port}")
            yield port
        except BaseException:
            _stop_group(process)
            show_log()
            raise
        finally:
            _stop_group(process)


# --- Load ------------------------------------------------------------------------------------


@dataclass
class LoadResult:
    path: str
    elapsed: float
    latencies: list[float] = field(default_factory=list)  # seconds, of the 200 answers
    errors: int = 0
    error_samples: list[str] = field(default_factory=list)

    @property
    def rps(self) -> float:
        return len(self.latencies) / self.elapsed if self.elapsed > 0 else 0.0

    def percentile_ms(self, pct: float) -> float:
        """Nearest-rank percentile of the latencies, in milliseconds (inf when nothing succeeded)."""
        if not self.latencies:
            return float("inf")
        ordered = sorted(self.latencies)
        rank = max(1, -(-len(ordered) * pct // 100))  # ceil
        return ordered[int(rank) - 1] * 1000


def http_load(
    port: int, path: str, threads: int = 8, duration: float = 10, max_requests_per_thread: int = 100_000
) -> LoadResult:
    """GET ``path`` on 127.0.0.1:<port> from ``threads`` threads for ``duration`` seconds (bounded in count too).

    Each request uses a new connection; a non-200 answer or a failed request counts as an error.
    """
    lock = threading.Lock()
    latencies: list[float] = []
    errors = 0
    samples: list[str] = []
    start_line = threading.Barrier(threads + 1)

    def client() -> None:
        nonlocal errors
        mine: list[float] = []
        my_errors = 0
        my_samples: list[str] = []
        start_line.wait()
        deadline = time.monotonic() + duration
        for _ in range(max_requests_per_thread):
            if time.monotonic() >= deadline:
                break
            began = time.perf_counter()
            try:
                status, _ = get(port, path)
            except OSError as exc:
                status, problem = None, f"{type(exc).__name__}: {exc}"
            else:
                problem = f"HTTP {status}"
            took = time.perf_counter() - began
            if status == 200:
                mine.append(took)
            else:
                my_errors += 1
                if len(my_samples) < 3:
                    my_samples.append(problem)
        with lock:
            latencies.extend(mine)
            errors += my_errors
            samples.extend(my_samples)

    workers = [threading.Thread(target=client, daemon=True) for _ in range(threads)]
    for worker in workers:
        worker.start()
    start_line.wait()
    began = time.perf_counter()
    for worker in workers:
        worker.join(timeout=duration + 60)
    elapsed = time.perf_counter() - began
    return LoadResult(path=path, elapsed=elapsed, latencies=latencies, errors=errors, error_samples=samples[:5])
