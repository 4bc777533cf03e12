"""The two surveys: when they go out (time given by the test), once per person, in the person's language,
one reminder; the survey page and its bad input."""

import datetime as dt
import zoneinfo

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from applications.models import ConfidenceStatement
from applications.tests.factories import ConfidenceStatementFactory
from cohorts.models import Participant, Role
from cohorts.tests.factories import ParticipantFactory
from matching.models import Match
from meetings.tests.factories import PERIOD_START, UserFactory, mentorship_cohort, pair
from reports import surveys
from reports.models import SurveyInvitation, SurveyRating, SurveyResponse
from reports.surveys import OPEN_FOR, REMIND_AFTER, program_survey_moment, surveys_send
from reports.tasks import send_surveys

pytestmark = pytest.mark.django_db

TORONTO = zoneinfo.ZoneInfo("America/Toronto")
# mentorship_cohort(): sessions from Monday 2026-12-21 for 10 weeks, mentorship from PERIOD_START for 13.
WEEK_10 = dt.datetime(2027, 2, 22, 9, 0, tzinfo=TORONTO)
PERIOD_OVER = dt.datetime.combine(PERIOD_START + dt.timedelta(weeks=13), dt.time(9), tzinfo=TORONTO)
MINUTE = dt.timedelta(minutes=1)


@pytest.fixture
def cohort():
    return mentorship_cohort(time_zone="America/Toronto")


def recipients() -> list[str]:
    return sorted(address for message in mail.outbox for address in message.to)


def test_the_end_of_program_survey_goes_in_week_10_to_each_participant_once_in_their_language(cohort):
    french = ParticipantFactory(cohort=cohort, user=UserFactory(language="fr", email="fr@example.org"))
    english = ParticipantFactory(cohort=cohort, role=Role.MENTOR, user=UserFactory(email="en@example.org"))
    ParticipantFactory(cohort=cohort, status=Participant.Status.WITHDRAWN, user=UserFactory(email="gone@example.org"))
    assert program_survey_moment(cohort) == WEEK_10

    assert surveys_send(WEEK_10 - MINUTE) == 0
    assert surveys_send(WEEK_10) == 2
    assert surveys_send(WEEK_10 + dt.timedelta(hours=1)) == 0  # the next hourly run sends nothing more

    assert recipients() == ["en@example.org", "fr@example.org"]
    by_address = {message.to[0]: message for message in mail.outbox}
    assert by_address["fr@example.org"].subject == "Dix minutes sur votre programme : le sondage de fin de programme"
    assert by_address["en@example.org"].subject == "Ten minutes about your program: the end-of-program survey"
    invitation = SurveyInvitation.objects.get(participant=french)
    assert f"/surveys/{invitation.pk}/" in by_address["fr@example.org"].body
    assert invitation.closes_at == WEEK_10 + OPEN_FOR
    assert SurveyInvitation.objects.get(participant=english).kind == SurveyInvitation.Kind.END_OF_PROGRAM


def test_a_survey_not_sent_in_its_window_is_not_sent_late(cohort):
    ParticipantFactory(cohort=cohort)
    assert surveys_send(WEEK_10 + OPEN_FOR) == 0
    assert not SurveyInvitation.objects.exists()


def test_one_reminder_after_seven_days_to_those_who_have_not_answered(cohort):
    answered, silent = ParticipantFactory(cohort=cohort), ParticipantFactory(cohort=cohort)
    surveys_send(WEEK_10)
    SurveyResponse.objects.create(invitation=SurveyInvitation.objects.get(participant=answered), recommend=9)
    mail.outbox.clear()

    assert send_surveys(now=(WEEK_10 + REMIND_AFTER - MINUTE).isoformat()) == {"surveys": 0, "reminders": 0}
    assert send_surveys(now=(WEEK_10 + REMIND_AFTER).isoformat()) == {"surveys": 0, "reminders": 1}
    assert send_surveys(now=(WEEK_10 + 2 * REMIND_AFTER).isoformat()) == {"surveys": 0, "reminders": 0}

    assert recipients() == [silent.user.email]
    assert mail.outbox[0].subject == "A reminder: we would love your answers to the survey"
    assert SurveyInvitation.objects.get(participant=silent).reminded_at == WEEK_10 + REMIND_AFTER


