"""The words of a week's state in a pair's strip and badge (colour is never the only cue), and the strip's cells.

A filter rather than an included template: the strip shows one per week of the period (40 for a long pair),
and an include per cell was a tenth of the pair page's time (bench/bench_load.py). The cells themselves are
written by ``week_cells``: the template loop over 40 weeks was still a tenth of it (bench/profile_pages.py).
"""

from django import template
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from meetings.periods import WeekState
from mentorship.i18n import long_day
from mentorship.kept_markup import Kept, digest

register = template.Library()

WORDS = {
    WeekState.LOGGED: _("Met"),
    WeekState.NOT_MET: _("Did not meet"),
    WeekState.MISSING: _("No log"),
    WeekState.CURRENT: _("This week"),
    WeekState.PAUSED: _("Paused"),
    WeekState.ENDED: _("Ended"),
    WeekState.UPCOMING: _("Upcoming"),
}


@register.filter
def state_words(week) -> str:
    return str(WORDS[week.state])


CURRENT = mark_safe(' aria-current="date"')
STRIPS = Kept(1024)  # some 4 kB a strip of 12 weeks


@register.simple_tag
def week_cells(pair) -> str:
    """One ``<li>`` per week of ``pair`` (a ``PairView``): its state as a class and in words, its Monday as the
    title, and ``aria-current`` on this week. Kept once drawn: the same weeks in the same states are the same cells
    (a person's home page draws a strip for each of their pairs at each visit)."""
    current = pair.current.number if pair.current else None
    weeks = [(week.state, week.monday, week.number) for week in pair.weeks]
    return mark_safe(STRIPS.get_or_draw(digest(current, weeks), lambda: _cells(weeks, current)))  # noqa: S308 (drawn by _cells)


def _cells(weeks, current) -> str:
    return format_html_join(
        "\n",
        '<li class="week week-{}" title="{}"{}><span class="week-number">{}</span>'
        '<span class="week-state">{}</span></li>',
        (
            (state, long_day(monday), CURRENT if number == current else "", number, WORDS[state])
            for state, monday, number in weeks
        ),
    )
