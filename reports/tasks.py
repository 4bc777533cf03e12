"""Celery tasks of the reports app. Thin: the rules are in ``reports.surveys``. ``now`` may be given
(ISO 8601) so that a run can be replayed for a moment."""

import datetime as dt
from smtplib import SMTPException

from celery import shared_task
from django.utils import timezone

from . import surveys


# An SMTP failure retries the run with backoff: what was sent is recorded and is not sent again.
@shared_task(
    acks_late=True, autoretry_for=(SMTPException, OSError), retry_backoff=True, retry_backoff_max=600, max_retries=8
)
def send_surveys(now: str | None = None) -> dict[str, int]:
    """Hourly: send the surveys that are due, then the reminders of the unanswered ones."""
    moment = dt.datetime.fromisoformat(now) if now else timezone.now()
    return {"surveys": surveys.surveys_send(moment), "reminders": surveys.survey_reminders_send(moment)}
