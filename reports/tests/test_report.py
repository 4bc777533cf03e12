"""The cohort report: who may see it, what it counts (on crafted data), that it never gives away a person's
self-identification, and that its queries do not grow with the cohort."""

import csv
import io

import pytest
from django.contrib.auth.models import Permission
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import StaffFactory, UserFactory
from applications.identity import PREFER_NOT_TO_SAY
from applications.models import Application, IdentityTally
from applications.tests.factories import (
    ApplicationFactory,
    ConfidenceRatingFactory,
    ConfidenceStatementFactory,
    MentorApplicationFactory,
    SelfIdentificationFactory,
)
from cohorts.models import Participant, Role
from cohorts.tests.factories import CohortFactory, ParticipantFactory, ProgramFactory
from meetings.tests.factories import MeetingLogFactory, mentorship_cohort, pair
from reports.models import Outcome, SurveyInvitation, SurveyRating, SurveyResponse
from reports.report import build_report

pytestmark = pytest.mark.django_db


def report_url(cohort, scope="cohort"):
    return reverse("reports:report", args=[scope, cohort.slug if scope == "cohort" else cohort.program.slug])


def csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


@pytest.fixture
def staff(client):
    client.force_login(StaffFactory())
    return client


# --- Who may see it -------------------------------------------------------------------------------


def test_staff_without_the_reports_permission_are_refused(client):
    cohort = CohortFactory()
    pages = [
        reverse("reports:index"),
        report_url(cohort),
        report_url(cohort, "program"),
        reverse("reports:report_csv", args=["cohort", cohort.slug, "funnel"]),
    ]
    response = client.get(pages[1])
    assert response.status_code == 302 and response.url.startswith(reverse("account_login"))

    client.force_login(UserFactory())
    assert [client.get(page).status_code for page in pages] == [403] * 4

    reviewer = StaffFactory(is_superuser=False)
    client.force_login(reviewer)
    assert [client.get(page).status_code for page in pages] == [403] * 4

    reviewer.user_permissions.add(Permission.objects.get(codename="view_cohort_report"))
    assert [client.get(page).status_code for page in pages] == [200] * 4


def test_unknown_cohorts_programs_scopes_and_tables_are_not_found(staff):
    cohort = CohortFactory()
    for url in [
        reverse("reports:report", args=["cohort", "no-such-cohort"]),
        reverse("reports:report", args=["program", "no-such-program"]),
        reverse("reports:report", args=["person", cohort.slug]),
        reverse("reports:report_csv", args=["cohort", cohort.slug, "no-such-table"]),
    ]:
        assert staff.get(url).status_code == 404, url


def test_a_cohort_with_no_data_gets_an_empty_report_that_says_so(staff):
    cohort = CohortFactory()
    page = staff.get(report_url(cohort)).content.decode()
    assert "There is no data for this report yet" in page
    assert "<canvas" not in page

    empty_program = ProgramFactory()
    response = staff.get(reverse("reports:report", args=["program", empty_program.slug]))
    assert response.status_code == 200
    assert "This program has no cohort yet, so there is nothing to report." in response.content.decode()


# --- What it counts ---------------------------------------------------------------------------------


def accepted(cohort, role=Role.MENTEE, **fields):
    factory = MentorApplicationFactory if role == Role.MENTOR else ApplicationFactory
    application = factory(cohort=cohort, status=Application.Status.ACCEPTED, **fields)
    participant = ParticipantFactory(
        cohort=cohort, user=application.user, role=role, application=application, **fields_for(role)
    )
    return application, participant


def fields_for(role):
    return {"mentee_capacity": 2} if role == Role.MENTOR else {}


