import datetime as dt

import factory
from django.utils import timezone

from accounts.tests.factories import UserFactory
from cohorts.models import Cohort, Participant, Program, Role, Session, Track


class ProgramFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Program

    slug = factory.Sequence(lambda n: f"program-{n}")
    track = Track.EARLY_CAREER
    name_en = factory.Sequence(lambda n: f"Early career {n}")
    name_fr = factory.Sequence(lambda n: f"Début de carrière {n}")
    description_en = "Ten weeks of career skills and confidence."


class CohortFactory(factory.django.DjangoModelFactory):
    """A cohort whose application window is open now: it opened a week ago and closes in a week."""

    class Meta:
        model = Cohort

    program = factory.SubFactory(ProgramFactory)
    slug = factory.Sequence(lambda n: f"cohort-{n}")
    name_en = factory.Sequence(lambda n: f"Fall {2026 + n}")
    name_fr = factory.Sequence(lambda n: f"Automne {2026 + n}")
    start_date = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=30))
    applications_open_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=7))
    applications_close_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=7))
    mentee_capacity = 25
    mentor_capacity = 25


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Session

    cohort = factory.SubFactory(CohortFactory)
    number = factory.Sequence(lambda n: n % 10 + 1)
    title_en = factory.LazyAttribute(lambda session: f"Week {session.number}")
    title_fr = factory.LazyAttribute(lambda session: f"Semaine {session.number}")
    starts_at = factory.LazyAttribute(
        lambda session: dt.datetime.combine(
            session.cohort.start_date + dt.timedelta(weeks=session.number - 1), dt.time(18), tzinfo=session.cohort.zone
        )
    )


class ParticipantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Participant

    cohort = factory.SubFactory(CohortFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.MENTEE
    mentee_capacity = factory.LazyAttribute(lambda participant: 2 if participant.role == Role.MENTOR else None)
