"""The whole program under load on the real stack: Locust against gunicorn, Postgres, Redis and Celery workers.

Issue 9: with a seeded program of 10,000 participants, 5,000 active pairs and 100,000 meeting logs, 100 simulated
people for 60 seconds mix the busiest flows; the site must make no error and lose no write, answer every flow in
under 250 ms at the 95th percentile, and serve each page at no less than 10% of the throughput of a bare Django view
served by the same gunicorn in the same run. During the run Postgres is restarted once and a Celery worker killed
once: the site answers again within 10 s of Postgres coming back, and no owed check-in reminder is lost.

The stack:
- Postgres: the bench-only database ``mentorship_bench_load`` on the local server (never the tests' databases).
  Seeded once a week (the program's dates follow the calendar) with bulk_create, then reused: each run deletes
  only what the previous run added. Redis: database ``REDIS_DB`` (13; the tests use 15, the reminder benchmark
  14), flushed first: cache, rate limits, Celery broker.
- gunicorn: ``bench_site`` + ``gunicorn_server`` of bench/common.py, cpu_count + 1 sync workers, with the bench-only
  settings ``bench.load.settings``: the product's settings, plus a URLconf that adds the bare view
  ``/bench/bare/`` (``HttpResponse("ok")`` through the same middleware; no template, no query) and allauth reading
  the client's address from ``X-Forwarded-For`` (each simulated person sends their own, as behind a proxy: the
  rate limits then count per person, as in production, not the 100 people as one client).
- Two Celery workers (``celery -A mentorship worker --pool=solo``) sending to an SMTP sink of this process.
- Locust (``bench/load/locustfile.py``), headless, one process, FastHttpUser: see its docstring for the mix.

The seeded program (``bench-load``): a cohort in its 36th week of a 40-week mentorship period with 5,000 mentors
and 5,000 mentees (10,000 participants, each with an accepted application: 10,060 applications in the admin list),
5,000 active pairs and 20 logs each (100,000): 4,500 pairs logged weeks 17 to 36 (this week included), 500 pairs
week 1 and weeks 17 to 35, so their mentors are owed this week's check-in reminder (the cohort's reminder moment
is Monday 00:00: it has passed all week). A second cohort holds a speed-networking event under way (30 mentors, 30
mentees, 30 tables, 8 rounds), a third takes applications (6 questions a role). Six staff have an authenticator.

Before anything is measured, every page is requested 3 times per gunicorn worker (a warm-up: each worker compiles
its templates and opens its connections on first use, as a deployed site has long done).

The run (about 60 s of mixed load), on a timeline from Locust's start:
- 100 people: 60 mentors, 20 people at the event, 14 applicants, 6 staff, with a think time of 1 to 5 s (Locust's
  usual example). Each mentor logs weeks 16, 15, 14... of their pair, none logged yet, so each successful POST must
  add a row.
- At ``TICK_AT`` s the reminder tick is sent (``queue_checkin_reminders``), then again every ``TICK_EVERY`` s (beat
  does it every 15 minutes; a lost batch waits for the next tick by design: meetings/reminders.py). Once the sink
  holds ``KILL_AFTER`` reminders (or ``KILL_BY`` s have passed) one worker is killed (SIGKILL) and a new one
  started, as a supervisor would.
- At ``RESTART_AT`` s Postgres is restarted (``pg_ctlcluster ... restart``: a fast shutdown, then a start).

The figures (``bench: <name> ...``):
- Per flow (``login``, ``login_code``, ``home``, ``mentor_home``, ``pair``, ``log_form``, ``log_post``,
  ``event_schedule``, ``application_form``, ``admin_application_list``...): requests per second over the run,
  median and 95th-percentile latency (nearest rank, of every steady-state request, failed ones included) with the
  target p95 < 250 ms.
- Errors: a request fails on a network error or an unexpected answer (a page: anything but 200, no redirect
  followed; a POST: anything but its 302 to the right place). The OUTAGE WINDOW runs from the moment the restart
  command is issued until 10 s after Postgres accepts connections again (the recovery the issue allows). A request
  in flight at any moment of that window (it started before its end and ended after its start: with requests
  queued behind the workers, some that started just before the restart meet it) is an outage request: its errors
  are the figure ``load_outage_errors`` (informational: its target, >= 0, always holds) and it is left out of the
  per-flow figures. Every other request is steady state: its errors are ``load_errors`` (target 0). An error after
  the window is a steady-state error, so a site that takes longer than 10 s to recover fails that figure as well as
  ``load_recovery_seconds``.
- ``load_recovery_seconds``: from Postgres accepting connections again until the site answers again: the later of
  the first 200 of ``/healthz`` (probed every 0.1 s from then on; it reads the database) and the end of the last
  request that failed after that moment, <= 10.
- Writes: every log POST names its pair and week. ``load_lost_writes`` counts the POSTs that succeeded without
  their row in the database afterwards (target 0). The meeting logs are counted before and after the run, and
  ``load_unexplained_new_rows`` = new rows - successful POSTs - rows of POSTs that failed in the outage window
  although their transaction had committed (the answer was lost, not the write: a second try is told the week is
  logged already), target 0: no row appears that no POST explains, and with no lost write the counts agree.
- Reminders: the mentors owed one are worked out from the seed; ``load_reminders_lost`` counts those the sink never
  received within ``REMINDER_TIMEOUT`` s (target 0); duplicates (a message beyond the first to a person: possible
  by design when a worker dies between the mail server's acceptance and the commit) and messages to anyone else
  are noted.
- Throughput, ``load_<page>_pct_of_bare``: after the mixed run (workers stopped), a saturation phase measures each
  page's maximum throughput exactly as the bare view's: ``SATURATE_USERS`` Locust users without think time request
  only that page (signed in as different people: mentors for their pages, staff for the admin list...) for
  ``PHASE_SECONDS``; the rate counts the answers completed after the first ``PHASE_WARMUP`` s. The figure is
  100 * page rate / bare view rate, target >= 10 (%), for every page (GET) of the mix. The two POSTs are writes
  (a row each, so not repeatable at will) and the login's cost is its password hash (Django's PBKDF2, about 0.5 s
  of CPU on this machine): they have the latency and error targets only. The bare view's rate is partly the
  client's limit (Locust's CPU shares the machine), which holds for every page alike.

The per-flow requests per second (``load_<flow>_rps``, ``load_rps``) are informational (target >= 0); the median
carries the p95's target (a median above it means the p95 is too).

Notes (not figures) say where the CPU went during the mixed run and the saturation phase (gunicorn, the Postgres
processes of this database, Locust, Celery, this process, and what the rest of the machine used) and the load
average: on a shared machine the site's figures are only as good as the CPU it got. Left in test-output/: every
request of the mixed run (``bench-load-mixed.jsonl``: start, flow, ms, ok, pair and week of a log, error), the
server's errors (``bench-load-server.log``), Locust's and the workers' logs.

Without Postgres, Redis or Locust the figures are FAIL lines: the issue asks for the real stack.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import zoneinfo
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from common import (
    BASE_DIR,
    HOST,
    LOCAL_POSTGRES_ADMIN,
    bench_site,
    default_workers,
    get,
    gunicorn_server,
    keep_or_recreate_local_database,
    note,
    postgres_answers,
    report,
    setup_django,
)

DATABASE = "mentorship_bench_load"
REDIS_DB = 13  # the tests' workers use 15, bench_reminders 14
OUTPUT = BASE_DIR / "test-output"
SEED_VERSION = 3  # 2: passwords stored with Argon2id; 3: at 7 MiB and 5 iterations (accounts/hashers.py)
PROGRAM_SLUG = "bench-load"
EMAIL_DOMAIN = "load.bench.example"
PASSWORD = "bench-load-password-not-secret"  # noqa: S105 (bench accounts of a bench-only database)
ZONE = "America/Toronto"

MENTORS = 5_000  # and as many mentees: 10,000 participants, 5,000 pairs
OWED = 500  # the last OWED pairs have no log this week: their mentors are owed a reminder
LOGS_PER_PAIR = 20  # 100,000 logs
CURRENT_WEEK = 36
MENTORSHIP_WEEKS = 40
LOGGED_FROM = 17  # every pair has logs of weeks 17..35; weeks 2..16 are free for the load run
OPEN_WEEKS = list(range(LOGGED_FROM - 1, 1, -1))  # 16, 15, ..., 2
EVENT_PEOPLE = 30  # mentors, and as many mentees, at the event
APPLICANTS = 40
STAFF = 6

USERS = 100
MIX = {"mentors": 60, "event": 20, "applicants": 14, "staff": 6}
DURATION = 60  # seconds of mixed load
SPAWN_RATE = 20  # people started a second
TICK_AT = 8.0  # s after Locust's start: the first reminder tick
TICK_EVERY = 10.0
KILL_AFTER = 100  # reminders received before a worker is killed...
KILL_BY = 25.0  # ... or this many seconds after Locust's start, whichever comes first
RESTART_AT = 32.0
WORKER_NICE = 10  # the Celery workers' CPU priority below the site's (README, "Deploying")
RECOVERY_LIMIT = 10.0  # seconds; the issue's target, and the outage window's tail
REMINDER_TIMEOUT = 90.0  # seconds after the mixed run for every owed reminder to arrive

SATURATE_USERS = 12
# Each flow for 8 s, counted after the first 2 s: 4-second windows varied by a tenth from run to run for one page.
PHASE_SECONDS = 8.0
PHASE_WARMUP = 2.0
# (name, kind of account signed in: None for anonymous) measured in the saturation phase, in this order. The bare
# view, the ceiling every page is compared with, is measured first, in the middle and last, and its median taken:
# a single 4-second window of it varied by a third from run to run.
SATURATED = [
    ("bare", None),
    ("home", "mentors"),
    ("login_page", None),
    ("mentor_home", "mentors"),
    ("pair", "mentors"),
    ("bare", None),
    ("log_form", "mentors"),
    ("event_schedule", "event"),
    ("application_form", "applicants"),
    ("admin_application_list", "staff"),
    ("bare", None),
]
TARGETS = {"p95_ms": 250, "percent_of_bare": 10, "recovery_seconds": RECOVERY_LIMIT}


# --- Database, Redis, Django -----------------------------------------------------------------


def database_url() -> str:
    return f"postgres://{LOCAL_POSTGRES_ADMIN['user']}@{HOST}:{LOCAL_POSTGRES_ADMIN['port']}/{DATABASE}"


def redis_url() -> str:
    base = os.environ.get("REDIS_URL", "") or "redis://127.0.0.1:6379/0"
    base = base.rsplit("/", 1)[0] if base.count("/") > 2 else base
    return f"{base}/{REDIS_DB}"


def this_monday() -> dt.date:
    today = dt.datetime.now(zoneinfo.ZoneInfo(ZONE)).date()
    return today - dt.timedelta(days=today.weekday())


def marker_slug(monday: dt.date) -> str:
    return f"{PROGRAM_SLUG}-v{SEED_VERSION}-{monday:%Y%m%d}"


def fresh_database_if_stale(monday: dt.date) -> bool:
    """Keep the database if it holds this week's seed (True); else drop it and create it empty (False)."""
    return keep_or_recreate_local_database(
        DATABASE, "SELECT count(*) > 0 FROM cohorts_cohort WHERE slug = %s", [marker_slug(monday)]
    )


