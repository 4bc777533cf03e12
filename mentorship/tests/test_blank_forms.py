"""A blank form's markup is kept (mentorship/templatetags/blank_forms.py): people must still see every change staff
make to what the form asks, in their own language, with their own values, and their own errors after a bad post."""

import pytest
from django import forms
from django.template import Context, Template
from django.urls import reverse

from accounts.tests.factories import UserFactory
from applications.models import Question, Tag
from applications.tests.factories import QuestionFactory, TagFactory
from cohorts.models import Role
from cohorts.tests.factories import CohortFactory
from meetings.models import Topic
from mentorship.templatetags.blank_forms import KEPT

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def nothing_kept():
    KEPT.clear()
    yield
    KEPT.clear()


@pytest.fixture
def cohort():
    cohort = CohortFactory()
    QuestionFactory(cohort=cohort, role=Role.MENTEE, kind=Question.Kind.SHORT_TEXT, text_en="Why now?", position=1)
    return cohort


def apply_page(client, cohort, **headers) -> str:
    response = client.get(reverse("applications:apply", args=[cohort.slug, Role.MENTEE]), **headers)
    assert response.status_code == 200
    return response.content.decode()


def test_a_tag_or_question_staff_rename_or_add_appears_at_once(client, cohort):
    client.force_login(UserFactory())
    tag = TagFactory(kind=Tag.Kind.GOAL, name_en="Find a first job")
    assert "Find a first job" in apply_page(client, cohort)

    Tag.objects.filter(pk=tag.pk).update(name_en="Land a first job")
    renamed = apply_page(client, cohort)
    Question.objects.filter(cohort=cohort).update(help_en="In a sentence or two.")
    helped = apply_page(client, cohort)
    QuestionFactory(cohort=cohort, role=Role.MENTEE, kind=Question.Kind.SHORT_TEXT, text_en="Your city?", position=2)
    added = apply_page(client, cohort)

    assert "Land a first job" in renamed
    assert "Find a first job" not in renamed
    assert "In a sentence or two." in helped
    assert "Your city?" in added


def test_each_person_sees_the_form_in_their_language_with_their_own_time_zone(client, cohort):
    client.force_login(UserFactory(time_zone="Europe/Paris"))
    paris = apply_page(client, cohort, HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(UserFactory(time_zone="America/Vancouver"))
    vancouver = apply_page(client, cohort, HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(UserFactory(time_zone="America/Vancouver", language="fr"))
    french = apply_page(client, cohort, HTTP_ACCEPT_LANGUAGE="fr")

    assert '<option value="Europe/Paris" selected>' in paris
    assert '<option value="America/Vancouver" selected>' in vancouver
    assert '<option value="Europe/Paris" selected>' not in vancouver
    assert "When are you usually free to meet?" in vancouver
    assert "When are you usually free to meet?" not in french
    assert '<option value="America/Vancouver" selected>' in french


def test_the_errors_of_a_bad_post_are_shown_and_never_kept(client, cohort):
    client.force_login(UserFactory())
    url = reverse("applications:apply", args=[cohort.slug, Role.MENTEE])
    apply_page(client, cohort)

    refused = client.post(url, {"action": "continue", "time_zone": "Mars/Olympus"}).content.decode()
    again = apply_page(client, cohort)

    assert "is not a known time zone" in refused
    assert "is not a known time zone" not in again
    assert "is-invalid" not in again


class Greeting(forms.Form):
    name = forms.CharField(label="Your name", max_length=20)


def test_the_same_blank_form_is_drawn_once_and_a_filled_one_every_time():
    block = Template(
        "{% load blank_forms %}{% blank_form form %}<p>{{ form.name.label }}</p>{{ form.name }}{% endblank_form %}"
    )

    first = block.render(Context({"form": Greeting()}))
    second = block.render(Context({"form": Greeting()}))
    filled = block.render(Context({"form": Greeting(data={"name": "x" * 30})}))

    assert first == second
    assert 'maxlength="20"' in first
    assert len(KEPT.entries) == 1  # the filled form was drawn, not kept
    assert 'value="xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"' in filled


class Topics(forms.Form):
    topics = forms.ModelMultipleChoiceField(queryset=Topic.objects.all(), widget=forms.CheckboxSelectMultiple)


def test_two_rows_of_the_same_name_chosen_beforehand_are_told_apart():
    old, new = Topic.objects.create(name_en="Networking"), Topic.objects.create(name_en="Networking")
    block = Template("{% load blank_forms %}{% blank_form form %}{{ form.topics }}{% endblank_form %}")

    with_old = block.render(Context({"form": Topics(initial={"topics": [old]})}))
    with_new = block.render(Context({"form": Topics(initial={"topics": [new]})}))

    assert f'value="{old.pk}" id="id_topics_0" checked' in with_old
    assert f'value="{new.pk}" id="id_topics_1" checked' in with_new
    assert f'value="{old.pk}" id="id_topics_0" checked' not in with_new
