"""Fields laid out by our ``field.html`` (mentorship/templatetags/fast_fields.py) read exactly as crispy-bootstrap5
lays them out, for every kind of field, empty, filled and in error, alone and in a whole form."""

import datetime as dt

import pytest
from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field, as_crispy_form
from django import forms
from django.conf import settings as project_settings
from django.template.loader import get_template
from django.utils import translation

from applications.forms import SelfIdentificationForm
from meetings.forms import MeetingLogForm

from .markup import normal

pytestmark = pytest.mark.django_db


class EveryKind(forms.Form):
    name = forms.CharField(label="Your <name>", max_length=20, help_text="As <i>you</i> like")
    email = forms.EmailField(required=False)
    age = forms.IntegerField(min_value=1)
    day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), required=False)
    story = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False, help_text="Optional")
    colour = forms.ChoiceField(choices=[("", "---"), ("r", "Red & rose"), ("g", "Green")])
    colours = forms.MultipleChoiceField(choices=[("r", "Red"), ("g", "Green")], required=False)
    secret = forms.CharField(widget=forms.PasswordInput, required=False)
    link = forms.URLField(required=False, assume_scheme="https")
    size = forms.ChoiceField(choices=[("s", "S"), ("m", "M")], widget=forms.RadioSelect)
    tags = forms.MultipleChoiceField(choices=[("a", "A")], widget=forms.CheckboxSelectMultiple, required=False)
    agree = forms.BooleanField(label="I agree")  # crispy's own template: a single checkbox
    token = forms.CharField(widget=forms.HiddenInput, required=False)
    unlabelled = forms.CharField(label="", required=False)


def both(render, settings) -> tuple[str, str]:
    """What ``render()`` gives with our templates, then with crispy's own (the project's template folder set
    aside)."""
    ours = normal(render())
    settings.TEMPLATES = [{**project_settings.TEMPLATES[0], "DIRS": []}]
    crispys = normal(render())
    return ours, crispys


FORMS = {
    "empty": lambda: EveryKind(),
    "initial": lambda: EveryKind(initial={"name": "Ada", "colour": "g", "size": "m", "day": dt.date(2027, 3, 1)}),
    "errors": lambda: EveryKind(data={"name": "x" * 30, "age": "0", "colour": "z", "email": "no", "link": "bad"}),
    "valid": lambda: EveryKind(data={"name": "Ada", "age": "3", "colour": "r", "size": "s", "agree": "on"}),
    "meeting log": lambda: MeetingLogForm(week=dt.date(2027, 3, 1), today=dt.date(2027, 3, 3)),
    "meeting log in error": lambda: MeetingLogForm(
        data={"met": "True", "duration_minutes": "0"}, week=dt.date(2027, 3, 1), today=dt.date(2027, 3, 3)
    ),
    "self-identification": lambda: SelfIdentificationForm(),
}


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize("name", FORMS)
def test_each_field_reads_as_crispy_writes_it(name, language, settings):
    form = FORMS[name]()
    with translation.override(language):
        form.is_bound and form.is_valid()
        ours, crispys = both(lambda: "".join(str(as_crispy_field(form[field])) for field in form.fields), settings)

    assert ours == crispys


@pytest.mark.parametrize("name", ["empty", "errors", "meeting log in error"])
def test_a_whole_form_reads_as_crispy_writes_it(name, settings):
    form = FORMS[name]()
    form.is_bound and form.is_valid()

    ours, crispys = both(lambda: as_crispy_form(form), settings)

    assert ours == crispys
    assert ours.count('class="mb-3') >= 5


def test_the_field_template_is_ours_and_shows_an_error_under_its_field():
    assert get_template("bootstrap5/field.html").origin.name == str(
        project_settings.BASE_DIR / "templates/bootstrap5/field.html"
    )
    form = EveryKind(data={"age": "0"})
    form.is_valid()

    html = normal(as_crispy_field(form["age"]))

    assert 'class="numberinput form-control is-invalid"' in html
    assert '<div id="id_age_error" class="invalid-feedback"><p id="error_1_id_age"><strong>' in html
