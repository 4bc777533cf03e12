"""A person's own pages read their pairs' logs with compiled SQL; they must get what the prefetching query set gives."""

import datetime as dt

import pytest

from cohorts.models import Role
from cohorts.tests.factories import ParticipantFactory
from matching.models import Match
from meetings.models import Topic
from meetings.selectors import pair_page, pairs_of, pairs_with_weeks

from .factories import PERIOD_START, MeetingLogFactory, mentorship_cohort, pair

pytestmark = pytest.mark.django_db

TODAY = PERIOD_START + dt.timedelta(weeks=5)


def logs_seen(match, *, topics: bool) -> list:
    return [
        (log.pk, log.week, log.met, log.met_on, [topic.name for topic in log.topic_list] if topics else None)
        for log in match.logs.all()
    ]


@pytest.fixture
def two_pairs_of_one_mentor():
    cohort = mentorship_cohort()
    mentor = ParticipantFactory(cohort=cohort, role=Role.MENTOR, mentee_capacity=3)
    first, second = pair(cohort, mentor=mentor), pair(cohort, mentor=mentor)
    interviews = Topic.objects.create(name_en="Interviews", position=2)
    salary = Topic.objects.create(name_en="Salary", position=1)
    for week in range(4):
        log = MeetingLogFactory(match=first, week=PERIOD_START + dt.timedelta(weeks=week), met=week != 2)
        log.topics.add(*([interviews, salary] if week % 2 else [interviews]))
    MeetingLogFactory(match=second, week=PERIOD_START).topics.add(salary)
    return mentor, first, second


def test_a_pair_page_has_the_logs_and_topics_the_query_set_prefetches(
    two_pairs_of_one_mentor, django_assert_num_queries
):
    mentor, first, second = two_pairs_of_one_mentor
    for match in (first, second):
        expected = pairs_with_weeks(Match.objects.filter(pk=match.pk), topics=True).get()

        view = pair_page(mentor.user, match.pk, TODAY)
        with django_assert_num_queries(0):
            seen = logs_seen(view.match, topics=True)

        assert seen == logs_seen(expected, topics=True)
        assert [log.match for log in view.logs] == [view.match] * len(seen)
    assert logs_seen(pair_page(mentor.user, first.pk, TODAY).match, topics=True)[0][4] == ["Salary", "Interviews"]


def test_a_persons_list_of_pairs_has_each_pairs_own_logs(two_pairs_of_one_mentor, django_assert_num_queries):
    mentor, first, second = two_pairs_of_one_mentor
    expected = {
        match.pk: logs_seen(pairs_with_weeks(Match.objects.filter(pk=match.pk), topics=False).get(), topics=False)
        for match in (first, second)
    }

    views = pairs_of(mentor.user)
    with django_assert_num_queries(0):
        seen = {view.match.pk: logs_seen(view.match, topics=False) for view in views}

    assert seen == expected
    assert len(seen[first.pk]) == 4
    assert len(seen[second.pk]) == 1
