import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from accounts.tests.factories import UserFactory
from applications.models import Application, ConfidenceStatement, Question, SelfIdentification
from cohorts.models import Role
from cohorts.tests.factories import CohortFactory

from .factories import ApplicationFactory, QuestionFactory, SelfIdentificationFactory

pytestmark = pytest.mark.django_db

Status = Application.Status


@pytest.fixture
def cohort():
    cohort = CohortFactory()
    QuestionFactory(cohort=cohort, role=Role.MENTEE, kind=Question.Kind.LONG_TEXT, text_en="Why?", position=1)
    QuestionFactory(
        cohort=cohort,
        role=Role.MENTEE,
        kind=Question.Kind.SINGLE_CHOICE,
        text_en="Format?",
        choices_en="Video\nIn person",
        choices_fr="Vidéo\nEn personne",
        position=2,
    )
    QuestionFactory(cohort=cohort, role=Role.MENTOR, kind=Question.Kind.SHORT_TEXT, text_en="Title?", position=1)
    return cohort


def form_data(cohort, role=Role.MENTEE, action="continue", **overrides):
    data = {"action": action, "time_zone": "America/Toronto", "availability": ["weekday_evening"]}
    for question in cohort.questions.filter(role=role):
        data[f"question_{question.pk}"] = "1" if question.kind == Question.Kind.SINGLE_CHOICE else "My answer"
    for statement in ConfidenceStatement.objects.filter(active=True):
        data[f"confidence_{statement.pk}"] = "4"
    if role == Role.MENTOR:
        data["mentee_capacity"] = "2"
    return data | overrides


def apply_url(cohort, role=Role.MENTEE):
    return reverse("applications:apply", args=[cohort.slug, role])


def test_applying_needs_an_account(client, cohort):
    response = client.get(apply_url(cohort))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_a_person_saves_a_draft_resumes_it_and_submits(client, cohort):
    user = UserFactory()
    client.force_login(user)

    client.post(apply_url(cohort), form_data(cohort, action="save", availability=[]))
    application = Application.objects.get(user=user)
    assert application.status == Status.DRAFT
    assert client.get(apply_url(cohort)).url == reverse("applications:edit", args=[application.pk])

    page = client.get(reverse("applications:edit", args=[application.pk])).content.decode()
    assert "My answer" in page
    response = client.post(reverse("applications:edit", args=[application.pk]), form_data(cohort))
    assert response.url == reverse("applications:identity", args=[application.pk])
    client.post(reverse("applications:identity", args=[application.pk]), {"action": "skip"})
    client.post(reverse("applications:submit", args=[application.pk]))

    application.refresh_from_db()
    assert application.status == Status.SUBMITTED
    assert application.answers.count() == 2


def test_continuing_with_missing_answers_shows_field_errors_and_saves_nothing(client, cohort):
    client.force_login(UserFactory())

    response = client.post(apply_url(cohort), form_data(cohort, **{"availability": []}) | {"time_zone": ""})

    assert response.status_code == 200
    assert "availability" in response.context["form"].errors
    assert not Application.objects.exists()


def test_a_double_clicked_submit_makes_one_application(client, cohort):
    client.force_login(UserFactory())

    client.post(apply_url(cohort), form_data(cohort))
    client.post(apply_url(cohort), form_data(cohort))
    application = Application.objects.get()
    client.post(reverse("applications:submit", args=[application.pk]))
    client.post(reverse("applications:submit", args=[application.pk]))

    assert Application.objects.count() == 1
    assert application.events.filter(kind="submitted").count() == 1


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("question_single", "7", "Sélectionnez un choix valide"),
        ("question_long", "x" * 5001, "comporte au plus 5000 caractères"),
        ("availability", ["every_hour"], "Sélectionnez un choix valide"),
        ("time_zone", "Moon/Base", "n’est pas un fuseau horaire connu"),
        ("confidence", "6", "Sélectionnez un choix valide"),
    ],
)
def test_bad_answers_get_field_errors_in_the_users_language(client, cohort, field, value, message):
    client.force_login(UserFactory(language="fr"))
    data = form_data(cohort)
    single = cohort.questions.get(kind=Question.Kind.SINGLE_CHOICE)
    long = cohort.questions.get(kind=Question.Kind.LONG_TEXT)
    statement = ConfidenceStatement.objects.filter(active=True).first()
    key = {
        "question_single": f"question_{single.pk}",
        "question_long": f"question_{long.pk}",
        "confidence": f"confidence_{statement.pk}",
    }.get(field, field)

    response = client.post(apply_url(cohort), data | {key: value})

    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[key])
    assert not Application.objects.exists()


@pytest.mark.parametrize("capacity", ["0", "9", "two"])
def test_a_mentor_capacity_outside_one_to_three_is_a_field_error(client, cohort, capacity):
    client.force_login(UserFactory())

    response = client.post(apply_url(cohort, Role.MENTOR), form_data(cohort, Role.MENTOR, mentee_capacity=capacity))

    assert response.status_code == 200
    assert response.context["form"].errors["mentee_capacity"]
    assert not Application.objects.exists()


