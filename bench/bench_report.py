"""The cohort report (issue 7, "Speed"): render time and query count at 500 and at 5,000 participants.

Two cohorts are seeded side by side in the benchmark's own database (``mentorship_bench_report`` on the local
Postgres, created if missing, dropped and re-seeded when its seed is stale): one of 500 participants and one of
5,000, each with accepted applications, baseline confidence ratings and encrypted self-identification answers for
most of them, a published match run (one pair per mentor), 40 weeks of meeting logs per pair (10,000 and 100,000),
a speed-networking event with attendances and ratings, survey invitations (two per person), answers (three in
four) with their confidence ratings, outcomes and alerts of pairs at risk.

The report is requested through Django's test Client, in this process, with production settings (DEBUG off, the
manifest static storage, the per-process memory cache): a logged-in superuser who has an authenticator app (the
report lives under /admin/, where staff need a second factor). In-process rather than through gunicorn, so that
the self-identification cache can be cleared for a cold render and the queries counted
(``CaptureQueriesContext``). Per size: the first render after ``cache.clear()`` (cold: the answers are decrypted
and counted), then the median of WARM_RENDERS renders, and the number of queries of a warm render.
"""

import base64
import datetime as dt
import hashlib
import os
import random
import statistics
import sys
import time

from common import (  # bench/ is on sys.path: run as a script
    HOST,
    LOCAL_POSTGRES_ADMIN,
    bench_site,
    keep_or_recreate_local_database,
    note,
    report,
    setup_django,
)

DATABASE = "mentorship_bench_report"
SEED_VERSION = 1
SIZES = (500, 5000)  # participants; half mentors, half mentees, one pair per mentor
LOG_WEEKS = 40  # weeks of meeting logs per pair: 20 logs per participant (100,000 at 5,000)
ANSWERED = 0.75  # share of survey invitations answered (7,500 answers at 5,000, each rating every statement)
WARM_RENDERS = 9
MIN_WARM_RENDERS = 3
WARM_BUDGET = 20  # seconds
RETRIES = 3
EMAIL_DOMAIN = "report.bench.invalid"
STAFF_EMAIL = f"staff@{EMAIL_DOMAIN}"
# A fixed key, so that a kept seed stays readable from one run to the next (bench data only, never a real key).
IDENTITY_KEY = base64.urlsafe_b64encode(hashlib.sha256(b"bench_report identity key").digest()).decode()

TARGET_MS = 500
# The first render after a cohort's answers change decrypts them (4,000 at 5,000 participants): about 0.2 s more.
COLD_TARGET_MS = 1000


def database_url() -> str:
    return f"postgres://{LOCAL_POSTGRES_ADMIN['user']}@{HOST}:{LOCAL_POSTGRES_ADMIN['port']}/{DATABASE}"


def slug(size: int) -> str:
    return f"report-bench-v{SEED_VERSION}-{size}"


def fresh_database_if_stale() -> bool:
    """Keep the database if it holds this seed version (True); else drop it and create it empty (False)."""
    return keep_or_recreate_local_database(
        DATABASE,
        "SELECT count(*) = %s FROM cohorts_cohort WHERE slug = ANY(%s)",
        [len(SIZES), [slug(n) for n in SIZES]],
    )


# --- Seeding ---------------------------------------------------------------------------------


def identity_answers(rng: random.Random) -> dict:
    from applications.identity import IDENTITY_QUESTIONS

    answers = {}
    for question in IDENTITY_QUESTIONS:
        if rng.random() < 0.15:
            continue  # every question is optional
        values = [value for value, _ in question.choices]
        if question.multiple:
            answers[question.key] = rng.sample(values, rng.choice([1, 1, 1, 2]))
        else:
            answers[question.key] = rng.choice(values)
    return answers


