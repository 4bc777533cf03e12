"""Where a page's time goes: the load test's pages rendered in this process, on the load test's database.

    .venv/bin/python bench/profile_pages.py            # each page: ms per request (best of 3), queries, SQL ms
    .venv/bin/python bench/profile_pages.py pair 30    # and cProfile's top functions for one page
    UNKEPT=1 .venv/bin/python bench/profile_pages.py   # whole pages never kept (mentorship/kept_pages.py): a miss

Not a benchmark (``make bench`` runs ``bench_*.py`` only): a tool for deciding what to make faster. It needs the
database that ``bench/bench_load.py`` seeded (run that once first) and Redis.
"""

from __future__ import annotations

import cProfile
import os
import pstats
import sys
import time
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import bench_load
from bench.common import bench_environment


def record(captured: list, execute, sql, params, many, context):
    """A database execute wrapper: each query's seconds and SQL into ``captured``."""
    began = time.perf_counter()
    try:
        return execute(sql, params, many, context)
    finally:
        captured.append((time.perf_counter() - began, sql, params))


def main() -> None:
    env = bench_environment(bench_load.database_url())
    env["REDIS_URL"] = bench_load.redis_url()
    env["DJANGO_SETTINGS_MODULE"] = "bench.load.settings"
    os.environ.update(env)
    import django

    django.setup()
    if os.environ.get("UNKEPT"):
        from mentorship import kept_pages

        kept_pages.PAGES.get = lambda _key: None
    from django.db import connection
    from django.test import Client

    from accounts.models import User
    from cohorts.models import Cohort
    from events.models import Event
    from matching.models import Match
    from meetings.models import MeetingLog

    monday = bench_load.this_monday()
    cohort = Cohort.objects.get(slug=bench_load.marker_slug(monday))
    match = Match.objects.filter(run__cohort=cohort).select_related("mentor__user").order_by("pk")[5]
    logged = set(MeetingLog.objects.filter(match=match).values_list("week", flat=True))
    start = cohort.mentorship_starts_on
    open_week = next(n for n in bench_load.OPEN_WEEKS if start + bench_load.dt.timedelta(weeks=n - 1) not in logged)
    event = Event.objects.get(cohort__slug=f"{bench_load.PROGRAM_SLUG}-event")
    people = {
        "mentor": match.mentor.user,
        "event": User.objects.get(email=bench_load.email("event-mentee", 0)),
        "applicant": User.objects.get(email=bench_load.email("applicant", 0)),
        "staff": User.objects.get(email=bench_load.email("staff", 0)),
    }
    pages = {
        "bare": ("/bench/bare/", None),
        "chrome": ("/bench/chrome/", "mentor"),
        "home": ("/", "mentor"),
        "login_page": ("/accounts/login/", None),
        "mentor_home": ("/mentoring/", "mentor"),
        "pair": (f"/mentoring/pairs/{match.pk}/", "mentor"),
        "log_form": (f"/mentoring/pairs/{match.pk}/weeks/{open_week}/log/", "mentor"),
        "event_schedule": (f"/events/{event.pk}/", "event"),
        "application_form": (f"/cohorts/{bench_load.PROGRAM_SLUG}-next/apply/mentee/", "applicant"),
        "admin_application_list": ("/admin/applications/application/", "staff"),
    }
    clients = {}
    for kind, user in people.items():
        clients[kind] = Client(HTTP_ACCEPT_LANGUAGE="en", HTTP_HOST=bench_load.HOST)
        clients[kind].force_login(user)
    clients[None] = Client(HTTP_ACCEPT_LANGUAGE="en", HTTP_HOST=bench_load.HOST)
    only = sys.argv[1] if len(sys.argv) > 1 else None
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 30
    for name, (path, kind) in pages.items():
        if only and name != only:
            continue
        client = clients[kind]
        for _ in range(3):
            response = client.get(path)
            assert response.status_code == 200, (name, response.status_code, response.get("Location"))
        captured: list[tuple[float, str, tuple]] = []
        with connection.execute_wrapper(partial(record, captured)):
            client.get(path)
        sql_ms = sum(seconds for seconds, *_query in captured) * 1000
        batches = []  # the fastest of three batches: the machine's other work only ever adds time
        for _ in range(3):
            began, cpu = time.perf_counter(), time.process_time()
            for _ in range(rounds):
                client.get(path)
            batches.append(((time.perf_counter() - began) / rounds * 1000, (time.process_time() - cpu) / rounds * 1000))
        wall, cpu = min(batches)
        print(f"{name:24} {wall:6.1f} ms wall {cpu:6.1f} ms cpu {len(captured):3d} queries {sql_ms:5.1f} ms sql")
        if only:
            profile = cProfile.Profile()
            profile.enable()
            for _ in range(rounds):
                client.get(path)
            profile.disable()
            stats = pstats.Stats(profile).sort_stats("cumulative")
            stats.print_stats(45)
            stats.sort_stats("tottime").print_stats(25)
            if os.environ.get("CALLERS"):
                stats.print_callers(os.environ["CALLERS"])
            if os.environ.get("CALLEES"):
                stats.print_callees(os.environ["CALLEES"])
            with connection.cursor() as cursor:
                for seconds, sql, params in captured:
                    cursor.execute(f"EXPLAIN (ANALYZE, SUMMARY) {sql}", params)
                    plan = [row[0] for row in cursor.fetchall()]
                    timing = " ".join(line.strip() for line in plan if line.startswith(("Planning", "Execution")))
                    print(f"{seconds * 1000:.2f} ms ({timing})", sql[: int(os.environ.get("SQL_CHARS", "300"))])


if __name__ == "__main__":
    main()