def email(kind: str, number: int) -> str:
    return f"{kind}-{number:05d}@{EMAIL_DOMAIN}"


# --- Seeding ---------------------------------------------------------------------------------


def seed(monday: dt.date) -> None:
    """The program, its three cohorts, people, pairs, logs, the event and the questions (an empty database)."""
    from allauth.account.models import EmailAddress
    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django.utils import timezone

    from accounts.models import User
    from applications.models import Application, Question
    from cohorts.models import Cohort, Participant, Program, Role, Track
    from events.models import Attendance, Event, Seat
    from matching.models import Match, MatchRun
    from meetings.models import Format, MeetingLog

    now = timezone.now()
    password = make_password(PASSWORD)
    people = (
        [(email("mentor", n), {"language": "fr" if n % 4 == 3 else "en"}) for n in range(MENTORS)]
        + [(email("mentee", n), {"language": "fr" if n % 4 == 1 else "en"}) for n in range(MENTORS)]
        + [(email("event-mentor", n), {}) for n in range(EVENT_PEOPLE)]
        + [(email("event-mentee", n), {}) for n in range(EVENT_PEOPLE)]
        + [(email("applicant", n), {}) for n in range(APPLICANTS)]
        + [(email("staff", n), {"is_staff": True, "is_superuser": True}) for n in range(STAFF)]
    )
    with transaction.atomic():
        users = User.objects.bulk_create(
            [
                User(email=address, password=password, preferred_name=address.split("@")[0].title(), time_zone=ZONE,
                     **extra)
                for address, extra in people
            ],
            batch_size=5000,
        )  # fmt: skip
        EmailAddress.objects.bulk_create(
            [EmailAddress(user=user, email=user.email, verified=True, primary=True) for user in users], batch_size=5000
        )
        ids = {user.email: user.pk for user in users}

        program = Program.objects.create(
            slug=PROGRAM_SLUG, track=Track.EARLY_CAREER, name_en="Bench load", name_fr="Banc de charge"
        )
        mentorship_start = monday - dt.timedelta(weeks=CURRENT_WEEK - 1)
        start = mentorship_start - dt.timedelta(weeks=10)
        opened = dt.datetime.combine(start - dt.timedelta(days=90), dt.time(9), tzinfo=dt.UTC)
        cohort = Cohort.objects.create(
            program=program, slug=marker_slug(monday), name_en="Mentorship", name_fr="Mentorat", start_date=start,
            weeks=10, mentorship_weeks=MENTORSHIP_WEEKS, time_zone=ZONE, reminder_weekday=0, reminder_time=dt.time(0),
            applications_open_at=opened, applications_close_at=opened + dt.timedelta(days=30),
            mentee_capacity=MENTORS, mentor_capacity=MENTORS,
        )  # fmt: skip
        event_start = monday - dt.timedelta(weeks=9)
        opened = dt.datetime.combine(event_start - dt.timedelta(days=60), dt.time(9), tzinfo=dt.UTC)
        event_cohort = Cohort.objects.create(
            program=program, slug=f"{PROGRAM_SLUG}-event", name_en="Event", name_fr="Événement",
            start_date=event_start, time_zone=ZONE, applications_open_at=opened,
            applications_close_at=opened + dt.timedelta(days=30), mentee_capacity=EVENT_PEOPLE,
            mentor_capacity=EVENT_PEOPLE,
        )  # fmt: skip
        open_cohort = Cohort.objects.create(
            program=program, slug=f"{PROGRAM_SLUG}-next", name_en="Next", name_fr="Suivante",
            start_date=monday + dt.timedelta(weeks=20), time_zone=ZONE,
            applications_open_at=now - dt.timedelta(days=10), applications_close_at=now + dt.timedelta(days=60),
        )  # fmt: skip

        def participants(cohort, kind, role, count):
            return Participant.objects.bulk_create(
                [
                    Participant(cohort=cohort, user_id=ids[email(kind, n)], role=role,
                                mentee_capacity=1 if role == Role.MENTOR else None)
                    for n in range(count)
                ],
                batch_size=5000,
            )  # fmt: skip

        mentors = participants(cohort, "mentor", Role.MENTOR, MENTORS)
        mentees = participants(cohort, "mentee", Role.MENTEE, MENTORS)
        event_mentors = participants(event_cohort, "event-mentor", Role.MENTOR, EVENT_PEOPLE)
        event_mentees = participants(event_cohort, "event-mentee", Role.MENTEE, EVENT_PEOPLE)
        submitted = now - dt.timedelta(days=200)
        Application.objects.bulk_create(
            [
                Application(cohort=participant.cohort, user_id=participant.user_id, role=participant.role,
                            status=Application.Status.ACCEPTED, time_zone=ZONE, submitted_at=submitted,
                            decided_at=submitted + dt.timedelta(days=20),
                            mentee_capacity=1 if participant.role == Role.MENTOR else None)
                for participant in [*mentors, *mentees, *event_mentors, *event_mentees]
            ],
            batch_size=5000,
        )  # fmt: skip
        choices = "Video\nIn person\nPhone"
        Question.objects.bulk_create(
            Question(cohort=open_cohort, role=role, kind=kind, text_en=text, text_fr=text, choices_en=options,
                     choices_fr=options, required=required, position=position)
            for role in Role.values
            for position, (kind, text, options, required) in enumerate([
                (Question.Kind.LONG_TEXT, "Why do you want to take part?", "", True),
                (Question.Kind.LONG_TEXT, "What skills and experience do you bring?", "", True),
                (Question.Kind.SHORT_TEXT, "What outcome do you expect?", "", True),
                (Question.Kind.SINGLE_CHOICE, "How do you prefer to meet?", choices, True),
                (Question.Kind.MULTIPLE_CHOICE, "How do you like to collaborate?", choices, False),
                (Question.Kind.SCALE, "How ready do you feel?", "", False),
            ])
        )  # fmt: skip

        run = MatchRun.objects.create(cohort=cohort, published_at=now - dt.timedelta(weeks=CURRENT_WEEK))
        matches = Match.objects.bulk_create(
            [Match(run=run, mentor=mentors[n], mentee=mentees[n], status=Match.Status.ACTIVE) for n in range(MENTORS)],
            batch_size=5000,
        )
        logs = []
        for n, match in enumerate(matches):
            owed = n >= MENTORS - OWED
            numbers = [1, *range(LOGGED_FROM, CURRENT_WEEK)] if owed else list(range(LOGGED_FROM, CURRENT_WEEK + 1))
            assert len(numbers) == LOGS_PER_PAIR
            for number in numbers:
                week = mentorship_start + dt.timedelta(weeks=number - 1)
                logged = min(dt.datetime.combine(week + dt.timedelta(days=1), dt.time(20), tzinfo=dt.UTC), now)
                logs.append(
                    MeetingLog(match=match, week=week, met=True, met_on=week + dt.timedelta(days=1),
                               duration_minutes=45, format=Format.VIDEO, shared_notes="We went through the plan.",
                               logged_by_id=mentors[n].user_id, created_at=logged, updated_at=logged)
                )  # fmt: skip
        MeetingLog.objects.bulk_create(logs, batch_size=5000)

        event = Event.objects.create(
            cohort=event_cohort, starts_at=now, tables=EVENT_PEOPLE, rounds=8, seats_per_table=1,
            ratings_close_at=now + dt.timedelta(days=30),
        )  # fmt: skip
        Attendance.objects.bulk_create(
            Attendance(event=event, participant=participant, rsvp=Attendance.Rsvp.YES, checked_in_at=now,
                       intro=f"Hello, I am {participant.role} number {number}.")
            for people in (event_mentors, event_mentees)
            for number, participant in enumerate(people)
        )  # fmt: skip
        Seat.objects.bulk_create(
            seat
            for round_number in range(1, 9)
            for table in range(1, EVENT_PEOPLE + 1)
            for seat in (
                Seat(event=event, round=round_number, table=table, participant=event_mentors[table - 1]),
                Seat(event=event, round=round_number, table=table,
                     participant=event_mentees[(table - 1 + round_number - 1) % EVENT_PEOPLE]),
            )
        )  # fmt: skip
    analyze()


