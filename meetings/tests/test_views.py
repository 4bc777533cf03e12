import datetime as dt
import re
import zoneinfo
from urllib.parse import urlsplit

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.tests.factories import StaffFactory, UserFactory
from cohorts.models import Role
from cohorts.tests.factories import ParticipantFactory
from matching.models import Match, MatchRun
from meetings.models import MeetingLog, MenteeResponse, ReminderPause, Topic
from meetings.periods import WeekState
from meetings.reminders import checkin_reminders_deliver, checkin_reminders_owed

from .factories import PERIOD_START, MeetingLogFactory, mentorship_cohort, pair

pytestmark = pytest.mark.django_db

TORONTO = zoneinfo.ZoneInfo("America/Toronto")  # the factories' time zone, for people and cohorts
WEEK_2 = PERIOD_START + dt.timedelta(weeks=1)  # Monday 8 March 2027
WEDNESDAY_OF_WEEK_2 = dt.datetime(2027, 3, 10, 12, tzinfo=TORONTO)


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def person(name: str, **fields):
    return UserFactory(preferred_name=name, pronouns="", **fields)


def mentor_of(cohort, name: str = "Morgan Mentor"):
    return ParticipantFactory(cohort=cohort, role=Role.MENTOR, user=person(name), mentee_capacity=3)


def mentee_of(cohort, name: str):
    return ParticipantFactory(cohort=cohort, role=Role.MENTEE, user=person(name))


@pytest.fixture
def week_2():
    """Wednesday of week 2 of the period, at noon for everyone in the factories' time zone."""
    with time_machine.travel(WEDNESDAY_OF_WEEK_2, tick=False) as traveller:
        yield traveller


@pytest.fixture
def match():
    cohort = mentorship_cohort()
    return pair(cohort, mentor=mentor_of(cohort), mentee=mentee_of(cohort, "Amara Diallo"))


@pytest.fixture
def topic():
    return Topic.objects.create(name_en="Interview practice", name_fr="Pratique d’entrevue")


def log_url(match, number: int = 2) -> str:
    return reverse("meetings:log_week", args=[match.pk, number])


def a_meeting(topic, **fields) -> dict:
    return {
        "met": "True",
        "met_on": "2027-03-09",
        "duration_minutes": "45",
        "format": "video",
        "topics": [topic.pk],
        "shared_notes": "We rehearsed your answer to “tell me about yourself”.",
        "private_note": "Discouraged after two rejections; I suggested the alumni group.",
        **fields,
    }


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


# --- The mentor's and the mentee's home -----------------------------------------------------------


def test_a_mentor_sees_each_mentee_with_this_weeks_state_and_a_link_to_log_it(client, week_2, match):
    logged = pair(match.run.cohort, mentor=match.mentor, mentee=mentee_of(match.run.cohort, "Bao Nguyen"))
    MeetingLogFactory(match=logged, week=WEEK_2, met_on=WEEK_2)
    client.force_login(match.mentor.user)

    page = client.get(reverse("meetings:home"))

    html = page.content.decode()
    assert {view.match.pk: view.current.state for view in page.context["as_mentor"]} == {
        match.pk: WeekState.CURRENT,
        logged.pk: WeekState.LOGGED,
    }
    assert "Amara Diallo" in html and "Bao Nguyen" in html
    assert html.count("Week 2 of 13") == 2
    assert f'href="{log_url(match)}"' in html
    assert log_url(logged) not in html  # that week is logged: nothing to do
    assert page.context["as_mentee"] == []


def test_a_mentee_sees_their_mentor_and_nothing_to_log(client, week_2, match):
    client.force_login(match.mentee.user)

    page = client.get(reverse("meetings:home"))

    html = page.content.decode()
    assert [view.match for view in page.context["as_mentee"]] == [match]
    assert page.context["as_mentor"] == []
    assert "Morgan Mentor" in html
    assert reverse("meetings:pair", args=[match.pk]) in html
    assert log_url(match) not in html


