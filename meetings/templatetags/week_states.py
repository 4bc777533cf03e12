"""The words of a week's state in a pair's strip and badge (colour is never the only cue).

A filter rather than an included template: the strip shows one per week of the period (40 for a long pair),
and an include per cell was a tenth of the pair page's time (bench/bench_load.py).
"""

from django import template
from django.utils.translation import gettext_lazy as _

from meetings.periods import WeekState

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
