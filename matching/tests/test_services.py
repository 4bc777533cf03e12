import pytest
from django.core import mail
from django.urls import reverse

from accounts.tests.factories import StaffFactory, UserFactory
from applications.tests.factories import ApplicationFactory, SelfIdentificationFactory
from cohorts.models import Participant, Role
from cohorts.tests.factories import CohortFactory, ParticipantFactory
from events.models import Rating
from events.tests.factories import EventFactory
from matching import services
from matching.models import DEFAULT_WEIGHTS, Match, PairRule
from matching.scoring import cohort_people, pair_scores

pytestmark = pytest.mark.django_db


@pytest.fixture
def cohort():
    cohort = CohortFactory()
    for _ in range(3):
        ParticipantFactory(cohort=cohort, role=Role.MENTEE)
    for _ in range(2):
        ParticipantFactory(cohort=cohort, role=Role.MENTOR, mentee_capacity=2)
    return cohort


def people(cohort):
    return cohort_people(cohort)


def rate(event, rater, rated, score):
    Rating.objects.create(event=event, rater=rater, rated=rated, score=score)


def test_mutual_ratings_dominate_and_a_pair_that_never_met_has_no_rating_part(cohort):
    mentees, mentors = people(cohort)
    event = EventFactory(cohort=cohort)
    rate(event, mentees[0], mentors[0], 5)
    rate(event, mentors[0], mentees[0], 5)

    scores = pair_scores(cohort, mentees, mentors, DEFAULT_WEIGHTS)

    assert dict(scores[(mentees[0].pk, mentors[0].pk)])["ratings"] == 10.0
    assert "ratings" not in dict(scores[(mentees[0].pk, mentors[1].pk)])
    best = max(scores, key=lambda pair: sum(value for _, value in scores[pair]))
    assert best == (mentees[0].pk, mentors[0].pk)


def test_an_affinity_wish_counts_only_between_people_who_consented(cohort):
    mentees, mentors = people(cohort)
    for person in (mentees[0], mentors[0]):
        application = ApplicationFactory(cohort=cohort, user=person.user, role=person.role)
        person.application = application
        person.save()
    SelfIdentificationFactory(application=mentees[0].application, answers={"lgbtq": "yes", "affinity": ["lgbtq"]})
    SelfIdentificationFactory(application=mentors[0].application, answers={"lgbtq": "yes"})

    scores = pair_scores(cohort, mentees, mentors, DEFAULT_WEIGHTS)

    assert dict(scores[(mentees[0].pk, mentors[0].pk)])["affinity"] > 0
    assert "affinity" not in dict(scores[(mentees[0].pk, mentors[1].pk)])  # no consented answers
    assert all(name in DEFAULT_WEIGHTS for parts in scores.values() for name, _ in parts)


@pytest.mark.parametrize("mode", ["best", "stable"])
def test_a_run_respects_capacity_forbidden_and_pinned_pairs_and_skips_the_withdrawn(cohort, mode):
    mentees, mentors = people(cohort)
    PairRule.objects.create(cohort=cohort, mentee=mentees[0], mentor=mentors[0], kind="forbid")
    PairRule.objects.create(cohort=cohort, mentee=mentees[1], mentor=mentors[0], kind="pin")
    gone = ParticipantFactory(cohort=cohort, role=Role.MENTEE, status=Participant.Status.WITHDRAWN)

    run = services.match_run_create(cohort=cohort, mode=mode, weights=None, by=StaffFactory())

    pairs = set(run.matches.values_list("mentee", "mentor"))
    assert (mentees[0].pk, mentors[0].pk) not in pairs
    assert (mentees[1].pk, mentors[0].pk) in pairs
    assert gone.pk not in {mentee for mentee, _ in pairs}
    for mentor in mentors:
        assert run.matches.filter(mentor=mentor).count() <= 2
    assert len(pairs) == 3
    assert run.quality["matched_share"] == 1.0


def test_a_cohort_without_mentors_cannot_be_run():
    cohort = CohortFactory()
    ParticipantFactory(cohort=cohort, role=Role.MENTEE)

    with pytest.raises(services.MatchingError, match="no active mentor"):
        services.match_run_create(cohort=cohort, mode="best", weights=None, by=StaffFactory())


