import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.db import IntegrityError, transaction

from accounts.tests.factories import StaffFactory
from matching.models import Match
from meetings import services
from meetings.models import MAX_DURATION_MINUTES, MeetingLog, MenteeResponse, PairPause, Topic
from meetings.reminders import checkin_reminders_owed
from meetings.selectors import MAX_EXTRA_WEEKS, period_of
from meetings.services import MeetingError

from .factories import PERIOD_START, MeetingLogFactory, pair

pytestmark = pytest.mark.django_db

TORONTO = zoneinfo.ZoneInfo("America/Toronto")
WEEK_2 = PERIOD_START + dt.timedelta(weeks=1)


def toronto(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=TORONTO)


def thursday_ten(week: dt.date) -> dt.datetime:
    """The default reminder moment of the week of Monday ``week``, for a mentor in Toronto (the factories' zone)."""
    return dt.datetime.combine(week + dt.timedelta(days=3), dt.time(10), tzinfo=TORONTO)


def a_meeting(**data) -> dict:
    return {
        "met": True,
        "met_on": WEEK_2 + dt.timedelta(days=1),
        "duration_minutes": 45,
        "format": "video",
        "topics": [Topic.objects.create(name_en="Negotiation")],
        "shared_notes": "We rehearsed the salary conversation.",
        "private_note": "",
        **data,
    }


def test_logging_the_same_week_twice_returns_the_first_log_unchanged():
    match = pair()
    mentor = match.mentor.user

    first, created = services.meeting_log_create(match=match, week=WEEK_2, data=a_meeting(), by=mentor)
    again, created_again = services.meeting_log_create(
        match=match, week=WEEK_2, data=a_meeting(duration_minutes=90), by=mentor
    )

    assert (created, created_again) == (True, False)
    assert again.pk == first.pk
    assert MeetingLog.objects.get().duration_minutes == 45
    assert [topic.name for topic in first.topics.all()] == ["Negotiation"]


def test_a_log_that_breaks_a_rule_is_refused_rather_than_taken_for_a_double_submit():
    match = pair()

    with pytest.raises(IntegrityError), transaction.atomic():
        services.meeting_log_create(match=match, week=WEEK_2, data=a_meeting(duration_minutes=0), by=match.mentor.user)

    assert not MeetingLog.objects.exists()


def test_a_log_can_be_changed_for_fourteen_days_and_not_after():
    with time_machine.travel(toronto(2027, 3, 10, 12), tick=False):
        log = MeetingLogFactory(week=WEEK_2, met_on=WEEK_2 + dt.timedelta(days=1))
    mentor = log.match.mentor.user

    services.meeting_log_update(
        log=log, data=a_meeting(duration_minutes=60), by=mentor, now=log.created_at + dt.timedelta(days=14, minutes=-1)
    )
    with pytest.raises(MeetingError, match="14 days"):
        services.meeting_log_update(
            log=log, data=a_meeting(duration_minutes=90), by=mentor, now=log.created_at + dt.timedelta(days=14)
        )

    assert MeetingLog.objects.get().duration_minutes == 60


def test_changing_a_log_asks_the_mentee_again():
    log = MeetingLogFactory(mentee_response=MenteeResponse.CONFIRMED, mentee_comment="Yes, thanks!")
    log.mentee_responded_at = log.created_at
    log.save()

    services.meeting_log_update(log=log, data=a_meeting(met_on=log.met_on), by=log.match.mentor.user)

    log.refresh_from_db()
    assert (log.mentee_response, log.mentee_comment, log.mentee_responded_at) == ("", "", None)


def test_only_the_mentee_answers_and_only_with_a_known_answer():
    log = MeetingLogFactory()

    with pytest.raises(MeetingError):
        services.meeting_log_respond(log=log, response=MenteeResponse.DISPUTED, by=log.match.mentor.user)
    with pytest.raises(MeetingError):
        services.meeting_log_respond(log=log, response="maybe", by=log.match.mentee.user)
    mentee = log.match.mentee.user
    services.meeting_log_respond(log=log, response=MenteeResponse.DISPUTED, comment="We missed it.", by=mentee)

    log.refresh_from_db()
    assert (log.mentee_response, log.mentee_comment) == (MenteeResponse.DISPUTED, "We missed it.")


def test_pausing_a_pair_twice_pauses_it_once():
    match, staff = pair(), StaffFactory()

    assert services.pair_pause(match=match, by=staff) is True
    assert services.pair_pause(match=match, by=staff) is False

    assert PairPause.objects.filter(match=match, ended_at__isnull=True).count() == 1


