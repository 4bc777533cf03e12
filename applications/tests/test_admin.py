import csv
import io
import re
from decimal import Decimal

import factory
import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.core import mail
from django.test import RequestFactory
from django.urls import reverse

from accounts.tests.factories import StaffFactory, UserFactory
from applications.exports import applications_csv
from applications.models import Application, ApplicationEvent, Review, RubricCriterion
from cohorts.models import Participant, Role
from cohorts.tests.factories import CohortFactory

from .factories import (
    AnswerFactory,
    ApplicationFactory,
    ConfidenceRatingFactory,
    ConfidenceStatementFactory,
    MentorApplicationFactory,
    OutreachChannelFactory,
    QuestionFactory,
    ReviewFactory,
    RubricCriterionFactory,
    SelfIdentificationFactory,
    TagFactory,
)

pytestmark = pytest.mark.django_db

Status = Application.Status
NO_PASSWORD = factory.Transformer.Force("!")  # hashing a password for each of 100 applicants is slow
CHANGELIST = reverse("admin:applications_application_changelist")


def change_url(application) -> str:
    return reverse("admin:applications_application_change", args=[application.pk])


def staff_without_identity_permission():
    """Staff who review and decide, without the permission to see self-identification."""
    user = UserFactory(is_staff=True)
    user.user_permissions.set(
        Permission.objects.filter(
            content_type__app_label="applications",
            codename__in=["view_application", "change_application", "view_review", "add_review", "change_review"],
        )
    )
    return user


def listed(response) -> list[Application]:
    assert response.status_code == 200
    return list(response.context["cl"].result_list)


def messages_of(response) -> list[tuple[str, str]]:
    return [(message.level_tag, str(message)) for message in response.context["messages"]]


def decide(client, action, applications, capture):
    """Run a bulk action as staff do, then land on the list that shows its messages."""
    with capture(execute=True):
        selected = [application.pk for application in applications]
        return client.post(CHANGELIST, {"action": action, "_selected_action": selected}, follow=True)


def posted_form(response) -> dict:
    """What a browser would post back from a change page: each inline form's current values, except the
    fields shown disabled (browsers do not send those)."""
    data = {}
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = management[name].value()
        for form in formset.forms:
            for name, field in form.fields.items():
                value = form[name].value()
                if value is not None and not field.disabled:
                    data[form.add_prefix(name)] = value
    return data


@pytest.fixture
def staff(client):
    user = StaffFactory()
    client.force_login(user)
    return user


@pytest.fixture
def criteria():
    """Two criteria for mentees (one of them for both roles), one for mentors only."""
    RubricCriterion.objects.update(active=False)  # the default list the migration installs
    return {
        "motivation": RubricCriterionFactory(name_en="Motivation (test)"),
        "goals": RubricCriterionFactory(name_en="Clear goals (test)", role=Role.MENTEE),
        "teaching": RubricCriterionFactory(name_en="Teaching (test)", role=Role.MENTOR),
    }


# --- The list --------------------------------------------------------------------------------


def test_staff_filter_applications_by_cohort_role_status_channel_and_alumni(client, staff):
    fall, spring = CohortFactory(), CohortFactory()
    friend = OutreachChannelFactory(name_en="Friend (test)")
    mentee = ApplicationFactory(cohort=fall, outreach_channel=friend)
    mentor = MentorApplicationFactory(cohort=fall, is_alumni=True)
    waitlisted = ApplicationFactory(cohort=fall, status=Status.WAITLISTED)
    elsewhere = ApplicationFactory(cohort=spring)

    assert set(listed(client.get(CHANGELIST))) == {mentee, mentor, waitlisted, elsewhere}
    assert set(listed(client.get(CHANGELIST, {"cohort__id__exact": fall.pk}))) == {mentee, mentor, waitlisted}
    assert listed(client.get(CHANGELIST, {"role__exact": Role.MENTOR})) == [mentor]
    assert listed(client.get(CHANGELIST, {"status__exact": Status.WAITLISTED})) == [waitlisted]
    assert listed(client.get(CHANGELIST, {"outreach_channel__id__exact": friend.pk})) == [mentee]
    assert listed(client.get(CHANGELIST, {"is_alumni__exact": "1"})) == [mentor]


