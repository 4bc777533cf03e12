"""Reads of the reports app."""

from django.db.models import QuerySet

from cohorts.models import Participant

from .models import Outcome


def participations_of(user) -> QuerySet[Participant]:
    """A person's active participations, any role, any cohort: the ones they may report an outcome for."""
    return Participant.objects.active().filter(user=user).select_related("cohort__program").order_by("joined_at")


def outcomes_of(user) -> QuerySet[Outcome]:
    """A person's outcomes, across their participations, newest first."""
    return Outcome.objects.of_user(user).select_related("participant__cohort__program")
