"""The demo's speed-networking event: under way now, everyone checked in, the schedule written."""

import datetime as dt

from django.utils import timezone

from cohorts.models import Cohort

from . import services
from .models import Attendance, Event


def seed_event() -> Event:
    cohort = Cohort.objects.get(slug="early-career-mentorship")
    starts = timezone.now().replace(second=0, microsecond=0) - dt.timedelta(minutes=10)
    event, _created = Event.objects.update_or_create(
        cohort=cohort,
        defaults={
            "starts_at": starts,
            "started_at": None,
            "place": "Notman House, Montréal",
            "rounds": 5,
            "round_minutes": 7,
            "break_minutes": 2,
            "tables": 4,
            "seats_per_table": 2,
            "ratings_close_at": starts + dt.timedelta(days=7),
        },
    )
    Attendance.objects.bulk_create(
        [Attendance(event=event, participant=participant, rsvp="yes") for participant in cohort.participants.all()],
        ignore_conflicts=True,
    )
    event.attendances.update(checked_in_at=starts, invited_at=starts)
    event.attendances.filter(intro="").update(intro="Happy to talk about careers in tech")
    services.schedule_write(event=event, from_round=1)
    return event