def test_staff_search_applications_by_email_and_name(client, staff):
    kiona = ApplicationFactory(user=UserFactory(preferred_name="Kiona Whitehorse", email="kw@example.org"))
    rohan = ApplicationFactory(user=UserFactory(preferred_name="Rohan", email="rohan.desai@example.org"))

    assert listed(client.get(CHANGELIST, {"q": "whitehorse"})) == [kiona]
    assert listed(client.get(CHANGELIST, {"q": "desai@"})) == [rohan]


def test_the_review_state_filter(client, staff):
    other_reviewer = StaffFactory()
    untouched = ApplicationFactory()
    mine = ApplicationFactory()
    theirs = ApplicationFactory()
    ReviewFactory(application=mine, reviewer=staff)
    ReviewFactory(application=mine, reviewer=other_reviewer)
    ReviewFactory(application=theirs, reviewer=other_reviewer)

    def state(value):
        return set(listed(client.get(CHANGELIST, {"review": value})))

    assert state("none") == {untouched}
    assert state("any") == {mine, theirs}
    assert state("mine") == {mine}
    assert state("not_mine") == {untouched, theirs}


def test_the_list_shows_review_count_and_mean_and_sorts_by_mean(client, staff):
    low, high, unreviewed = ApplicationFactory(), ApplicationFactory(), ApplicationFactory()
    ReviewFactory(application=low, mean=Decimal("2.00"))
    ReviewFactory(application=high, mean=Decimal("4.00"))
    ReviewFactory(application=high, mean=Decimal("5.00"))

    request = RequestFactory().get(CHANGELIST)
    request.user = staff
    response = client.get(CHANGELIST, {"o": admin.site._registry[Application].score_ordering_param(request)})

    assert listed(response) == [high, low, unreviewed]
    assert listed(response)[0].review_count == 2
    assert "4.50" in response.content.decode()


@pytest.mark.parametrize("rows", [10, 100])
def test_the_list_costs_the_same_queries_for_10_and_100_rows(client, staff, django_assert_num_queries, rows):
    cohort = CohortFactory()
    for application in ApplicationFactory.create_batch(
        rows, cohort=cohort, outreach_channel=OutreachChannelFactory(), user__password=NO_PASSWORD
    ):
        ReviewFactory(application=application, reviewer=staff, mean=Decimal("3.00"))

    # session, staff user, their second factor, the tables' tokens, the filtered count, the full count, the page,
    # the cohorts and channels of the filters
    with django_assert_num_queries(9):
        response = client.get(CHANGELIST)
    assert len(listed(response)) == rows

    # the same list again, nothing changed: session, staff user, their second factor, the tables' tokens
    with django_assert_num_queries(4):
        again = client.get(CHANGELIST)
    assert again.content.count(b'class="action-select"') == rows


# The list is kept per staff member and address until one of its tables changes (mentorship/kept_pages.py).


def status_cell(response, application) -> str:
    content = response.content.decode()
    row = content[content.index(f'value="{application.pk}"') :]
    return row[row.index('class="field-status"') : row.index("</td>", row.index('class="field-status"'))]


def test_a_change_made_behind_the_admins_back_shows_on_the_next_visit(client, staff):
    application = ApplicationFactory(status=Status.SUBMITTED)
    assert "Submitted" in status_cell(client.get(CHANGELIST), application)
    assert "Submitted" in status_cell(client.get(CHANGELIST), application)  # kept

    Application.objects.filter(pk=application.pk).update(status=Status.WAITLISTED)  # no save(), no signal
    assert "Waitlisted" in status_cell(client.get(CHANGELIST), application)

    ReviewFactory(application=application, reviewer=staff, mean=Decimal("4.00"))
    assert "4.00" in client.get(CHANGELIST).content.decode()