def seed_cohort(size: int, program, monday: dt.date, rng: random.Random) -> None:
    """One cohort of ``size`` participants whose mentorship period ended four weeks before ``monday``."""
    from allauth.account.models import EmailAddress
    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django.utils import timezone

    from accounts.models import User
    from applications.models import (
        Application,
        ConfidenceRating,
        ConfidenceStatement,
        IdentityTally,
        OutreachChannel,
        SelfIdentification,
    )
    from cohorts.models import Cohort, Participant, Role
    from events.models import Attendance, Event, Rating
    from matching.models import Match, MatchRun
    from meetings.models import AtRiskAlert, Format, MeetingLog
    from reports.models import Outcome, SurveyInvitation, SurveyRating, SurveyResponse

    zone = dt.UTC
    unusable = make_password(None)  # no one logs in as these people
    pairs = size // 2
    declined = size // 5  # applied, not accepted
    statements = list(ConfidenceStatement.objects.values_list("pk", flat=True))
    channels = [*OutreachChannel.objects.values_list("pk", flat=True), None]
    mentorship_start = monday - dt.timedelta(weeks=LOG_WEEKS + 4)
    start = mentorship_start - dt.timedelta(weeks=10)
    opened = dt.datetime.combine(start - dt.timedelta(days=90), dt.time(9), tzinfo=zone)
    submitted = opened + dt.timedelta(days=10)
    with transaction.atomic():
        cohort = Cohort.objects.create(
            program=program, slug=slug(size), name_en=f"Bench {size}", name_fr=f"Banc {size}", start_date=start,
            weeks=10, mentorship_weeks=LOG_WEEKS, time_zone="UTC", applications_open_at=opened,
            applications_close_at=opened + dt.timedelta(days=30), mentee_capacity=pairs, mentor_capacity=pairs,
        )  # fmt: skip
        users = User.objects.bulk_create(
            [
                User(email=f"p{size}-{n:05d}@{EMAIL_DOMAIN}", password=unusable, preferred_name=f"Person {n}",
                     time_zone="UTC")
                for n in range(size + declined)
            ],
            batch_size=5000,
        )  # fmt: skip
        EmailAddress.objects.bulk_create(
            [EmailAddress(user=user, email=user.email, verified=True, primary=True) for user in users], batch_size=5000
        )
        roles = [Role.MENTOR if n < pairs else Role.MENTEE for n in range(size)] + [
            rng.choice(Role.values) for _ in range(declined)
        ]
        applications = Application.objects.bulk_create(
            [
                Application(
                    cohort=cohort, user=user, role=role, time_zone="UTC", submitted_at=submitted,
                    status=Application.Status.ACCEPTED if n < size else Application.Status.DECLINED,
                    decided_at=submitted + dt.timedelta(days=20), outreach_channel_id=rng.choice(channels),
                    mentee_capacity=1 if role == Role.MENTOR else None,
                    wants_stipend=role == Role.MENTOR and rng.random() < 0.3,
                )
                for n, (user, role) in enumerate(zip(users, roles, strict=True))
            ],
            batch_size=5000,
        )  # fmt: skip
        accepted = applications[:size]
        ConfidenceRating.objects.bulk_create(
            [
                ConfidenceRating(application=application, statement_id=statement, rating=rng.randint(1, 4))
                for application in accepted
                if rng.random() < 0.9
                for statement in statements
            ],
            batch_size=5000,
        )
        SelfIdentification.objects.bulk_create(
            [
                SelfIdentification(application=application, answers=identity_answers(rng), consented_at=submitted)
                for application in applications
                if rng.random() < 0.8
            ],
            batch_size=2000,
        )
        IdentityTally.objects.bulk_create(
            IdentityTally(cohort=cohort, role=role, accepted=True, question=question, answer=answer, count=3)
            for role in Role.values
            for question, answer in (("trans", "yes"), ("gender", "woman"))
        )
        participants = Participant.objects.bulk_create(
            [
                Participant(
                    cohort=cohort, user_id=application.user_id, role=application.role, application=application,
                    mentee_capacity=application.mentee_capacity, joined_at=submitted + dt.timedelta(days=20),
                    stipend_granted=application.wants_stipend and rng.random() < 0.8,
                )
                for application in accepted
            ],
            batch_size=5000,
        )  # fmt: skip
        mentors, mentees = participants[:pairs], participants[pairs:]

        event = Event.objects.create(
            cohort=cohort, starts_at=dt.datetime.combine(mentorship_start - dt.timedelta(weeks=2), dt.time(18),
                                                         tzinfo=zone),
            tables=max(1, pairs // 2), rounds=8, seats_per_table=1,
            ratings_close_at=dt.datetime.combine(mentorship_start - dt.timedelta(weeks=1), dt.time(18), tzinfo=zone),
        )  # fmt: skip
        attendances = []
        for participant in participants:
            coming = rng.random() < 0.85
            attendances.append(
                Attendance(
                    event=event, participant=participant, rsvp=Attendance.Rsvp.YES if coming else Attendance.Rsvp.NO,
                    invited_at=event.starts_at - dt.timedelta(days=14),
                    checked_in_at=event.starts_at if coming and rng.random() < 0.9 else None,
                )
            )  # fmt: skip
        Attendance.objects.bulk_create(attendances, batch_size=5000)
        there = [attendance.participant for attendance in attendances if attendance.checked_in_at]
        there_mentors = [p for p in there if p.role == Role.MENTOR]
        there_mentees = [p for p in there if p.role == Role.MENTEE]
        ratings = []
        for rater in there:
            if rng.random() < 0.3:
                continue  # did not rate
            others = there_mentees if rater.role == Role.MENTOR else there_mentors
            for rated in rng.sample(others, min(3, len(others))):
                ratings.append(Rating(event=event, rater=rater, rated=rated, score=rng.randint(1, 5)))
        Rating.objects.bulk_create(ratings, batch_size=5000)

        published = dt.datetime.combine(mentorship_start - dt.timedelta(days=3), dt.time(12), tzinfo=zone)
        run = MatchRun.objects.create(cohort=cohort, published_at=published)
        matches = []
        for mentor, mentee in zip(mentors, mentees, strict=True):
            ended = rng.random() < 0.1
            matches.append(
                Match(
                    run=run, mentor=mentor, mentee=mentee, score=round(rng.uniform(0.3, 0.95), 3),
                    status=Match.Status.ENDED if ended else Match.Status.ACTIVE,
                    ended_at=published + dt.timedelta(weeks=rng.randint(5, LOG_WEEKS - 1)) if ended else None,
                    mentee_rank=rng.choice([1, 1, 2, 2, 3, 4, 5, None]), mentor_rank=rng.choice([1, 2, 3, None]),
                    extra_weeks=2 if rng.random() < 0.05 else 0,
                )
            )  # fmt: skip
        Match.objects.bulk_create(matches, batch_size=5000)
        logs = []
        for match in matches:
            for number in range(LOG_WEEKS):
                week = mentorship_start + dt.timedelta(weeks=number)
                met = rng.random() < 0.85
                logged = dt.datetime.combine(week + dt.timedelta(days=2), dt.time(20), tzinfo=zone)
                logs.append(
                    MeetingLog(
                        match=match, week=week, met=met, met_on=week + dt.timedelta(days=1) if met else None,
                        duration_minutes=45 if met else None, format=Format.VIDEO if met else "",
                        not_met_reason="" if met else "Holiday.", logged_by_id=match.mentor.user_id,
                        created_at=logged, updated_at=logged,
                    )
                )  # fmt: skip
        MeetingLog.objects.bulk_create(logs, batch_size=10000)
        AtRiskAlert.objects.bulk_create(
            AtRiskAlert(match=match, missing_since=mentorship_start + dt.timedelta(weeks=rng.randint(1, LOG_WEEKS - 3)))
            for match in matches
            if rng.random() < 0.08
        )

        kinds = {
            SurveyInvitation.Kind.END_OF_PROGRAM: dt.datetime.combine(mentorship_start, dt.time(9), tzinfo=zone),
            SurveyInvitation.Kind.END_OF_MENTORSHIP: dt.datetime.combine(
                mentorship_start + dt.timedelta(weeks=LOG_WEEKS), dt.time(9), tzinfo=zone
            ),
        }
        invitations = SurveyInvitation.objects.bulk_create(
            [
                SurveyInvitation(
                    participant=participant, kind=kind, sent_at=sent, closes_at=sent + dt.timedelta(days=21)
                )
                for participant in participants
                for kind, sent in kinds.items()
            ],
            batch_size=5000,
        )
        responses = SurveyResponse.objects.bulk_create(
            [
                SurveyResponse(
                    invitation=invitation, recommend=rng.randint(4, 10), helped="My mentor.", change="More sessions.",
                    submitted_at=invitation.sent_at + dt.timedelta(days=3),
                    updated_at=invitation.sent_at + dt.timedelta(days=3),
                )
                for invitation in invitations
                if rng.random() < ANSWERED
            ],
            batch_size=5000,
        )  # fmt: skip
        SurveyRating.objects.bulk_create(
            [
                SurveyRating(response=response, statement_id=statement, rating=rng.randint(2, 5))
                for response in responses
                for statement in statements
            ],
            batch_size=10000,
        )
        Outcome.objects.bulk_create(
            [
                Outcome(
                    participant=participant, kind=rng.choice(Outcome.Kind.values),
                    happened_on=mentorship_start + dt.timedelta(days=rng.randint(0, 7 * LOG_WEEKS)),
                    created_at=timezone.now(),
                )
                for participant in participants
                if rng.random() < 0.4
            ],
            batch_size=5000,
        )  # fmt: skip


def seed(monday: dt.date) -> None:
    from django.db import connection

    from accounts.models import User
    from cohorts.models import Program, Track

    program = Program.objects.create(
        slug="report-bench", track=Track.EARLY_CAREER, name_en="Report bench", name_fr="Banc du rapport"
    )
    User.objects.create_superuser(STAFF_EMAIL, None)
    rng = random.Random(7)
    for size in SIZES:
        began = time.perf_counter()
        seed_cohort(size, program, monday, rng)
        note(f"seeded the cohort of {size} participants in {time.perf_counter() - began:.1f} s")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def describe(size: int) -> str:
    from applications.models import ConfidenceRating, SelfIdentification
    from cohorts.models import Participant
    from meetings.models import MeetingLog
    from reports.models import SurveyRating, SurveyResponse

    cohort = slug(size)
    counts = {
        "participants": Participant.objects.filter(cohort__slug=cohort).count(),
        "meeting logs": MeetingLog.objects.filter(match__run__cohort__slug=cohort).count(),
        "survey answers": SurveyResponse.objects.filter(invitation__participant__cohort__slug=cohort).count(),
        "survey ratings": SurveyRating.objects.filter(response__invitation__participant__cohort__slug=cohort).count(),
        "baseline ratings": ConfidenceRating.objects.filter(application__cohort__slug=cohort).count(),
        "self-identifications": SelfIdentification.objects.filter(application__cohort__slug=cohort).count(),
    }
    return ", ".join(f"{value:,} {name}" for name, value in counts.items())


# --- Measuring -------------------------------------------------------------------------------


def staff_user():
    """The superuser, with an authenticator app (the staff site's second factor)."""
    import secrets

    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP

    from accounts.models import User

    user = User.objects.get(email=STAFF_EMAIL)
    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, base64.b32encode(secrets.token_bytes(20)).decode().rstrip("="))
    return user


