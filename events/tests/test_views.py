import datetime as dt

import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.urls import reverse

from accounts.tests.factories import StaffFactory, UserFactory
from events import services
from events.models import Attendance, PitchFeedback, Rating, Seat

from .factories import EventFactory, mentees, mentors

pytestmark = pytest.mark.django_db


@pytest.fixture
def event():
    event = EventFactory(rounds=3, tables=2)
    mentors(event, 2)
    mentees(event, 3)
    services.schedule_write(event=event)
    return event


def seated(event, role):
    return Seat.objects.filter(event=event, participant__role=role).select_related("participant__user").first()


def test_a_participant_sees_their_tables_with_the_current_round_highlighted(client, event):
    seat = seated(event, "mentee")
    client.force_login(seat.participant.user)

    with time_machine.travel(event.round_starts_at(2) + dt.timedelta(minutes=1), tick=False):
        page = client.get(reverse("events:mine", args=[event.pk]))

    rounds = page.context["rounds"]
    assert [round.current for round in rounds] == [False, True, False]
    mine = Seat.objects.get(event=event, participant=seat.participant, round=1) if rounds[0].table else None
    if mine:
        mentor = Seat.objects.get(event=event, round=1, table=mine.table, participant__role="mentor").participant
        assert mentor.user.display_name in page.content.decode()
    assert 'aria-current="step"' in page.content.decode()


def test_a_tablemate_is_shown_with_their_intro_and_the_person_is_not_their_own_tablemate(client, event):
    seat = seated(event, "mentee")
    mate = Seat.objects.filter(event=event, round=seat.round, table=seat.table).exclude(participant=seat.participant)[0]
    Attendance.objects.filter(event=event, participant=mate.participant).update(intro="Data engineer & <b>baker</b>")
    Attendance.objects.filter(event=event, participant=seat.participant).update(intro="My own intro")
    client.force_login(seat.participant.user)

    page = client.get(reverse("events:mine", args=[event.pk])).content.decode()

    assert "Data engineer &amp; &lt;b&gt;baker&lt;/b&gt;" in page
    assert page.count("My own intro") == 1  # in the form where they write it, not among the tablemates


def test_someone_elses_event_page_is_a_404(client, event):
    client.force_login(UserFactory())

    for name in ("events:mine", "events:rate"):
        assert client.get(reverse(name, args=[event.pk])).status_code == 404


def test_rating_the_people_met_then_changing_the_rating(client, event):
    seat = seated(event, "mentor")
    client.force_login(seat.participant.user)
    met = services.people_met(event, seat.participant)
    url = reverse("events:rate", args=[event.pk])

    with time_machine.travel(event.ends_at, tick=False):
        client.post(url, {f"score_{met[0].pk}": "4", f"feedback_{met[0].pk}": "Lead with your project."})
        client.post(url, {f"score_{met[0].pk}": "2", f"feedback_{met[0].pk}": "Slow down a little."})

    assert list(Rating.objects.values_list("rated", "score")) == [(met[0].pk, 2)]
    assert PitchFeedback.objects.get().text == "Slow down a little."


def test_the_mentee_reads_the_pitch_feedback_on_their_page(client, event):
    mentor = seated(event, "mentor").participant
    mentee = services.people_met(event, mentor)[0]
    with time_machine.travel(event.ends_at, tick=False):
        services.ratings_save(event=event, rater=mentor, ratings={}, feedback={mentee.pk: "Great <b>energy</b>!"})
    client.force_login(mentee.user)

    page = client.get(reverse("events:mine", args=[event.pk])).content.decode()

    assert "Great &lt;b&gt;energy&lt;/b&gt;!" in page


@pytest.mark.parametrize("score", ["0", "6", "x"])
def test_a_rating_outside_one_to_five_is_refused(client, event, score):
    seat = seated(event, "mentee")
    client.force_login(seat.participant.user)
    met = services.people_met(event, seat.participant)

    with time_machine.travel(event.ends_at, tick=False):
        response = client.post(reverse("events:rate", args=[event.pk]), {f"score_{met[0].pk}": score})

    assert response.status_code == 200
    assert response.context["form"].errors
    assert not Rating.objects.exists()


def test_rating_someone_not_met_is_refused_with_a_message(client, event):
    seat = seated(event, "mentee")
    other = Seat.objects.filter(event=event, participant__role="mentee").exclude(participant=seat.participant).first()
    client.force_login(seat.participant.user)

    with time_machine.travel(event.ends_at, tick=False):
        response = client.post(
            reverse("events:rate", args=[event.pk]), {f"score_{other.participant_id}": "5"}, follow=True
        )

    assert "only rate people you met" in response.content.decode()
    assert not Rating.objects.exists()


