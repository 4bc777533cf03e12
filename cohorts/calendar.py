"""Calendar invites: an .ics feed of a participant's weekly sessions (RFC 5545, via icalendar)."""

from django.core import signing
from django.utils.translation import gettext
from icalendar import Calendar, Event

from mentorship.email import absolute_url

from .models import Participant

FEED_SALT = "cohorts.calendar-feed"


def feed_token(participant: Participant) -> str:
    """A secret, stable address a calendar app can subscribe to without signing in."""
    return signing.dumps(participant.pk, salt=FEED_SALT, compress=True)


def participant_from_token(token: str) -> int | None:
    try:
        return signing.loads(token, salt=FEED_SALT)
    except signing.BadSignature:
        return None


def sessions_calendar(participant: Participant) -> bytes:
    cohort = participant.cohort
    calendar = Calendar()
    calendar.add("prodid", "-//Mentorship programs//Cohort sessions//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", str(cohort))
    calendar.add("x-wr-timezone", cohort.time_zone)
    for session in cohort.sessions.all():
        event = Event()
        event.add("uid", f"session-{session.pk}@mentorship")
        event.add("summary", f"{cohort.name}: {session.title}")
        event.add("dtstart", session.starts_at)
        event.add("dtend", session.ends_at)
        event.add("dtstamp", session.starts_at)
        location = ", ".join(part for part in (session.place, session.video_url) if part)
        if location:
            event.add("location", location)
        if session.video_url:
            event.add("url", session.video_url)
        event.add("description", absolute_url(cohort.get_absolute_url()))
        calendar.add_component(event)
    for event in cohort.events.all():
        invite = Event()
        invite.add("uid", f"speed-networking-{event.pk}@mentorship")
        invite.add("summary", f"{cohort.name}: {gettext('Speed networking')}")
        invite.add("dtstart", event.starts_at)
        invite.add("dtend", event.ends_at)
        invite.add("dtstamp", event.starts_at)
        location = ", ".join(part for part in (event.place, event.video_url) if part)
        if location:
            invite.add("location", location)
        invite.add("description", absolute_url(event.get_absolute_url()))
        calendar.add_component(invite)
    return calendar.to_ical()
