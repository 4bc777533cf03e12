"""The rows of the admin's change lists, in Django's own markup, with the work of each column done once per page.

Django's ``items_for_result`` works out every cell from scratch: which field or method the column shows, its
empty-value text, its choices, the change page's address and the preserved filters. On the 100 rows of the
application list that was half the page's time (bench/profile_pages.py). Here each column is worked out once per
page and each cell only reads its value. ``templates/admin/change_list.html`` loads this library after Django's
``admin_list``, so its ``result_list`` tag is this one. A change list that edits rows in place (``list_editable``)
or opens as a pop-up keeps Django's code. mentorship/tests/test_fast_admin_list.py holds that the markup is
Django's.
"""

from __future__ import annotations

import datetime

from django import template
from django.contrib.admin.templatetags.admin_list import (
    ResultList,
    _boolean_icon,
    _coerce_field_name,
    result_headers,
    result_hidden_fields,
    results,
)
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.contrib.admin.templatetags.base import InclusionAdminNode
from django.contrib.admin.utils import (
    FieldIsAForeignKeyColumnName,
    _get_non_gfk_field,
    display_for_field,
    display_for_value,
    lookup_field,
    quote,
)
from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist
from django.db import models
from django.urls import NoReverseMatch
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString

register = template.Library()

PK_MARK = "~pk~"  # stands for a row's key in the change address worked out once


def _change_url(cl):
    """A function of a row giving its change page's address with the list's filters, as ``url_for_result`` and
    ``add_preserved_filters`` give it; None when the page has no change address, False for Django's own way (keys
    that are not whole numbers, which the address would have to encode)."""
    opts = cl.opts
    if not isinstance(opts.pk, models.IntegerField):
        return False
    try:
        pattern = cl.url_for_result(_Marked(opts.pk.attname))
    except NoReverseMatch:
        return None
    pattern = add_preserved_filters({"preserved_filters": cl.preserved_filters, "opts": opts}, pattern)
    if pattern.count(PK_MARK) != 1:
        return False  # the mark is not where a key goes: the slow path
    before, after = pattern.split(PK_MARK)
    attname = opts.pk.attname
    return lambda result: f"{before}{quote(getattr(result, attname))}{after}"


class _Marked:
    """A stand-in row whose key is the mark."""

    def __init__(self, attname: str):
        setattr(self, attname, PK_MARK)


class _Column:
    def __init__(self, cl, index: int, name, links_left: bool):
        model_admin = cl.model_admin
        self.name, self.model_admin = name, model_admin
        self.empty = model_admin.get_empty_value_display()
        self.classes = [f"field-{_coerce_field_name(name, index)}"]
        self.link = cl.list_display_links is not None and (
            (links_left and not cl.list_display_links) or name in cl.list_display_links
        )
        self.field = self.attr = None
        self.choices = None
        try:
            self.field = _get_non_gfk_field(cl.lookup_opts, name)
        except (FieldDoesNotExist, FieldIsAForeignKeyColumnName):
            if not callable(name) and hasattr(model_admin, name) and name != "__str__":
                self.attr = getattr(model_admin, name)
        field = self.field
        # display_for_field draws a boolean as one of three icons, each a static file's address: found once here.
        self.icons = None
        if isinstance(field, models.BooleanField) and not getattr(field, "flatchoices", None):
            self.icons = {value: _boolean_icon(value) for value in (True, False, None)}
        if field is not None and not field.auto_created and getattr(field, "flatchoices", None):
            try:  # each label translated and escaped once per page, as each cell would escape it
                self.choices = {value: conditional_escape(label) for value, label in field.flatchoices}
            except TypeError:  # list-like choices: display_for_field's own way, per cell
                self.choices = None
        self.related = {}  # a related row's markup by its key: the same cohort on many rows is written once

    def cell(self, result) -> tuple[list[str], object]:
        """The cell's classes and its content, as ``items_for_result`` works them out."""
        empty, classes = self.empty, self.classes
        try:
            if self.field is not None:
                f, attr, value = self.field, None, getattr(result, self.name)
            elif self.attr is not None:
                f, attr, value = None, self.attr, self.attr(result)
            else:
                f, attr, value = lookup_field(self.name, result, self.model_admin)
        except ObjectDoesNotExist:
            return classes, empty
        empty = getattr(attr, "empty_value_display", empty)
        if isinstance(value, str) and value.strip() == "":
            value = ""
        if f is None or f.auto_created:
            if self.name == "action_checkbox":
                classes = ["action-checkbox"]
            boolean = getattr(attr, "boolean", False)
            if isinstance(attr, property) and hasattr(attr, "fget"):
                boolean = getattr(attr.fget, "boolean", False)
            content = display_for_value(value, empty, boolean)
            if isinstance(value, (datetime.date, datetime.time)):
                classes = [*classes, "nowrap"]
            return classes, content
        if isinstance(f.remote_field, models.ManyToOneRel):
            key = getattr(result, f.attname)
            content = self.related.get(key)
            if content is None:
                related = getattr(result, f.name)
                content = empty if related is None else conditional_escape(related)
                if key is not None:
                    self.related[key] = content
        elif self.choices is not None and isinstance(value, (str, int, type(None))):
            content = self.choices.get(value, empty)
        elif self.icons is not None and value in self.icons:
            content = self.icons[value]
        else:
            content = display_for_field(value, f, empty, avoid_link=self.link)
        if isinstance(f, (models.DateField, models.TimeField, models.ForeignKey)):
            classes = [*classes, "nowrap"]
        return classes, content


def fast_results(cl):
    """Django's ``results(cl)`` for a list without in-place editing, shown outside a pop-up."""
    url_of = _change_url(cl)
    if cl.formset or cl.is_popup or url_of is False:
        yield from results(cl)
        return
    columns, links_left = [], True
    for index, name in enumerate(cl.list_display):
        column = _Column(cl, index, name, links_left)
        column.tag = "th" if column.link and links_left else "td"
        links_left = links_left and not column.link
        columns.append(column)
    for result in cl.result_list:
        cells = []
        for column in columns:
            classes, content = column.cell(result)
            content = conditional_escape(content)  # the content and the address escaped, the tag and classes ours
            if column.link and url_of is not None:
                content = f'<a href="{conditional_escape(url_of(result))}">{content}</a>'
            cells.append(SafeString(f'<{column.tag} class="{" ".join(classes)}">{content}</{column.tag}>'))
        yield ResultList(None, cells)


def result_list(cl):
    """Django's ``result_list`` with ``fast_results``; without forms in the rows, the rows' markup in one piece
    (``rows_markup``), as the template's loop over ``results`` writes it."""
    headers = list(result_headers(cl))
    rows = list(fast_results(cl))
    rows_markup = None
    if not cl.formset:
        rows_markup = SafeString("".join(f"\n\n<tr>{''.join(map(conditional_escape, row))}</tr>\n" for row in rows))
    return {
        "cl": cl,
        "result_hidden_fields": list(result_hidden_fields(cl)),
        "result_headers": headers,
        "num_sorted_fields": sum(1 for header in headers if header["sortable"] and header["sorted"]),
        "results": rows,
        "rows_markup": rows_markup,
    }


@register.tag(name="result_list")
def result_list_tag(parser, token):
    return InclusionAdminNode(
        parser, token, func=result_list, template_name="fast_change_list_results.html", takes_context=False
    )
