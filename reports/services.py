"""Writes of the reports app: outcomes added and removed, survey answers saved."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from applications.models import ConfidenceStatement
from cohorts.models import Participant

from .models import Outcome, SurveyInvitation, SurveyRating, SurveyResponse

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


class SurveyClosed(ValidationError):
    """The survey has closed: its answers can no longer be given or changed."""


@transaction.atomic
def survey_answer(
    *,
    invitation: SurveyInvitation,
    recommend: int,
    helped: str = "",
    change: str = "",
    confidence: dict[ConfidenceStatement, int | None],
    now: dt.datetime | None = None,
) -> SurveyResponse:
    """Save a person's answers to a survey; a second submission replaces the first while the survey is open.

    The invitation is locked first: two submissions at once are saved one after the other, the last one
    kept whole (never a mix of both).
    """
    now = now or timezone.now()
    invitation = SurveyInvitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_open(now):
        raise SurveyClosed(_("This survey has closed: its answers can no longer be changed."), code="closed")
    response, _created = SurveyResponse.objects.update_or_create(
        invitation=invitation,
        defaults={"recommend": recommend, "helped": helped, "change": change, "updated_at": now},
        create_defaults={
            "recommend": recommend,
            "helped": helped,
            "change": change,
            "submitted_at": now,
            "updated_at": now,
        },
    )
    rated = {statement.pk: rating for statement, rating in confidence.items() if rating}
    response.ratings.exclude(statement_id__in=rated).delete()
    for statement_id, rating in rated.items():
        SurveyRating.objects.update_or_create(response=response, statement_id=statement_id, defaults={"rating": rating})
    return response
