"""The rounds of a person's event schedule are written by a tag (events/templatetags/event_rounds.py) in the markup,
and with the sentences, that the template loop wrote, kept here as the reference."""

import datetime as dt

import pytest
import time_machine
from django.template import Context, Template
from django.utils import translation

from events import selectors, services
from events.models import Attendance, Seat
from mentorship.tests.markup import normal

from .factories import EventFactory, mentees, mentors

pytestmark = pytest.mark.django_db

THE_LOOP = """{% load i18n tz people %}{% timezone zone %}
{% for round in rounds %}
  <li class="card mb-2{% if round.current %} border-primary border-3 current-round{% endif %}"{% if round.current %} aria-current="step"{% endif %}>
    <div class="card-body py-2">
      <p class="mb-1">
        <strong>{% blocktranslate with number=round.number %}Round {{ number }}{% endblocktranslate %}</strong>
        {% if round.current %}<span class="badge text-bg-primary">{% translate "Now" %}</span>{% endif %}
        · <time datetime="{{ round.starts_at|date:'c' }}">{{ round.starts_at|time:"TIME_FORMAT" }}</time>
        {% if round.table %} — <strong class="fs-5">{% blocktranslate with table=round.table %}Table {{ table }}{% endblocktranslate %}</strong>{% endif %}
      </p>
      {% if round.table %}
        <ul class="list-unstyled mb-0">
          {% for mate in round.tablemates %}
            <li>{{ mate.participant.user|person }}{% if mate.intro %} — <span class="text-body-secondary">{{ mate.intro }}</span>{% endif %}</li>
          {% endfor %}
        </ul>
      {% elif seated %}
        <p class="mb-0 text-body-secondary">{% translate "You sit out this round: take a break." %}</p>
      {% endif %}
    </div>
  </li>
{% endfor %}
{% endtimezone %}"""  # noqa: E501 (the template as it was)

OURS = "{% load tz event_rounds %}{% timezone zone %}{% round_cards rounds seated %}{% endtimezone %}"


def render(source: str, rounds, seated: bool, zone: str) -> str:
    return normal(Template(source).render(Context({"rounds": rounds, "seated": seated, "zone": zone})))


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize("zone", ["America/Toronto", "Europe/Paris"])
def test_the_rounds_are_the_loops_own(language, zone):
    event = EventFactory(rounds=4, tables=2)
    mentors(event, 2)
    mentees(event, 5)  # more people than seats: someone sits a round out
    services.schedule_write(event=event)
    Attendance.objects.filter(event=event).update(intro="Data engineer & <b>baker</b>")
    people = [attendance.participant for attendance in Attendance.objects.filter(event=event)]
    assert Seat.objects.filter(event=event).exists()  # (the schedule was written)

    with time_machine.travel(event.round_starts_at(2) + dt.timedelta(minutes=1), tick=False):
        for participant in people:
            rounds = selectors.personal_schedule(event, participant)
            seated = any(round.table for round in rounds)
            with translation.override(language):
                ours, loop = render(OURS, rounds, seated, zone), render(THE_LOOP, rounds, seated, zone)
            assert ours == loop
            assert ours.count('aria-current="step"') == 1
            assert ours.count('<li class="card') == 4
            assert ("&lt;b&gt;baker&lt;/b&gt;" in ours) is seated


def test_someone_without_a_table_sees_only_the_rounds():
    event = EventFactory(rounds=2, tables=1)
    participant = mentees(event, 1)[0].participant
    rounds = selectors.personal_schedule(event, participant)

    ours = render(OURS, rounds, False, "America/Toronto")

    assert ours == render(THE_LOOP, rounds, False, "America/Toronto")
    assert "take a break" not in ours
