"""The demo's surveys, outcomes and self-identification answers, so that the cohort report has something
to show: the mentorship-stage cohort's end-of-program survey went out in its week 10 and most answered."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from applications.models import ConfidenceRating, SelfIdentification
from cohorts.models import Cohort, Role

from .models import Outcome, SurveyInvitation, SurveyRating, SurveyResponse
from .surveys import OPEN_FOR, program_survey_moment

# Fictional answers, given in turn to the demo's people (small groups: the report hides most of them).
IDENTITIES = [
    {"gender": ["woman"], "trans": "no", "racialized": ["black"], "newcomer": "yes"},
    {"gender": ["non_binary"], "trans": "yes", "lgbtq": "yes", "racialized": ["south_asian"]},
    {"gender": ["woman"], "trans": "no", "lgbtq": "prefer_not_to_say", "racialized": ["east_asian"]},
    {"gender": ["man"], "trans": "no", "racialized": ["latin_american"], "disability": "yes"},
    {"gender": ["woman"], "trans": "prefer_not_to_say", "racialized": ["white"], "newcomer": "no"},
]
HELPED = ["The mock interviews.", "Having someone to ask the questions I was shy to ask.", "The CV review."]
OUTCOMES = [Outcome.Kind.INTERVIEW, Outcome.Kind.OFFER, Outcome.Kind.INTERVIEW, Outcome.Kind.SPOKE_AT_EVENT]


@transaction.atomic
def seed_reports(slug: str = "early-career-mentorship") -> int:
    """Returns how many people answered the survey (nothing is added twice)."""
    cohort = Cohort.objects.get(slug=slug)
    participants = list(cohort.participants.select_related("application", "user").order_by("pk"))
    sent = program_survey_moment(cohort)
    now = timezone.now()
    answered = 0
    for index, participant in enumerate(participants):
        if participant.application and not SelfIdentification.objects.filter(application=participant.application):
            SelfIdentification.objects.create(
                application=participant.application, answers=IDENTITIES[index % len(IDENTITIES)], consented_at=now
            )
        if sent > now:
            continue
        invitation, created = SurveyInvitation.objects.get_or_create(
            participant=participant,
            kind=SurveyInvitation.Kind.END_OF_PROGRAM,
            defaults={"sent_at": sent, "closes_at": sent + OPEN_FOR},
        )
        if created and index % 6 != 5:  # one in six has not answered
            response = SurveyResponse.objects.create(
                invitation=invitation,
                recommend=7 + index % 4,
                helped=HELPED[index % len(HELPED)],
                submitted_at=sent + dt.timedelta(days=1 + index % 5),
                updated_at=sent + dt.timedelta(days=1 + index % 5),
            )
            SurveyRating.objects.bulk_create(
                SurveyRating(
                    response=response, statement_id=rating.statement_id, rating=min(5, rating.rating + index % 3)
                )
                for rating in ConfidenceRating.objects.filter(application=participant.application)
            )
        answered += SurveyResponse.objects.filter(invitation=invitation).count()
        if participant.role == Role.MENTEE and index < len(OUTCOMES) and not participant.outcomes.exists():
            Outcome.objects.create(
                participant=participant,
                kind=OUTCOMES[index],
                happened_on=timezone.localdate() - dt.timedelta(days=3 + 5 * index),
                reported_by=participant.user,
            )
        if participant.role == Role.MENTOR and participant.application and participant.application.wants_stipend:
            participant.stipend_granted = True
            participant.save(update_fields=["stipend_granted"])
    return answered
