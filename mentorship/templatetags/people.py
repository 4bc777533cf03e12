"""``{{ user|person }}``: a person's preferred name with their pronouns, as everyone sees it.

A filter rather than an included template: every page names the signed-in person in its navigation, and the
schedule of a speed-networking event names everyone at each table (an include each was a tenth of that page's time;
bench/profile_pages.py).
"""

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

register = template.Library()


@register.filter
def person(user) -> SafeString:
    if user.pronouns:
        return format_html(
            '<span class="person">{} <span class="pronouns text-body-secondary">({})</span></span>',
            user.display_name,
            user.pronouns,
        )
    return format_html('<span class="person">{}</span>', user.display_name)
