import pytest
from django.urls import reverse
from icalendar import Calendar

from cohorts.calendar import feed_token
from cohorts.models import Participant
from cohorts.services import sessions_generate

from .factories import CohortFactory, ParticipantFactory, ProgramFactory

pytestmark = pytest.mark.django_db


def test_an_open_cohort_offers_both_roles(client):
    cohort = CohortFactory()

    page = client.get(cohort.get_absolute_url()).content.decode()

    assert "Applications are open." in page
    assert reverse("applications:apply", args=[cohort.slug, "mentee"]) in page
    assert reverse("applications:apply", args=[cohort.slug, "mentor"]) in page


def test_the_cohort_page_lists_its_sessions_in_french(client):
    cohort = CohortFactory()
    sessions_generate(cohort=cohort)

    page = client.get(cohort.get_absolute_url(), headers={"accept-language": "fr"}).content.decode()

    assert "Semaine 10" in page
    assert cohort.name_fr in page


@pytest.mark.parametrize("programs", [1, 6])
def test_the_program_list_costs_the_same_queries_at_any_size(client, django_assert_num_queries, programs):
    for _ in range(programs):
        CohortFactory.create_batch(2, program=ProgramFactory())

    with django_assert_num_queries(2):  # programs, their cohorts
        response = client.get(reverse("cohorts:programs"))

    assert response.status_code == 200


def test_a_participant_subscribes_to_their_sessions(client):
    participant = ParticipantFactory()
    sessions_generate(cohort=participant.cohort)

    response = client.get(reverse("cohorts:calendar", args=[feed_token(participant)]))

    assert response["Content-Type"].startswith("text/calendar")
    events = Calendar.from_ical(response.content).walk("VEVENT")
    assert len(events) == 10
    first = participant.cohort.sessions.get(number=1)
    assert events[0].decoded("dtstart") == first.starts_at


def test_a_forged_or_withdrawn_calendar_address_is_a_404(client):
    participant = ParticipantFactory(status=Participant.Status.WITHDRAWN)

    assert client.get(reverse("cohorts:calendar", args=["forged-token"])).status_code == 404
    assert client.get(reverse("cohorts:calendar", args=[feed_token(participant)])).status_code == 404
