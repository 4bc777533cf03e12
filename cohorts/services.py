import datetime as dt

from django.db import transaction

from .models import Cohort, Participant, Role, Session

DEFAULT_SESSION_TIME = dt.time(18, 0)


def sessions_generate(
    *, cohort: Cohort, at: dt.time = DEFAULT_SESSION_TIME, duration_minutes: int = 120
) -> list[Session]:
    """Create the weekly sessions the cohort does not have yet, one a week from the start date, at the
    given local time in the cohort's time zone. Sessions staff already edited are left alone."""
    existing = set(cohort.sessions.values_list("number", flat=True))
    sessions = [
        Session(
            cohort=cohort,
            number=number,
            title_en=f"Week {number}",
            title_fr=f"Semaine {number}",
            starts_at=dt.datetime.combine(cohort.start_date + dt.timedelta(weeks=number - 1), at, tzinfo=cohort.zone),
            duration_minutes=duration_minutes,
        )
        for number in range(1, cohort.weeks + 1)
        if number not in existing
    ]
    return Session.objects.bulk_create(sessions)


def _shifted(moment: dt.datetime, shift: dt.timedelta, zone) -> dt.datetime:
    """The same wall-clock time, ``shift`` later, in the cohort's time zone (across clock changes)."""
    return (moment.astimezone(zone).replace(tzinfo=None) + shift).replace(tzinfo=zone)


@transaction.atomic
def cohort_copy(*, cohort: Cohort, start_date: dt.date, slug: str, name_en: str, name_fr: str = "") -> Cohort:
    """Next year's cohort: the same settings, sessions and application questions, shifted in time."""
    shift = start_date - cohort.start_date
    copy = Cohort.objects.create(
        program=cohort.program,
        slug=slug,
        name_en=name_en,
        name_fr=name_fr,
        start_date=start_date,
        weeks=cohort.weeks,
        mentorship_weeks=cohort.mentorship_weeks,
        reminder_weekday=cohort.reminder_weekday,
        reminder_time=cohort.reminder_time,
        time_zone=cohort.time_zone,
        applications_open_at=_shifted(cohort.applications_open_at, shift, cohort.zone),
        applications_close_at=_shifted(cohort.applications_close_at, shift, cohort.zone),
        mentee_capacity=cohort.mentee_capacity,
        mentor_capacity=cohort.mentor_capacity,
    )
    Session.objects.bulk_create(
        Session(
            cohort=copy,
            number=session.number,
            title_en=session.title_en,
            title_fr=session.title_fr,
            starts_at=_shifted(session.starts_at, shift, cohort.zone),
            duration_minutes=session.duration_minutes,
            place=session.place,
            video_url=session.video_url,
        )
        for session in cohort.sessions.all()
    )
    for question in cohort.questions.all():
        question.pk = None
        question.cohort = copy
        question.save()
    return copy


def next_cohort(cohort: Cohort) -> Cohort | None:
    """The program's next cohort by start date, if staff have created it."""
    return (
        Cohort.objects.filter(program_id=cohort.program_id, start_date__gt=cohort.start_date)
        .order_by("start_date")
        .first()
    )


def participant_join(*, application) -> Participant:
    """Make an accepted application a participant of its cohort (again, if they had withdrawn)."""
    participant, _ = Participant.objects.update_or_create(
        cohort=application.cohort,
        user=application.user,
        role=application.role,
        defaults={
            "status": Participant.Status.ACTIVE,
            "application": application,
            "mentee_capacity": (application.mentee_capacity or 1) if application.role == Role.MENTOR else None,
        },
    )
    return participant


def participant_withdraw(*, application) -> None:
    Participant.objects.filter(application=application).update(status=Participant.Status.WITHDRAWN)
