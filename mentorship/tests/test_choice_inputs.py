"""The application form's radio buttons and checkboxes are written by our tag, in crispy-bootstrap5's markup."""

import pytest
from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
from django import forms
from django.conf import settings as project_settings
from django.template.loader import get_template

from .markup import normal


class Choices(forms.Form):
    scale = forms.TypedChoiceField(
        label="Rate <this>", choices=[(n, str(n)) for n in range(1, 6)], coerce=int, widget=forms.RadioSelect,
        help_text="1 is <b>low</b>",
    )  # fmt: skip
    tags = forms.MultipleChoiceField(
        label="Tags", choices=[("a&b", "Salt & pepper"), ("c", "C"), ("d", '"D"')], widget=forms.CheckboxSelectMultiple
    )
    grouped = forms.ChoiceField(
        choices=[("Morning", [("m1", "Early"), ("m2", "Late")]), ("Evening", [("e1", "Dinner")])],
        widget=forms.RadioSelect,
    )


def rendered(form) -> list[str]:
    """Each field's HTML, whitespace made comparable."""
    return [normal(as_crispy_field(form[name])) for name in form.fields]


def crispy_original(form, settings) -> list[str]:
    """The same fields through crispy-bootstrap5's own template: the project's template folder set aside."""
    settings.TEMPLATES = [{**project_settings.TEMPLATES[0], "DIRS": []}]
    return rendered(form)


@pytest.mark.parametrize(
    "form",
    [
        Choices(),
        Choices(initial={"scale": 3, "tags": ["a&b", "d"], "grouped": "e1"}),
        Choices(data={"scale": "9", "tags": ["x"]}),  # every field in error
        Choices(data={"scale": "2", "tags": ["c"], "grouped": "m2"}),
    ],
    ids=["empty", "initial", "errors", "valid"],
)
def test_the_options_are_written_as_crispy_writes_them(form, settings):
    override = get_template("bootstrap5/layout/radio_checkbox_select.html").origin.name
    assert override == str(project_settings.BASE_DIR / "templates/bootstrap5/layout/radio_checkbox_select.html")
    ours = rendered(form)

    assert ours == crispy_original(form, settings)
    assert 'value="a&amp;b"' in ours[1] and "Salt &amp; pepper" in ours[1]


def test_a_checked_option_and_an_error_show(settings):
    form = Choices(data={"scale": "9", "tags": ["c"]})

    scale, tags, grouped = rendered(form)

    assert 'class="form-check-input is-invalid" name="scale" value="1" id="id_scale_0"' in scale
    assert 'class="invalid-feedback"><p id="error_1_id_scale">' in scale
    assert 'value="c" id="id_tags_1" checked>' in tags
    assert "<strong>Morning</strong>" in grouped