def analyze() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


@dataclass
class Seeded:
    cohort_id: int
    event_id: int
    apply_path: str
    mentorship_start: dt.date
    logs: int
    owed: set[str]  # emails of the mentors owed this week's reminder
    accounts: dict = field(default_factory=dict)


def prepare(monday: dt.date, base_url: str) -> Seeded:
    """Undo the previous run (logs of the free weeks, reminders, sessions), restart the event, sign people in."""
    import secrets

    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.db import transaction
    from django.utils import timezone

    from accounts.models import User
    from cohorts.models import Cohort
    from events.models import Event
    from matching.models import Match
    from meetings.models import MeetingLog, Reminder

    cohort = Cohort.objects.get(slug=marker_slug(monday))
    start = cohort.mentorship_starts_on
    week = {number: start + dt.timedelta(weeks=number - 1) for number in range(1, MENTORSHIP_WEEKS + 1)}
    with transaction.atomic():
        MeetingLog.objects.filter(
            match__run__cohort=cohort, week__gte=week[min(OPEN_WEEKS)], week__lte=week[max(OPEN_WEEKS)]
        ).delete()
        Reminder.objects.all().delete()
        Session.objects.all().delete()
        event = Event.objects.get(cohort__slug=f"{PROGRAM_SLUG}-event")
        event.started_at = timezone.now() - dt.timedelta(minutes=12)  # round 2 under way
        event.save(update_fields=["started_at"])
    logs = MeetingLog.objects.filter(match__run__cohort=cohort).count()

    def session_of(user) -> str:
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        return store.session_key

    users = {user.email: user for user in User.objects.filter(email__endswith=f"@{EMAIL_DOMAIN}")}
    match_of = dict(
        Match.objects.filter(run__cohort=cohort).values_list("mentor__user__email", "pk")
    )  # mentor's email -> pair
    number = 0

    def account(address: str, **extra) -> dict:
        nonlocal number
        number += 1
        user = users[address]
        return {"email": address, "session": session_of(user), "address": f"10.{number // 250}.{number % 250 + 1}.7",
                **extra}  # fmt: skip

    mondays = {str(n): week[n].isoformat() for n in OPEN_WEEKS}
    wanted_mentors = MIX["mentors"] + SATURATE_USERS
    accounts = {
        "host": HOST,
        "base_url": base_url,
        "password": PASSWORD,
        "event_id": event.pk,
        "apply_path": f"/cohorts/{PROGRAM_SLUG}-next/apply/mentee/",
        "mentors": [
            account(email("mentor", n), match=match_of[email("mentor", n)], open_weeks=OPEN_WEEKS,
                    week_mondays=mondays)
            for n in range(wanted_mentors)
        ],
        "event": [account(email(kind, n)) for n in range(EVENT_PEOPLE // 2) for kind in ("event-mentee", "event-mentor")],  # noqa: E501
        "applicants": [account(email("applicant", n)) for n in range(APPLICANTS)],
        "staff": [],
    }  # fmt: skip
    Authenticator.objects.filter(user__email__endswith=f"@{EMAIL_DOMAIN}").delete()
    for n in range(STAFF):
        secret = base64_secret(secrets.token_bytes(20))
        TOTP.activate(users[email("staff", n)], secret)
        accounts["staff"].append(account(email("staff", n), totp=secret))
    owed = {email("mentor", n) for n in range(MENTORS - OWED, MENTORS)}
    return Seeded(cohort.pk, event.pk, accounts["apply_path"], start, logs, owed, accounts)


def base64_secret(raw: bytes) -> str:
    import base64

    return base64.b32encode(raw).decode().rstrip("=")


# --- Workers, faults -------------------------------------------------------------------------


class Worker:
    """One Celery worker of the project (solo pool), its log in test-output/.

    It runs at a lower CPU priority than the site, as the README's deployment runs workers beside gunicorn. On Linux
    ``nice`` alone does not reach across the scheduler's autogroups (one per session; gunicorn has its own), so the
    worker gets a session of its own and that group is given the same nice value (sched(7), "The autogroup
    feature"): the effect of a systemd unit's ``CPUWeight``.
    """

    def __init__(self, env: dict[str, str], name: str):
        self.env, self.name = env, name
        self.log_path = OUTPUT / f"bench-load-worker-{name}.log"
        self.process: subprocess.Popen | None = None

    def start(self, wait: bool = True) -> Worker:
        OUTPUT.mkdir(exist_ok=True)
        # nice execs the worker, so the pid is the worker's own (killed once during the run).
        command = ["nice", "-n", str(WORKER_NICE), sys.executable, "-m", "celery", "-A", "mentorship", "worker",
                   "--pool=solo", "-n", f"{self.name}@%h", "--without-gossip", "--without-mingle",
                   "--without-heartbeat", "--loglevel=INFO"]  # fmt: skip
        with open(self.log_path, "w") as log:
            self.process = subprocess.Popen(
                command, cwd=BASE_DIR, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        with contextlib.suppress(OSError):  # a kernel without autogroups: nice is enough
            Path(f"/proc/{self.process.pid}/autogroup").write_text(str(WORKER_NICE))
        deadline = time.monotonic() + 60
        while wait and "ready." not in self.log_path.read_text(errors="replace"):
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"worker {self.name} did not start (see {self.log_path})")
            time.sleep(0.1)
        return self

    def kill(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.kill()


def postgres_cluster() -> list[str]:
    version = sorted(os.listdir("/etc/postgresql"))[-1]
    return ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main"]


def postgres_accepts() -> bool:
    import psycopg2

    try:
        psycopg2.connect(connect_timeout=1, **LOCAL_POSTGRES_ADMIN).close()
        return True
    except psycopg2.OperationalError:
        return False


def ensure_postgres_running() -> None:
    if postgres_answers() and postgres_accepts():
        return
    subprocess.run([*postgres_cluster(), "start"], capture_output=True, timeout=60)
    deadline = time.monotonic() + 30
    while not postgres_accepts() and time.monotonic() < deadline:
        time.sleep(0.2)


@dataclass
class Faults:
    restart_issued: float = 0.0  # time.time()
    postgres_back: float = 0.0
    probe_failures: list[float] = field(default_factory=list)  # end times of failed /healthz probes
    probe_ok: float = 0.0
    killed_at: float = 0.0
    killed_after: int = 0  # reminders received when the worker was killed
    ticks: int = 0
    problems: list[str] = field(default_factory=list)


def restart_postgres(port: int, faults: Faults) -> None:
    faults.restart_issued = time.time()
    result = subprocess.run([*postgres_cluster(), "restart"], capture_output=True, text=True, timeout=120)
    if result.returncode != 0:
        faults.problems.append(f"pg_ctlcluster restart exited {result.returncode}: {result.stderr.strip()[-300:]}")
    deadline = time.monotonic() + 60
    while not postgres_accepts():
        if time.monotonic() > deadline:
            faults.problems.append("Postgres did not accept connections within 60 s of the restart command")
            return
        time.sleep(0.05)
    faults.postgres_back = time.time()
    deadline = faults.postgres_back + RECOVERY_LIMIT + 20
    while time.time() < deadline:
        try:
            status, _ = get(port, "/healthz", timeout=5)
        except OSError:
            status = None
        if status == 200:
            faults.probe_ok = time.time()
            return
        faults.probe_failures.append(time.time())
        time.sleep(0.1)


# --- Where the CPU went ----------------------------------------------------------------------


PARTS = ("gunicorn", "postgres", "locust", "celery", "benchmark")


def _part_of(pid: int, command: str) -> str | None:
    if pid == os.getpid():
        return "benchmark"
    if "gunicorn" in command and "mentorship.wsgi" in command:
        return "gunicorn"
    if "locust" in command and "locustfile.py" in command:
        return "locust"
    if "celery" in command and "mentorship" in command:
        return "celery"
    if command.startswith("postgres:") and f" {DATABASE} " in command:
        return "postgres"
    return None


class CpuWatch:
    """The CPU seconds (user + system) each part of the benchmark uses over a stretch of time, and the machine's.

    Parts: gunicorn, the Postgres processes of this benchmark's database, Locust, the Celery workers, this process.
    Processes are read at each ``poll`` (call it every second or so): one that ends counts up to its last reading.
    The machine's busy time that the parts do not explain went to other processes.
    """

    def __init__(self):
        import psutil

        self.psutil = psutil
        self.first: dict[int, float] = {}
        self.last: dict[int, tuple[str, float]] = {}
        self.began = time.time()
        self.machine_began = self._machine()
        self.poll(first=True)

    def _machine(self) -> float:
        total = self.psutil.cpu_times()
        return total.user + total.nice + total.system + total.irq + total.softirq + getattr(total, "steal", 0.0)

    def poll(self, first: bool = False) -> None:
        for process in self.psutil.process_iter(["pid", "cmdline", "cpu_times"]):
            times, command = process.info["cpu_times"], " ".join(process.info["cmdline"] or [])
            part = _part_of(process.info["pid"], command) if times is not None else None
            if part is None:
                continue
            used = times.user + times.system
            if first:
                self.first[process.info["pid"]] = used
            self.last[process.info["pid"]] = (part, used)

    def describe(self, label: str) -> None:
        self.poll()
        seconds = time.time() - self.began
        used = dict.fromkeys(PARTS, 0.0)
        for pid, (part, value) in self.last.items():
            used[part] += value - self.first.get(pid, 0.0)
        machine = self._machine() - self.machine_began
        capacity = (os.cpu_count() or 1) * seconds
        parts = ", ".join(f"{part} {used[part]:.0f} s" for part in PARTS)
        note(
            f"CPU during {label} ({seconds:.0f} s x {os.cpu_count()} CPUs = {capacity:.0f} CPU-s): {parts}; the "
            f"machine was busy {machine:.0f} s in all: about {max(0.0, machine - sum(used.values())):.0f} s went to "
            "other processes"
        )


# --- The runs --------------------------------------------------------------------------------


def locust(env: dict[str, str], port: int, accounts_path: Path, samples_path: Path, run_time: float, users: int,
           mode: str, log_name: str, extra: dict[str, str] | None = None) -> subprocess.Popen:  # fmt: skip
    OUTPUT.mkdir(exist_ok=True)
    command = [
        sys.executable, "-m", "locust", "-f", str(BASE_DIR / "bench" / "load" / "locustfile.py"), "--headless",
        "--users", str(users), "--spawn-rate", str(SPAWN_RATE if mode == "mixed" else 100), "--run-time",
        f"{int(run_time)}s", "--host", f"http://{HOST}:{port}", "--only-summary", "--loglevel", "WARNING",
        "--stop-timeout", "5",
    ]  # fmt: skip
    locust_env = {
        **env,
        "LOAD_MODE": mode,
        "LOAD_ACCOUNTS": str(accounts_path),
        "LOAD_SAMPLES": str(samples_path),
        **{f"LOAD_{kind.upper()}": str(count) for kind, count in MIX.items()},
        **(extra or {}),
    }
    log = open(OUTPUT / log_name, "w")  # noqa: SIM115 (closed with the process, below)
    process = subprocess.Popen(command, cwd=BASE_DIR, env=locust_env, stdout=log, stderr=subprocess.STDOUT)
    process.log = log  # type: ignore[attr-defined]
    return process


def wait_locust(process: subprocess.Popen, timeout: float) -> None:
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    finally:
        process.log.close()  # type: ignore[attr-defined]


@dataclass
class Sample:
    start: float
    name: str
    ms: float
    ok: bool
    log: list | None
    error: str

    @property
    def end(self) -> float:
        return self.start + self.ms / 1000


def read_samples(path: Path) -> list[Sample]:
    if not path.exists():
        return []
    return [Sample(*json.loads(line)) for line in path.read_text().splitlines() if line.strip()]


def nearest_rank(values: list[float], pct: float) -> float:
    if not values:
        return float("inf")
    ordered = sorted(values)
    return ordered[max(1, -(-len(ordered) * pct // 100)) - 1]


class Reminders:
    """The sink's messages by recipient, and the ticks sent as beat would send them."""

    def __init__(self, sink):
        self.sink = sink

    def recipients(self) -> Counter:
        from bench_reminders import recipient

        return Counter(recipient(message) for message in list(self.sink.messages))

    @staticmethod
    def tick() -> None:
        from meetings.tasks import queue_checkin_reminders

        queue_checkin_reminders.delay()


def warm_up(port: int, accounts: dict, rounds: int = 3) -> None:
    """Every page a few times per gunicorn worker before anything is measured: each worker compiles its templates,
    opens its database connection and fills its caches on first use (as a deployed site has long done)."""
    import http.client

    mentor, staff = accounts["mentors"][0], accounts["staff"][0]
    pages = [
        ("/", mentor), ("/accounts/login/", None), ("/mentoring/", mentor),
        (f"/mentoring/pairs/{mentor['match']}/", mentor),
        (f"/mentoring/pairs/{mentor['match']}/weeks/{min(OPEN_WEEKS)}/log/", accounts["saturate_mentors"][0]),
        (f"/events/{accounts['event_id']}/", accounts["event"][0]), (accounts["apply_path"], accounts["applicants"][0]),
        ("/admin/applications/application/", staff), ("/bench/bare/", None),
    ]  # fmt: skip
    for _ in range(rounds * default_workers()):
        for path, account in pages:
            connection = http.client.HTTPConnection(HOST, port, timeout=30)
            try:
                headers = {"Cookie": f"sessionid={account['session']}"} if account else {}
                connection.request("GET", path, headers=headers)
                connection.getresponse().read()
            finally:
                connection.close()


def mixed_run(env, port, seeded: Seeded, accounts_path: Path, sink, workers: list[Worker]) -> tuple[list, Faults]:
    samples_path = OUTPUT / "bench-load-mixed.jsonl"  # every request of the run, kept for a closer look
    faults = Faults()
    reminders = Reminders(sink)
    OUTPUT.mkdir(exist_ok=True)
    samples_path.unlink(missing_ok=True)
    process = locust(env, port, accounts_path, samples_path, DURATION, USERS, "mixed", "bench-load-locust-mixed.log")
    began = time.time()
    cpu = CpuWatch()
    restarter = None
    next_tick, next_poll = began + TICK_AT, began + 1
    try:
        while process.poll() is None and time.time() < began + DURATION + 30:
            now = time.time()
            if now >= next_tick:
                reminders.tick()
                faults.ticks += 1
                next_tick = now + TICK_EVERY
            if not faults.killed_at and faults.ticks:
                received = sink.count()
                if received >= KILL_AFTER or now >= began + KILL_BY:
                    workers[0].kill()
                    faults.killed_at, faults.killed_after = now, received
                    workers.append(Worker(workers[0].env, "c").start(wait=False))  # the supervisor's replacement
            if restarter is None and now >= began + RESTART_AT:
                restarter = threading.Thread(target=restart_postgres, args=(port, faults), daemon=True)
                restarter.start()
            if now >= next_poll:
                cpu.poll()
                next_poll = now + 1
            time.sleep(0.05)
    finally:
        wait_locust(process, timeout=DURATION + 60)
        cpu.describe("the mixed run")
        if restarter is not None:
            restarter.join(timeout=120)
        ensure_postgres_running()
    samples = read_samples(samples_path)
    note(
        f"mixed run: {len(samples):,} requests in {time.time() - began:.0f} s; {faults.ticks} reminder ticks; a worker "
        f"killed {faults.killed_at - began:.1f} s in (after {faults.killed_after} reminders); Postgres restarted "
        f"{faults.restart_issued - began:.1f} s in, back {faults.postgres_back - faults.restart_issued:.1f} s later"
    )
    return samples, faults


def settle_reminders(sink, seeded: Seeded, workers: list[Worker]) -> tuple[int, int, int, float]:
    """Tick until every owed reminder arrived (or REMINDER_TIMEOUT): (lost, duplicates, unexpected, seconds)."""
    reminders = Reminders(sink)
    began = time.monotonic()
    next_tick = began
    arrived = float("inf")
    while time.monotonic() < began + REMINDER_TIMEOUT:
        if seeded.owed <= reminders.recipients().keys():
            arrived = time.monotonic() - began
            break
        if time.monotonic() >= next_tick:
            reminders.tick()
            next_tick = time.monotonic() + TICK_EVERY
        time.sleep(0.2)
    time.sleep(2)  # a last batch under way
    received = reminders.recipients()
    lost = len(seeded.owed - received.keys())
    duplicates = sum(count - 1 for count in received.values())
    unexpected = sum(count for address, count in received.items() if address not in seeded.owed)
    return lost, duplicates, unexpected, arrived


def saturation_run(env, port, accounts: dict, accounts_path: Path) -> dict[str, tuple[float, int, int]]:
    """Each flow of SATURATED in turn: (answers a second, answers counted, errors)."""
    mentors = accounts["saturate_mentors"]
    paths = {
        "bare": ["/bench/bare/"],
        "home": ["/"],
        "login_page": ["/accounts/login/"],
        "mentor_home": ["/mentoring/"],
        "pair": [f"/mentoring/pairs/{a['match']}/" for a in mentors],
        "log_form": [f"/mentoring/pairs/{a['match']}/weeks/{min(OPEN_WEEKS)}/log/" for a in mentors],
        "event_schedule": [f"/events/{accounts['event_id']}/"],
        "application_form": [accounts["apply_path"]],
        "admin_application_list": ["/admin/applications/application/"],
    }  # fmt: skip
    sessions = {
        "mentors": [a["session"] for a in accounts["saturate_mentors"]],
        "event": [a["session"] for a in accounts["event"]],
        "applicants": [a["session"] for a in accounts["applicants"]],
        "staff": [a["session"] for a in accounts["staff"]],
    }
    phases = [
        {"name": name, "paths": paths[name], "sessions": sessions[kind] if kind else []} for name, kind in SATURATED
    ]
    samples_path = Path(tempfile.mkstemp(prefix="bench-load-saturate-", suffix=".jsonl")[1])
    t0 = time.time() + 4  # Locust's start-up
    run_time = 4 + len(phases) * PHASE_SECONDS + 2
    process = locust(
        env, port, accounts_path, samples_path, run_time, SATURATE_USERS, "saturate", "bench-load-locust-saturate.log",
        {"LOAD_PHASES": json.dumps(phases), "LOAD_T0": str(t0), "LOAD_PHASE_SECONDS": str(PHASE_SECONDS),
         "LOAD_USERS": str(SATURATE_USERS)},
    )  # fmt: skip
    cpu = CpuWatch()
    while process.poll() is None and time.time() < t0 + run_time + 30:
        cpu.poll()
        time.sleep(1)
    wait_locust(process, timeout=30)
    cpu.describe("the saturation phase")
    samples = read_samples(samples_path)
    samples_path.unlink(missing_ok=True)
    measured: dict[str, list[tuple[float, int, int]]] = {}
    for index, (name, _kind) in enumerate(SATURATED):
        window_start = t0 + index * PHASE_SECONDS + PHASE_WARMUP
        window_end = t0 + (index + 1) * PHASE_SECONDS
        done = [s for s in samples if s.name == name and window_start <= s.end < window_end]
        answers = sum(1 for s in done if s.ok)
        measured.setdefault(name, []).append(
            (answers / (window_end - window_start), answers, sum(1 for s in done if not s.ok))
        )
    bare = measured["bare"]
    note("saturation bare, each time: " + ", ".join(f"{rate:.0f} req/s" for rate, _answers, _errors in bare))
    results = {name: windows[0] for name, windows in measured.items()}
    results["bare"] = (
        statistics.median(rate for rate, _answers, _errors in bare),
        sum(answers for _rate, answers, _errors in bare),
        sum(errors for _rate, _answers, errors in bare),
    )
    return results


# --- Figures ---------------------------------------------------------------------------------


def measure(env: dict[str, str], monday: dt.date) -> bool:
    import redis
    from django.db import connection

    from mentorship.smtp_sink import SmtpSink

    ok = True
    client = redis.Redis.from_url(redis_url(), socket_timeout=10)
    client.flushdb()
    gunicorn_env = {**env, "DJANGO_SETTINGS_MODULE": "bench.load.settings"}
    sink = SmtpSink().start()
    worker_env = {**env, "EMAIL_URL": sink.url}
    workers: list[Worker] = []
    try:
        with gunicorn_server(gunicorn_env, ready_path="/bench/bare/") as port:
            seeded = prepare(monday, f"http://{HOST}:{port}")
            accounts = seeded.accounts
            accounts["saturate_mentors"] = accounts["mentors"][MIX["mentors"] :]
            accounts["mentors"] = accounts["mentors"][: MIX["mentors"]]
            accounts_path = Path(tempfile.mkstemp(prefix="bench-load-accounts-", suffix=".json")[1])
            accounts_path.write_text(json.dumps(accounts))
            note(
                f"seeded program: {MENTORS * 2:,} participants, {MENTORS:,} active pairs, {seeded.logs:,} meeting "
                f"logs; {OWED} mentors owed this week's reminder; gunicorn {default_workers()} workers, settings "
                "bench.load.settings"
            )
            logs_before = seeded.logs
            load_before = os.getloadavg()
            warming = time.perf_counter()
            warm_up(port, accounts)
            note(
                f"warm-up: each page {3 * default_workers()} times, {time.perf_counter() - warming:.1f} s, not measured"
            )
            workers += [Worker(worker_env, "a").start(), Worker(worker_env, "b").start()]
            try:
                samples, faults = mixed_run(env, port, seeded, accounts_path, sink, workers)
                lost, duplicates, unexpected, settle_seconds = settle_reminders(sink, seeded, workers)
            finally:
                for worker in workers:
                    worker.stop()
            connection.close()  # its connection died with the restart
            ok &= figures(samples, faults, seeded, logs_before)
            note(
                f"reminders: {len(seeded.owed)} owed; all had arrived {settle_seconds:.1f} s after the load ended; "
                f"duplicates {duplicates} (possible by design when a worker dies mid-send), to anyone else {unexpected}"
            )
            ok &= report("load_reminders_lost", lost, "reminders", "==", 0)
            ok &= report("load_reminders_unexpected", unexpected, "messages", "==", 0)

            results = saturation_run(env, port, accounts, accounts_path)
            accounts_path.unlink(missing_ok=True)
            bare_rate = results["bare"][0]
            note(
                f"saturation: {SATURATE_USERS} users without think time, {PHASE_SECONDS:.0f} s a flow (the first "
                f"{PHASE_WARMUP:.0f} s not counted); the bare view (median of 3): {bare_rate:.0f} req/s"
            )
            for name, (rate, answers, errors) in results.items():
                note(f"saturation {name}: {rate:.0f} req/s ({answers} answers, {errors} errors)")
            load_after = os.getloadavg()
            loads = [", ".join(f"{x:.1f}" for x in load) for load in (load_before, load_after)]
            note(
                f"machine: {os.cpu_count()} CPUs; load average (1, 5, 15 min) {loads[0]} before the load, {loads[1]} "
                "after the saturation phase (anything else running on the machine shares the CPUs with the site)"
            )
            ok &= report("load_bare_view_rps", bare_rate, "req/s", ">=", 1)
            saturation_errors = sum(errors for _rate, _answers, errors in results.values())
            ok &= report("load_saturation_errors", saturation_errors, "requests", "==", 0)
            for name, (rate, _answers, _errors) in results.items():
                if name != "bare":
                    percent = 100 * rate / bare_rate if bare_rate else 0.0
                    ok &= report(f"load_{name}_pct_of_bare", round(percent, 1), "%", ">=", TARGETS["percent_of_bare"])
    finally:
        for worker in workers:
            worker.stop()
        sink.stop()
        ensure_postgres_running()
        client.flushdb()
    return ok


def figures(samples: list[Sample], faults: Faults, seeded: Seeded, logs_before: int) -> bool:
    from meetings.models import MeetingLog

    ok = True
    if not samples:
        note("Locust recorded no request (see test-output/bench-load-locust-mixed.log)")
        return report("load_errors", float("inf"), "requests", "==", 0)
    window = (faults.restart_issued, faults.postgres_back + RECOVERY_LIMIT) if faults.postgres_back else (0.0, 0.0)
    in_outage = [s for s in samples if s.start < window[1] and s.end > window[0]]  # in flight during the window
    steady = [s for s in samples if not (s.start < window[1] and s.end > window[0])]
    first, last = min(s.start for s in samples), max(s.end for s in samples)
    span = last - first

    in_outage_set = {id(s) for s in in_outage}
    by_flow: dict[str, list[Sample]] = {}
    for sample in steady:
        by_flow.setdefault(sample.name, []).append(sample)
    note(f"{len(samples):,} requests over {span:.0f} s: {len(samples) / span:.1f} req/s in all")
    for name in sorted(by_flow):
        flow = by_flow[name]
        times = [s.ms for s in flow]
        rate = len(flow) / span
        errors = sum(1 for s in flow if not s.ok)
        note(
            f"{name}: {len(flow):,} requests ({rate:.1f} req/s), median {statistics.median(times):.0f} ms, "
            f"p95 {nearest_rank(times, 95):.0f} ms, max {max(times):.0f} ms, errors {errors}"
        )
        report(f"load_{name}_rps", round(rate, 1), "req/s", ">=", 0)
        report(f"load_{name}_median_ms", round(statistics.median(times), 1), "ms", "<=", TARGETS["p95_ms"])
        ok &= report(f"load_{name}_p95_ms", round(nearest_rank(times, 95), 1), "ms", "<=", TARGETS["p95_ms"])
    report("load_rps", round(len(samples) / span, 1), "req/s", ">=", 0)

    errors = [s for s in steady if not s.ok]
    outage_errors = [s for s in in_outage if not s.ok]
    for sample in (errors + outage_errors)[:3]:
        note(f"error: {sample.name} at +{sample.start - first:.1f} s: {sample.error}")
    kinds = Counter(s.error.split(" to ")[0][:60] for s in errors)
    if kinds:
        note(f"steady-state errors by kind: {dict(kinds.most_common(5))}")
    ok &= report("load_errors", len(errors), "requests", "==", 0)
    note(
        f"outage window: {window[1] - window[0]:.1f} s from the restart command to 10 s after Postgres was back; "
        f"{len(in_outage)} requests were in flight during it, {len(outage_errors)} failed"
    )
    report("load_outage_errors", len(outage_errors), "requests", ">=", 0)  # informational

    if faults.problems:
        for problem in faults.problems:
            note(f"fault: {problem}")
    if faults.postgres_back:
        failures_after = [s.end for s in in_outage if not s.ok and s.end > faults.postgres_back]
        failures_after += [end for end in faults.probe_failures if end > faults.postgres_back]
        answered = faults.probe_ok - faults.postgres_back if faults.probe_ok else float("inf")
        recovery = max([answered, *(end - faults.postgres_back for end in failures_after)])
        note(
            f"recovery: /healthz answered 200 {answered:.2f} s after Postgres accepted connections again; "
            f"{len(failures_after)} failure(s) ended after that moment"
        )
    else:
        recovery = float("inf")
        note("Postgres was not restarted")
    ok &= report("load_recovery_seconds", round(recovery, 2), "s", "<=", TARGETS["recovery_seconds"])
    ok &= report("load_worker_killed", 1 if faults.killed_at else 0, "workers", "==", 1)

    # Writes: every successful log POST's row exists, and every new row is explained by a POST.
    start = seeded.mentorship_start

    def rows_of(chosen: list[Sample]) -> set[tuple[int, dt.date]]:
        return {(s.log[0], start + dt.timedelta(weeks=s.log[1] - 1)) for s in chosen if s.log}

    posts = [s for s in samples if s.name == "log_post"]
    succeeded = rows_of([s for s in posts if s.ok])
    failed_in_outage = rows_of([s for s in posts if not s.ok and id(s) in in_outage_set])
    weeks = [start + dt.timedelta(weeks=number - 1) for number in OPEN_WEEKS]
    new = set(
        MeetingLog.objects.filter(match__run__cohort_id=seeded.cohort_id, week__in=weeks).values_list(
            "match_id", "week"
        )
    )
    logs_after = MeetingLog.objects.filter(match__run__cohort_id=seeded.cohort_id).count()
    committed_unanswered = new & failed_in_outage
    note(
        f"meeting logs: {logs_before:,} before, {logs_after:,} after ({logs_after - logs_before} new rows); log POSTs: "
        f"{len(succeeded)} succeeded, {sum(1 for s in posts if not s.ok)} failed ({len(failed_in_outage)} in the "
        f"outage window, of which {len(committed_unanswered)} committed before the answer failed: the person is "
        "told the week is logged when they try again)"
    )
    ok &= report("load_log_posts", len(succeeded), "writes", ">=", 1)
    ok &= report("load_lost_writes", len(succeeded - new), "writes", "==", 0)
    # New rows that neither a successful POST nor a POST failed by the outage explains (a double write, say).
    unexplained = (logs_after - logs_before) - len(succeeded) - len(committed_unanswered)
    ok &= report("load_unexplained_new_rows", unexplained, "rows", "==", 0)
    return ok


def main() -> int:
    began = time.perf_counter()
    if not postgres_answers():
        note("no Postgres on 127.0.0.1:5432: the load test needs the real stack")
        report("load_errors", float("inf"), "requests", "==", 0)
        return 1
    try:
        import locust  # noqa: F401
        import redis

        redis.Redis.from_url(redis_url(), socket_timeout=5).ping()
    except Exception as error:
        note(f"Locust or Redis missing ({type(error).__name__}: {error}): the load test needs the real stack")
        report("load_errors", float("inf"), "requests", "==", 0)
        return 1
    monday = this_monday()
    reuse = fresh_database_if_stale(monday)
    os.environ["DATABASE_URL"] = database_url()  # bench_site's database: this benchmark's own
    os.environ["REDIS_URL"] = redis_url()
    try:
        with bench_site() as env:
            setup_django(env)
            if not reuse:
                seeding = time.perf_counter()
                seed(monday)
                note(f"seeded the database {DATABASE} in {time.perf_counter() - seeding:.1f} s (kept for this week)")
            ok = measure(env, monday)
    finally:
        ensure_postgres_running()
    note(f"the benchmark took {time.perf_counter() - began:.0f} s")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
