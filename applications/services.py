"""Every change to an application goes through these functions; each writes the history row."""

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal
from functools import partial

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.debug import sensitive_variables

from accounts.models import User
from cohorts import services as cohort_services
from cohorts.models import Cohort, Participant, Role

from .models import (
    Answer,
    Application,
    ApplicationEvent,
    ConfidenceRating,
    ConfidenceStatement,
    Question,
    Review,
    RubricCriterion,
    SelfIdentification,
)

Status = Application.Status
DECISIONS = (Status.ACCEPTED, Status.WAITLISTED, Status.DECLINED)
DECIDABLE = (Status.SUBMITTED, Status.ACCEPTED, Status.WAITLISTED, Status.DECLINED)


class ApplicationError(ValidationError):
    """A rule of the program refused the change; the message is for the person, in their language."""


def _record(application: Application, kind: str, by: User | None) -> ApplicationEvent:
    return ApplicationEvent.objects.create(application=application, kind=kind, actor=by)


def _ensure_window_open(cohort: Cohort) -> None:
    if not cohort.is_accepting_applications():
        raise ApplicationError(_("Applications to this cohort are closed: nothing was saved."))


def _ensure_changeable(application: Application) -> None:
    _ensure_window_open(application.cohort)
    if application.status not in (Status.DRAFT, Status.SUBMITTED):
        raise ApplicationError(_("This application can no longer be changed."))


def _is_alumni(*, cohort: Cohort, user: User) -> bool:
    return Participant.objects.filter(
        user=user,
        role=Role.MENTEE,
        cohort__program_id=cohort.program_id,
        cohort__start_date__lt=cohort.start_date,
        status=Participant.Status.ACTIVE,
    ).exists()


@transaction.atomic
def application_start(*, cohort: Cohort, user: User, role: str) -> Application:
    """The person's application for this cohort and role: the existing one, or a new draft."""
    existing = Application.objects.filter(cohort=cohort, user=user, role=role).first()
    if existing:
        return existing
    _ensure_window_open(cohort)
    application, created = Application.objects.get_or_create(
        cohort=cohort,
        user=user,
        role=role,
        defaults={
            "time_zone": user.time_zone,
            "is_alumni": role == Role.MENTOR and _is_alumni(cohort=cohort, user=user),
        },
    )
    if created:
        _record(application, ApplicationEvent.Kind.CREATED, user)
    return application


@transaction.atomic
def application_save(*, application: Application, by: User, data: dict) -> Application:
    """Save the answers of the application form (a draft may be incomplete).

    ``data`` holds the cleaned form: the fields of Application, ``answers`` {Question: value} and
    ``confidence`` {ConfidenceStatement: 1-5}.
    """
    application = Application.objects.select_for_update().select_related("cohort").get(pk=application.pk)
    _ensure_changeable(application)
    for field in ("time_zone", "availability", "outreach_channel", "wants_stipend"):
        setattr(application, field, data[field])
    application.mentee_capacity = data.get("mentee_capacity") if application.role == Role.MENTOR else None
    application.save(
        update_fields=[
            "time_zone",
            "availability",
            "outreach_channel",
            "wants_stipend",
            "mentee_capacity",
            "updated_at",
        ]
    )
    application.goals.set(data["goals"])
    application.skills.set(data["skills"])
    application.industries.set(data["industries"])
    _save_answers(application, data["answers"])
    _save_confidence(application, data["confidence"])
    if application.status == Status.SUBMITTED:
        _record(application, ApplicationEvent.Kind.EDITED, by)
    return application


@transaction.atomic
def application_create(*, cohort: Cohort, user: User, role: str, data: dict) -> Application:
    """Start (or find) the person's application and save the form; a double click finds the first one."""
    application = application_start(cohort=cohort, user=user, role=role)
    return application_save(application=application, by=user, data=data)


def _save_answers(application: Application, answers: dict[Question, object]) -> None:
    for question, value in answers.items():
        if question.cohort_id != application.cohort_id or question.role != application.role:
            continue  # only this form's questions: ids of another cohort's questions are ignored
        if value in ("", None, []):
            Answer.objects.filter(application=application, question=question).delete()
        else:
            Answer.objects.update_or_create(application=application, question=question, defaults={"value": value})


