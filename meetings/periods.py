"""The weeks of a pair's mentorship period and when a mentor's weekly check-in reminder is due.

Pure functions (no Django import), in aware datetimes: the reminders task asks ``reminder_due`` for each
mentor with the mentor's own time zone, every 15 minutes, and sends at most one email per mentor and week.

A week runs Monday to Sunday in the mentor's time zone. Week 1 is the week holding the first day of the
period; the period covers ``weeks`` weeks from there (extended periods pass a larger ``weeks``).
"""

import datetime as dt
import zoneinfo
from dataclasses import dataclass
from enum import StrEnum

DEFAULT_REMINDER_WEEKDAY = 3  # Thursday (Monday is 0)
DEFAULT_REMINDER_TIME = dt.time(10, 0)


def week_start(day: dt.date) -> dt.date:
    """The Monday of the day's week."""
    return day - dt.timedelta(days=day.weekday())


@dataclass(frozen=True)
class Period:
    """A pair's mentorship period: ``weeks`` weeks from the week holding ``starts_on``."""

    starts_on: dt.date
    weeks: int

    @property
    def first_week(self) -> dt.date:
        return week_start(self.starts_on)

    @property
    def ends_on(self) -> dt.date:
        """The last day (a Sunday) of the period."""
        return self.first_week + dt.timedelta(weeks=self.weeks, days=-1)

    def week_number(self, day: dt.date) -> int | None:
        """1 for the first week of the period, ``weeks`` for the last; None outside the period."""
        number = (week_start(day) - self.first_week).days // 7 + 1
        return number if 1 <= number <= self.weeks else None

    def week_of(self, number: int) -> dt.date:
        """The Monday of week ``number``."""
        if not 1 <= number <= self.weeks:
            raise ValueError(f"week {number} is outside a period of {self.weeks} weeks")
        return self.first_week + dt.timedelta(weeks=number - 1)

    def weeks_until(self, day: dt.date) -> list[int]:
        """The week numbers that have begun by ``day`` (all of them once the period is over)."""
        if day < self.first_week:
            return []
        last = self.week_number(day) or self.weeks
        return list(range(1, last + 1))


def reminder_moment(
    week: dt.date,
    zone: str,
    weekday: int = DEFAULT_REMINDER_WEEKDAY,
    at: dt.time = DEFAULT_REMINDER_TIME,
) -> dt.datetime:
    """When the check-in reminder of the week starting on Monday ``week`` is due, in the mentor's zone.

    A local time that does not exist (a spring-forward gap) is moved forward by the gap, as clocks do;
    an ambiguous one (fall back) takes its first occurrence.
    """
    local = dt.datetime.combine(week + dt.timedelta(days=weekday), at, tzinfo=zoneinfo.ZoneInfo(zone))
    # Normalise through UTC: a time in a gap comes back shifted forward by the gap.
    return local.astimezone(dt.UTC).astimezone(local.tzinfo)


def reminder_due(period: Period, now: dt.datetime, zone: str, **moment) -> dt.date | None:
    """The Monday of the week whose reminder moment has passed at ``now`` (in the mentor's time zone)
    inside the period, or None before that week's moment and outside the period.

    A period that starts after the reminder day of its first week (a Friday start, say) has no reminder
    in that first week: a check-in on the first day of the mentorship would only nag.
    """
    if now.tzinfo is None:
        raise ValueError("now must be an aware datetime")
    today = now.astimezone(zoneinfo.ZoneInfo(zone)).date()
    number = period.week_number(today)
    if number is None:
        return None
    week = period.week_of(number)
    weekday = moment.get("weekday", DEFAULT_REMINDER_WEEKDAY)
    if number == 1 and period.starts_on.weekday() > weekday:
        return None
    return week if now >= reminder_moment(week, zone, **moment) else None


class WeekState(StrEnum):
    LOGGED = "logged"
    NOT_MET = "not_met"
    MISSING = "missing"  # the week is over and has no log
    CURRENT = "current"  # this week, no log yet
    UPCOMING = "upcoming"
    PAUSED = "paused"
    ENDED = "ended"  # after staff ended the pair


@dataclass(frozen=True)
class Week:
    number: int
    monday: dt.date
    state: WeekState

    @property
    def sunday(self) -> dt.date:
        return self.monday + dt.timedelta(days=6)


def week_states(
    period: Period,
    today: dt.date,
    logs: dict[dt.date, bool],
    paused: set[dt.date],
    ended_on: dt.date | None = None,
) -> list[Week]:
    """Every week of the period with its state on ``today``: ``logs`` maps a week's Monday to whether the
    pair met; ``paused`` holds the Mondays of paused weeks; the weeks after ``ended_on`` (the day staff
    ended the pair) are ended. A logged week shows as logged even if paused."""
    weeks = []
    for number in range(1, period.weeks + 1):
        monday = period.week_of(number)
        if monday in logs:
            state = WeekState.LOGGED if logs[monday] else WeekState.NOT_MET
        elif ended_on is not None and monday > ended_on:
            state = WeekState.ENDED
        elif monday in paused:
            state = WeekState.PAUSED
        elif monday > today:
            state = WeekState.UPCOMING
        elif monday + dt.timedelta(days=6) >= today:
            state = WeekState.CURRENT
        else:
            state = WeekState.MISSING
        weeks.append(Week(number, monday, state))
    return weeks


AT_RISK_WEEKS = 2


def missing_run(weeks: list[Week]) -> list[Week]:
    """The weeks without a log, in a row, that end the part of the period already over (paused weeks
    neither count nor break the run; this week, not over yet, is left out)."""
    run: list[Week] = []
    for week in weeks:
        if week.state is WeekState.MISSING:
            run.append(week)
        elif week.state in (WeekState.LOGGED, WeekState.NOT_MET):
            run = []
        elif week.state is not WeekState.PAUSED:
            break  # CURRENT, UPCOMING or ENDED: the past ends here
    return run


def at_risk(weeks: list[Week]) -> bool:
    return len(missing_run(weeks)) >= AT_RISK_WEEKS
