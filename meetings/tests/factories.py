"""Pairs in their mentorship period, for tests and benchmarks."""

import datetime as dt

import factory
from django.utils import timezone

from accounts.tests.factories import UserFactory
from cohorts.models import Cohort, Participant, Role
from cohorts.tests.factories import CohortFactory, ParticipantFactory
from matching.models import Match, MatchRun
from meetings.models import Format, MeetingLog

# A Monday: the mentorship period of ``mentorship_cohort()`` starts here unless told otherwise.
PERIOD_START = dt.date(2027, 3, 1)


def mentorship_cohort(*, starts_on: dt.date = PERIOD_START, **fields) -> Cohort:
    """A cohort whose 10 weeks of sessions end the day before ``starts_on``, its mentorship period."""
    start = starts_on - dt.timedelta(weeks=10)
    opens = dt.datetime.combine(start - dt.timedelta(days=60), dt.time(9), tzinfo=dt.UTC)
    return CohortFactory(
        start_date=start,
        applications_open_at=opens,
        applications_close_at=opens + dt.timedelta(days=30),
        **fields,
    )


def published_run(cohort: Cohort) -> MatchRun:
    run = cohort.match_runs.filter(published_at__isnull=False).first()
    return run or MatchRun.objects.create(cohort=cohort, published_at=timezone.now())


def pair(
    cohort: Cohort | None = None,
    *,
    mentor: Participant | None = None,
    mentee: Participant | None = None,
    **fields,
) -> Match:
    """An active, published pair of ``cohort`` (a new cohort in mentorship from ``PERIOD_START`` by default)."""
    cohort = cohort or (mentor.cohort if mentor else mentorship_cohort())
    mentor = mentor or ParticipantFactory(cohort=cohort, role=Role.MENTOR, mentee_capacity=3)
    mentee = mentee or ParticipantFactory(cohort=cohort, role=Role.MENTEE)
    fields.setdefault("status", Match.Status.ACTIVE)
    return Match.objects.create(run=published_run(cohort), mentor=mentor, mentee=mentee, **fields)


class MeetingLogFactory(factory.django.DjangoModelFactory):
    """A meeting in week 1 of its pair (a new pair by default)."""

    class Meta:
        model = MeetingLog

    match = factory.LazyFunction(pair)
    week = factory.LazyAttribute(lambda log: log.match.run.cohort.mentorship_starts_on)
    met = True
    met_on = factory.LazyAttribute(lambda log: log.week + dt.timedelta(days=1) if log.met else None)
    duration_minutes = factory.LazyAttribute(lambda log: 45 if log.met else None)
    format = factory.LazyAttribute(lambda log: Format.VIDEO if log.met else "")
    shared_notes = "We practised a behavioural interview."
    logged_by = factory.LazyAttribute(lambda log: log.match.mentor.user)


__all__ = ["PERIOD_START", "MeetingLogFactory", "UserFactory", "mentorship_cohort", "pair", "published_run"]
