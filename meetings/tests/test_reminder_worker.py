"""Check-in reminders through a real Celery worker, Redis and Postgres: every owed email arrives once,
also when a worker is killed in the middle of a batch."""

import collections
import datetime as dt
import os
import signal
import time

import pytest
from django.core.cache import cache

from accounts.models import User
from cohorts.models import Participant, Role
from matching.models import Match
from meetings.models import Reminder
from meetings.tasks import queue_checkin_reminders, send_checkin_reminders
from meetings.tests.factories import PERIOD_START, mentorship_cohort, published_run
from mentorship import health
from mentorship.smtp_sink import SmtpSink
from mentorship.tasks import worker_heartbeat

pytestmark = pytest.mark.django_db(transaction=True)

MENTORS = 250  # two mentees each: 500 pairs
VISIBILITY_TIMEOUT = 2  # seconds; the deployment keeps Celery's hour (settings.CELERY_VISIBILITY_TIMEOUT)
ZONES = ["America/Toronto", "Europe/Paris", "America/Vancouver"]


def seed_pairs(cohort) -> list[str]:
    """250 mentors in three time zones with two mentees each; returns the mentors' addresses."""
    mentors = User.objects.bulk_create(
        User(email=f"mentor{n}@example.org", preferred_name=f"Mentor {n}", time_zone=ZONES[n % 3])
        for n in range(MENTORS)
    )
    mentees = User.objects.bulk_create(
        User(email=f"mentee{n}@example.org", preferred_name=f"Mentee {n}") for n in range(2 * MENTORS)
    )
    mentor_places = Participant.objects.bulk_create(
        Participant(cohort=cohort, user=user, role=Role.MENTOR, mentee_capacity=2) for user in mentors
    )
    mentee_places = Participant.objects.bulk_create(
        Participant(cohort=cohort, user=user, role=Role.MENTEE) for user in mentees
    )
    run = published_run(cohort)
    Match.objects.bulk_create(
        Match(run=run, mentor=mentor_places[n // 2], mentee=mentee, status=Match.Status.ACTIVE)
        for n, mentee in enumerate(mentee_places)
    )
    return sorted(user.email for user in mentors)


def wait_for(condition, what: str, timeout: float = 60) -> None:
    """Wait for the worker, another process (not for time to pass in the code under test)."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def run_through_worker(task, **kwargs) -> None:
    """Send ``task`` and wait until the worker is past it (a single solo worker runs tasks in order)."""
    task.delay(**kwargs)
    cache.delete(health.HEARTBEAT_KEY)
    worker_heartbeat.delay()
    wait_for(lambda: health.heartbeat_last_seen() is not None, "the worker to run the heartbeat after the task")


def counts(sink) -> collections.Counter:
    return collections.Counter(sink.recipients())


def test_every_owed_reminder_arrives_once_even_when_a_worker_is_killed_mid_batch(celery_workers):
    cohort = mentorship_cohort(starts_on=PERIOD_START)
    expected = seed_pairs(cohort)
    # Friday of week 1, 20:00 UTC: past Thursday 10:00 in Toronto, Paris and Vancouver.
    week_1 = dt.datetime.combine(PERIOD_START + dt.timedelta(days=4), dt.time(20), tzinfo=dt.UTC)

    with SmtpSink() as sink:
        worker = celery_workers(EMAIL_URL=sink.url, CELERY_VISIBILITY_TIMEOUT=str(VISIBILITY_TIMEOUT))

        queue_checkin_reminders.delay(now=week_1.isoformat())
        wait_for(lambda: sink.count() >= MENTORS, "week 1's reminders")
        assert sorted(counts(sink)) == expected
        assert set(counts(sink).values()) == {1}

        # The tick again, and a batch delivered twice: nothing more is sent.
        assert queue_checkin_reminders.apply(kwargs={"now": week_1.isoformat()}).get() == 0
        items = [[user.pk, PERIOD_START.isoformat()] for user in User.objects.filter(email__in=expected[:50])]
        run_through_worker(send_checkin_reminders, items=items)
        assert sink.count() == MENTORS

        # Week 2: the sink holds the 101st message unanswered; the worker is killed while waiting for it.
        week_2 = week_1 + dt.timedelta(weeks=1)
        sink.hold_after(MENTORS + 100)
        queue_checkin_reminders.delay(now=week_2.isoformat())
        wait_for(sink.holding.is_set, "the worker to be in the middle of a batch")
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(timeout=10)
        killed_at = time.monotonic()
        sink.let_go(accept=False)  # the message was never accepted: the connection died with the worker
        assert sink.count() == MENTORS + 100
        assert Reminder.objects.filter(on=PERIOD_START + dt.timedelta(weeks=1), sent_at__isnull=False).count() == 100

        # Redis hands the unacknowledged batch to another worker once the visibility timeout has passed.
        wait_for(lambda: time.monotonic() - killed_at > VISIBILITY_TIMEOUT + 0.5, "the visibility timeout")
        celery_workers(EMAIL_URL=sink.url, CELERY_VISIBILITY_TIMEOUT=str(VISIBILITY_TIMEOUT))
        wait_for(lambda: sink.count() >= 2 * MENTORS, "week 2's reminders after the kill")

    assert sorted(counts(sink)) == expected
    assert set(counts(sink).values()) == {2}  # one per week each: no duplicate, none missing
    assert Reminder.objects.filter(kind=Reminder.Kind.CHECKIN, sent_at__isnull=False).count() == 2 * MENTORS
