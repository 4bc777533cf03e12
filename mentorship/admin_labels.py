"""Names for the inputs the admin shows in tables, which Django leaves without a label.

Django labels the columns of a list's editable fields (``list_editable``) and of a tabular inline in the
table's header only: a screen reader announces each input, select or text area as an unnamed "edit text".
These give each one an ``aria-label``: the field's label, and the row's object when it has one
("Position: Why do you want to join?").
"""

from django import forms
from django.contrib import admin


def labelled(form_class: type[forms.BaseForm]) -> type[forms.BaseForm]:
    """``form_class`` whose visible inputs are named after their field (and the row's object)."""

    class LabelledForm(form_class):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            instance = getattr(self, "instance", None)
            row = str(instance) if instance is not None and instance.pk else ""
            for field in self.fields.values():
                # A date-and-time input labels its two parts itself (mentorship/admin_apps.py).
                if field.widget.is_hidden or isinstance(field.widget, forms.MultiWidget):
                    continue
                field.widget.attrs.setdefault("aria-label", f"{field.label}: {row}" if row else str(field.label))

    LabelledForm.__name__ = form_class.__name__
    return LabelledForm


class LabelledListEditableMixin:
    """For a ModelAdmin with ``list_editable``."""

    def get_changelist_form(self, request, **kwargs):
        return labelled(super().get_changelist_form(request, **kwargs))


class LabelledTabularInline(admin.TabularInline):
    """A tabular inline whose inputs are named (see the module's docstring)."""

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.form = labelled(formset.form)
        return formset