def test_each_staff_member_gets_their_own_list(client, staff):
    ApplicationFactory()
    assert b"Accept the selected applications" in client.get(CHANGELIST).content

    reader = UserFactory(is_staff=True)
    reader.user_permissions.set(Permission.objects.filter(codename="view_application"))
    client.force_login(reader)
    page = client.get(CHANGELIST)

    assert page.status_code == 200
    assert b"Accept the selected applications" not in page.content
    assert reader.display_name.encode() in page.content


def test_a_permission_taken_away_closes_a_list_that_was_kept(client):
    reader = UserFactory(is_staff=True)
    reader.user_permissions.set(Permission.objects.filter(codename="view_application"))
    client.force_login(reader)
    assert client.get(CHANGELIST).status_code == 200

    reader.user_permissions.clear()

    assert client.get(CHANGELIST).status_code == 403


def test_a_message_shows_once_on_a_kept_list(client, staff, django_capture_on_commit_callbacks):
    accepted = ApplicationFactory(status=Status.ACCEPTED)
    client.get(CHANGELIST)
    client.get(CHANGELIST)  # kept from here on

    page = decide(client, "accept", [accepted], django_capture_on_commit_callbacks)  # it is accepted already
    assert messages_of(page) == [("info", "Nothing changed: no email was sent.")]
    assert b"Nothing changed: no email was sent." in page.content

    again = client.get(CHANGELIST)
    assert b"Nothing changed" not in again.content
    assert again.content.count(b'class="action-select"') == 1


def test_the_forms_of_a_kept_list_carry_this_visits_token(staff):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(staff)
    application = ApplicationFactory(status=Status.SUBMITTED)
    first = client.get(CHANGELIST).content.decode()
    kept = client.get(CHANGELIST).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', kept).group(1)

    assert token not in first
    answer = client.post(
        CHANGELIST, {"action": "export_csv", "_selected_action": [application.pk], "csrfmiddlewaretoken": token}
    )
    assert answer.status_code == 200
    assert answer["Content-Type"].startswith("text/csv")


def test_staff_who_switch_to_french_get_the_list_in_french(client, staff):
    ApplicationFactory(status=Status.SUBMITTED)
    assert b"Submitted" in client.get(CHANGELIST).content

    staff.language = "fr"
    staff.save(update_fields=["language"])
    page = client.get(CHANGELIST)

    assert b"Soumise" in page.content
    assert b"Submitted" not in page.content


def test_people_who_are_not_staff_cannot_open_the_application_pages(client):
    application = ApplicationFactory()
    client.force_login(UserFactory())

    for url in (CHANGELIST, change_url(application)):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("admin:login"))


def test_staff_cannot_add_or_delete_applications_here(client, staff):
    application = ApplicationFactory()

    assert client.get(reverse("admin:applications_application_add")).status_code == 403
    assert client.get(reverse("admin:applications_application_delete", args=[application.pk])).status_code == 403


# --- The application's page ------------------------------------------------------------------


def test_the_page_shows_answers_confidence_choices_and_history_read_only(client, staff):
    application = ApplicationFactory(skills=[TagFactory(name_en="Pottery (test)")])
    AnswerFactory(application=application, question__text_en="Why now?", value="<script>alert(1)</script>")
    QuestionFactory(cohort=application.cohort, text_en="Unanswered question?")
    ConfidenceRatingFactory(application=application, statement__name_en="I negotiate (test)", rating=4)
    ApplicationEvent.objects.create(application=application, kind=ApplicationEvent.Kind.SUBMITTED, actor=staff)

    response = client.get(change_url(application))
    page = response.content.decode()

    assert response.status_code == 200
    assert "Why now?" in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>alert(1)" not in page
    assert "Unanswered question?" in page
    assert "I negotiate (test)" in page
    assert "Pottery (test)" in page
    assert "Submitted" in page
    assert response.context["adminform"].form.fields == {}  # nothing of the application is editable


def test_staff_with_the_identity_permission_see_the_self_identification(client, staff):
    application = ApplicationFactory()
    SelfIdentificationFactory(application=application, answers={"gender": ["two_spirit"], "trans": "yes"})

    page = client.get(change_url(application)).content.decode()

    assert "How do you describe your gender?" in page
    assert "Two-Spirit" in page


