"""The programs and cohorts of the demo: one cohort in each stage, relative to today."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from accounts.demo import DemoPerson
from applications.models import Application, ApplicationEvent, ConfidenceRating, ConfidenceStatement
from applications.question_bank import questions_add_defaults

from .models import Cohort, Participant, Program, Role, Track
from .services import sessions_generate

PROGRAMS = [
    ("early-career", Track.EARLY_CAREER, "Early-career program", "Programme début de carrière",
     "A 10-week cohort that builds career skills and confidence and helps you land your first job in tech.",
     "Une cohorte de 10 semaines pour développer vos compétences professionnelles et votre confiance, "
     "et décrocher votre premier emploi en technologie."),
    ("leadership", Track.LEADERSHIP, "Leadership program", "Programme leadership",
     "A 10-week cohort for mid-career people moving up, or founding a company.",
     "Une cohorte de 10 semaines pour les personnes en milieu de carrière qui visent plus haut "
     "ou fondent une entreprise."),
]  # fmt: skip

# (slug, program, English name, French name, days from today to the start, days from today to the opening)
COHORTS = [
    ("early-career-open", "early-career", "Spring cohort", "Cohorte du printemps", 45, -10),
    ("early-career-mentorship", "early-career", "Winter cohort", "Cohorte d’hiver", -84, -140),
    ("early-career-past", "early-career", "Last year's cohort", "Cohorte de l’an dernier", -300, -360),
    ("leadership-review", "leadership", "Spring cohort", "Cohorte du printemps", 14, -40),
    ("leadership-sessions", "leadership", "Winter cohort", "Cohorte d’hiver", -21, -80),
    ("leadership-upcoming", "leadership", "Fall cohort", "Cohorte d’automne", 120, 30),
]


@transaction.atomic
def seed_cohorts(people: list[DemoPerson]) -> list[Cohort]:
    programs = {}
    for slug, track, name_en, name_fr, description_en, description_fr in PROGRAMS:
        programs[slug], _ = Program.objects.update_or_create(
            slug=slug,
            defaults={
                "track": track,
                "name_en": name_en,
                "name_fr": name_fr,
                "description_en": description_en,
                "description_fr": description_fr,
            },
        )
    now = timezone.now()
    today = timezone.localdate()
    cohorts = []
    for slug, program, name_en, name_fr, start_in, open_in in COHORTS:
        opens = now + dt.timedelta(days=open_in)
        cohort, _ = Cohort.objects.update_or_create(
            slug=slug,
            defaults={
                "program": programs[program],
                "name_en": name_en,
                "name_fr": name_fr,
                "start_date": today + dt.timedelta(days=start_in),
                "applications_open_at": opens,
                "applications_close_at": opens + dt.timedelta(days=30),
            },
        )
        sessions_generate(cohort=cohort)
        questions_add_defaults(cohort=cohort)
        cohorts.append(cohort)
    _seed_people_in(Cohort.objects.get(slug="early-career-mentorship"), people, status=Application.Status.ACCEPTED)
    _seed_people_in(Cohort.objects.get(slug="early-career-open"), people[-3:], status=Application.Status.SUBMITTED)
    return cohorts


def _seed_people_in(cohort: Cohort, people: list[DemoPerson], *, status: str) -> None:
    statements = list(ConfidenceStatement.objects.filter(active=True))
    for person in people:
        if person.role not in Role.values:
            continue
        application, created = Application.objects.get_or_create(
            cohort=cohort,
            user=person.user,
            role=person.role,
            defaults={
                "status": status,
                "time_zone": person.user.time_zone,
                "availability": ["weekday_evening", "weekend_morning"],
                "mentee_capacity": 2 if person.role == Role.MENTOR else None,
                "submitted_at": timezone.now(),
            },
        )
        if not created:
            continue
        ApplicationEvent.objects.create(application=application, kind=ApplicationEvent.Kind.SUBMITTED)
        ConfidenceRating.objects.bulk_create(
            ConfidenceRating(application=application, statement=statement, rating=1 + (index + person.user.pk) % 5)
            for index, statement in enumerate(statements)
        )
        if status == Application.Status.ACCEPTED:
            ApplicationEvent.objects.create(
                application=application, kind=ApplicationEvent.Kind.ACCEPTED, email_sent_at=timezone.now()
            )
            Participant.objects.get_or_create(
                cohort=cohort,
                user=person.user,
                role=person.role,
                defaults={"application": application, "mentee_capacity": application.mentee_capacity},
            )
