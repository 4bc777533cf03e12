import datetime as dt
import zoneinfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from meetings.periods import Period, reminder_due, reminder_moment, week_start

TORONTO = "America/Toronto"
PERIOD = Period(starts_on=dt.date(2027, 3, 22), weeks=13)  # a Monday; clocks moved on 14 March


def local(zone: str, *args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=zoneinfo.ZoneInfo(zone))


def test_the_period_counts_whole_weeks_from_the_first_day():
    assert PERIOD.first_week == dt.date(2027, 3, 22)
    assert PERIOD.ends_on == dt.date(2027, 6, 20)
    assert PERIOD.week_number(dt.date(2027, 3, 21)) is None
    assert PERIOD.week_number(dt.date(2027, 3, 22)) == 1
    assert PERIOD.week_number(dt.date(2027, 3, 28)) == 1
    assert PERIOD.week_number(dt.date(2027, 6, 20)) == 13
    assert PERIOD.week_number(dt.date(2027, 6, 21)) is None


def test_a_period_starting_midweek_begins_with_that_week():
    period = Period(starts_on=dt.date(2027, 3, 25), weeks=2)  # a Thursday
    assert period.week_number(dt.date(2027, 3, 22)) == 1
    assert period.ends_on == dt.date(2027, 4, 4)


@pytest.mark.parametrize(
    ("now", "due"),
    [
        (local(TORONTO, 2027, 3, 25, 9, 59), None),  # Thursday, before 10:00
        (local(TORONTO, 2027, 3, 25, 10, 0), dt.date(2027, 3, 22)),
        (local(TORONTO, 2027, 3, 28, 23, 59), dt.date(2027, 3, 22)),  # still week 1 on Sunday night
        (local(TORONTO, 2027, 3, 29, 8, 0), None),  # Monday of week 2: not yet
        (local(TORONTO, 2027, 3, 21, 12, 0), None),  # before the period
        (local(TORONTO, 2027, 6, 24, 12, 0), None),  # after the period
    ],
)
def test_the_reminder_is_due_from_thursday_ten_in_the_mentors_time_zone(now, due):
    assert reminder_due(PERIOD, now, TORONTO) == due


def test_each_mentor_is_reminded_at_ten_in_their_own_zone():
    paris_ten = local("Europe/Paris", 2027, 3, 25, 10, 0)

    assert reminder_due(PERIOD, paris_ten, "Europe/Paris") == dt.date(2027, 3, 22)
    assert reminder_due(PERIOD, paris_ten, TORONTO) is None  # 05:00 in Toronto


def test_a_reminder_moment_in_a_clock_change_gap_moves_forward():
    moment = reminder_moment(dt.date(2027, 3, 8), TORONTO, weekday=6, at=dt.time(2, 30))  # 14 March 02:30

    assert moment.astimezone(zoneinfo.ZoneInfo(TORONTO)).hour == 3


def test_naive_times_are_refused():
    with pytest.raises(ValueError, match="aware"):
        reminder_due(PERIOD, dt.datetime(2027, 3, 25, 10, 0), TORONTO)


zones = st.sampled_from(["America/Toronto", "America/Vancouver", "Europe/Paris", "Asia/Kolkata", "UTC"])


@settings(max_examples=200, deadline=None)
@given(
    starts=st.dates(min_value=dt.date(2026, 1, 1), max_value=dt.date(2030, 12, 31)),
    weeks=st.integers(min_value=1, max_value=30),
    offset=st.integers(min_value=-14 * 24 * 60, max_value=40 * 7 * 24 * 60),
    zone=zones,
)
def test_a_due_reminder_is_for_a_week_of_the_period_and_never_before_its_moment(starts, weeks, offset, zone):
    period = Period(starts_on=starts, weeks=weeks)
    now = dt.datetime.combine(starts, dt.time(0), tzinfo=dt.UTC) + dt.timedelta(minutes=offset)

    due = reminder_due(period, now, zone)

    if due is not None:
        assert due == week_start(due)
        assert period.week_number(due) is not None
        assert now >= reminder_moment(due, zone)
        assert now.astimezone(zoneinfo.ZoneInfo(zone)).date() - due < dt.timedelta(days=7)


@settings(max_examples=100, deadline=None)
@given(starts=st.dates(min_value=dt.date(2026, 1, 1), max_value=dt.date(2030, 12, 31)), zone=zones)
def test_every_week_of_the_period_becomes_due_exactly_once_when_checked_every_fifteen_minutes(starts, zone):
    period = Period(starts_on=starts, weeks=3)
    now = dt.datetime.combine(period.first_week - dt.timedelta(days=2), dt.time(0), tzinfo=dt.UTC)
    seen = []
    while now < dt.datetime.combine(period.ends_on + dt.timedelta(days=3), dt.time(0), tzinfo=dt.UTC):
        due = reminder_due(period, now, zone)
        if due is not None and (not seen or seen[-1] != due):
            seen.append(due)
        now += dt.timedelta(minutes=15)

    # A period that starts after the first week's reminder day (Thursday) has no reminder that week.
    first = 1 if starts.weekday() <= 3 else 2
    assert seen == [period.week_of(number) for number in range(first, 4)]


def test_a_period_starting_on_a_friday_has_no_reminder_in_its_first_days():
    period = Period(starts_on=dt.date(2027, 3, 5), weeks=13)  # a Friday
    friday_noon = dt.datetime(2027, 3, 5, 12, tzinfo=zoneinfo.ZoneInfo("America/Toronto"))

    assert reminder_due(period, friday_noon, "America/Toronto") is None
    assert reminder_due(period, friday_noon + dt.timedelta(days=6), "America/Toronto") == dt.date(2027, 3, 8)
