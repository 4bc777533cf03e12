"""The event's rules: invitations, check-in, writing the schedule, ratings and pitch feedback."""

from collections import defaultdict
from functools import partial

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import User
from applications.models import Application
from cohorts.models import Participant, Role

from . import rotation
from .models import Attendance, Event, PitchFeedback, Rating, Seat


class EventError(ValidationError):
    """A rule of the event refused the change; the message is for the person, in their language."""


def event_invite(*, event: Event) -> int:
    """Invite every active participant of the cohort (once); returns how many were newly invited."""
    from .tasks import send_event_invitation

    participants = event.cohort.participants.active()
    Attendance.objects.bulk_create(
        [Attendance(event=event, participant=participant) for participant in participants], ignore_conflicts=True
    )
    pending = list(event.attendances.filter(invited_at__isnull=True).values_list("pk", flat=True))
    for attendance_id in pending:
        transaction.on_commit(partial(send_event_invitation.delay, attendance_id=attendance_id))
    return len(pending)


def rsvp_set(*, attendance: Attendance, rsvp: str) -> Attendance:
    if rsvp not in Attendance.Rsvp.values:
        raise EventError(_("Choose whether you will come."))
    attendance.rsvp = rsvp
    attendance.save(update_fields=["rsvp"])
    return attendance


def check_in(*, attendances, present: bool = True) -> int:
    """Mark people as arrived (or undo it). Checking in twice keeps the first arrival time."""
    attendances = Attendance.objects.filter(pk__in=[attendance.pk for attendance in attendances])
    if present:
        return attendances.filter(checked_in_at__isnull=True).update(checked_in_at=timezone.now())
    return attendances.update(checked_in_at=None)


def pair_priorities(event: Event, mentors: list[int], mentees: list[int]) -> dict[tuple[int, int], float]:
    """How much each mentor and mentee have in common in their applications (shared goals, skills and
    industries): the pairs with most in common meet first."""
    applications = Application.objects.filter(participant__in=mentors + mentees)
    tags: dict[int, set[int]] = defaultdict(set)
    for name in ("goals", "skills", "industries"):
        through = getattr(Application, name).through
        for participant_id, tag_id in through.objects.filter(application__in=applications).values_list(
            "application__participant", "tag_id"
        ):
            tags[participant_id].add(tag_id)
    return {
        (mentor, mentee): float(len(tags[mentor] & tags[mentee]))
        for mentor in mentors
        for mentee in mentees
        if tags[mentor] & tags[mentee]
    }


def _rotation_message(error: rotation.RotationError) -> str:
    """The rotation's refusal in the staff member's language."""
    messages = {
        "no_rounds": _("The event needs at least one round."),
        "no_tables": _("The event has no tables: add tables before writing the schedule."),
        "no_seats": _("A table must seat at least one mentee."),
        "nobody_present": _("No one is checked in: check people in before writing the schedule."),
        "no_mentors": _("No mentor is checked in."),
        "no_mentees": _("No mentee is checked in."),
    }
    return messages.get(error.code, error.message)


def _held_schedule(event: Event, before_round: int) -> rotation.Schedule | None:
    seats = Seat.objects.filter(event=event, round__lt=before_round).select_related("participant")
    tables: dict[tuple[int, int], dict] = defaultdict(lambda: {"mentor": None, "mentees": []})
    for seat in seats:
        place = tables[(seat.round, seat.table)]
        if seat.participant.role == Role.MENTOR:
            place["mentor"] = seat.participant_id
        else:
            place["mentees"].append(seat.participant_id)
    if not tables and before_round == 1:
        return None
    return rotation.Schedule(
        rounds=event.rounds,
        tables=event.tables,
        seats=tuple(
            rotation.Seat(round=number, table=table, mentor=place["mentor"], mentees=tuple(place["mentees"]))
            for (number, table), place in sorted(tables.items())
        ),
    )


@transaction.atomic
def schedule_write(*, event: Event, from_round: int | None = None) -> rotation.Schedule:
    """Build the rotation for the people checked in and write it, from ``from_round`` on (default: the
    first round not started yet); rounds already held stay as they were."""
    event = Event.objects.select_for_update().get(pk=event.pk)
    from_round = from_round or event.first_round_not_started()
    if from_round > event.rounds:
        raise EventError(_("Every round has started: there is nothing left to schedule."))
    present = list(
        event.attendances.filter(checked_in_at__isnull=False, participant__status=Participant.Status.ACTIVE)
        .order_by("participant_id")
        .values_list("participant_id", "participant__role")
    )
    if not present:
        raise EventError(_("No one is checked in: check people in before writing the schedule."))
    mentors = [pk for pk, role in present if role == Role.MENTOR]
    mentees = [pk for pk, role in present if role == Role.MENTEE]
    if event.tables > len(mentors):
        raise EventError(
            ngettext(
                "There are %(tables)d tables but only one mentor checked in: remove tables or check in more mentors.",
                "There are %(tables)d tables but %(mentors)d mentors checked in: "
                "remove tables or check in more mentors.",
                len(mentors),
            )
            % {"tables": event.tables, "mentors": len(mentors)}
        )
    try:
        schedule = rotation.build_schedule(
            mentors=mentors,
            mentees=mentees,
            rounds=event.rounds,
            tables=event.tables,
            seats_per_table=event.seats_per_table,
            scores=pair_priorities(event, mentors, mentees),
            seed=event.pk,
            held=_held_schedule(event, from_round),
            from_round=from_round,
        )
    except rotation.RotationError as error:
        raise EventError(_rotation_message(error)) from error
    Seat.objects.filter(event=event, round__gte=from_round).delete()
    Seat.objects.bulk_create(
        Seat(event=event, round=seat.round, table=seat.table, participant_id=person)
        for seat in schedule.seats
        if seat.round >= from_round
        for person in ((seat.mentor,) if seat.mentor is not None else ()) + tuple(seat.mentees)
    )
    event.schedule_from_round = from_round
    event.save(update_fields=["schedule_from_round"])
    return schedule