def test_the_end_of_mentorship_survey_goes_when_each_persons_pairs_are_over(cohort):
    ending = pair(cohort)
    extended = pair(cohort, extra_weeks=2)
    # A mentor with a pair that ends on time and one extended by two weeks hears from us at the later end.
    mentor = ParticipantFactory(cohort=cohort, role=Role.MENTOR, mentee_capacity=2)
    on_time = pair(cohort, mentor=mentor)
    longer = pair(cohort, mentor=mentor, extra_weeks=2)
    # A pair staff ended early: its mentee's survey goes then.
    early_end = dt.datetime(2027, 4, 1, 15, 0, tzinfo=dt.UTC)
    ended = pair(cohort, status=Match.Status.ENDED, ended_at=early_end)

    sent_on = {}
    for moment in [
        early_end - MINUTE,
        early_end,
        PERIOD_OVER - MINUTE,
        PERIOD_OVER,
        PERIOD_OVER + dt.timedelta(weeks=2) - MINUTE,
        PERIOD_OVER + dt.timedelta(weeks=2),
    ]:
        surveys_send(moment)
        for invitation in SurveyInvitation.objects.filter(kind=SurveyInvitation.Kind.END_OF_MENTORSHIP):
            sent_on.setdefault(invitation.participant_id, moment)

    later = PERIOD_OVER + dt.timedelta(weeks=2)
    assert sent_on == {
        ended.mentee_id: early_end,
        ended.mentor_id: early_end,
        ending.mentee_id: PERIOD_OVER,
        ending.mentor_id: PERIOD_OVER,
        on_time.mentee_id: PERIOD_OVER,
        extended.mentee_id: later,
        extended.mentor_id: later,
        longer.mentee_id: later,
        mentor.pk: later,
    }
    assert len(mail.outbox) == len(sent_on)


def test_a_mentee_rematched_after_an_early_end_waits_for_the_new_pair(cohort):
    first = pair(cohort, status=Match.Status.ENDED, ended_at=dt.datetime(2027, 3, 10, tzinfo=dt.UTC))
    pair(cohort, mentee=first.mentee)
    mentorship = SurveyInvitation.objects.filter(kind=SurveyInvitation.Kind.END_OF_MENTORSHIP)
    surveys_send(dt.datetime(2027, 3, 11, tzinfo=dt.UTC))
    assert list(mentorship.values_list("participant", flat=True)) == [first.mentor_id]
    surveys_send(PERIOD_OVER)
    assert mentorship.filter(participant=first.mentee).count() == 1


def test_a_failed_send_leaves_no_invitation_and_the_next_run_sends_it(cohort, monkeypatch):
    ParticipantFactory(cohort=cohort)

    def refuse(**kwargs):
        raise OSError("connection refused")

    monkeypatch.setattr(surveys, "send_templated_email", refuse)
    with pytest.raises(OSError):
        surveys_send(WEEK_10)
    assert not SurveyInvitation.objects.exists()
    monkeypatch.undo()
    assert surveys_send(WEEK_10 + dt.timedelta(hours=1)) == 1


# --- The survey page ------------------------------------------------------------------------------


@pytest.fixture
def invitation(cohort):
    ConfidenceStatementFactory.create_batch(2)
    participant = ParticipantFactory(cohort=cohort)
    now = timezone.now()
    return SurveyInvitation.objects.create(
        participant=participant, kind=SurveyInvitation.Kind.END_OF_PROGRAM, sent_at=now, closes_at=now + OPEN_FOR
    )


def answers(invitation, **changes) -> dict:
    data = {f"confidence_{statement.pk}": "4" for statement in ConfidenceStatement.objects.filter(active=True)}
    data |= {"recommend": "9", "helped": "My mentor's mock interviews.", "change": "More evening sessions."}
    return data | changes


