"""A prepared query answers what its query set answers, for each call's own ids (mentorship/prepared.py)."""

import datetime as dt

import pytest
from django.db.models import Prefetch

from cohorts.models import Participant
from matching.models import Match
from meetings.models import MeetingLog, Topic
from meetings.tests.factories import MeetingLogFactory, mentorship_cohort, pair
from mentorship.prepared import Prepared

pytestmark = pytest.mark.django_db


def pairs_by_key(keys):
    logs = MeetingLog.objects.order_by("week").prefetch_related("topics")
    return (
        Match.objects.filter(pk__in=keys)
        .select_related("run__cohort", "mentor__user", "mentee__user")
        .prefetch_related(Prefetch("logs", queryset=logs))
        .order_by("pk")
    )


def described(matches) -> list:
    """What a page reads of each pair: its people and cohort through select_related, its logs and their topics."""
    return [
        (
            match.pk,
            match.run.cohort.name,
            match.mentor.user.email,
            match.mentee.user.email,
            [(log.week, sorted(topic.name for topic in log.topics.all())) for log in match.logs.all()],
        )
        for match in matches
    ]


def test_each_call_answers_for_its_own_ids_as_the_query_set_does(django_assert_max_num_queries):
    cohort = mentorship_cohort()
    pairs = [pair(cohort) for _ in range(4)]
    topic = Topic.objects.create(name_en="Interviews", name_fr="Entretiens")
    for number, match in enumerate(pairs):
        for week in range(number):
            log = MeetingLogFactory(match=match, week=cohort.mentorship_starts_on + dt.timedelta(weeks=week))
            log.topics.add(topic)
    prepared = Prepared(pairs_by_key)

    for keys in ([pairs[0].pk], [pairs[2].pk, pairs[3].pk], [pairs[1].pk, pairs[3].pk], [pairs[3].pk, pairs[0].pk]):
        expected = described(pairs_by_key(keys))
        with django_assert_max_num_queries(3):  # the pairs, their logs, the logs' topics
            answered = described(prepared(keys))
        assert answered == expected

    assert prepared([]) == []
    assert prepared([pairs[0].pk + 10_000]) == []


def test_a_single_id_and_a_list_of_values():
    match = pair()
    prepared = Prepared(lambda user_id: Participant.objects.filter(user=user_id).values_list("pk", flat=True))

    assert prepared(match.mentor.user_id) == [match.mentor.pk]
    assert prepared(match.mentee.user_id) == [match.mentee.pk]


def test_a_query_that_does_not_use_its_id_is_refused():
    pair()
    prepared = Prepared(lambda _key: Match.objects.all())

    with pytest.raises(ValueError, match="not one of its SQL's parameters"):
        prepared(1)


def test_an_id_out_of_any_columns_range_finds_nothing_as_django_does():
    match = pair()
    prepared = Prepared(lambda key: Match.objects.filter(pk=key))

    assert prepared(10**30) == []
    assert prepared(match.pk) == [match]
