import datetime as dt

import factory
from django.utils import timezone

from cohorts.models import Role
from cohorts.tests.factories import CohortFactory, ParticipantFactory
from events.models import Attendance, Event


class EventFactory(factory.django.DjangoModelFactory):
    """An event that starts in an hour; ratings close a week later."""

    class Meta:
        model = Event

    cohort = factory.SubFactory(CohortFactory)
    starts_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(hours=1))
    place = "Notman House, Montréal"
    rounds = 3
    round_minutes = 7
    break_minutes = 2
    tables = 2
    seats_per_table = 1
    ratings_close_at = factory.LazyAttribute(lambda event: event.starts_at + dt.timedelta(days=7))


class AttendanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Attendance

    event = factory.SubFactory(EventFactory)
    participant = factory.SubFactory(ParticipantFactory, cohort=factory.SelfAttribute("..event.cohort"))
    rsvp = "yes"
    checked_in_at = factory.LazyFunction(timezone.now)


def attend(event, role: str, count: int, **kwargs) -> list[Attendance]:
    """``count`` checked-in participants of the event's cohort in ``role``."""
    return [
        AttendanceFactory(event=event, participant=ParticipantFactory(cohort=event.cohort, role=role), **kwargs)
        for _ in range(count)
    ]


def mentors(event, count, **kwargs):
    return attend(event, Role.MENTOR, count, **kwargs)


def mentees(event, count, **kwargs):
    return attend(event, Role.MENTEE, count, **kwargs)