def _save_confidence(application: Application, ratings: dict[ConfidenceStatement, int | None]) -> None:
    for statement, rating in ratings.items():
        if rating:
            ConfidenceRating.objects.update_or_create(
                application=application, statement=statement, defaults={"rating": rating}
            )
        else:
            ConfidenceRating.objects.filter(application=application, statement=statement).delete()


def missing_for_submission(application: Application) -> list[str]:
    """What the person still has to fill in before submitting, in words they understand."""
    missing = []
    answered = set(application.answers.values_list("question_id", flat=True))
    for question in application.cohort.questions.filter(role=application.role, required=True):
        if question.pk not in answered:
            missing.append(question.text)
    rated = set(application.confidence_ratings.values_list("statement_id", flat=True))
    if ConfidenceStatement.objects.filter(active=True).exclude(pk__in=rated).exists():
        missing.append(_("Every confidence statement"))
    if not application.availability:
        missing.append(_("Your weekly availability"))
    if application.role == Role.MENTOR and not application.mentee_capacity:
        missing.append(_("How many mentees you can take"))
    return missing


@transaction.atomic
def application_submit(*, application: Application, by: User) -> Application:
    """Submit once; submitting again (a double click) changes nothing."""
    application = Application.objects.select_for_update().select_related("cohort").get(pk=application.pk)
    if application.status == Status.SUBMITTED:
        return application
    _ensure_changeable(application)
    missing = missing_for_submission(application)
    if missing:
        # Translators: the separator between the items still missing in an application.
        separator = _("; ")
        raise ApplicationError(_("Please complete: %(missing)s.") % {"missing": separator.join(missing)})
    application.status = Status.SUBMITTED
    application.submitted_at = timezone.now()
    application.save(update_fields=["status", "submitted_at", "updated_at"])
    _record(application, ApplicationEvent.Kind.SUBMITTED, by)
    return application


@transaction.atomic
def application_withdraw(*, application: Application, by: User) -> Application:
    application = Application.objects.select_for_update().get(pk=application.pk)
    if application.status == Status.WITHDRAWN:
        return application
    if application.status == Status.DECLINED:
        raise ApplicationError(_("A declined application cannot be withdrawn."))
    application.status = Status.WITHDRAWN
    application.save(update_fields=["status", "updated_at"])
    cohort_services.participant_withdraw(application=application)
    _record(application, ApplicationEvent.Kind.WITHDRAWN, by)
    return application


@sensitive_variables()  # an error report shows none of this function's variables (the answers)
@transaction.atomic
def self_identification_save(
    *, application: Application, answers: dict[str, object], consent: bool, share_with_match: bool
) -> SelfIdentification | None:
    """Keep the answers only with consent; no answers at all removes what was there."""
    application = Application.objects.select_for_update().select_related("cohort").get(pk=application.pk)
    _ensure_changeable(application)
    answers = {key: value for key, value in answers.items() if value not in ("", None, [])}
    if not answers:
        SelfIdentification.objects.filter(application=application).delete()
        return None
    if not consent:
        raise ApplicationError(_("Tick the consent box to save these answers, or leave them all blank."))
    identity, _created = SelfIdentification.objects.update_or_create(
        application=application,
        defaults={"answers": answers, "share_with_match": share_with_match, "consented_at": timezone.now()},
    )
    return identity


def _accepted_count(cohort: Cohort, role: str) -> int:
    return Application.objects.filter(cohort=cohort, role=role, status=Status.ACCEPTED).count()