def test_answers_posted_for_another_cohorts_question_ids_are_ignored(client, cohort):
    other = QuestionFactory(cohort=CohortFactory(), role=Role.MENTEE)
    client.force_login(UserFactory())

    client.post(apply_url(cohort), form_data(cohort) | {f"question_{other.pk}": "Injected"})

    assert not Application.objects.get().answers.filter(question=other).exists()


def test_html_in_an_answer_is_shown_escaped(client, cohort):
    user = UserFactory()
    client.force_login(user)
    script = '<script>alert("hi")</script>'
    long = cohort.questions.get(kind=Question.Kind.LONG_TEXT)

    client.post(apply_url(cohort), form_data(cohort) | {f"question_{long.pk}": script})
    page = client.get(Application.objects.get().get_absolute_url()).content.decode()

    assert script not in page
    assert "&lt;script&gt;alert(&quot;hi&quot;)&lt;/script&gt;" in page


def test_after_the_deadline_the_form_refuses_with_a_message_and_saves_nothing(client, cohort):
    user = UserFactory()
    client.force_login(user)
    client.post(apply_url(cohort), form_data(cohort, action="save"))
    application = Application.objects.get()

    with time_machine.travel(cohort.applications_close_at + dt.timedelta(seconds=1), tick=False):
        response = client.post(
            reverse("applications:edit", args=[application.pk]), form_data(cohort) | {"availability": []}, follow=True
        )
        refused_new = client.post(apply_url(cohort, Role.MENTOR), form_data(cohort, Role.MENTOR), follow=True)

    assert "can no longer be changed" in response.content.decode()
    application.refresh_from_db()
    assert application.availability == ["weekday_evening"]
    assert "Applications to this cohort are closed." in refused_new.content.decode()
    assert Application.objects.count() == 1


def test_a_closed_cohort_page_says_when_applications_open(client):
    cohort = CohortFactory(
        applications_open_at=dt.datetime(2030, 1, 5, 14, 0, tzinfo=dt.UTC),
        applications_close_at=dt.datetime(2030, 2, 5, 14, 0, tzinfo=dt.UTC),
        start_date=dt.date(2030, 3, 1),
    )

    page = client.get(cohort.get_absolute_url()).content.decode()

    assert "Applications are not open yet." in page
    assert "Jan. 5, 2030, 9 a.m." in page  # in the cohort's time zone
    assert apply_url(cohort) not in page


@pytest.mark.parametrize(
    "name", ["applications:detail", "applications:edit", "applications:identity", "applications:withdraw"]
)
def test_someone_elses_application_is_a_404(client, name):
    application = ApplicationFactory()
    client.force_login(UserFactory())

    assert client.get(reverse(name, args=[application.pk])).status_code == 404
    assert client.post(reverse("applications:submit", args=[application.pk])).status_code == 404


def test_the_identity_step_keeps_answers_only_with_consent(client, cohort):
    user = UserFactory()
    client.force_login(user)
    client.post(apply_url(cohort), form_data(cohort))
    application = Application.objects.get()
    url = reverse("applications:identity", args=[application.pk])

    refused = client.post(url, {"action": "continue", "trans": "yes"})
    both = client.post(url, {"action": "continue", "gender": ["woman", "prefer_not_to_say"], "consent": "on"})
    kept = client.post(url, {"action": "continue", "trans": "prefer_not_to_say", "consent": "on"})

    assert "consent" in refused.context["form"].errors
    assert "gender" in both.context["form"].errors
    assert kept.status_code == 302
    assert SelfIdentification.objects.get().answers == {"trans": "prefer_not_to_say"}


def test_identity_answers_appear_on_no_applicant_page(client):
    identity = SelfIdentificationFactory(answers={"racialized": ["indigenous"]})
    client.force_login(identity.application.user)

    for url in (identity.application.get_absolute_url(), reverse("applications:dashboard")):
        assert "Indigenous" not in client.get(url).content.decode()


def test_withdrawing_asks_first_then_withdraws(client):
    application = ApplicationFactory()
    client.force_login(application.user)
    url = reverse("applications:withdraw", args=[application.pk])

    assert client.get(url).status_code == 200
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED
    client.post(url)
    application.refresh_from_db()
    assert application.status == Status.WITHDRAWN


@pytest.mark.parametrize("count", [2, 12])
def test_the_dashboard_costs_the_same_queries_at_any_size(client, django_assert_num_queries, count):
    user = UserFactory()
    for _ in range(count):
        ApplicationFactory(user=user)
    client.force_login(user)

    with django_assert_num_queries(5):  # session, user, applications with cohorts, their events, participations
        response = client.get(reverse("applications:dashboard"))

    assert len(response.context["applications"]) == count


def test_the_application_form_page_uses_at_most_ten_queries(client, cohort, django_assert_max_num_queries):
    client.force_login(UserFactory())

    with django_assert_max_num_queries(10):
        assert client.get(apply_url(cohort)).status_code == 200
