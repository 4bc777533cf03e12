"""Emails about applications. Each task can run twice (a retry, a duplicate delivery) and sends once."""

from smtplib import SMTPException

from celery import shared_task
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from cohorts.models import Participant, Role
from mentorship.email import absolute_url, send_templated_email

from .models import AlumniInvitation, ApplicationEvent


@shared_task(bind=True, acks_late=True, autoretry_for=(SMTPException, OSError), retry_backoff=True, max_retries=8)
def send_decision_email(self, *, event_id: int) -> None:
    with transaction.atomic():
        event = (
            ApplicationEvent.objects.select_for_update()
            .select_related("application__user", "application__cohort__program")
            .get(pk=event_id)
        )
        if event.email_sent_at:
            return
        application = event.application
        send_templated_email(
            user=application.user,
            template=f"applications/email/decision_{event.kind}",
            context={
                "application": application,
                "cohort": application.cohort,
                "dashboard_url": absolute_url(reverse("applications:dashboard")),
            },
        )
        event.email_sent_at = timezone.now()
        event.save(update_fields=["email_sent_at"])


@shared_task(acks_late=True)
def invite_alumni() -> int:
    """Invite the mentees of every ended cohort to mentor in the program's next cohort, once each."""
    from cohorts.services import next_cohort

    from .services import alumni_to_invite

    sent = 0
    for participant, cohort in alumni_to_invite(now=timezone.now(), next_cohort=next_cohort):
        sent += send_alumni_invitation(participant_id=participant.pk, cohort_id=cohort.pk)
    return sent


def send_alumni_invitation(*, participant_id: int, cohort_id: int) -> int:
    with transaction.atomic():
        invitation, _created = AlumniInvitation.objects.select_for_update().get_or_create(
            participant_id=participant_id, cohort_id=cohort_id
        )
        if invitation.sent_at:
            return 0
        participant = Participant.objects.select_related("user").get(pk=participant_id)
        cohort = invitation.cohort
        send_templated_email(
            user=participant.user,
            template="applications/email/alumni_invitation",
            context={
                "cohort": cohort,
                "apply_url": absolute_url(reverse("applications:apply", args=[cohort.slug, Role.MENTOR])),
            },
        )
        invitation.sent_at = timezone.now()
        invitation.save(update_fields=["sent_at"])
    return 1


@shared_task(acks_late=True)
def expire_identity_answers() -> int:
    """Daily: delete the self-identification answers of cohorts past their retention period, keeping
    anonymous counts (accounts.erasure.identity_answers_expire). A second run finds nothing left."""
    from accounts.erasure import identity_answers_expire

    return identity_answers_expire(now=timezone.now())
