import datetime as dt
import sys
import types
from decimal import Decimal

import factory
import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import StaffFactory, UserFactory
from applications.models import Application
from applications.tests.factories import ApplicationFactory, QuestionFactory, ReviewFactory
from cohorts.admin import unique_slug
from cohorts.models import Cohort, Role, Stage

from .factories import CohortFactory, ParticipantFactory, ProgramFactory, SessionFactory

pytestmark = pytest.mark.django_db

Status = Application.Status
COHORTS = reverse("admin:cohorts_cohort_changelist")


@pytest.fixture
def staff(client):
    user = StaffFactory()
    client.force_login(user)
    return user


def run_action(client, action, cohorts):
    """Run a bulk action as staff do, then land on the list that shows its messages."""
    response = client.post(COHORTS, {"action": action, "_selected_action": [c.pk for c in cohorts]}, follow=True)
    assert response.status_code == 200
    return [str(message) for message in response.context["messages"]]


def test_the_cohort_list_shows_stage_and_accepted_people_against_places(client, staff):
    cohort = CohortFactory(mentee_capacity=20, mentor_capacity=10)
    ApplicationFactory.create_batch(2, cohort=cohort, status=Status.ACCEPTED)
    ApplicationFactory(cohort=cohort, status=Status.WAITLISTED)
    ApplicationFactory(cohort=cohort, role=Role.MENTOR, status=Status.ACCEPTED, mentee_capacity=2)

    response = client.get(COHORTS)
    page = response.content.decode()

    assert response.status_code == 200
    [listed] = response.context["cl"].result_list
    assert (listed.accepted_mentees, listed.accepted_mentors) == (2, 1)
    assert "2 / 20" in page
    assert "1 / 10" in page
    assert str(Stage.APPLICATIONS_OPEN.label) in page


@pytest.mark.parametrize("cohorts", [2, 20])
def test_the_cohort_list_costs_the_same_queries_at_any_size(client, staff, django_assert_num_queries, cohorts):
    for cohort in CohortFactory.create_batch(cohorts):
        ApplicationFactory(cohort=cohort, status=Status.ACCEPTED, user__password=factory.Transformer.Force("!"))

    # session, staff user, their second factor, the programs of the filter, two counts, the page
    with django_assert_num_queries(7):
        assert client.get(COHORTS).status_code == 200


def test_people_who_are_not_staff_cannot_open_the_cohort_pages(client):
    cohort = CohortFactory()
    client.force_login(UserFactory())

    for url in (COHORTS, reverse("admin:cohorts_cohort_change", args=[cohort.pk])):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("admin:login"))


def test_staff_edit_the_weekly_sessions_inline(client, staff):
    cohort = CohortFactory()
    session = SessionFactory(cohort=cohort, number=1, title_en="Week 1")
    url = reverse("admin:cohorts_cohort_change", args=[cohort.pk])
    page = client.get(url)
    data = {
        field: value
        for field, value in page.context["adminform"].form.initial.items()
        if field in page.context["adminform"].form.fields
    }
    data.update(
        {
            "applications_open_at_0": timezone.localtime(cohort.applications_open_at).strftime("%Y-%m-%d"),
            "applications_open_at_1": timezone.localtime(cohort.applications_open_at).strftime("%H:%M:%S"),
            "applications_close_at_0": timezone.localtime(cohort.applications_close_at).strftime("%Y-%m-%d"),
            "applications_close_at_1": timezone.localtime(cohort.applications_close_at).strftime("%H:%M:%S"),
            "sessions-TOTAL_FORMS": "1",
            "sessions-INITIAL_FORMS": "1",
            "sessions-MIN_NUM_FORMS": "0",
            "sessions-MAX_NUM_FORMS": "1000",
            "sessions-0-id": session.pk,
            "sessions-0-cohort": cohort.pk,
            "sessions-0-number": "1",
            "sessions-0-title_en": "Your career story",
            "sessions-0-title_fr": "Votre parcours",
            "sessions-0-starts_at_0": timezone.localtime(session.starts_at).strftime("%Y-%m-%d"),
            "sessions-0-starts_at_1": "18:30:00",
            "sessions-0-duration_minutes": "90",
            "sessions-0-place": "Room 4",
            "sessions-0-video_url": "",
        }
    )

    response = client.post(url, data)

    assert response.status_code == 302, response.context["errors"]
    session.refresh_from_db()
    assert (session.title_en, session.duration_minutes, session.place) == ("Your career story", 90, "Room 4")


