"""A pair's history cards are written by a tag (meetings/templatetags/pair_history.py) in the markup, and with the
sentences, that the template loop wrote, kept here as the reference."""

import datetime as dt
import re

import pytest
import time_machine
from django.template import RequestContext, Template
from django.test import RequestFactory
from django.utils import timezone, translation

from matching.models import Match
from meetings.models import MeetingLog, MenteeResponse, Topic
from meetings.selectors import pair_views, pairs_with_weeks
from meetings.templatetags.pair_history import CARDS
from mentorship.tests.markup import normal

from .factories import PERIOD_START, MeetingLogFactory, pair

pytestmark = pytest.mark.django_db

THE_LOOP = """{% load i18n %}
{% for log in pair.logs %}
  <article class="card mb-2 meeting-log" id="log-{{ log.pk }}">
    <div class="card-body">
      <h3 class="h6">
        {% blocktranslate with day=log.week|date:"DATE_FORMAT" %}Week of {{ day }}{% endblocktranslate %}:
        {% if log.met %}
          {% blocktranslate count minutes=log.duration_minutes with day=log.met_on|date:"DATE_FORMAT" format=log.get_format_display|lower %}met on {{ day }}, {{ minutes }} minute, {{ format }}{% plural %}met on {{ day }}, {{ minutes }} minutes, {{ format }}{% endblocktranslate %}
        {% else %}
          {% translate "did not meet" %}
        {% endif %}
      </h3>
      {% if log.met and log.topics.all %}
        <p class="mb-1">{% translate "Topics:" %} {% for topic in log.topics.all %}{{ topic.name }}{% if not forloop.last %}, {% endif %}{% endfor %}</p>
      {% endif %}
      {% if log.shared_notes %}<p class="mb-1">{{ log.shared_notes|linebreaksbr }}</p>{% endif %}
      {% if not log.met %}<p class="mb-1">{{ log.not_met_reason|linebreaksbr }}</p>{% endif %}
      {% if is_mentor and log.private_note %}
        <p class="mb-1 text-body-secondary"><strong>{% translate "Private note for staff:" %}</strong> {{ log.private_note|linebreaksbr }}</p>
      {% endif %}

      {% if log.met %}
        {% if log.mentee_response == "confirmed" %}
          <p class="mb-0"><span class="badge text-bg-success">{% translate "Confirmed by the mentee" %}</span></p>
        {% elif log.mentee_response == "disputed" %}
          <p class="mb-0"><span class="badge text-bg-warning">{% translate "The mentee says it did not happen" %}</span></p>
        {% elif is_mentor %}
          <p class="mb-0 text-body-secondary">{% translate "Waiting for your mentee to confirm." %}</p>
        {% endif %}
        {% if not is_mentor and not log.mentee_response %}
          <form method="post" action="{% url 'meetings:log_respond' log.pk %}" class="mt-2 d-flex flex-wrap gap-2 align-items-end">
            {% csrf_token %}
            <div>
              <label class="form-label small" for="comment-{{ log.pk }}">{% translate "Comment for the staff (optional)" %}</label>
              <input class="form-control form-control-sm" id="comment-{{ log.pk }}" name="comment" maxlength="500">
            </div>
            <button type="submit" name="response" value="{{ responses.CONFIRMED }}" class="btn btn-success btn-sm">{% translate "Yes, we met" %}</button>
            <button type="submit" name="response" value="{{ responses.DISPUTED }}" class="btn btn-outline-danger btn-sm">{% translate "This did not happen" %}</button>
          </form>
        {% endif %}
      {% endif %}
      {% if is_mentor and log.editable %}
        <p class="mb-0 mt-2"><a href="{% url 'meetings:log_edit' log.pk %}">{% translate "Change this log" %}</a></p>
      {% endif %}
    </div>
  </article>
{% empty %}
  <p class="text-body-secondary">{% translate "No meeting logged yet." %}</p>
{% endfor %}
"""  # noqa: E501 (the template as it was)

OURS = "{% load pair_history %}{% history_cards pair is_mentor %}"
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


def week(number: int) -> dt.date:
    return PERIOD_START + dt.timedelta(weeks=number - 1)


def render(source: str, match: Match, is_mentor: bool) -> str:
    view = pair_views(pairs_with_weeks(Match.objects.filter(pk=match.pk)), today_for=lambda _match: week(8))[0]
    request = RequestFactory().get("/")
    context = {"pair": view, "is_mentor": is_mentor, "responses": MenteeResponse}  # as the page had it
    html = Template(source).render(RequestContext(request, context))
    return normal(TOKEN.sub('name="csrfmiddlewaretoken" value="…"', html))


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize("is_mentor", [True, False])
def test_the_cards_are_the_loops_own(language, is_mentor):
    match = pair()
    interview = Topic.objects.create(name_en="Interviews <prep>", name_fr="Entretiens <prép>")
    cv = Topic.objects.create(name_en="CV", name_fr="CV")
    first = MeetingLogFactory(
        match=match, week=week(1), shared_notes="Line one\nLine <two> & more", private_note="Tired & busy"
    )
    first.topics.set([interview, cv])
    MeetingLogFactory(match=match, week=week(2), met=False, not_met_reason="Ill\nagain", shared_notes="")
    MeetingLogFactory(match=match, week=week(3), duration_minutes=1, mentee_response=MenteeResponse.CONFIRMED)
    MeetingLogFactory(match=match, week=week(4), mentee_response=MenteeResponse.DISPUTED, format="in_person")
    MeetingLogFactory(match=match, week=week(5), created_at=timezone.now() - dt.timedelta(days=400))
    with translation.override(language):
        ours, loop = render(OURS, match, is_mentor), render(THE_LOOP, match, is_mentor)

    assert ours == loop
    assert ours.count("<article") == 5
    assert "Line &lt;two&gt; &amp; more" in ours
    assert ("Tired &amp; busy" in ours) is is_mentor  # the private note is the mentor's and the staff's
    assert ours.count("csrfmiddlewaretoken") == (0 if is_mentor else 2)  # the mentee answers the logs left open


def test_no_log_yet_says_so():
    match = pair()
    assert render(OURS, match, True) == render(THE_LOOP, match, True)
    assert "No meeting logged yet." in render(OURS, match, True)
    assert not MeetingLog.objects.exists()


def test_a_kept_card_never_shows_an_old_state_of_its_log():
    CARDS.clear()
    match = pair()
    log = MeetingLogFactory(match=match, week=week(1), shared_notes="First notes")
    topic = Topic.objects.create(name_en="Networking", name_fr="Réseautage")
    seen = [render(OURS, match, True)]

    MeetingLog.objects.filter(pk=log.pk).update(shared_notes="Better notes")
    seen.append(render(OURS, match, True))
    MeetingLog.objects.filter(pk=log.pk).update(mentee_response=MenteeResponse.CONFIRMED)
    seen.append(render(OURS, match, True))
    log.topics.set([topic])
    seen.append(render(OURS, match, True))
    with translation.override("fr"):
        seen.append(render(OURS, match, True))
    with time_machine.travel(timezone.now() + dt.timedelta(days=30)):
        seen.append(render(OURS, match, True))
    first, notes, confirmed, topics, french, later = seen

    assert "First notes" in first and "Change this log" in first
    assert "Better notes" in notes and "Waiting for your mentee to confirm." in notes
    assert "Confirmed by the mentee" in confirmed and "Networking" not in confirmed
    assert "Networking" in topics
    assert "Réseautage" in french
    assert "Change this log" not in later  # a log can be changed for 14 days
    assert topics == render(THE_LOOP, match, True)
