"""Writes of the mentorship period: meeting logs, the mentee's answer, pausing, resuming, ending and
extending pairs, and a mentor's one-week reminder pause."""

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from matching.models import Match
from matching.services import match_end

from .models import MeetingLog, MenteeResponse, PairPause, ReminderPause, Topic
from .selectors import MAX_EXTRA_WEEKS


class MeetingError(Exception):
    """A change the rules refuse; the message is for the person, in their language."""


def _apply(log: MeetingLog, data: dict) -> list[Topic]:
    """Copy a form's cleaned data onto the log; returns its topics (none when the pair did not meet)."""
    log.met = bool(data.get("met"))
    log.shared_notes = data.get("shared_notes") or ""
    log.private_note = data.get("private_note") or ""
    if log.met:
        log.met_on, log.duration_minutes, log.format = (
            data["met_on"],
            data["duration_minutes"],
            data.get("format") or "",
        )
        log.not_met_reason = ""
        return list(data.get("topics") or [])
    log.met_on, log.duration_minutes, log.format = None, None, ""
    log.not_met_reason = data.get("not_met_reason") or ""
    return []


def meeting_log_create(*, match: Match, week: dt.date, data: dict, by: User) -> tuple[MeetingLog, bool]:
    """Log the week of a pair. Returns (log, created): a second submit of the same week (a double click,
    a second tab) returns the first log unchanged."""
    log = MeetingLog(match=match, week=week, logged_by=by)
    topics = _apply(log, data)
    try:
        with transaction.atomic():
            log.save()
            log.topics.set(topics)
    except IntegrityError:
        existing = MeetingLog.objects.filter(match=match, week=week).order_by("pk").first()
        if existing is None:  # a broken rule, not a race: the form should have said so
            raise
        return existing, False
    return log, True


@transaction.atomic
def meeting_log_update(*, log: MeetingLog, data: dict, by: User, now: dt.datetime | None = None) -> MeetingLog:
    log = MeetingLog.objects.select_for_update().get(pk=log.pk)
    if not log.editable(now):
        raise MeetingError(_("A log can be changed for 14 days. Write to the program staff to correct this one."))
    topics = _apply(log, data)
    log.updated_at = timezone.now()
    if log.mentee_response:
        # The mentee answered about what the log said before: they are asked again.
        log.mentee_response, log.mentee_comment, log.mentee_responded_at = "", "", None
    log.save()
    log.topics.set(topics)
    return log


@transaction.atomic
def meeting_log_respond(*, log: MeetingLog, response: str, comment: str = "", by: User) -> MeetingLog:
    """The mentee confirms the logged meeting or says it did not happen (staff see the answer)."""
    if response not in MenteeResponse.values:
        raise MeetingError(_("Choose whether the meeting happened."))
    if log.match.mentee.user_id != by.pk:
        raise MeetingError(_("Only the mentee of this pair can answer."))
    if not log.met:
        raise MeetingError(_("Only a meeting the mentor logged can be confirmed."))
    log = MeetingLog.objects.select_for_update().get(pk=log.pk)
    log.mentee_response, log.mentee_comment, log.mentee_responded_at = response, comment[:500], timezone.now()
    log.save(update_fields=["mentee_response", "mentee_comment", "mentee_responded_at"])
    return log


def pair_pause(*, match: Match, by: User) -> bool:
    """Pause an active pair (no reminders; its weeks count as paused). False if already paused or ended."""
    try:
        with transaction.atomic():
            # The row's status, locked, not the caller's copy: a pair ended meanwhile is not paused.
            if not Match.objects.select_for_update().filter(pk=match.pk, status=Match.Status.ACTIVE).exists():
                return False
            PairPause.objects.create(match=match, started_by=by)
    except IntegrityError:  # the one open pause of the pair exists already
        return False
    return True


def pair_resume(*, match: Match, by: User) -> bool:
    updated = PairPause.objects.filter(match=match, ended_at__isnull=True).update(ended_at=timezone.now(), ended_by=by)
    return bool(updated)


@transaction.atomic
def pair_end(*, match: Match, by: User) -> bool:
    match = Match.objects.select_for_update().get(pk=match.pk)  # a second click or a stale copy ends it once
    if match.status == Match.Status.ENDED:
        return False
    pair_resume(match=match, by=by)
    match_end(match=match, by=by)
    return True


@transaction.atomic
def pair_extend(*, match: Match, weeks: int, by: User) -> Match:
    """Add weeks to a pair's period (up to ``MAX_EXTRA_WEEKS`` in all)."""
    match = Match.objects.select_for_update().get(pk=match.pk)
    if weeks < 1 or match.extra_weeks + weeks > MAX_EXTRA_WEEKS:
        raise MeetingError(_("A pair's period can be extended by %(most)d weeks at most.") % {"most": MAX_EXTRA_WEEKS})
    match.extra_weeks += weeks
    match.save(update_fields=["extra_weeks"])
    return match


def reminders_pause(*, user: User, week: dt.date) -> bool:
    """No check-in reminder for ``user`` in the week of Monday ``week``. False if it was paused already."""
    _pause, created = ReminderPause.objects.get_or_create(user=user, week=week)
    return created