@pytest.mark.parametrize("has_answers", [True, False])
def test_staff_without_the_identity_permission_see_nothing_of_it(client, has_answers):
    application = ApplicationFactory()
    if has_answers:
        SelfIdentificationFactory(application=application, answers={"gender": ["two_spirit"], "trans": "yes"})
    client.force_login(staff_without_identity_permission())

    response = client.get(change_url(application))
    page = response.content.decode()

    assert response.status_code == 200
    assert "Two-Spirit" not in page
    assert "How do you describe your gender?" not in page
    assert "elf-identification" not in page
    assert "No answers given" not in page


# --- Reviews ---------------------------------------------------------------------------------


def test_a_reviewer_adds_their_review_and_the_mean_is_stored(client, staff, criteria):
    application = ApplicationFactory()
    page = client.get(change_url(application))
    labels = [field["label"] for field in page.context["inline_admin_formsets"][0].fields()]
    assert "Motivation (test)" in labels and "Clear goals (test)" in labels
    assert "Teaching (test)" not in labels  # a mentor criterion, not for a mentee

    data = posted_form(page)
    data |= {
        f"reviews-0-score_{criteria['motivation'].pk}": "4",
        f"reviews-0-score_{criteria['goals'].pk}": "5",
        "reviews-0-notes": "Clear and motivated.",
    }
    response = client.post(change_url(application), data)

    assert response.status_code == 302, response.context and response.context["errors"]
    review = Review.objects.get(application=application)
    assert review.reviewer == staff
    assert review.scores == {str(criteria["motivation"].pk): 4, str(criteria["goals"].pk): 5}
    assert review.mean == Decimal("4.50")
    assert review.notes == "Clear and motivated."


def test_a_reviewer_edits_their_own_review_but_not_another_one(client, criteria):
    reviewer, colleague = staff_without_identity_permission(), StaffFactory()
    application = ApplicationFactory()
    motivation = str(criteria["motivation"].pk)
    theirs = ReviewFactory(application=application, reviewer=colleague, scores={motivation: 2}, mean=2, notes="Meh")
    mine = ReviewFactory(application=application, reviewer=reviewer, scores={motivation: 3}, mean=3, notes="OK")
    client.force_login(reviewer)

    page = client.get(change_url(application))
    forms = {form.instance: form for form in page.context["inline_admin_formsets"][0].formset.forms}
    assert set(forms) == {theirs, mine}  # no empty form: they have a review already
    assert forms[theirs].fields["notes"].disabled
    assert forms[theirs][f"score_{motivation}"].value() == 2  # staff see every reviewer's scores
    assert not forms[mine].fields["notes"].disabled

    data = posted_form(page)
    index = {form.instance: number for number, form in enumerate(page.context["inline_admin_formsets"][0].formset)}
    data[f"reviews-{index[mine]}-score_{motivation}"] = "5"
    data[f"reviews-{index[mine]}-notes"] = "Better on second reading."
    # A tampered post that tries to change the colleague's review as well.
    data[f"reviews-{index[theirs]}-score_{motivation}"] = "5"
    data[f"reviews-{index[theirs]}-notes"] = "Changed by someone else"
    response = client.post(change_url(application), data)

    assert response.status_code == 302
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert (mine.scores, mine.mean, mine.notes) == ({motivation: 5}, Decimal("5.00"), "Better on second reading.")
    assert (theirs.scores, theirs.mean, theirs.notes) == ({motivation: 2}, Decimal("2.00"), "Meh")


def test_staff_who_may_only_read_reviews_see_every_score(client, criteria):
    reader = UserFactory(is_staff=True)
    reader.user_permissions.set(Permission.objects.filter(codename__in=["view_application", "view_review"]))
    application = ApplicationFactory()
    ReviewFactory(application=application, scores={str(criteria["motivation"].pk): 4}, mean=4, notes="Strong")
    client.force_login(reader)

    page = client.get(change_url(application)).content.decode()

    assert "Motivation (test): 4" in page
    assert "Strong" in page
    assert 'name="reviews-0-notes"' not in page


# --- Decisions -------------------------------------------------------------------------------


