"""The rounds of a person's speed-networking schedule: one card per round, with their table and tablemates.

Written here rather than by a template loop: the schedule is the page people reload all evening on their phones,
and the loop with its translated sentences and times was half of its time (bench/profile_pages.py). The markup and
the sentences (the same message ids) are the template's, kept as the reference in
events/tests/test_event_rounds.py. Times are written in the time zone active where the tag is used.
"""

from django import template
from django.template.defaultfilters import date as date_filter
from django.template.defaultfilters import time as time_filter
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import template_localtime
from django.utils.translation import gettext

from mentorship.i18n import sentence
from mentorship.templatetags.people import person

register = template.Library()


def _mates(round) -> SafeString:
    return format_html_join(
        "",
        "<li>{}{}</li>",
        (
            (
                person(mate.participant.user),
                format_html(' — <span class="text-body-secondary">{}</span>', mate.intro) if mate.intro else "",
            )
            for mate in round.tablemates
        ),
    )


def _card(round, seated: bool) -> SafeString:
    starts_at = template_localtime(round.starts_at)
    if round.table:
        table = format_html(
            ' — <strong class="fs-5">{}</strong>', sentence(gettext("Table %(table)s"), table=round.table)
        )
        below = format_html('<ul class="list-unstyled mb-0">{}</ul>', _mates(round))
    else:
        table = ""
        below = (
            format_html('<p class="mb-0 text-body-secondary">{}</p>', gettext("You sit out this round: take a break."))
            if seated
            else ""
        )
    return format_html(
        '<li class="card mb-2{}"{}><div class="card-body py-2"><p class="mb-1"><strong>{}</strong> {} · '
        '<time datetime="{}">{}</time>{}</p>{}</div></li>',
        " border-primary border-3 current-round" if round.current else "",
        mark_safe(' aria-current="step"') if round.current else "",
        sentence(gettext("Round %(number)s"), number=round.number),
        format_html('<span class="badge text-bg-primary">{}</span>', gettext("Now")) if round.current else "",
        date_filter(starts_at, "c"),
        time_filter(starts_at, "TIME_FORMAT"),
        table,
        below,
    )


@register.simple_tag
def round_cards(rounds, seated: bool) -> SafeString:
    """One ``<li>`` per round of ``rounds`` (``events.selectors.Round``); ``seated``: the person has any table."""
    return format_html_join("\n", "{}", ((_card(round, seated),) for round in rounds))