def test_the_home_page_costs_the_same_queries_for_one_mentee_and_for_three(client, week_2, topic):
    cohort = mentorship_cohort()
    few, many = mentor_of(cohort, "Few Pairs"), mentor_of(cohort, "Many Pairs")
    for mentor, mentees in ((few, 1), (many, 3)):
        for number in range(mentees):
            match = pair(cohort, mentor=mentor, mentee=mentee_of(cohort, f"Mentee {mentor.pk}-{number}"))
            MeetingLogFactory(match=match, week=PERIOD_START).topics.add(topic)
    url = reverse("meetings:home")
    client.force_login(few.user)
    client.get(url)  # caches warmed, so that both counts are of the page alone

    with_one = count_queries(client, url)
    client.force_login(many.user)
    with_three = count_queries(client, url)

    assert with_one == with_three


def test_the_pair_page_costs_the_same_queries_for_two_logs_and_for_ten(client, topic):
    cohort = mentorship_cohort()
    short, long = pair(cohort), pair(cohort)
    other_topic = Topic.objects.create(name_en="Negotiation")
    for match, logs in ((short, 2), (long, 10)):
        for number in range(logs):
            log = MeetingLogFactory(
                match=match, week=PERIOD_START + dt.timedelta(weeks=number), mentee_response=MenteeResponse.CONFIRMED
            )
            log.topics.add(topic, other_topic)

    with time_machine.travel(dt.datetime(2027, 5, 12, 12, tzinfo=TORONTO), tick=False):  # week 11
        client.force_login(short.mentor.user)
        client.get(reverse("meetings:pair", args=[short.pk]))
        with_two = count_queries(client, reverse("meetings:pair", args=[short.pk]))
        client.force_login(long.mentor.user)
        with_ten = count_queries(client, reverse("meetings:pair", args=[long.pk]))

    assert with_two == with_ten


# --- The pair page ----------------------------------------------------------------------------------


def test_the_pair_page_is_for_the_two_people_of_the_pair_only(client, week_2, match):
    other = pair(match.run.cohort)
    url = reverse("meetings:pair", args=[match.pk])

    for insider in (match.mentor.user, match.mentee.user):
        client.force_login(insider)
        assert client.get(url).status_code == 200
    for outsider in (other.mentor.user, other.mentee.user, StaffFactory()):
        client.force_login(outsider)
        assert client.get(url).status_code == 404


def test_each_visit_of_a_pair_page_shows_its_own_logs_topics(client, week_2, topic):
    cohort = mentorship_cohort()
    first, second = pair(cohort), pair(cohort)
    negotiation = Topic.objects.create(name_en="Negotiation")
    MeetingLogFactory(match=first, week=PERIOD_START).topics.add(topic)
    MeetingLogFactory(match=second, week=PERIOD_START).topics.add(negotiation)

    pages = []
    for match in (first, second, first, second):  # the page's query is built once per process and copied
        client.force_login(match.mentor.user)
        pages.append(client.get(reverse("meetings:pair", args=[match.pk])).content.decode())

    expected = [("Interview practice", "Negotiation"), ("Negotiation", "Interview")] * 2
    for page, (shown, hidden) in zip(pages, expected, strict=True):
        assert f"Topics: {shown}" in page
        assert hidden not in page


def test_the_pair_page_asks_an_anonymous_visitor_to_log_in(client, match):
    url = reverse("meetings:pair", args=[match.pk])

    response = client.get(url)

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    assert "next=" in response.url


def test_a_pair_not_yet_published_has_no_page(client):
    cohort = mentorship_cohort()
    proposed = Match.objects.create(
        run=MatchRun.objects.create(cohort=cohort),
        mentor=mentor_of(cohort),
        mentee=mentee_of(cohort, "Amara Diallo"),
        status=Match.Status.PROPOSED,
    )
    client.force_login(proposed.mentor.user)

    assert client.get(reverse("meetings:pair", args=[proposed.pk])).status_code == 404


def test_the_private_note_is_for_the_mentor_and_staff_never_the_mentee(client, week_2, match):
    MeetingLogFactory(match=match, private_note="Discouraged after two rejections.")
    url = reverse("meetings:pair", args=[match.pk])

    client.force_login(match.mentee.user)
    as_mentee = client.get(url).content.decode()
    client.force_login(match.mentor.user)
    as_mentor = client.get(url).content.decode()

    assert "We practised a behavioural interview." in as_mentee  # the shared notes are there
    assert "Discouraged after two rejections." not in as_mentee
    assert "Discouraged after two rejections." in as_mentor


