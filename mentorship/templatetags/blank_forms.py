"""``{% blank_form form %}…{% endblank_form %}``: the markup of a form nobody has filled in yet, drawn once.

A form that is not bound (no data, no errors) is drawn from its fields alone: their labels, help, choices, initial
values, widgets and attributes, in the active language. The block's markup is kept in this process under a digest
of all of these, so the next person shown the same blank form gets the same markup without the drawing: the
application form's fields (time zones, tags, questions, statements) were half of its page's time
(bench/profile_pages.py). A form with data or errors is always drawn anew, and never kept: it is a person's own.

The key is a digest of the definitions, not a version to bump: a question staff edit, a tag added, another language
or another initial value is another key, and the old markup is simply not asked for again. Kept per process (a new
release starts new processes, so markup drawn by old code is never served) and at most ``MAX_KEPT`` entries, the
least recently used dropped first. The block must depend on the form (and the language) alone; anything else it
shows is passed after the form and joins the key: ``{% blank_form form role %}``.
"""

from __future__ import annotations

import itertools

from django import template
from django.db.models import Model, QuerySet
from django.utils.safestring import SafeString, mark_safe

from mentorship.kept_markup import Kept, digest

register = template.Library()

MAX_KEPT = 256  # a blank form's markup is some 30 kB: a few MB per process at most
KEPT = Kept(MAX_KEPT)
BLOCKS = itertools.count()


def _widget(widget) -> tuple:
    return (
        type(widget),
        widget.attrs,
        widget.is_required,
        getattr(widget, "input_type", None),
        getattr(widget, "format", None),
        getattr(widget, "template_name", None),
        getattr(widget, "option_template_name", None),
        getattr(widget, "allow_multiple_selected", None),
        widget.is_localized,
    )


def _choices(field) -> tuple | str:
    # A field whose choices never change in a process names them (``fixed_choices``: the ~490 time zones). Model
    # choices read their rows here (the query the drawing would have made) with their labels as shown.
    if getattr(field, "fixed_choices", None):
        return field.fixed_choices
    return tuple((str(value), str(label)) for value, label in field.choices) if hasattr(field, "choices") else ()


def _value(value):
    """An initial value as the key holds it: rows by their model and key (their ``repr`` names only the row, and
    two rows of the same name would be checked the same), lists and query sets item by item."""
    if isinstance(value, Model):
        return (type(value), value.pk)
    if isinstance(value, (list, tuple, set, frozenset, QuerySet)):
        return (type(value), [_value(item) for item in value])
    return value


def blank_form_key(form, *extra) -> str:
    """A digest of everything a blank form's markup is drawn from, or "" if the form is bound."""
    if form.is_bound:
        return ""
    parts = [
        type(form),
        form.prefix,
        form.auto_id,
        form.label_suffix,
        form.use_required_attribute,
        type(form.renderer),
        *extra,
    ]
    for name, field in form.fields.items():
        parts.append(
            (
                name,
                type(field),
                str(field.label),
                str(field.help_text),
                field.required,
                field.disabled,
                field.localize,
                field.show_hidden_initial,
                field.label_suffix,
                field.widget_attrs(field.widget),
                _value(form.get_initial_for_field(field, name)),
                _choices(field),
                _widget(field.widget),
            )
        )
    return digest(parts)


class BlankFormNode(template.Node):
    def __init__(self, nodelist, form, extra):
        self.nodelist, self.form, self.extra = nodelist, form, extra
        self.block = next(BLOCKS)  # this block of this template as this process parsed it

    def render(self, context) -> SafeString:
        form = self.form.resolve(context)
        key = blank_form_key(form, self.block, *(value.resolve(context) for value in self.extra))
        if not key:
            return self.nodelist.render(context)
        return mark_safe(KEPT.get_or_draw(key, lambda: self.nodelist.render(context)))  # noqa: S308 (the block's own rendering, autoescaped as any template)


@register.tag
def blank_form(parser, token):
    """``{% blank_form form [value …] %} … {% endblank_form %}``"""
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError("{% blank_form %} needs the form: {% blank_form form %}")
    nodelist = parser.parse(("endblank_form",))
    parser.delete_first_token()
    return BlankFormNode(nodelist, parser.compile_filter(bits[1]), [parser.compile_filter(bit) for bit in bits[2:]])
