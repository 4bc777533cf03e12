"""Emails the site writes itself (decisions, invitations, reminders): always in the recipient's language."""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation


def absolute_url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def send_templated_email(*, user, template: str, context: dict, connection=None) -> None:
    """Render ``<template>_subject.txt`` and ``<template>_message.txt`` in the user's language and send
    (through ``connection`` when given: a batch reuses one connection to the mail server)."""
    with translation.override(user.language or settings.LANGUAGE_CODE):
        context = {"user": user, "site_url": settings.SITE_URL.rstrip("/"), **context}
        subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
        body = render_to_string(f"{template}_message.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email], connection=connection)