# --- Logging a week ---------------------------------------------------------------------------------


def test_a_mentor_logs_a_meeting(client, week_2, match, topic):
    client.force_login(match.mentor.user)

    response = client.post(log_url(match), a_meeting(topic))

    log = MeetingLog.objects.get()
    assert response.status_code == 302
    assert response.url == log.get_absolute_url()
    assert messages_of(response) == ["Week 2 is logged. Thank you!"]
    assert (log.match, log.week, log.met, log.met_on) == (match, WEEK_2, True, dt.date(2027, 3, 9))
    assert (log.duration_minutes, log.format, log.logged_by) == (45, "video", match.mentor.user)
    assert list(log.topics.all()) == [topic]
    assert log.private_note.startswith("Discouraged")


def test_a_double_clicked_submit_logs_the_week_once_and_says_so(client, week_2, match, topic):
    client.force_login(match.mentor.user)
    client.post(log_url(match), a_meeting(topic))

    again = client.post(log_url(match), a_meeting(topic))

    assert MeetingLog.objects.count() == 1
    assert again.status_code == 302
    assert "logged already" in " ".join(messages_of(again))


def test_a_mentor_logs_that_they_did_not_meet_and_why(client, week_2, match):
    client.force_login(match.mentor.user)

    client.post(log_url(match), {"met": "False", "not_met_reason": "Amara was ill this week."})

    log = MeetingLog.objects.get()
    assert (log.met, log.met_on, log.duration_minutes, log.format) == (False, None, None, "")
    assert log.not_met_reason == "Amara was ill this week."


def test_not_meeting_needs_a_reason(client, week_2, match):
    client.force_login(match.mentor.user)

    page = client.post(log_url(match), {"met": "False", "not_met_reason": "  "})

    assert page.status_code == 200
    assert page.context["form"].errors["not_met_reason"] == ["Please say in a few words why you did not meet."]
    assert "Please say in a few words why you did not meet." in page.content.decode()
    assert not MeetingLog.objects.exists()


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"duration_minutes": "0"}, "duration_minutes", "A meeting lasts at least one minute."),
        ({"duration_minutes": "601"}, "duration_minutes", "A meeting cannot last more than 600 minutes (ten hours)."),
        ({"met_on": "2027-03-02"}, "met_on", "Choose a day of this week, from March 8, 2027 to March 14, 2027."),
        ({"met_on": "2027-03-15"}, "met_on", "Choose a day of this week, from March 8, 2027 to March 14, 2027."),
        ({"met_on": "2027-03-11"}, "met_on", "That day has not come yet: log a meeting once it has happened."),
        ({"met_on": ""}, "met_on", "Please fill this in, or answer that you did not meet."),
        ({"duration_minutes": ""}, "duration_minutes", "Please fill this in, or answer that you did not meet."),
        ({"format": ""}, "format", "Please fill this in, or answer that you did not meet."),
    ],
)
def test_bad_meeting_details_are_refused_with_a_clear_message(client, week_2, match, topic, change, field, message):
    client.force_login(match.mentor.user)

    page = client.post(log_url(match), a_meeting(topic, **change))

    assert page.status_code == 200
    assert page.context["form"].errors[field] == [message]
    assert message in page.content.decode()
    assert not MeetingLog.objects.exists()


def test_a_week_that_has_not_begun_cannot_be_logged(client, week_2, match, topic):
    client.force_login(match.mentor.user)

    for response in (client.get(log_url(match, 3)), client.post(log_url(match, 3), a_meeting(topic))):
        assert response.status_code == 302
        assert response.url == reverse("meetings:pair", args=[match.pk])
        assert "Week 3 has not begun: it starts on March 15, 2027." in messages_of(response)
    assert not MeetingLog.objects.exists()


@pytest.mark.parametrize("number", [0, 14, 99])
def test_a_week_outside_the_period_is_not_found(client, week_2, match, topic, number):
    client.force_login(match.mentor.user)

    assert client.get(log_url(match, number)).status_code == 404
    assert client.post(log_url(match, number), a_meeting(topic)).status_code == 404
    assert not MeetingLog.objects.exists()


