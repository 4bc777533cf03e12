"""The demo's mentorship period: the mentorship-stage cohort's pairs, published, with a few weeks logged."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from cohorts.models import Cohort, Role
from matching.models import Match, MatchRun

from .models import Format, MeetingLog, Topic
from .periods import week_start

NOTES = [
    ("We rehearsed answers to behavioural questions and agreed on two stories to polish.", Format.VIDEO),
    ("We reviewed the CV line by line; next: a one-page version for start-ups.", Format.IN_PERSON),
]


@transaction.atomic
def seed_pairs(slug: str = "early-career-mentorship") -> list[Match]:
    """Publish pairs for the cohort's mentees (two per mentor) and log the weeks already over for all
    but the last pair, which is left two weeks behind so that the board shows a pair at risk."""
    cohort = Cohort.objects.get(slug=slug)
    run = cohort.match_runs.filter(published_at__isnull=False).first()
    if run is None:
        run = MatchRun.objects.create(cohort=cohort, published_at=timezone.now(), quality={"demo": True})
        mentors = list(cohort.participants.filter(role=Role.MENTOR).order_by("pk"))
        mentees = list(cohort.participants.filter(role=Role.MENTEE).order_by("pk"))
        Match.objects.bulk_create(
            Match(run=run, mentor=mentors[index % len(mentors)], mentee=mentee, status=Match.Status.ACTIVE)
            for index, mentee in enumerate(mentees)
        )
    matches = list(run.matches.select_related("mentor__user").order_by("pk"))
    this_week = week_start(timezone.localdate())
    first_week = week_start(cohort.mentorship_starts_on)
    topics = list(Topic.objects.filter(active=True)[:3])
    for match in matches[:-1]:
        week = first_week
        while week < this_week:
            note, meeting_format = NOTES[(match.pk + week.toordinal()) % len(NOTES)]
            log, created = MeetingLog.objects.get_or_create(
                match=match,
                week=week,
                defaults={
                    "met_on": week + dt.timedelta(days=2),
                    "duration_minutes": 45,
                    "format": meeting_format,
                    "shared_notes": note,
                    "logged_by": match.mentor.user,
                },
            )
            if created:
                log.topics.set(topics[: 1 + match.pk % 3])
            week += dt.timedelta(weeks=1)
    return matches
