"""When the two surveys go out, and their one reminder.

- The end-of-program survey goes to every active participant of a cohort in week 10 of its sessions (the
  last week, for a cohort of fewer weeks), from 09:00 on the first day of that week, in the cohort's
  time zone.
- The end-of-mentorship survey goes to a person once every pair they had in the cohort is over: its
  period has ended (09:00, cohort time, the day after its last day) or staff ended it. A mentor with an
  extended pair hears from us when that pair ends; a mentee who was rematched, when the new pair ends.
- Each kind goes at most once per person and cohort (a unique constraint), in the person's language,
  and one reminder follows after ``REMIND_AFTER`` to those who have not answered. A survey stays open for
  ``OPEN_FOR``: until then, a second submission replaces the first.

As for the check-in reminders (``meetings/reminders.py``), who is owed what is worked out from the
database at each run. The invitation row is written and the email sent in one transaction: a failed send
rolls the row back and the next run (or the task's retry) sends it. The same duplicate window applies (the
mail server accepted the message, the process died before the commit).
"""

import datetime as dt

from django.core import mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from cohorts.models import Cohort, Participant
from matching.models import Match
from meetings.selectors import MAX_EXTRA_WEEKS, period_of
from mentorship.email import absolute_url, send_templated_email

from .models import SurveyInvitation

SURVEY_WEEK = 10
SEND_AT = dt.time(9, 0)
OPEN_FOR = dt.timedelta(days=28)
REMIND_AFTER = dt.timedelta(days=7)

Kind = SurveyInvitation.Kind


def _at(cohort: Cohort, day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, SEND_AT, tzinfo=cohort.zone)


def program_survey_moment(cohort: Cohort) -> dt.datetime:
    """When the end-of-program survey goes out: week 10 of the sessions (or the cohort's last week)."""
    return _at(cohort, cohort.start_date + dt.timedelta(weeks=min(SURVEY_WEEK, cohort.weeks) - 1))


def pair_over_at(match: Match) -> dt.datetime:
    """When a pair's mentorship is over: staff ended it, or the day after its period's last day."""
    if match.status == Match.Status.ENDED and match.ended_at:
        return match.ended_at
    return _at(match.run.cohort, period_of(match).ends_on + dt.timedelta(days=1))


def _recent_cohorts(now: dt.datetime) -> list[Cohort]:
    """Cohorts that may owe a survey at ``now``: begun, and not over for longer than a survey stays open."""
    today = now.date()
    latest = dt.timedelta(weeks=MAX_EXTRA_WEEKS) + OPEN_FOR + dt.timedelta(days=1)
    return [
        cohort
        for cohort in Cohort.objects.filter(start_date__lte=today).select_related("program")
        if today <= cohort.ends_on + latest
    ]


def surveys_owed(now: dt.datetime) -> list[tuple[int, str]]:
    """(participant id, kind) of every survey due at ``now`` and not sent yet, in a fixed order.

    A survey whose window has passed (``OPEN_FOR`` after it was due) is not sent late.
    """
    cohorts = _recent_cohorts(now)
    owed: set[tuple[int, str]] = set()
    program = [cohort.pk for cohort in cohorts if now - OPEN_FOR < program_survey_moment(cohort) <= now]
    owed |= {
        (pk, Kind.END_OF_PROGRAM)
        for pk in Participant.objects.active().filter(cohort__in=program).values_list("pk", flat=True)
    }
    over: dict[int, bool] = {}
    matches = Match.objects.filter(
        run__cohort__in=cohorts,
        run__published_at__isnull=False,
        status__in=[Match.Status.ACTIVE, Match.Status.ENDED],
    ).select_related("run__cohort")
    last_over: dict[int, dt.datetime] = {}
    for match in matches:
        moment = pair_over_at(match)
        for participant_id in (match.mentee_id, match.mentor_id):
            over[participant_id] = over.get(participant_id, True) and moment <= now
            last_over[participant_id] = max(moment, last_over.get(participant_id, moment))
    finished = [pk for pk, done in over.items() if done and now - OPEN_FOR < last_over[pk]]
    owed |= {
        (pk, Kind.END_OF_MENTORSHIP)
        for pk in Participant.objects.active().filter(pk__in=finished).values_list("pk", flat=True)
    }
    sent = set(
        SurveyInvitation.objects.filter(participant__in={pk for pk, _kind in owed}).values_list("participant", "kind")
    )
    return sorted(owed - sent)


def surveys_send(now: dt.datetime) -> int:
    """Send every survey owed at ``now``; returns how many went out. Safe to run twice at once."""
    owed = surveys_owed(now)
    if not owed:
        return 0
    participants = Participant.objects.select_related("user", "cohort__program").in_bulk({pk for pk, _ in owed})
    sent = 0
    with mail.get_connection() as connection:
        for participant_id, kind in owed:
            participant = participants[participant_id]
            if participant.user.is_active and _send_invitation(participant, kind, now, connection):
                sent += 1
    return sent


def _send_invitation(participant: Participant, kind: str, now: dt.datetime, connection) -> bool:
    try:
        with transaction.atomic():
            invitation = SurveyInvitation.objects.create(
                participant=participant, kind=kind, sent_at=now, closes_at=now + OPEN_FOR
            )
            _mail(invitation, "reports/email/survey", connection)
    except IntegrityError:
        return False  # another run sent it in the meantime
    return True


def survey_reminders_send(now: dt.datetime) -> int:
    """Remind, once, those who have not answered a survey sent ``REMIND_AFTER`` ago that is still open."""
    due = list(
        SurveyInvitation.objects.filter(
            reminded_at__isnull=True,
            response__isnull=True,
            sent_at__lte=now - REMIND_AFTER,
            closes_at__gt=now,
            participant__user__is_active=True,
        ).values_list("pk", flat=True)
    )
    sent = 0
    with mail.get_connection() as connection:
        for pk in due:
            with transaction.atomic():
                invitation = (
                    SurveyInvitation.objects.select_for_update(of=("self",), skip_locked=True)
                    .select_related("participant__user", "participant__cohort__program")
                    .filter(pk=pk, reminded_at__isnull=True, response__isnull=True)
                    .first()
                )
                if invitation is None:
                    continue
                _mail(invitation, "reports/email/survey_reminder", connection)
                invitation.reminded_at = now
                invitation.save(update_fields=["reminded_at"])
                sent += 1
    return sent


def _mail(invitation: SurveyInvitation, template: str, connection) -> None:
    user = invitation.participant.user
    send_templated_email(
        user=user,
        template=template,
        context={
            "invitation": invitation,
            "cohort": invitation.participant.cohort,
            "survey_url": absolute_url(reverse("reports:survey", args=[invitation.pk])),
            "closes_on": timezone.localdate(invitation.closes_at, timezone=user.zone),
        },
        connection=connection,
    )