def test_only_the_mentor_of_the_pair_logs_its_weeks(client, week_2, match, topic):
    other = pair(match.run.cohort)

    for someone in (other.mentor.user, match.mentee.user, StaffFactory()):
        client.force_login(someone)
        assert client.get(log_url(match)).status_code == 404
        assert client.post(log_url(match), a_meeting(topic)).status_code == 404
    assert not MeetingLog.objects.exists()


def test_logging_needs_a_logged_in_mentor(client, week_2, match, topic):
    response = client.post(log_url(match), a_meeting(topic))

    assert response.status_code == 302 and response.url.startswith(reverse("account_login"))
    assert not MeetingLog.objects.exists()


# --- Changing a log ---------------------------------------------------------------------------------


def logged_on_wednesday_of_week_2(match) -> MeetingLog:
    with time_machine.travel(WEDNESDAY_OF_WEEK_2, tick=False):
        return MeetingLogFactory(match=match, week=WEEK_2, met_on=dt.date(2027, 3, 9), duration_minutes=45)


def test_a_log_can_be_changed_until_fourteen_days_after_it_was_written(client, match, topic):
    log = logged_on_wednesday_of_week_2(match)
    url = reverse("meetings:log_edit", args=[log.pk])

    with time_machine.travel(log.created_at + dt.timedelta(days=14, seconds=-1), tick=False):
        client.force_login(match.mentor.user)
        assert client.get(url).status_code == 200
        response = client.post(url, a_meeting(topic, duration_minutes="60"))

    assert messages_of(response) == ["Your changes are saved."]
    log.refresh_from_db()
    assert log.duration_minutes == 60
    assert list(log.topics.all()) == [topic]


def test_a_log_older_than_fourteen_days_is_not_changed(client, match, topic):
    log = logged_on_wednesday_of_week_2(match)
    url = reverse("meetings:log_edit", args=[log.pk])

    with time_machine.travel(log.created_at + dt.timedelta(days=14), tick=False):
        client.force_login(match.mentor.user)
        shown = client.get(url)
        response = client.post(url, a_meeting(topic, duration_minutes="60"))

    for answer in (shown, response):
        assert answer.status_code == 302 and answer.url == log.get_absolute_url()
        assert "A log can be changed for 14 days. Write to the program staff to correct this one." in (
            messages_of(answer)
        )
    log.refresh_from_db()
    assert log.duration_minutes == 45
    assert not log.topics.exists()


def test_changing_a_log_the_mentee_answered_asks_the_mentee_again(client, match, topic):
    log = logged_on_wednesday_of_week_2(match)
    log.mentee_response, log.mentee_comment, log.mentee_responded_at = MenteeResponse.CONFIRMED, "Yes!", log.created_at
    log.save()

    with time_machine.travel(WEDNESDAY_OF_WEEK_2 + dt.timedelta(days=1), tick=False):
        client.force_login(match.mentor.user)
        client.post(reverse("meetings:log_edit", args=[log.pk]), a_meeting(topic, duration_minutes="60"))
        client.force_login(match.mentee.user)
        page = client.get(reverse("meetings:pair", args=[match.pk])).content.decode()

    log.refresh_from_db()
    assert log.duration_minutes == 60
    assert (log.mentee_response, log.mentee_comment, log.mentee_responded_at) == ("", "", None)
    assert reverse("meetings:log_respond", args=[log.pk]) in page  # the mentee is asked again


def test_only_the_mentor_changes_a_log(client, week_2, match, topic):
    log = MeetingLogFactory(match=match, week=WEEK_2, met_on=dt.date(2027, 3, 9))
    url = reverse("meetings:log_edit", args=[log.pk])

    for someone in (match.mentee.user, pair(match.run.cohort).mentor.user):
        client.force_login(someone)
        assert client.get(url).status_code == 404
        assert client.post(url, a_meeting(topic, duration_minutes="60")).status_code == 404
    log.refresh_from_db()
    assert log.duration_minutes == 45