def test_a_person_answers_their_survey_and_can_replace_the_answers_until_it_closes(client, invitation):
    client.force_login(invitation.participant.user)
    url = reverse("reports:survey", args=[invitation.pk])
    assert client.get(url).status_code == 200

    response = client.post(url, answers(invitation))
    assert response.status_code == 302
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Thank you! Your answers are saved. You can change them until the survey closes."
    ]
    first = SurveyResponse.objects.get()
    assert (first.recommend, first.helped) == (9, "My mentor's mock interviews.")
    statements = sorted(ConfidenceStatement.objects.filter(active=True).values_list("pk", flat=True))
    assert len(statements) >= 2

    client.post(url, answers(invitation, recommend="10", helped="", **{f"confidence_{statements[0]}": "5"}))
    client.post(url, answers(invitation, recommend="10", helped="", **{f"confidence_{statements[0]}": "5"}))  # twice

    response = SurveyResponse.objects.get()
    assert (response.pk, response.recommend, response.helped, response.submitted_at) == (
        first.pk,
        10,
        "",
        first.submitted_at,
    )
    assert dict(SurveyRating.objects.values_list("statement", "rating")) == dict.fromkeys(statements, 4) | {
        statements[0]: 5
    }
    assert "Save my new answers" in client.get(url).content.decode()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("recommend", "11", "Select a valid choice. 11 is not one of the available choices."),
        ("recommend", "-1", "Select a valid choice. -1 is not one of the available choices."),
        ("recommend", "", "This field is required."),
        ("confidence", "6", "Select a valid choice. 6 is not one of the available choices."),
        ("helped", "x" * 2001, "Ensure this value has at most 2000 characters (it has 2001)."),
    ],
)
def test_an_answer_out_of_range_is_refused_and_nothing_is_saved(client, invitation, field, value, message):
    client.force_login(invitation.participant.user)
    if field == "confidence":
        field = next(name for name in answers(invitation) if name.startswith("confidence_"))
    response = client.post(reverse("reports:survey", args=[invitation.pk]), answers(invitation, **{field: value}))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not SurveyResponse.objects.exists()


def test_someone_elses_survey_is_not_found_and_anonymous_people_log_in_first(client, invitation):
    url = reverse("reports:survey", args=[invitation.pk])
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))

    client.force_login(ParticipantFactory(cohort=invitation.participant.cohort).user)
    assert client.get(url).status_code == 404
    assert client.post(url, answers(invitation)).status_code == 404
    assert not SurveyResponse.objects.exists()


def test_a_closed_survey_keeps_its_answers_and_says_so(client, invitation):
    client.force_login(invitation.participant.user)
    url = reverse("reports:survey", args=[invitation.pk])
    client.post(url, answers(invitation))
    SurveyInvitation.objects.filter(pk=invitation.pk).update(closes_at=timezone.now() - MINUTE)

    response = client.post(url, answers(invitation, recommend="0"), follow=True)

    assert SurveyResponse.objects.get().recommend == 9
    page = response.content.decode()
    assert "This survey has closed: its answers can no longer be changed." in page
    assert "Thank you for your answers." in page
    assert "<form" not in page.split("<main", 1)[1].split("</main>")[0]


def test_open_surveys_are_listed_on_the_persons_outcomes_page(client, invitation):
    client.force_login(invitation.participant.user)
    page = client.get(reverse("reports:outcomes")).content.decode()
    assert reverse("reports:survey", args=[invitation.pk]) in page


def test_a_persons_survey_answers_are_in_their_download_and_erasure_keeps_only_the_counted_part(invitation):
    from accounts.erasure import person_erase, personal_data_export

    statement = ConfidenceStatement.objects.filter(active=True).first()
    response = SurveyResponse.objects.create(invitation=invitation, recommend=7, helped="Mock interviews with Sam.")
    SurveyRating.objects.create(response=response, statement=statement, rating=4)
    user = invitation.participant.user

    [survey] = personal_data_export(user=user)["surveys"]
    assert survey["answers"]["helped_most"] == "Mock interviews with Sam."
    assert survey["answers"]["confidence"] == [{"statement": statement.name, "rating": 4}]

    counts = person_erase(user=user, by=None)

    response.refresh_from_db()
    assert counts["survey_comments"] == 1
    assert (response.helped, response.change, response.recommend) == ("", "", 7)
    assert SurveyRating.objects.get().rating == 4
