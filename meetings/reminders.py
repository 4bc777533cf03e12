"""Weekly check-in reminders to mentors and the daily digest of pairs at risk to staff.

Who is owed what is worked out from the state of the database at each run, never remembered in a
queue: a tick that is lost, a batch task that dies or a worker that is killed only delays a reminder
to the next run. Whether a reminder has been sent is decided by the ledger (``Reminder``, unique per
person, kind and week or day): the row is locked, the email sent and the row marked in one transaction,
so two workers, two overlapping beat ticks or a task delivered twice send it once.

The one window for a duplicate: the mail server has accepted the message and the process dies (or
loses the database) before the transaction commits. The row stays unmarked, the task is not
acknowledged, and its redelivery sends the reminder again. Choosing that over the reverse (mark first,
then send) means a crash can cost a second email but never a missing one.
"""

import datetime as dt
from collections import defaultdict

from django.contrib.auth.models import Permission
from django.core import mail
from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from cohorts.models import Cohort
from matching.models import Match
from mentorship.email import absolute_url, send_templated_email

from .links import log_link, pause_link
from .models import AtRiskAlert, MeetingLog, Reminder, ReminderPause, StaffDigest
from .periods import Period, missing_run, reminder_due
from .selectors import MAX_EXTRA_WEEKS, open_pause, pair_views, pairs_with_weeks, period_of

BATCH_SIZE = 50
DIGEST_HOUR = 8  # the staff digest goes out from 08:00 (the site's time zone) on


def cohorts_in_mentorship(today: dt.date) -> list[int]:
    """Cohorts whose mentorship period, extended as far as staff may extend it, may hold ``today``
    (a day of margin on each side for the time zones of their mentors)."""
    margin = dt.timedelta(days=1)
    latest = dt.timedelta(weeks=MAX_EXTRA_WEEKS)
    return [
        cohort.pk
        for cohort in Cohort.objects.filter(start_date__lte=today + margin).only(
            "start_date", "weeks", "mentorship_weeks"
        )
        if cohort.mentorship_starts_on - margin <= today <= cohort.ends_on + latest + margin
    ]


def unpaused_active_pairs() -> QuerySet:
    return Match.objects.active().exclude(open_pause())


def checkin_reminders_owed(now: dt.datetime) -> list[tuple[int, dt.date]]:
    """(mentor's user id, Monday of the week) for every mentor owed a check-in reminder at ``now``: the
    week's reminder moment has passed in the mentor's time zone, at least one of their active, unpaused
    pairs has no log for the week, the mentor did not pause the week, and the ledger has no sent row."""
    cohorts = cohorts_in_mentorship(now.date())
    rows = (
        unpaused_active_pairs()
        .filter(run__cohort__in=cohorts)
        .values_list(
            "pk",
            "mentor__user_id",
            "mentor__user__time_zone",
            "run__cohort__start_date",
            "run__cohort__weeks",
            "run__cohort__mentorship_weeks",
            "run__cohort__reminder_weekday",
            "run__cohort__reminder_time",
            "extra_weeks",
        )
    )
    due: dict[int, tuple[int, dt.date]] = {}
    for pk, user_id, zone, start, weeks, mentorship_weeks, weekday, at, extra in rows:
        period = Period(starts_on=start + dt.timedelta(weeks=weeks), weeks=mentorship_weeks + extra)
        week = reminder_due(period, now, zone, weekday=weekday, at=at)
        if week:
            due[pk] = (user_id, week)
    if not due:
        return []
    weeks = {week for _user, week in due.values()}
    logged = set(
        MeetingLog.objects.filter(match__run__cohort__in=cohorts, week__in=weeks).values_list("match_id", "week")
    )
    paused = set(ReminderPause.objects.filter(week__in=weeks).values_list("user_id", "week"))
    sent = set(
        Reminder.objects.filter(kind=Reminder.Kind.CHECKIN, on__in=weeks, sent_at__isnull=False).values_list(
            "user_id", "on"
        )
    )
    owed = {
        (user_id, week)
        for pk, (user_id, week) in due.items()
        if (pk, week) not in logged and (user_id, week) not in paused and (user_id, week) not in sent
    }
    return sorted(owed)