def test_accepting_emails_the_applicant_once_and_makes_them_a_participant(
    client, staff, django_capture_on_commit_callbacks
):
    application = ApplicationFactory(user=UserFactory(email="ada@example.org", language="en"))

    first = decide(client, "accept", [application], django_capture_on_commit_callbacks)
    again = decide(client, "accept", [application], django_capture_on_commit_callbacks)

    application.refresh_from_db()
    assert application.status == Status.ACCEPTED
    assert Participant.objects.filter(application=application, role=Role.MENTEE, cohort=application.cohort).exists()
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["ada@example.org"], f"You are accepted: {application.cohort}")
    ]
    assert messages_of(first) == [("success", "1 application is now accepted; its applicant is being emailed.")]
    assert messages_of(again) == [("info", "Nothing changed: no email was sent.")]


@pytest.mark.parametrize(
    ("action", "status", "subject"),
    [
        ("waitlist", Status.WAITLISTED, "You are on the waiting list: {cohort}"),
        ("decline", Status.DECLINED, "Your application: {cohort}"),
    ],
)
def test_waitlisting_and_declining_email_each_applicant_once(
    client, staff, django_capture_on_commit_callbacks, action, status, subject
):
    english = ApplicationFactory(user=UserFactory(email="en@example.org", language="en"))
    french = ApplicationFactory(cohort=english.cohort, user=UserFactory(email="fr@example.org", language="fr"))

    decide(client, action, [english, french], django_capture_on_commit_callbacks)
    decide(client, action, [english, french], django_capture_on_commit_callbacks)

    assert set(Application.objects.values_list("status", flat=True)) == {status}
    assert sorted(m.to[0] for m in mail.outbox) == ["en@example.org", "fr@example.org"]
    by_address = {m.to[0]: m for m in mail.outbox}
    assert by_address["en@example.org"].subject == subject.format(cohort=english.cohort)


def test_accepting_more_than_the_places_refuses_the_rest_best_score_first(
    client, staff, django_capture_on_commit_callbacks
):
    cohort = CohortFactory(mentee_capacity=1)
    weaker = ApplicationFactory(cohort=cohort, user=UserFactory(preferred_name="Weaker"))
    stronger = ApplicationFactory(cohort=cohort, user=UserFactory(preferred_name="Stronger"))
    ReviewFactory(application=weaker, mean=Decimal("2.00"))
    ReviewFactory(application=stronger, mean=Decimal("4.00"))

    response = decide(client, "accept", [weaker, stronger], django_capture_on_commit_callbacks)

    assert dict(Application.objects.values_list("user__preferred_name", "status")) == {
        "Stronger": Status.ACCEPTED,
        "Weaker": Status.SUBMITTED,
    }
    assert messages_of(response) == [
        ("success", "1 application is now accepted; its applicant is being emailed."),
        ("error", "The only place for a mentee is taken: Weaker was not accepted."),
    ]
    assert len(mail.outbox) == 1


def test_a_waitlisted_person_is_promoted_when_a_place_frees_up(client, staff, django_capture_on_commit_callbacks):
    cohort = CohortFactory(mentee_capacity=1)
    accepted = ApplicationFactory(cohort=cohort, status=Status.ACCEPTED)
    waiting = ApplicationFactory(cohort=cohort, status=Status.WAITLISTED)
    accepted.status = Status.WITHDRAWN
    accepted.save(update_fields=["status"])

    decide(client, "accept", [waiting], django_capture_on_commit_callbacks)

    waiting.refresh_from_db()
    assert waiting.status == Status.ACCEPTED
    assert Participant.objects.filter(application=waiting).exists()


def test_staff_without_the_change_permission_cannot_decide(client, django_capture_on_commit_callbacks):
    viewer = UserFactory(is_staff=True)
    viewer.user_permissions.set(Permission.objects.filter(codename="view_application"))
    application = ApplicationFactory()
    client.force_login(viewer)

    decide(client, "accept", [application], django_capture_on_commit_callbacks)

    application.refresh_from_db()
    assert application.status == Status.SUBMITTED
    assert mail.outbox == []


