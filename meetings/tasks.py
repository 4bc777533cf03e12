"""Celery tasks of the mentorship period. Thin: the rules and the delivery guarantees are in
``meetings.reminders``. ``now`` may be given (ISO 8601) so that a run can be replayed for a moment."""

import datetime as dt
from smtplib import SMTPException

from celery import shared_task
from django.utils import timezone

from . import reminders


def _moment(now: str | None) -> dt.datetime:
    return dt.datetime.fromisoformat(now) if now else timezone.now()


@shared_task(acks_late=True)
def queue_checkin_reminders(now: str | None = None) -> int:
    """Every 15 minutes: find the mentors owed this week's check-in reminder and hand them to workers
    in batches. Returns how many mentors are owed one."""
    owed = reminders.checkin_reminders_owed(_moment(now))
    for start in range(0, len(owed), reminders.BATCH_SIZE):
        batch = owed[start : start + reminders.BATCH_SIZE]
        send_checkin_reminders.delay(items=[[user_id, week.isoformat()] for user_id, week in batch])
    return len(owed)


# An SMTP failure (or a refused connection) retries the whole batch with backoff: the reminders it
# already sent are marked in the ledger and are not sent again.
@shared_task(
    acks_late=True, autoretry_for=(SMTPException, OSError), retry_backoff=True, retry_backoff_max=600, max_retries=8
)
def send_checkin_reminders(*, items: list[list]) -> int:
    return reminders.checkin_reminders_deliver([(user_id, dt.date.fromisoformat(week)) for user_id, week in items])


@shared_task(
    acks_late=True, autoretry_for=(SMTPException, OSError), retry_backoff=True, retry_backoff_max=600, max_retries=8
)
def send_staff_digest(now: str | None = None) -> int:
    """Hourly: record pairs newly at risk and send the day's digest to staff once."""
    return reminders.staff_digest_send(_moment(now))
