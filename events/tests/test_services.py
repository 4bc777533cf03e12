import datetime as dt

import pytest
import time_machine
from django.core import mail

from accounts.tests.factories import StaffFactory
from events import services
from events.models import Rating, Seat

from .factories import EventFactory, mentees, mentors

pytestmark = pytest.mark.django_db


@pytest.fixture
def event():
    event = EventFactory(rounds=3, tables=2)
    mentors(event, 2)
    mentees(event, 3)
    return event


def test_the_schedule_seats_everyone_checked_in_and_repeats_no_pair(event):
    schedule = services.schedule_write(event=event)

    assert Seat.objects.filter(event=event).count() == 3 * (2 + 2)  # each round: 2 mentors, 2 of 3 mentees
    assert len(schedule.pairs_met()) == len(set(schedule.pairs_met()))
    met = services.meetings(event)
    assert all(len(others) <= 3 for others in met.values())


def test_people_not_checked_in_get_no_seat(event):
    absent = mentees(event, 1, checked_in_at=None)[0]

    services.schedule_write(event=event)

    assert not Seat.objects.filter(participant=absent.participant).exists()


@pytest.mark.parametrize(
    ("tables", "checked_in", "message"),
    [
        (0, True, "no tables"),
        (3, True, "3 tables but 2 mentors checked in"),
        (2, False, "No one is checked in"),
    ],
)
def test_a_schedule_that_cannot_work_is_refused_and_nothing_is_written(tables, checked_in, message):
    event = EventFactory(tables=tables)
    options = {} if checked_in else {"checked_in_at": None}
    mentors(event, 2, **options)
    mentees(event, 2, **options)

    with pytest.raises(services.EventError) as error:
        services.schedule_write(event=event)

    assert message.lower() in error.value.messages[0].lower()
    assert not Seat.objects.filter(event=event).exists()


def test_regenerating_for_a_late_arrival_keeps_the_rounds_already_held(event):
    services.schedule_write(event=event)
    held = list(Seat.objects.filter(event=event, round=1).values_list("participant_id", "table"))
    late = mentees(event, 1)[0]

    with time_machine.travel(event.round_starts_at(2) - dt.timedelta(minutes=1), tick=False):
        services.schedule_write(event=event)

    assert list(Seat.objects.filter(event=event, round=1).values_list("participant_id", "table")) == held
    assert Seat.objects.filter(event=event, participant=late.participant, round__gte=2).exists()
    pairs = services.meetings(event)
    assert all(len(others) == len(set(others)) for others in pairs.values())


def test_ratings_only_for_people_met_and_within_the_window(event):
    services.schedule_write(event=event)
    rater = Seat.objects.filter(event=event, participant__role="mentee").first().participant
    met = services.people_met(event, rater)
    stranger = (
        Seat.objects.filter(event=event, participant__role="mentee").exclude(participant=rater).first().participant
    )

    before = time_machine.travel(event.starts_at - dt.timedelta(minutes=5), tick=False)
    with before, pytest.raises(services.EventError, match="closed"):
        services.ratings_save(event=event, rater=rater, ratings={met[0].pk: (4, "")})
    with time_machine.travel(event.ends_at, tick=False):
        services.ratings_save(event=event, rater=rater, ratings={met[0].pk: (4, "Kind")})
        services.ratings_save(event=event, rater=rater, ratings={met[0].pk: (5, "")})
        for bad in ({met[0].pk: (0, "")}, {met[0].pk: (6, "")}):
            with pytest.raises(services.EventError, match="1 to 5"):
                services.ratings_save(event=event, rater=rater, ratings=bad)
        with pytest.raises(services.EventError, match="only rate people you met"):
            services.ratings_save(event=event, rater=rater, ratings={stranger.pk: (3, "")})
    after = time_machine.travel(event.ratings_close_at, tick=False)
    with after, pytest.raises(services.EventError, match="closed"):
        services.ratings_save(event=event, rater=rater, ratings={met[0].pk: (1, "")})

    assert list(Rating.objects.values_list("score", "note")) == [(5, "")]


def test_the_rating_reminder_goes_once_to_those_who_have_not_rated(event, django_capture_on_commit_callbacks):
    services.schedule_write(event=event)
    with time_machine.travel(event.ends_at, tick=False):
        done = Seat.objects.filter(event=event, participant__role="mentee").first().participant
        services.ratings_save(
            event=event, rater=done, ratings={person.pk: (3, "") for person in services.people_met(event, done)}
        )
        with django_capture_on_commit_callbacks(execute=True):
            sent = services.rating_reminder_send(event=event, by=StaffFactory())
        with pytest.raises(services.EventError, match="already sent"):
            services.rating_reminder_send(event=event, by=StaffFactory())

    seated = {seat.participant_id for seat in Seat.objects.filter(event=event)}
    assert sent == len(seated) - 1
    assert len(mail.outbox) == sent
    assert done.user.email not in [message.to[0] for message in mail.outbox]


def test_invitations_go_once_to_every_active_participant(django_capture_on_commit_callbacks):
    from cohorts.tests.factories import ParticipantFactory

    event = EventFactory()
    ParticipantFactory.create_batch(3, cohort=event.cohort)
    ParticipantFactory(cohort=event.cohort, status="withdrawn")

    with django_capture_on_commit_callbacks(execute=True):
        assert services.event_invite(event=event) == 3
    with django_capture_on_commit_callbacks(execute=True):
        assert services.event_invite(event=event) == 0

    assert len(mail.outbox) == 3
    assert "/calendar/" in mail.outbox[0].body
