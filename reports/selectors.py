"""Reads of the reports app."""

import datetime as dt

from django.db.models import QuerySet
from django.utils import timezone

from cohorts.models import Participant

from .models import Outcome, SurveyInvitation


def participations_of(user) -> QuerySet[Participant]:
    """A person's active participations, any role, any cohort: the ones they may report an outcome for."""
    return Participant.objects.active().filter(user=user).select_related("cohort__program").order_by("joined_at")


def outcomes_of(user) -> QuerySet[Outcome]:
    """A person's outcomes, across their participations, newest first."""
    return Outcome.objects.of_user(user).select_related("participant__cohort__program")


def open_surveys_of(user, now: dt.datetime | None = None) -> list[SurveyInvitation]:
    """A person's surveys still open, oldest first (answered ones too: an answer may be changed until then)."""
    return list(
        SurveyInvitation.objects.of_user(user)
        .filter(closes_at__gt=now or timezone.now())
        .select_related("participant__cohort__program", "response")
        .order_by("sent_at")
    )
