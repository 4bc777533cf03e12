"""Writes of the reports app: every outcome is added and removed here."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from cohorts.models import Participant

from .models import Outcome

# A second identical outcome within this time is a double submit: the first one is kept.
DUPLICATE_WINDOW = dt.timedelta(minutes=1)


@transaction.atomic
def outcome_add(
    *, participant: Participant, kind: str, happened_on: dt.date, note: str = "", by: User | None
) -> Outcome:
    """Record an outcome; an exact duplicate (participant, kind, date) of the last minute is returned instead."""
    # Lock the participant so that two submits at once cannot both miss each other's row.
    Participant.objects.select_for_update().filter(pk=participant.pk).first()
    recent = (
        Outcome.objects.filter(
            participant=participant,
            kind=kind,
            happened_on=happened_on,
            created_at__gte=timezone.now() - DUPLICATE_WINDOW,
        )
        .order_by("-created_at")
        .first()
    )
    if recent is not None:
        return recent
    return Outcome.objects.create(
        participant=participant, kind=kind, happened_on=happened_on, note=note, reported_by=by
    )


@transaction.atomic
def outcome_delete(*, outcome: Outcome, by: User) -> None:
    """Remove an outcome (its person's own decision, or staff's)."""
    outcome.delete()