# --- The mentee's answer ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("response", "message"),
    [
        (MenteeResponse.CONFIRMED, "Thank you: the meeting is confirmed."),
        (MenteeResponse.DISPUTED, "Thank you: the program staff will see that this meeting did not happen."),
    ],
)
def test_the_mentee_confirms_a_meeting_or_says_it_did_not_happen(client, week_2, match, response, message):
    log = MeetingLogFactory(match=match)
    client.force_login(match.mentee.user)

    answer = client.post(reverse("meetings:log_respond", args=[log.pk]), {"response": response, "comment": "Noted."})

    assert answer.status_code == 302 and answer.url == log.get_absolute_url()
    assert messages_of(answer) == [message]
    log.refresh_from_db()
    assert (log.mentee_response, log.mentee_comment) == (response, "Noted.")
    assert log.mentee_responded_at == WEDNESDAY_OF_WEEK_2


def test_the_mentor_cannot_answer_for_the_mentee(client, week_2, match):
    log = MeetingLogFactory(match=match)
    client.force_login(match.mentor.user)

    answer = client.post(reverse("meetings:log_respond", args=[log.pk]), {"response": MenteeResponse.CONFIRMED})

    assert answer.status_code == 404
    log.refresh_from_db()
    assert log.mentee_response == ""


@pytest.mark.parametrize("response", ["maybe", ""])
def test_an_answer_that_is_neither_yes_nor_no_changes_nothing(client, week_2, match, response):
    log = MeetingLogFactory(match=match)
    client.force_login(match.mentee.user)

    answer = client.post(reverse("meetings:log_respond", args=[log.pk]), {"response": response})

    assert answer.status_code == 302
    assert messages_of(answer) == ["Choose whether the meeting happened."]
    log.refresh_from_db()
    assert (log.mentee_response, log.mentee_responded_at) == ("", None)


# --- The signed links of a reminder email -----------------------------------------------------------

THURSDAY_OF_WEEK_1 = dt.datetime(2027, 3, 4, 10, tzinfo=TORONTO)  # the reminder moment of week 1


def links_of_a_reminder(match) -> tuple[str, str]:
    """The paths of the "log this week" and "pause" links of the week-1 reminder that the mentor got."""
    with time_machine.travel(THURSDAY_OF_WEEK_1, tick=False):
        checkin_reminders_deliver(checkin_reminders_owed(THURSDAY_OF_WEEK_1))
    (message,) = [message for message in mail.outbox if message.to == [match.mentor.user.email]]
    links = [urlsplit(link).path for link in re.findall(r"https?://\S+", message.body)]
    (log_path,) = [link for link in links if link.startswith("/mentoring/go/")]
    (pause_path,) = [link for link in links if link.startswith("/mentoring/pause/")]
    return log_path, pause_path


def tampered(path: str) -> str:
    prefix, token = path.rstrip("/").rsplit("/", 1)
    return f"{prefix}/{'X' if token[0] != 'X' else 'Y'}{token[1:]}/"


def test_the_log_link_of_a_reminder_opens_the_weeks_log_form(client, match):
    log_path, _pause_path = links_of_a_reminder(match)

    with time_machine.travel(THURSDAY_OF_WEEK_1 + dt.timedelta(hours=2), tick=False):
        client.force_login(match.mentor.user)
        response = client.get(log_path)
        form = client.get(response.url)

    assert response.status_code == 302 and response.url == log_url(match, 1)
    assert form.status_code == 200 and form.context["week"] == PERIOD_START


def test_the_log_link_asks_a_logged_out_mentor_to_log_in_then_works(client, match):
    log_path, _pause_path = links_of_a_reminder(match)

    with time_machine.travel(THURSDAY_OF_WEEK_1 + dt.timedelta(hours=2), tick=False):
        anonymous = client.get(log_path)
        client.force_login(match.mentor.user)
        after_login = client.get(log_path)

    assert anonymous.status_code == 302 and anonymous.url.startswith(reverse("account_login"))
    assert after_login.status_code == 302 and after_login.url == log_url(match, 1)


