"""The email that tells both people of a pair who their match is, each in their own language."""

from smtplib import SMTPException

from celery import shared_task

from applications.identity import IDENTITY_QUESTIONS
from applications.models import SelfIdentification
from mentorship.email import send_templated_email

from .models import Match


def shared_answers(participant) -> list[tuple[str, str]]:
    """The self-identification answers the person chose to share with their match, as labels."""
    identity = SelfIdentification.objects.filter(application__participant=participant, share_with_match=True).first()
    if identity is None:
        return []
    rows = []
    for question in IDENTITY_QUESTIONS:
        value = identity.answers.get(question.key)
        if value:
            labels = dict(question.choices)
            chosen = value if isinstance(value, list) else [value]
            rows.append((question.label, ", ".join(str(labels.get(item, item)) for item in chosen)))
    return rows


@shared_task(acks_late=True, autoretry_for=(SMTPException, OSError), retry_backoff=True, max_retries=8)
def send_match_email(*, match_id: int) -> None:
    match = Match.objects.select_related("mentee__user", "mentor__user", "run__cohort__program").get(pk=match_id)
    for me, other in ((match.mentee, match.mentor), (match.mentor, match.mentee)):
        send_templated_email(
            user=me.user,
            template="matching/email/match",
            context={"match": match, "me": me, "other": other, "shared": shared_answers(other)},
        )