# --- CSV export ------------------------------------------------------------------------------


def export(client, applications) -> list[dict]:
    response = client.post(CHANGELIST, {"action": "export_csv", "_selected_action": [a.pk for a in applications]})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = response.content.decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def identity_fixture():
    application = ApplicationFactory(
        user=UserFactory(preferred_name="Sam", email="sam@example.org", pronouns="they/them"),
        outreach_channel=OutreachChannelFactory(name_en="Newsletter (test)"),
        goals=[TagFactory(kind="goal", name_en="First job (test)")],
    )
    AnswerFactory(application=application, question__text_en="Why now?", value='=HYPERLINK("http://evil")')
    SelfIdentificationFactory(application=application, answers={"gender": ["two_spirit"], "trans": "yes"})
    ReviewFactory(application=application, mean=Decimal("3.50"))
    return application


def test_the_csv_export_without_the_identity_permission_has_no_identity_column(client):
    application = identity_fixture()
    client.force_login(staff_without_identity_permission())

    [row] = export(client, [application])

    assert row["name"] == "Sam"
    assert row["email address"] == "sam@example.org"
    assert row["pronouns"] == "they/them"
    assert row["heard of the program through"] == "Newsletter (test)"
    assert row["goals"] == "First job (test)"
    assert row["mean score"] == "3.50"
    assert row["reviews"] == "1"
    assert row["Mentee: Why now?"] == '\'=HYPERLINK("http://evil")'  # never run as a formula
    assert "How do you describe your gender?" not in row
    assert "Two-Spirit" not in ",".join(row.values())
    assert "share with my match" not in row


def test_the_csv_export_with_the_identity_permission_has_the_identity_columns(client, staff):
    application = identity_fixture()

    [row] = export(client, [application])

    assert row["How do you describe your gender?"] == "Two-Spirit"
    assert row["Do you identify as trans?"] == "Yes"
    assert row["Do you identify as a person with a disability?"] == ""
    assert row["share with my match"] == "no"


@pytest.mark.parametrize("rows", [2, 20])
def test_the_csv_export_costs_the_same_queries_at_any_size(django_assert_num_queries, rows):
    cohort = CohortFactory()
    question = QuestionFactory(cohort=cohort)
    reviewer, statement, skill = StaffFactory(), ConfidenceStatementFactory(), TagFactory()
    for application in ApplicationFactory.create_batch(rows, cohort=cohort, skills=[skill], user__password=NO_PASSWORD):
        AnswerFactory(application=application, question=question)
        ConfidenceRatingFactory(application=application, statement=statement)
        SelfIdentificationFactory(application=application)
        ReviewFactory(application=application, reviewer=reviewer, mean=Decimal("3.00"))

    # applications, goals, skills, industries, confidence ratings, answers, questions, statements
    with django_assert_num_queries(8):
        text = applications_csv(Application.objects.all(), include_identity=True)

    assert len(list(csv.reader(io.StringIO(text)))) == rows + 1


@pytest.mark.parametrize("model", ["tag", "outreachchannel", "confidencestatement", "rubriccriterion", "question"])
def test_staff_open_the_lists_they_manage(client, staff, model):
    question = QuestionFactory()

    listing = client.get(reverse(f"admin:applications_{model}_changelist"))
    adding = client.get(reverse(f"admin:applications_{model}_add"))

    assert listing.status_code == 200
    assert adding.status_code == 200
    if model == "question":
        assert list(listing.context["cl"].result_list) == [question]


def test_staff_reorder_questions_from_the_list(client, staff):
    first = QuestionFactory(position=1, required=True)
    second = QuestionFactory(cohort=first.cohort, position=2, required=True)
    data = {
        "form-TOTAL_FORMS": "2",
        "form-INITIAL_FORMS": "2",
        "form-0-id": first.pk,
        "form-0-position": "2",
        "form-0-required": "on",
        "form-1-id": second.pk,
        "form-1-position": "1",
        "_save": "Save",
    }

    response = client.post(reverse("admin:applications_question_changelist"), data)

    assert response.status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.position, first.required, second.position, second.required) == (2, True, 1, False)