def test_rating_after_the_close_is_refused(client, event):
    seat = seated(event, "mentee")
    met = services.people_met(event, seat.participant)
    client.force_login(seat.participant.user)

    with time_machine.travel(event.ratings_close_at, tick=False):
        response = client.post(reverse("events:rate", args=[event.pk]), {f"score_{met[0].pk}": "5"}, follow=True)

    assert "Ratings for this event are closed." in response.content.decode()
    assert not Rating.objects.exists()


def test_staff_check_people_in_from_a_phone_with_a_search(client, event):
    client.force_login(StaffFactory())
    attendance = Attendance.objects.filter(event=event).select_related("participant__user").first()
    services.check_in(attendances=[attendance], present=False)
    name = attendance.participant.user.display_name

    page = client.get(reverse("events:check_in", args=[event.pk]), {"q": name[:4]})
    client.post(reverse("events:check_in", args=[event.pk]), {"attendance": attendance.pk, "present": "1"})

    assert attendance in page.context["attendances"]
    attendance.refresh_from_db()
    assert attendance.checked_in_at is not None


@pytest.mark.parametrize("name", ["events:check_in", "events:run_sheet", "events:projector", "events:completion"])
def test_staff_pages_are_for_staff_only(client, event, name):
    client.force_login(UserFactory())
    assert client.get(reverse(name, args=[event.pk])).status_code == 302  # to the login page

    staff = UserFactory(is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="view_event"))
    client.force_login(staff)
    assert client.get(reverse(name, args=[event.pk])).status_code in (200, 302)


def test_the_run_sheet_lists_every_round_and_a_schedule_that_cannot_work_says_why(client):
    event = EventFactory(tables=3)
    mentors(event, 2)
    mentees(event, 2)
    client.force_login(StaffFactory())

    response = client.post(reverse("events:schedule", args=[event.pk]), follow=True)

    assert "3 tables but 2 mentors checked in" in response.content.decode()
    assert not Seat.objects.filter(event=event).exists()


@pytest.mark.parametrize("people", [2, 8])
def test_the_personal_schedule_costs_the_same_queries_at_any_size(client, django_assert_num_queries, people):
    event = EventFactory(rounds=4, tables=people)
    mentors(event, people)
    mentees(event, people * 2)
    services.schedule_write(event=event)
    person = seated(event, "mentee").participant
    client.force_login(person.user)

    # session, user, their invitation, the seats at their tables (with intros), the feedback on their pitch
    with django_assert_num_queries(5):
        response = client.get(reverse("events:mine", args=[event.pk]))

    seats = Seat.objects.filter(event=event)
    theirs = {(seat.round, seat.table) for seat in seats if seat.participant == person}
    expected = {(seat.round, seat.participant) for seat in seats if (seat.round, seat.table) in theirs} - {
        (number, person) for number, _table in theirs
    }
    shown = {(round.number, mate.participant) for round in response.context["rounds"] for mate in round.tablemates}
    assert shown == expected and len(theirs) >= 1


def test_the_event_is_in_the_participants_calendar_feed(client, event):
    from icalendar import Calendar

    from cohorts.calendar import feed_token

    participant = Attendance.objects.filter(event=event).first().participant

    feed = Calendar.from_ical(client.get(reverse("cohorts:calendar", args=[feed_token(participant)])).content)

    invites = [item for item in feed.walk("VEVENT") if "networking" in str(item["summary"]).lower()]
    assert len(invites) == 1
    assert invites[0].decoded("dtstart") == event.starts_at.replace(microsecond=0)


def test_staff_check_in_and_write_the_schedule_from_the_admin(client):
    event = EventFactory(tables=1, rounds=2)
    people = mentors(event, 1, checked_in_at=None) + mentees(event, 2, checked_in_at=None)
    client.force_login(StaffFactory())

    client.post(
        reverse("admin:events_attendance_changelist"),
        {"action": "check_in", "_selected_action": [attendance.pk for attendance in people]},
    )
    response = client.post(
        reverse("admin:events_event_changelist"), {"action": "write_schedule", "_selected_action": [event.pk]},
        follow=True,
    )  # fmt: skip

    assert Attendance.objects.filter(event=event, checked_in_at__isnull=False).count() == 3
    assert Seat.objects.filter(event=event).count() == 2 * 2  # one mentor and one of two mentees a round
    assert "schedule written" in response.content.decode()
