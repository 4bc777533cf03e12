import datetime as dt
import zoneinfo

import pytest
import time_machine

from applications.tests.factories import QuestionFactory
from cohorts.models import Cohort, Stage
from cohorts.services import cohort_copy, sessions_generate

from .factories import CohortFactory

pytestmark = pytest.mark.django_db

TORONTO = zoneinfo.ZoneInfo("America/Toronto")


def at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=TORONTO)


@pytest.fixture
def cohort():
    return CohortFactory(
        start_date=dt.date(2027, 1, 11),
        applications_open_at=at(2026, 11, 1, 9, 0),
        applications_close_at=at(2026, 12, 1, 23, 59),
        weeks=10,
        mentorship_weeks=13,
    )


@pytest.mark.parametrize(
    ("moment", "stage"),
    [
        (at(2026, 11, 1, 8, 59), Stage.UPCOMING),
        (at(2026, 11, 1, 9, 0), Stage.APPLICATIONS_OPEN),
        (at(2026, 12, 1, 23, 58), Stage.APPLICATIONS_OPEN),
        (at(2026, 12, 1, 23, 59), Stage.REVIEW),
        (at(2027, 1, 11, 0, 0), Stage.PROGRAM),
        (at(2027, 3, 21, 23, 59), Stage.PROGRAM),
        (at(2027, 3, 22, 0, 0), Stage.MENTORSHIP),
        (at(2027, 6, 20, 23, 59), Stage.MENTORSHIP),
        (at(2027, 6, 21, 0, 0), Stage.ENDED),
    ],
)
def test_the_stage_follows_the_dates_on_both_sides_of_each_boundary(cohort, moment, stage):
    assert cohort.stage(moment) == stage


def test_a_deadline_in_another_time_zone_is_the_same_instant(cohort):
    paris = zoneinfo.ZoneInfo("Europe/Paris")
    assert cohort.is_accepting_applications(dt.datetime(2026, 12, 2, 5, 58, tzinfo=paris))
    assert not cohort.is_accepting_applications(dt.datetime(2026, 12, 2, 5, 59, tzinfo=paris))


def test_the_weekly_sessions_are_generated_at_the_same_local_hour_across_a_time_change():
    cohort = CohortFactory(start_date=dt.date(2027, 2, 22), weeks=10)  # clocks change on 14 March 2027

    sessions = sessions_generate(cohort=cohort)
    again = sessions_generate(cohort=cohort)

    assert [session.number for session in sessions] == list(range(1, 11))
    assert again == []
    local = [session.starts_at.astimezone(TORONTO) for session in cohort.sessions.all()]
    assert {(moment.hour, moment.minute) for moment in local} == {(18, 0)}
    assert local[0].date() == dt.date(2027, 2, 22)
    assert local[-1].date() == dt.date(2027, 4, 26)


def test_copying_a_cohort_for_next_year_keeps_its_questions_and_sessions(cohort):
    sessions_generate(cohort=cohort)
    question = QuestionFactory(cohort=cohort, text_en="Why now?", required=True)

    copy = cohort_copy(cohort=cohort, start_date=dt.date(2028, 1, 10), slug="next", name_en="Winter 2028")

    assert copy.questions.get().text_en == "Why now?"
    assert copy.questions.get().pk != question.pk
    assert cohort.questions.count() == 1
    assert copy.sessions.count() == 10
    assert copy.sessions.first().starts_at.astimezone(TORONTO) == at(2028, 1, 10, 18, 0)
    assert copy.applications_close_at.astimezone(TORONTO) == at(2027, 11, 30, 23, 59)  # 364 days: same weekday


def test_a_copied_session_keeps_its_local_hour_across_a_clock_change():
    cohort = CohortFactory(start_date=dt.date(2026, 3, 5))  # 18:00 on 12 March 2026 is daylight time
    sessions_generate(cohort=cohort)

    copy = cohort_copy(cohort=cohort, start_date=dt.date(2027, 3, 4), slug="dst", name_en="Next")

    assert copy.sessions.get(number=2).starts_at.astimezone(TORONTO) == at(2027, 3, 11, 18, 0)


@time_machine.travel(at(2026, 11, 15, 12, 0), tick=False)
def test_cohorts_accepting_applications_now(cohort):
    closed = CohortFactory(applications_open_at=at(2026, 10, 1), applications_close_at=at(2026, 11, 1))

    assert list(Cohort.objects.accepting_applications()) == [cohort]
    assert closed.stage() == Stage.REVIEW