@transaction.atomic
def application_decide(*, application: Application, decision: str, by: User) -> Application:
    """Record a staff decision and email the applicant once. Repeating a decision changes nothing."""
    from .tasks import send_decision_email

    application = Application.objects.select_for_update().select_related("cohort", "user").get(pk=application.pk)
    if application.status == decision:
        return application
    if decision not in DECISIONS or application.status not in DECIDABLE:
        raise ApplicationError(
            _("%(person)s's application is %(status)s: it cannot be decided.")
            % {"person": application.user, "status": application.get_status_display().lower()}
        )
    if decision == Status.ACCEPTED:
        Cohort.objects.select_for_update().get(pk=application.cohort_id)  # one acceptance at a time per cohort
        capacity = application.cohort.capacity(application.role)
        if _accepted_count(application.cohort, application.role) >= capacity:
            raise ApplicationError(
                ngettext(
                    "The only place for a %(role)s is taken: %(person)s was not accepted.",
                    "All %(capacity)s places for %(role)s are taken: %(person)s was not accepted.",
                    capacity,
                )
                % {"capacity": capacity, "role": application.get_role_display().lower(), "person": application.user}
            )
        cohort_services.participant_join(application=application)
    elif application.status == Status.ACCEPTED:
        cohort_services.participant_withdraw(application=application)
    application.status = decision
    application.decided_at = timezone.now()
    application.save(update_fields=["status", "decided_at", "updated_at"])
    event = _record(application, decision, by)
    transaction.on_commit(partial(send_decision_email.delay, event_id=event.pk))
    return application


def applications_decide(*, applications: Iterable[Application], decision: str, by: User) -> tuple[int, list[str]]:
    """A bulk decision: each application on its own, so one refusal does not undo the others.

    Returns how many changed and the messages of those refused."""
    changed, refusals = 0, []
    for application in applications:
        before = application.status
        try:
            after = application_decide(application=application, decision=decision, by=by)
        except ApplicationError as error:
            refusals.extend(error.messages)
            continue
        changed += after.status != before
    return changed, refusals


def decision_summary(changed: int, decision: str) -> str:
    label = dict(Status.choices)[decision].lower()
    return ngettext(
        "%(count)d application is now %(status)s; its applicant is being emailed.",
        "%(count)d applications are now %(status)s; their applicants are being emailed.",
        changed,
    ) % {"count": changed, "status": label}


def review_save(*, application: Application, reviewer: User, scores: dict[int, int], notes: str) -> Review:
    """A reviewer's scores (criterion id -> 1-5) on the active criteria of the application's role; scores on
    criteria no longer offered are kept. The mean is stored for sorting the list."""
    valid = set(
        RubricCriterion.objects.filter(active=True)
        .filter(Q(role="") | Q(role=application.role))
        .values_list("pk", flat=True)
    )
    previous = Review.objects.filter(application=application, reviewer=reviewer).values_list("scores", flat=True)
    kept = {key: value for key, value in (previous.first() or {}).items() if int(key) not in valid}
    given = {str(criterion): int(score) for criterion, score in scores.items() if score and int(criterion) in valid}
    if any(not 1 <= score <= 5 for score in given.values()):
        raise ApplicationError(_("Scores go from 1 to 5."))
    scores = kept | given
    mean = (
        (Decimal(sum(scores.values())) / len(scores)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        if scores
        else None
    )
    review, _created = Review.objects.update_or_create(
        application=application, reviewer=reviewer, defaults={"scores": scores, "mean": mean, "notes": notes}
    )
    return review


def alumni_to_invite(*, now, next_cohort) -> list[tuple[Participant, Cohort]]:
    """(mentee, next cohort) pairs due an invitation: the mentee's cohort has ended, the program's next
    cohort still takes applications, and no invitation went out yet."""
    from .models import AlumniInvitation

    due = []
    ended = [cohort for cohort in Cohort.objects.filter(start_date__lte=now.date()) if cohort.stage(now) == "ended"]
    for cohort in ended:
        upcoming = next_cohort(cohort)
        if upcoming is None or now >= upcoming.applications_close_at:
            continue
        invited = set(AlumniInvitation.objects.filter(cohort=upcoming).values_list("participant_id", flat=True))
        # An erased (or deactivated) account is never invited: its address is a placeholder.
        mentees = cohort.participants.active().filter(role=Role.MENTEE, user__is_active=True)
        for participant in mentees.exclude(pk__in=invited):
            due.append((participant, upcoming))
    return due
