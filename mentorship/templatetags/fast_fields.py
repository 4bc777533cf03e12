"""crispy-bootstrap5's ``field.html`` for the plain case, written by Python: the same markup, a fifth of the time.

crispy's template tests each field against some twenty conditions through template tags and filters and includes
three more templates; on the application form, with its 18 fields, that was half the page's time
(bench/profile_pages.py). ``templates/bootstrap5/field.html`` overrides crispy's and calls ``fast_field``, which
writes a field laid out the default way (label above, no horizontal form, no custom tag or classes): text inputs,
selects, text areas, radio buttons and checkbox lists. The widget itself is still drawn by crispy's own
``crispy_field`` node and the options by ``choice_inputs``. Any other field (a single checkbox, a file, a layout
with options) is passed to crispy's template unchanged. mentorship/tests/test_fast_fields.py holds that the markup
is crispy's for every kind of field.
"""

from __future__ import annotations

from crispy_forms.templatetags.crispy_forms_field import CrispyFieldNode
from django import forms, template
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

from .choice_inputs import _errors

register = template.Library()

TEMPLATE = "bootstrap5/field.html"
CHOICES_TEMPLATE = "bootstrap5/layout/radio_checkbox_select.html"
# crispy's {% crispy_field field 'class' '...' %} for the four classes its template gives a plain field
WIDGET_NODES = {
    classes: CrispyFieldNode("field", {"'class'": f"'{classes}'"})
    for classes in ("form-select", "form-select is-invalid", "form-control", "form-control is-invalid")
}


def _crispy_template(engine):
    """crispy-bootstrap5's own field.html: the one after ours."""
    ours = engine.find_template(TEMPLATE)[1]
    return engine.find_template(TEMPLATE, skip=[ours])[0]


def _plain(context, widget) -> bool:
    return (
        not context.get("tag")
        and "form-horizontal" not in (context.get("form_class") or "")
        and not context.get("label_class")
        and not context.get("field_class")
        and bool(context.get("form_show_labels"))
        and not context.get("help_text_inline")
        and not context.get("error_text_inline")
        and not isinstance(widget, (forms.CheckboxInput, forms.FileInput))
    )


@register.simple_tag(takes_context=True)
def fast_field(context) -> str:
    field = context["field"]
    widget = field.field.widget
    if field.is_hidden:
        return str(field)
    engine = context.template.engine
    if not _plain(context, widget):
        return _crispy_template(engine).render(context)
    esc = conditional_escape
    required = field.field.required
    classes = "mb-3"
    if context.get("wrapper_class"):
        classes += f" {esc(context['wrapper_class'])}"
    if field.css_classes():
        classes += f" {esc(field.css_classes())}"
    parts = [f'<div id="div_{esc(field.auto_id)}" class="{classes}">']
    fieldset = bool(field.label) and field.use_fieldset
    if field.label:
        described = getattr(field, "aria_describedby", None)
        if fieldset:
            parts.append(f'<fieldset aria-describedby="{esc(described)}">' if described else "<fieldset>")
        tag = "legend" if fieldset else "label"
        target = f' for="{esc(field.id_for_label)}"' if field.id_for_label else ""
        label_classes = "form-label" + (" requiredField" if required else "") + (" fs-6" if fieldset else "")
        asterisk = '<span class="asteriskField">*</span>' if required else ""
        parts.append(f'<{tag}{target} class="{label_classes}">{esc(field.label)}{asterisk}</{tag}>')
    if isinstance(widget, forms.RadioSelect):  # radio buttons, and checkbox lists (a subclass)
        parts.append(engine.get_template(CHOICES_TEMPLATE).render(context))
    else:
        base = "form-select" if isinstance(widget, forms.Select) else "form-control"
        parts.append(WIDGET_NODES[base + (" is-invalid" if field.errors else "")].render(context))
        if context.get("form_show_errors") and field.errors:
            parts.append(_errors(field))
        if field.help_text:
            helptext_id = f' id="{esc(field.auto_id)}_helptext"' if field.auto_id else ""
            parts.append(f'<div{helptext_id} class="form-text">{mark_safe(field.help_text)}</div>')  # noqa: S308 (as crispy's |safe)
    if fieldset:
        parts.append("</fieldset>")
    parts.append("</div>")
    return SafeString("".join(parts))