def test_the_funnel_counts_people_at_each_step_by_role(staff):
    cohort = mentorship_cohort()
    ApplicationFactory(cohort=cohort)  # applied, not accepted
    ApplicationFactory(cohort=cohort, status=Application.Status.DRAFT, submitted_at=None)  # never applied
    mentees = [accepted(cohort)[1] for _ in range(3)]
    mentor = accepted(cohort, Role.MENTOR)[1]
    pair(cohort, mentor=mentor, mentee=mentees[0])
    pair(cohort, mentor=mentor, mentee=mentees[1])

    funnel = build_report([cohort]).table("funnel")

    assert funnel.header == ["Step", "Mentees", "Mentors"]
    assert [row[1:] for row in funnel.rows] == [
        ["4", "1"],  # applied
        ["3", "1"],  # accepted
        ["0", "0"],  # attended the event
        ["2", "1"],  # matched
        ["0", "0"],  # still meeting
        ["0", "0"],  # both surveys
    ]
    download = staff.get(reverse("reports:report_csv", args=["cohort", cohort.slug, "funnel"]))
    assert download["Content-Disposition"] == f'attachment; filename="{cohort.slug}-funnel.csv"'
    assert csv_rows(download) == [funnel.header, *funnel.rows]


def test_the_paired_confidence_change_matches_the_hand_computed_one():
    cohort = mentorship_cohort()
    statement = ConfidenceStatementFactory(name_en="I can explain my work in an interview.")
    # Five mentees answered both: baseline -> end of mentorship.
    pairs = [(2, 4), (3, 3), (1, 3), (4, 5), (2, 2)]
    for before, after in pairs:
        application, participant = accepted(cohort)
        ConfidenceRatingFactory(application=application, statement=statement, rating=before)
        answer_survey(participant, SurveyInvitation.Kind.END_OF_MENTORSHIP, {statement: after})
    # Not counted: a survey without a baseline, and a baseline without a survey.
    _application, no_baseline = accepted(cohort)
    answer_survey(no_baseline, SurveyInvitation.Kind.END_OF_MENTORSHIP, {statement: 1})
    ConfidenceRatingFactory(application=accepted(cohort)[0], statement=statement, rating=5)
    # Only three answered at week 10: too few to show.
    for participant in Participant.objects.filter(cohort=cohort)[:3]:
        answer_survey(participant, SurveyInvitation.Kind.END_OF_PROGRAM, {statement: 5})

    rows = {row[2]: row for row in build_report([cohort]).table("confidence").rows if row[1] == statement.name}

    # Changes 2, 0, 2, 1, 0: mean 1, sample variance 4/4 = 1, t(0.975, 4) = 2.776 -> 1 ± 2.776/√5 = 1 ± 1.24.
    assert rows["End of the mentorship"] == [
        "Mentees",
        statement.name,
        "End of the mentorship",
        "5",
        "2.40",
        "3.40",
        "+1.00",
        "-0.24 … +2.24",
        "+0:2 +1:1 +2:2",
    ]
    assert rows["End of the program"][3] == "fewer than 5"
    assert set(rows["End of the program"][4:]) == {"—"}


def answer_survey(participant, kind, ratings, recommend=8):
    now = timezone.now()
    invitation = SurveyInvitation.objects.create(participant=participant, kind=kind, sent_at=now, closes_at=now)
    response = SurveyResponse.objects.create(invitation=invitation, recommend=recommend)
    SurveyRating.objects.bulk_create(
        SurveyRating(response=response, statement=statement, rating=rating) for statement, rating in ratings.items()
    )


def test_outcomes_and_returning_alumni_are_counted():
    program = ProgramFactory()
    earlier = CohortFactory(program=program, start_date=timezone.localdate().replace(year=2024))
    cohort = CohortFactory(program=program)
    _application, mentee = accepted(earlier)
    ParticipantFactory(cohort=cohort, user=mentee.user, role=Role.MENTOR, mentee_capacity=1)
    Outcome.objects.create(participant=mentee, kind=Outcome.Kind.OFFER, happened_on=timezone.localdate())
    Outcome.objects.create(participant=mentee, kind=Outcome.Kind.OFFER, happened_on=timezone.localdate())

    report = build_report([earlier, cohort])

    outcomes = {row[0]: row[1:] for row in report.table("outcomes").rows}
    assert outcomes["Job offer"] == ["1", "0", "0", "0"]  # one person, counted once; columns by cohort and role
    assert report.table("alumni").rows == [
        [str(earlier.name), "0 / 0", "1 / 1"],
        [str(cohort.name), "1 / 1", "0 / 0"],
    ]


# --- Self-identification: no one can be singled out ------------------------------------------------