def test_a_resumed_pair_is_reminded_again_and_can_be_paused_again():
    match, staff = pair(), StaffFactory()
    services.pair_pause(match=match, by=staff)
    assert checkin_reminders_owed(thursday_ten(WEEK_2)) == []

    assert services.pair_resume(match=match, by=staff) is True
    assert services.pair_resume(match=match, by=staff) is False

    assert checkin_reminders_owed(thursday_ten(WEEK_2)) == [(match.mentor.user_id, WEEK_2)]
    assert services.pair_pause(match=match, by=staff) is True


def test_ending_a_pair_ends_the_match_and_its_reminders():
    match, staff = pair(), StaffFactory()
    services.pair_pause(match=match, by=staff)

    assert services.pair_end(match=match, by=staff) is True
    assert services.pair_end(match=match, by=staff) is False

    match.refresh_from_db()
    assert match.status == Match.Status.ENDED and match.ended_at is not None
    assert not PairPause.objects.filter(match=match, ended_at__isnull=True).exists()
    assert services.pair_pause(match=match, by=staff) is False
    assert checkin_reminders_owed(thursday_ten(WEEK_2)) == []


def test_an_extended_pair_is_reminded_in_its_extra_weeks():
    match, staff = pair(), StaffFactory()
    week_14 = PERIOD_START + dt.timedelta(weeks=13)
    assert checkin_reminders_owed(thursday_ten(week_14)) == []

    services.pair_extend(match=match, weeks=4, by=staff)

    match.refresh_from_db()
    assert match.extra_weeks == 4
    assert period_of(match).weeks == 17
    assert checkin_reminders_owed(thursday_ten(week_14)) == [(match.mentor.user_id, week_14)]


@pytest.mark.parametrize("weeks", [0, -1, MAX_EXTRA_WEEKS + 1])
def test_an_extension_of_no_weeks_or_beyond_the_limit_is_refused(weeks):
    match = pair()

    with pytest.raises(MeetingError, match=str(MAX_EXTRA_WEEKS)):
        services.pair_extend(match=match, weeks=weeks, by=StaffFactory())

    match.refresh_from_db()
    assert match.extra_weeks == 0


def test_extensions_add_up_to_the_limit_and_no_further():
    match, staff = pair(), StaffFactory()
    services.pair_extend(match=match, weeks=MAX_EXTRA_WEEKS - 1, by=staff)
    services.pair_extend(match=match, weeks=1, by=staff)

    with pytest.raises(MeetingError):
        services.pair_extend(match=match, weeks=1, by=staff)

    match.refresh_from_db()
    assert match.extra_weeks == MAX_EXTRA_WEEKS


def test_a_mentor_pauses_a_week_of_reminders_once():
    mentor = pair().mentor.user

    assert services.reminders_pause(user=mentor, week=WEEK_2) is True
    assert services.reminders_pause(user=mentor, week=WEEK_2) is False


@pytest.mark.parametrize("minutes", [None, 0, MAX_DURATION_MINUTES + 1])
def test_the_database_refuses_a_meeting_without_a_sane_duration(minutes):
    match = pair()

    with pytest.raises(IntegrityError), transaction.atomic():
        MeetingLog.objects.create(match=match, week=WEEK_2, met=True, met_on=WEEK_2, duration_minutes=minutes)


def test_the_database_accepts_the_longest_meeting_and_a_week_without_one():
    match = pair()

    MeetingLog.objects.create(match=match, week=PERIOD_START, met=True, met_on=PERIOD_START, duration_minutes=600)
    MeetingLog.objects.create(match=match, week=WEEK_2, met=False, not_met_reason="Holiday")

    assert MeetingLog.objects.count() == 2


def test_the_database_refuses_a_second_log_for_the_same_pair_and_week():
    log = MeetingLogFactory()

    with pytest.raises(IntegrityError), transaction.atomic():
        MeetingLogFactory(match=log.match, week=log.week)

    assert MeetingLog.objects.count() == 1


def test_a_week_without_a_meeting_cannot_be_confirmed():
    log = MeetingLogFactory(met=False, not_met_reason="Holiday")

    with pytest.raises(MeetingError, match="Only a meeting"):
        services.meeting_log_respond(log=log, response=MenteeResponse.CONFIRMED, by=log.match.mentee.user)

    log.refresh_from_db()
    assert log.mentee_response == ""