def test_publishing_emails_both_people_in_their_language_and_shows_the_match_at_home(
    cohort, client, django_capture_on_commit_callbacks
):
    mentee = people(cohort)[0][0]
    mentee.user.language = "fr"
    mentee.user.save()
    run = services.match_run_create(cohort=cohort, mode="best", weights=None, by=StaffFactory())
    match = run.matches.get(mentee=mentee)
    client.force_login(mentee.user)
    assert match.mentor.user.email not in client.get(reverse("home")).content.decode()  # not before publishing

    with django_capture_on_commit_callbacks(execute=True):
        services.match_run_publish(run=run, by=StaffFactory())

    assert Match.objects.active().count() == 3
    to_mentee = [message for message in mail.outbox if message.to == [mentee.user.email]]
    to_mentor = [message for message in mail.outbox if message.to == [match.mentor.user.email]]
    assert len(to_mentee) == 1
    assert match.mentor.user.display_name in to_mentee[0].subject
    assert "Bonjour" in to_mentee[0].body
    assert mentee.user.display_name in " ".join(message.subject for message in to_mentor)
    assert match.mentor.user.email in client.get(reverse("home")).content.decode()


def test_proposing_and_publishing_pairs_are_in_the_change_history_with_who_did_it(cohort):
    proposer, publisher = StaffFactory(), StaffFactory()
    run = services.match_run_create(cohort=cohort, mode="best", weights=None, by=proposer)
    services.match_run_publish(run=run, by=publisher)

    for match in run.matches.all():
        history = list(match.history.order_by("history_date"))
        assert [(row.history_type, row.status, row.history_user) for row in history] == [
            ("+", Match.Status.PROPOSED, proposer),
            ("~", Match.Status.ACTIVE, publisher),
        ]


def test_a_second_run_cannot_be_published_for_the_same_cohort(cohort):
    staff = StaffFactory()
    first = services.match_run_create(cohort=cohort, mode="best", weights=None, by=staff)
    second = services.match_run_create(cohort=cohort, mode="stable", weights=None, by=staff)
    services.match_run_publish(run=first, by=staff)

    with pytest.raises(services.MatchingError, match="already has a published run"):
        services.match_run_publish(run=second, by=staff)

    second.refresh_from_db()
    assert second.published_at is None
    assert not second.matches.filter(status="active").exists()


def test_a_run_with_someone_who_withdrew_since_is_not_published(cohort):
    staff = StaffFactory()
    run = services.match_run_create(cohort=cohort, mode="best", weights=None, by=staff)
    quitter = run.matches.first().mentee
    quitter.status = Participant.Status.WITHDRAWN
    quitter.save()

    with pytest.raises(services.MatchingError, match="withdrew"):
        services.match_run_publish(run=run, by=staff)

    assert not Match.objects.active().exists()


def test_a_published_run_is_amended_one_pair_at_a_time(cohort):
    staff = StaffFactory()
    run = services.match_run_create(cohort=cohort, mode="best", weights=None, by=staff)
    services.match_run_publish(run=run, by=staff)
    match = run.matches.first()
    newcomer = ParticipantFactory(cohort=cohort, role=Role.MENTOR, mentee_capacity=1)

    services.match_end(match=match, by=staff)
    added = services.match_add(run=run, mentee=match.mentee, mentor=newcomer, by=staff)

    assert Match.objects.get(pk=match.pk).status == "ended"
    assert added.status == "active"
    with pytest.raises(services.MatchingError, match="already has a mentor"):
        services.match_add(run=run, mentee=match.mentee, mentor=match.mentor, by=staff)
    with pytest.raises(services.MatchingError, match="no place left"):
        services.match_add(run=run, mentee=ParticipantFactory(cohort=cohort), mentor=newcomer, by=staff)


def test_a_person_never_sees_someone_elses_match(client, cohort):
    staff = StaffFactory()
    run = services.match_run_create(cohort=cohort, mode="best", weights=None, by=staff)
    services.match_run_publish(run=run, by=staff)
    client.force_login(UserFactory())

    page = client.get(reverse("home")).content.decode()

    assert all(match.mentor.user.email not in page for match in run.matches.select_related("mentor__user"))
