"""The options of a radio or checkbox field, in crispy-bootstrap5's own markup, written by Python.

crispy-bootstrap5 renders each option through a template loop, with an include of ``attrs.html`` and its own loop
over the option's attributes: on the application form (about 60 options) that was two thirds of the page's time
(bench/profile_pages.py). ``templates/bootstrap5/layout/radio_checkbox_select.html`` overrides crispy's template
and calls this tag for the options; mentorship/tests/test_choice_inputs.py holds that the markup is crispy's.
"""

from crispy_forms.templatetags.crispy_forms_filters import optgroups
from django import template
from django.utils import formats
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import mark_safe

register = template.Library()


def _text(value) -> str:
    """What ``{{ value|unlocalize }}`` prints."""
    return conditional_escape(str(formats.localize(value, use_l10n=False)))


def _attrs(attrs: dict) -> str:
    """What crispy's ``attrs.html`` prints: `` name="value"`` each, a bare name for True, nothing for False."""
    return "".join(
        f" {name}" if value is True else f' {name}="{conditional_escape(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


def _errors(field) -> str:
    """crispy's ``field_errors_block.html``."""
    paragraphs = format_html_join(
        "",
        '<p id="error_{}_{}"><strong>{}</strong></p>',
        ((n, field.auto_id, e) for n, e in enumerate(field.errors, 1)),
    )
    return format_html('<div id="{}_error" class="invalid-feedback">{}</div>', field.errors.field_id, paragraphs)


@register.simple_tag(takes_context=True)
def choice_inputs(context, field) -> str:
    inline = bool(context.get("inline_class"))
    invalid = " is-invalid" if field.errors else ""
    groups = optgroups(field)
    parts = []
    for group_number, (group, options, _index) in enumerate(groups, 1):
        if group:
            parts.append(format_html("<strong>{}</strong>", group))
        for option_number, option in enumerate(options, 1):
            last = group_number == len(groups) and option_number == len(options)
            errors = _errors(field) if last and field.errors and not inline and context.get("form_show_errors") else ""
            parts.append(
                f'<div class="form-check{" form-check-inline" if inline else ""}">'
                f'<input type="{conditional_escape(option["type"])}" class="form-check-input{invalid}" '
                f'name="{conditional_escape(field.html_name)}" value="{_text(option["value"])}"'
                f"{_attrs(option['attrs'])}>"
                f'<label for="{conditional_escape(option["attrs"].get("id", ""))}" class="form-check-label">'
                f"{_text(option['label'])}</label>{errors}</div>"
            )
    return mark_safe("\n".join(parts))  # noqa: S308 (every value above is escaped)