def checkin_reminders_deliver(items: list[tuple[int, dt.date]]) -> int:
    """Send the check-in reminders of ``items`` (mentor's user id, week) still owed; returns how many
    were sent. Safe to run twice, or on two workers at once: see the module's docstring."""
    if not items:
        return 0
    Reminder.objects.bulk_create(
        [Reminder(user_id=user_id, kind=Reminder.Kind.CHECKIN, on=week) for user_id, week in items],
        ignore_conflicts=True,
    )
    user_ids, weeks = {user_id for user_id, _week in items}, {week for _user, week in items}
    users = User.objects.in_bulk(user_ids)
    pairs = defaultdict(list)
    for match in (
        unpaused_active_pairs()
        .filter(mentor__user_id__in=user_ids)
        .select_related("mentor", "mentee__user", "run__cohort")
        .order_by("mentee__user__preferred_name", "pk")
    ):
        pairs[match.mentor.user_id].append(match)
    logged = set(
        MeetingLog.objects.filter(match__mentor__user_id__in=user_ids, week__in=weeks).values_list("match_id", "week")
    )
    paused = set(ReminderPause.objects.filter(user_id__in=user_ids, week__in=weeks).values_list("user_id", "week"))
    sent = 0
    # One connection to the mail server for the batch (it opens at the first message); an error on it
    # raises an SMTP error, which retries the batch: what was sent is in the ledger and is skipped.
    with mail.get_connection() as connection:
        for user_id, week in items:
            user = users.get(user_id)
            if user is None or not user.is_active or (user_id, week) in paused:
                continue
            owed = [
                match
                for match in pairs[user_id]
                if period_of(match).week_number(week) is not None and (match.pk, week) not in logged
            ]
            if owed and _send_checkin(user, week, owed, connection):
                sent += 1
    return sent


def _send_checkin(user: User, week: dt.date, pairs: list[Match], connection) -> bool:
    with transaction.atomic():
        entry = Reminder.objects.select_for_update().get(user=user, kind=Reminder.Kind.CHECKIN, on=week)
        if entry.sent_at:
            return False
        period = period_of(pairs[0])
        send_templated_email(
            user=user,
            template="meetings/email/checkin",
            context={
                "week": week,
                "week_number": period.week_number(week),
                "mentees": [
                    {
                        "person": match.mentee.user,
                        "log_url": log_link(user_id=user.pk, match_id=match.pk, week=week),
                        "pair_url": absolute_url(reverse("meetings:pair", args=[match.pk])),
                    }
                    for match in pairs
                ],
                "next_week": week + dt.timedelta(weeks=1),
                "pause_url": pause_link(user_id=user.pk, week=week + dt.timedelta(weeks=1)),
                "home_url": absolute_url(reverse("meetings:home")),
            },
            connection=connection,
        )
        # The duplicate window (module docstring): the message is out, the row not yet marked.
        entry.sent_at = timezone.now()
        entry.matches = [match.pk for match in pairs]
        entry.save(update_fields=["sent_at", "matches"])
    return True


def pairs_at_risk(now: dt.datetime) -> list:
    """The active, unpaused pairs with two or more weeks in a row without a log (``PairView``s)."""
    cohorts = cohorts_in_mentorship(now.date())
    matches = list(pairs_with_weeks(unpaused_active_pairs().filter(run__cohort__in=cohorts), topics=False))
    views = pair_views(matches, today_for=lambda match: timezone.localdate(now, timezone=match.run.cohort.zone))
    return [view for view in views if view.at_risk]


def alert_recipients() -> QuerySet:
    permission = Permission.objects.filter(codename="receive_pair_alerts", content_type__app_label="meetings")
    return (
        User.objects.filter(is_active=True, is_staff=True)
        .filter(Q(is_superuser=True) | Q(user_permissions__in=permission) | Q(groups__permissions__in=permission))
        .distinct()
    )


def staff_digest_send(now: dt.datetime) -> int:
    """Record the pairs newly at risk (one alert per run of missed weeks) and, once a day from
    ``DIGEST_HOUR``, mail the day's digest to each recipient once. Returns the emails sent."""
    local = timezone.localtime(now)
    if local.hour < DIGEST_HOUR:
        return 0
    AtRiskAlert.objects.bulk_create(
        [AtRiskAlert(match=view.match, missing_since=missing_run(view.weeks)[0].monday) for view in pairs_at_risk(now)],
        ignore_conflicts=True,
    )
    with transaction.atomic():
        digest, created = StaffDigest.objects.get_or_create(on=local.date())
        if created:  # the day's digest takes every alert not yet reported; later ones wait for tomorrow's
            AtRiskAlert.objects.filter(digest__isnull=True).update(digest=digest)
    alerts = list(
        digest.alerts.select_related("match__mentee__user", "match__mentor__user", "match__run__cohort__program")
    )
    if not alerts:
        return 0
    recipients = list(alert_recipients())
    Reminder.objects.bulk_create(
        [Reminder(user=user, kind=Reminder.Kind.STAFF_DIGEST, on=digest.on) for user in recipients],
        ignore_conflicts=True,
    )
    sent = 0
    for user in recipients:
        with transaction.atomic():
            entry = Reminder.objects.select_for_update().get(user=user, kind=Reminder.Kind.STAFF_DIGEST, on=digest.on)
            if entry.sent_at:
                continue
            send_templated_email(
                user=user,
                template="meetings/email/staff_digest",
                context={
                    "alerts": alerts,
                    "board_url": absolute_url(reverse("admin:meetings_pair_changelist") + "?at_risk=yes"),
                },
            )
            entry.sent_at, entry.matches = timezone.now(), [alert.match_id for alert in alerts]
            entry.save(update_fields=["sent_at", "matches"])
        sent += 1
    return sent