def render(user, path: str) -> tuple[float, list[dict]]:
    """One GET of the report by ``user``, in a session opened just before: its milliseconds and its queries
    (counted by ``CaptureQueriesContext``). A fresh session each time: a staff session is otherwise refreshed (a
    write, three more queries) once a minute, which is not the report's doing.

    Retried (at most RETRIES times) when the database connection breaks: other work on the shared Postgres may
    restart it (the load benchmark injects such faults); the retried render is timed afresh.
    """
    from django.db import OperationalError, connection
    from django.db.utils import InterfaceError
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    for attempt in range(RETRIES + 1):
        try:
            client = Client(HTTP_HOST=HOST, HTTP_ACCEPT_LANGUAGE="en")
            client.force_login(user)
            with CaptureQueriesContext(connection) as context:
                began = time.perf_counter()
                response = client.get(path)
                took = (time.perf_counter() - began) * 1000
            break
        except (OperationalError, InterfaceError) as error:
            if attempt == RETRIES:
                raise
            note(f"the database connection broke ({str(error).strip().splitlines()[0]}): render retried")
            connection.close()
            time.sleep(3)
    if response.status_code != 200:
        raise RuntimeError(f"{path} answered {response.status_code}")
    if b'id="funnel' not in response.content:
        raise RuntimeError(f"{path} answered 200 without the report's tables")
    return took, context.captured_queries


