"""Event emails, each in the recipient's language. Each task sends at most once per person."""

from smtplib import SMTPException

from celery import shared_task
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from cohorts.calendar import feed_token
from mentorship.email import absolute_url, send_templated_email

from .models import Attendance, Event


@shared_task(acks_late=True, autoretry_for=(SMTPException, OSError), retry_backoff=True, max_retries=8)
def send_event_invitation(*, attendance_id: int) -> None:
    with transaction.atomic():
        attendance = (
            Attendance.objects.select_for_update()
            .select_related("event__cohort__program", "participant__user")
            .get(pk=attendance_id)
        )
        if attendance.invited_at:
            return
        send_templated_email(
            user=attendance.participant.user,
            template="events/email/invitation",
            context={
                "event": attendance.event,
                "event_url": absolute_url(attendance.event.get_absolute_url()),
                "calendar_url": absolute_url(reverse("cohorts:calendar", args=[feed_token(attendance.participant)])),
            },
        )
        attendance.invited_at = timezone.now()
        attendance.save(update_fields=["invited_at"])


@shared_task(acks_late=True, autoretry_for=(SMTPException, OSError), retry_backoff=True, max_retries=8)
def send_rating_reminder(*, event_id: int, participant_id: int) -> None:
    attendance = Attendance.objects.select_related("event__cohort__program", "participant__user").get(
        event_id=event_id, participant_id=participant_id
    )
    event: Event = attendance.event
    send_templated_email(
        user=attendance.participant.user,
        template="events/email/rating_reminder",
        context={"event": event, "rate_url": absolute_url(reverse("events:rate", args=[event.pk]))},
    )