def test_no_ones_self_identification_can_be_read_from_the_page_or_the_downloads(staff):
    cohort = mentorship_cohort()
    # Twelve accepted mentees: one trans, eleven not. Three mentors (a pool too small to show).
    for number in range(12):
        application, _participant = accepted(cohort)
        trans = "yes" if number == 0 else "no"
        SelfIdentificationFactory(application=application, answers={"trans": trans, "gender": ["woman"]})
    for _number in range(3):
        application, _participant = accepted(cohort, Role.MENTOR)
        SelfIdentificationFactory(application=application, answers={"trans": "yes"})
    # A refused applicant's answers are not counted, nor are anonymous counts of refused people.
    SelfIdentificationFactory(application=ApplicationFactory(cohort=cohort), answers={"trans": "yes"})
    IdentityTally.objects.create(
        cohort=cohort, role=Role.MENTEE, accepted=False, question="trans", answer="yes", count=2
    )

    page = staff.get(report_url(cohort)).content.decode()
    download = csv_rows(staff.get(reverse("reports:report_csv", args=["cohort", cohort.slug, "identity-trans"])))

    assert download == [
        ["Answer", "Mentees", "Mentors"],
        ["Yes", "<5", "—"],
        ["No", "<5", "—"],  # 11 would give away the one "yes" among 12 accepted mentees
        ["Prefer not to say", "0% (0)", "—"],
    ]
    assert download[1:] == build_report([cohort]).table("identity-trans").rows
    # The chart's data hides the same cells.
    assert '"data": [null, null, 0.0]' in page
    gender = csv_rows(staff.get(reverse("reports:report_csv", args=["cohort", cohort.slug, "identity-gender"])))
    assert ["Woman", "100% (12)", "—"] in gender


def test_anonymous_counts_of_deleted_answers_count_in_the_pools():
    cohort = mentorship_cohort()
    for _number in range(6):
        accepted(cohort)
    IdentityTally.objects.create(cohort=cohort, role=Role.MENTEE, accepted=True, question="trans", answer="no", count=6)
    IdentityTally.objects.create(
        cohort=cohort, role=Role.MENTEE, accepted=True, question="gender", answer=PREFER_NOT_TO_SAY, count=5
    )

    report = build_report([cohort])

    assert ["No", "100% (6)", "—"] in report.table("identity-trans").rows
    assert ["Prefer not to say", "83% (5)", "—"] in report.table("identity-gender").rows


# --- Queries -------------------------------------------------------------------------------------------


def seed(cohort, people: int) -> None:
    statement = ConfidenceStatementFactory()
    mentor = accepted(cohort, Role.MENTOR)[1]
    for _number in range(people):
        application, mentee = accepted(cohort)
        SelfIdentificationFactory(application=application)
        ConfidenceRatingFactory(application=application, statement=statement, rating=2)
        match = pair(cohort, mentor=mentor, mentee=mentee)
        MeetingLogFactory(match=match)
        answer_survey(mentee, SurveyInvitation.Kind.END_OF_PROGRAM, {statement: 4})
        Outcome.objects.create(participant=mentee, kind=Outcome.Kind.INTERVIEW, happened_on=timezone.localdate())
        Participant.objects.filter(pk=mentor.pk).update(mentee_capacity=3)


def report_queries(client, cohort) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(report_url(cohort)).status_code == 200
    return len(queries)


def test_the_report_runs_the_same_queries_for_a_small_and_a_larger_cohort(staff):
    small, larger = mentorship_cohort(), mentorship_cohort()
    seed(small, 2)
    seed(larger, 6)
    report_queries(staff, small)  # the session, the site's first queries
    cache.clear()  # cold: the identity counts are read and counted
    assert report_queries(staff, small) == report_queries(staff, larger)
    # Warm: the counts come from the cache, one query fewer, for both.
    assert report_queries(staff, small) == report_queries(staff, larger)
    # Several cohorts side by side: the queries of one, and one to find the program.
    larger.program = small.program
    larger.save()
    cache.clear()
    one = report_queries(staff, small)
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        assert staff.get(report_url(small, "program")).status_code == 200
    assert len(queries) == one + 1