def test_generate_the_weekly_sessions(client, staff):
    cohort = CohortFactory(weeks=10)
    SessionFactory(cohort=cohort, number=3, title_en="Edited by staff")

    messages = run_action(client, "generate_sessions", [cohort])

    assert list(cohort.sessions.values_list("number", flat=True)) == list(range(1, 11))
    assert cohort.sessions.get(number=3).title_en == "Edited by staff"
    assert messages == ["9 weekly sessions created; sessions that already existed were left as they were."]


def test_add_the_default_questions_calls_the_question_bank(client, staff, monkeypatch):
    cohorts = CohortFactory.create_batch(2)
    called = []
    bank = types.ModuleType("applications.question_bank")
    bank.questions_add_defaults = lambda *, cohort: called.append(cohort) or 4
    monkeypatch.setitem(sys.modules, "applications.question_bank", bank)

    messages = run_action(client, "add_default_questions", cohorts)

    assert sorted(c.pk for c in called) == sorted(c.pk for c in cohorts)
    assert messages == ["8 questions added from the default question bank."]


def test_copy_a_cohort_for_next_year(client, staff):
    program = ProgramFactory()
    cohort = CohortFactory(program=program, slug="fall-2026", name_en="Fall 2026", name_fr="Automne 2026")
    SessionFactory(cohort=cohort, number=1)
    QuestionFactory(cohort=cohort, text_en="Why this program?")

    messages = run_action(client, "copy_for_next_year", [cohort])
    run_action(client, "copy_for_next_year", [cohort])

    copy = Cohort.objects.get(slug="fall-2026-next")
    assert copy.start_date == cohort.start_date + dt.timedelta(days=364)
    assert (copy.name_en, copy.name_fr, copy.program) == ("Fall 2026 (copy)", "Automne 2026 (copie)", program)
    assert copy.applications_close_at == cohort.applications_close_at + dt.timedelta(days=364)
    assert list(copy.sessions.values_list("number", flat=True)) == [1]
    assert list(copy.questions.values_list("text_en", flat=True)) == ["Why this program?"]
    assert Cohort.objects.filter(slug="fall-2026-next-2").exists()  # copying again never reuses a slug
    assert messages == [
        "1 cohort copied with its sessions and questions, one year later: "
        f'<a href="{reverse("admin:cohorts_cohort_change", args=[copy.pk])}">Fall 2026 (copy)</a>'
    ]


def test_a_unique_slug_fits_the_field():
    long = "x" * 50
    CohortFactory(slug=long)

    assert unique_slug(long) == "x" * 48 + "-2"
    assert unique_slug("spring-next") == "spring-next"


def test_the_cohort_page_links_to_its_waitlist_best_score_first(client, staff):
    cohort = CohortFactory()
    low = ApplicationFactory(cohort=cohort, status=Status.WAITLISTED)
    high = ApplicationFactory(cohort=cohort, status=Status.WAITLISTED)
    unscored = ApplicationFactory(cohort=cohort, status=Status.WAITLISTED)
    ApplicationFactory(cohort=cohort, status=Status.SUBMITTED)
    ApplicationFactory(status=Status.WAITLISTED)  # another cohort
    ReviewFactory(application=low, mean=Decimal("2.50"))
    ReviewFactory(application=high, mean=Decimal("4.50"))

    page = client.get(reverse("admin:cohorts_cohort_change", args=[cohort.pk]))
    waitlist = client.get(page.context["waitlist_url"])

    assert page.context["waitlist_label"] == "Waitlist (3)"
    assert "Waitlist (3)" in page.content.decode()
    assert list(waitlist.context["cl"].result_list) == [high, low, unscored]


def test_staff_list_participants_by_cohort_role_and_status_and_search_them(client, staff):
    cohort = CohortFactory()
    mentee = ParticipantFactory(cohort=cohort, user=UserFactory(preferred_name="Amara Okafor"))
    mentor = ParticipantFactory(cohort=cohort, role=Role.MENTOR)
    ParticipantFactory(status="withdrawn")
    url = reverse("admin:cohorts_participant_changelist")

    def listed(**params):
        response = client.get(url, params)
        assert response.status_code == 200
        return set(response.context["cl"].result_list)

    assert listed(cohort__id__exact=cohort.pk) == {mentee, mentor}
    assert listed(role__exact=Role.MENTOR, cohort__id__exact=cohort.pk) == {mentor}
    assert listed(status__exact="active", cohort__id__exact=cohort.pk) == {mentee, mentor}
    assert listed(q="okafor") == {mentee}


@pytest.mark.parametrize("model", ["program", "cohort", "participant"])
def test_staff_open_the_cohort_admin_pages(client, staff, model):
    ParticipantFactory()

    assert client.get(reverse(f"admin:cohorts_{model}_changelist")).status_code == 200
    assert client.get(reverse(f"admin:cohorts_{model}_add")).status_code == 200