def people_met(event: Event, participant: Participant) -> list[Participant]:
    """Everyone of the other role who sat at the participant's table in some round."""
    other_role = Role.MENTEE if participant.role == Role.MENTOR else Role.MENTOR
    places = Seat.objects.filter(event=event, participant=participant).values_list("round", "table")
    if not places:
        return []
    where = Q()
    for number, table in places:
        where |= Q(round=number, table=table)
    ids = Seat.objects.filter(where, event=event, participant__role=other_role).values_list("participant_id", flat=True)
    return list(Participant.objects.filter(pk__in=ids).select_related("user").order_by("user__preferred_name"))


@transaction.atomic
def ratings_save(
    *,
    event: Event,
    rater: Participant,
    ratings: dict[int, tuple[int, str]],
    feedback: dict[int, str] | None = None,
) -> int:
    """Save the rater's ratings ({participant id: (1-5, note)}) and, for a mentor, pitch feedback
    ({mentee id: text}). Rating again replaces the earlier rating. Nothing is saved if any is refused."""
    if not event.ratings_open():
        raise EventError(_("Ratings for this event are closed: nothing was saved."))
    met = {person.pk for person in people_met(event, rater)}
    strangers = (set(ratings) | set(feedback or {})) - met
    if strangers:
        raise EventError(_("You can only rate people you met at this event: nothing was saved."))
    for person, (score, note) in ratings.items():
        if not 1 <= int(score) <= 5:
            raise EventError(_("Ratings go from 1 to 5: nothing was saved."))
        Rating.objects.update_or_create(
            event=event, rater=rater, rated_id=person, defaults={"score": int(score), "note": note}
        )
    if rater.role == Role.MENTOR:
        for mentee, text in (feedback or {}).items():
            if text.strip():
                PitchFeedback.objects.update_or_create(
                    event=event, mentor=rater, mentee_id=mentee, defaults={"text": text.strip()}
                )
            else:
                PitchFeedback.objects.filter(event=event, mentor=rater, mentee_id=mentee).delete()
    return len(ratings)


def meetings(event: Event) -> dict[int, set[int]]:
    """Who met whom (participant id -> ids of the other role at their tables), from one query."""
    tables: dict[tuple[int, int], list[tuple[int, str]]] = defaultdict(list)
    for number, table, person, role in Seat.objects.filter(event=event).values_list(
        "round", "table", "participant_id", "participant__role"
    ):
        tables[(number, table)].append((person, role))
    met: dict[int, set[int]] = defaultdict(set)
    for people in tables.values():
        for person, role in people:
            met[person].update(other for other, other_role in people if other_role != role)
    return met


def rating_completion(event: Event) -> list[tuple[Participant, int, int]]:
    """(participant, people met, people rated) for everyone with a seat, those with ratings missing first."""
    met = meetings(event)
    rated: dict[int, int] = defaultdict(int)
    for rater_id in Rating.objects.filter(event=event).values_list("rater_id", flat=True):
        rated[rater_id] += 1
    seated = Participant.objects.filter(pk__in=list(met)).select_related("user")
    rows = [(person, len(met[person.pk]), rated[person.pk]) for person in seated]
    return sorted(rows, key=lambda row: (row[2] >= row[1], row[0].user.display_name))


@transaction.atomic
def rating_reminder_send(*, event: Event, by: User) -> int:
    """One reminder email, ever, to those who have not rated everyone they met."""
    from .tasks import send_rating_reminder

    event = Event.objects.select_for_update().get(pk=event.pk)
    if event.rating_reminder_sent_at:
        raise EventError(_("The reminder was already sent."))
    if not event.ratings_open():
        raise EventError(_("Ratings are closed: no reminder was sent."))
    late = [person.pk for person, met, rated in rating_completion(event) if rated < met]
    event.rating_reminder_sent_at = timezone.now()
    event.save(update_fields=["rating_reminder_sent_at"])
    for participant_id in late:
        transaction.on_commit(partial(send_rating_reminder.delay, event_id=event.pk, participant_id=participant_id))
    return len(late)