def measure(size: int) -> dict:
    """The cold render (the cache cleared), then warm renders: WARM_RENDERS, or fewer (at least MIN_WARM_RENDERS)
    once they have taken WARM_BUDGET seconds, so that a slow report does not make a slow benchmark."""
    from django.core.cache import cache
    from django.urls import reverse

    path = reverse("reports:report", args=["cohort", slug(size)])
    user = staff_user()
    cache.clear()
    cold, cold_queries = render(user, path)
    warm, warm_queries = [], []
    began = time.monotonic()
    while len(warm) < WARM_RENDERS and (len(warm) < MIN_WARM_RENDERS or time.monotonic() - began < WARM_BUDGET):
        took, queries = render(user, path)
        warm.append(took)
        warm_queries.append(queries)
    return {"cold": cold, "cold_queries": cold_queries, "warm": warm, "warm_queries": warm_queries}


def load() -> str:
    return (
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs (other work on the machine slows the renders)"
    )


def main() -> int:
    began = time.monotonic()
    kept = fresh_database_if_stale()
    os.environ["DATABASE_URL"] = database_url()
    os.environ.pop("REDIS_URL", None)  # the per-process memory cache: cleared here, never a shared Redis
    with bench_site() as env:
        env["IDENTITY_KEYS"] = IDENTITY_KEY
        setup_django(env)
        if kept:
            note(f"kept the seed of version {SEED_VERSION} in {DATABASE}")
        else:
            seed(dt.date.today() - dt.timedelta(days=dt.date.today().weekday()))
        for size in SIZES:
            note(f"cohort of {size}: {describe(size)}")
        note(f"ready after {time.monotonic() - began:.0f} s; {load()}")

        # Warm the process (templates, URL resolvers, translations) on the small cohort, not measured.
        measure(SIZES[0])
        results = {size: measure(size) for size in SIZES}

    ok = True
    counts = {}
    for size in SIZES:
        result = results[size]
        warm = statistics.median(result["warm"])
        per_render = sorted({len(queries) for queries in result["warm_queries"]})
        if len(per_render) > 1:
            note(f"{size}: the warm renders ran {per_render} queries: the largest is reported")
        counts[size] = (per_render[-1], len(result["cold_queries"]))
        note(
            f"{size}: cold {result['cold']:.0f} ms ({counts[size][1]} queries); warm renders "
            + ", ".join(f"{value:.0f}" for value in result["warm"])
            + f" ms ({counts[size][0]} queries)"
        )
        median_render = sorted(zip(result["warm"], result["warm_queries"], strict=True))[len(result["warm"]) // 2]
        sql_ms = sum(float(query["time"]) for query in median_render[1]) * 1000
        note(f"{size}: the median warm render spent {sql_ms:.0f} ms of {median_render[0]:.0f} ms in SQL")
        slowest = sorted(median_render[1], key=lambda query: float(query["time"]), reverse=True)[:3]
        for query in slowest:
            took, sql = float(query["time"]) * 1000, query["sql"]
            note(f"  slowest: {took:.0f} ms, {len(sql):,} characters: {sql[:140]}")
        figures = [(f"report_ms_{size}", warm, TARGET_MS), (f"report_cold_ms_{size}", result["cold"], COLD_TARGET_MS)]
        for name, value, target in figures:
            ok &= report(name, round(value, 1), "ms", "<=", target)
    (small, cold_small), (large, cold_large) = (counts[size] for size in SIZES)
    report(f"report_queries_{SIZES[0]}", small, "queries", "==", small)
    ok &= report(f"report_queries_{SIZES[1]}", large, "queries", "==", small)
    ok &= report("report_query_growth", large - small, "queries", "==", 0)
    ok &= report("report_cold_query_growth", cold_large - cold_small, "queries", "==", 0)
    note(f"done in {time.monotonic() - began:.0f} s; {load()}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
