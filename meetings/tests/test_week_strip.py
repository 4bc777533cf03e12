"""The week strip's cells are written by a tag (meetings/templatetags/week_states.py) in the markup the template
loop wrote, kept here as the reference."""

import datetime as dt

import pytest
from django.template import Context, Template
from django.template.loader import render_to_string
from django.utils import translation

from matching.models import Match
from meetings.models import PairPause, ReminderPause
from meetings.periods import WeekState
from meetings.selectors import pair_views, pairs_with_weeks
from meetings.templatetags.week_states import STRIPS
from mentorship.tests.markup import normal

from .factories import PERIOD_START, MeetingLogFactory, pair

pytestmark = pytest.mark.django_db

THE_LOOP = """{% load i18n week_states %}
<ol class="week-strip list-unstyled d-flex flex-wrap gap-1 mb-2" aria-label="{% translate 'Weeks of the mentorship period' %}">
  {% for week in pair.weeks %}
    <li class="week week-{{ week.state }}" title="{{ week.monday|date:'DATE_FORMAT' }}"{% if week.number == pair.current.number %} aria-current="date"{% endif %}>
      <span class="week-number">{{ week.number }}</span>
      <span class="week-state">{{ week|state_words }}</span>
    </li>
  {% endfor %}
</ol>"""  # noqa: E501 (the template as it was)


def week(number: int) -> dt.date:
    return PERIOD_START + dt.timedelta(weeks=number - 1)


def strip_of(match: Match, today: dt.date):
    return pair_views(pairs_with_weeks(Match.objects.filter(pk=match.pk)), today_for=lambda _match: today)[0]


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize("today", [PERIOD_START - dt.timedelta(days=3), week(6) + dt.timedelta(days=2), week(30)])
def test_the_cells_are_the_loops_own(language, today):
    match = pair()
    MeetingLogFactory(match=match, week=week(1))
    MeetingLogFactory(match=match, week=week(2), met=False, not_met_reason="Ill")
    ReminderPause.objects.create(user=match.mentor.user, week=week(4))
    view = strip_of(match, today)
    with translation.override(language):
        ours = render_to_string("meetings/includes/week_strip.html", {"pair": view})
        loop = Template(THE_LOOP).render(Context({"pair": view}))

    assert normal(ours) == normal(loop)
    assert ours.count("<li") == view.period.weeks


def test_this_week_is_marked_and_every_state_is_in_words():
    match = pair()
    MeetingLogFactory(match=match, week=week(1))
    PairPause.objects.create(match=match, ended_at=None)
    view = strip_of(match, week(3) + dt.timedelta(days=1))

    html = render_to_string("meetings/includes/week_strip.html", {"pair": view})

    assert [week.state for week in view.weeks[:3]] == [WeekState.LOGGED, WeekState.PAUSED, WeekState.PAUSED]
    assert html.count('aria-current="date"') == 1
    assert 'aria-current="date"><span class="week-number">3</span>' in html
    assert '<span class="week-state">Met</span>' in html


def test_a_kept_strip_follows_the_weeks_states():
    STRIPS.clear()
    match = pair()
    today = week(3) + dt.timedelta(days=1)
    before = render_to_string("meetings/includes/week_strip.html", {"pair": strip_of(match, today)})
    MeetingLogFactory(match=match, week=week(2))
    after = render_to_string("meetings/includes/week_strip.html", {"pair": strip_of(match, today)})
    with translation.override("fr"):
        french = render_to_string("meetings/includes/week_strip.html", {"pair": strip_of(match, today)})

    assert '<li class="week week-missing" title="March 8, 2027">' in before
    assert '<li class="week week-logged" title="March 8, 2027">' in after
    assert 'title="8 mars 2027"' in french