@pytest.mark.parametrize(
    ("change", "later", "message"),
    [
        (tampered, dt.timedelta(hours=2), "This link is not valid: it may have been cut or changed."),
        (lambda path: path, dt.timedelta(days=15), "This link has expired. Open your mentoring page to do the same."),
    ],
    ids=["tampered", "expired"],
)
def test_a_changed_or_expired_log_link_is_refused_with_a_clear_message(client, match, change, later, message):
    log_path, _pause_path = links_of_a_reminder(match)

    with time_machine.travel(THURSDAY_OF_WEEK_1 + later, tick=False):
        client.force_login(match.mentor.user)
        response = client.get(change(log_path))

    assert response.status_code == 400
    assert message in response.content.decode()


def test_someone_elses_log_link_does_nothing_for_another_person(client, match):
    log_path, _pause_path = links_of_a_reminder(match)

    with time_machine.travel(THURSDAY_OF_WEEK_1 + dt.timedelta(hours=2), tick=False):
        client.force_login(pair(match.run.cohort).mentor.user)
        response = client.get(log_path)

    assert response.status_code == 400
    assert "This link was sent to someone else. Log in with the account it was sent to." in response.content.decode()


def test_the_pause_link_asks_then_pauses_next_weeks_reminder_once(client, match):
    other = pair(match.run.cohort)  # another mentor, not paused, who is reminded as usual
    _log_path, pause_path = links_of_a_reminder(match)

    with time_machine.travel(THURSDAY_OF_WEEK_1 + dt.timedelta(hours=2), tick=False):
        client.force_login(match.mentor.user)
        confirm = client.get(pause_path)
        assert not ReminderPause.objects.exists()
        paused = client.post(pause_path)
        again = client.post(pause_path)

    assert confirm.status_code == 200
    assert "Pause my reminders for that week" in confirm.content.decode()
    assert "March 8, 2027" in confirm.content.decode()
    assert paused.status_code == 302 and paused.url == reverse("meetings:home")
    assert messages_of(paused) == ["No reminder will come in the week of March 8, 2027. Enjoy the break!"]
    assert messages_of(again)[-1] == "Reminders were already paused for the week of March 8, 2027."
    assert list(ReminderPause.objects.values_list("user", "week")) == [(match.mentor.user_id, WEEK_2)]
    assert checkin_reminders_owed(dt.datetime(2027, 3, 11, 10, tzinfo=TORONTO)) == [(other.mentor.user_id, WEEK_2)]


@pytest.mark.parametrize(
    ("change", "later", "message"),
    [
        (tampered, dt.timedelta(hours=2), "This link is not valid"),
        (lambda path: path, dt.timedelta(days=8), "This link has expired"),  # a pause link lasts 7 days
    ],
    ids=["tampered", "expired"],
)
def test_a_changed_or_expired_pause_link_pauses_nothing(client, match, change, later, message):
    _log_path, pause_path = links_of_a_reminder(match)

    with time_machine.travel(THURSDAY_OF_WEEK_1 + later, tick=False):
        client.force_login(match.mentor.user)
        shown, posted = client.get(change(pause_path)), client.post(change(pause_path))

    for response in (shown, posted):
        assert response.status_code == 400
        assert message in response.content.decode()
    assert not ReminderPause.objects.exists()


def test_someone_elses_pause_link_pauses_nothing(client, match):
    _log_path, pause_path = links_of_a_reminder(match)
    someone = pair(match.run.cohort).mentor.user

    with time_machine.travel(THURSDAY_OF_WEEK_1 + dt.timedelta(hours=2), tick=False):
        client.force_login(someone)
        response = client.post(pause_path)

    assert response.status_code == 400
    assert "sent to someone else" in response.content.decode()
    assert not ReminderPause.objects.exists()


def test_an_ended_pair_can_no_longer_be_logged(client):
    match = pair(status=Match.Status.ENDED)

    with time_machine.travel(dt.datetime(2027, 3, 4, 16, tzinfo=dt.UTC), tick=False):
        client.force_login(match.mentor.user)
        page = client.post(
            reverse("meetings:log_week", args=[match.pk, 1]),
            {"met": "True", "met_on": "2027-03-02", "duration_minutes": 30, "format": "video"},
            follow=True,
        )

    assert "can no longer be logged" in page.content.decode()
    assert not MeetingLog.objects.exists()
