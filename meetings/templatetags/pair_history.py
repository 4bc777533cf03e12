"""The history cards of a pair's page: one card per meeting log, newest first.

Written here rather than by a template loop: a pair has a card for each week it logged (12 in a three-month
period, more when staff extend it), and the loop with its translated sentences was half of the pair page's time
(bench/profile_pages.py). The markup and the sentences (the same message ids) are the template's, kept as the
reference in meetings/tests/test_pair_history.py.
"""

from django import template
from django.template.defaultfilters import linebreaksbr
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, ngettext

from meetings.models import MenteeResponse
from mentorship.i18n import long_day, sentence
from mentorship.kept_markup import Kept, digest
from mentorship.markup import csrf_input

register = template.Library()

CARDS = Kept(4096)  # some 600 bytes a card: a few MB per process at most


def _topics(log) -> list:
    """The log's topics, as ``pairs_with_weeks`` reads them (``topic_list``), else as the log has them."""
    topics = getattr(log, "topic_list", None)
    return list(log.topics.all()) if topics is None else topics


def _day(value) -> str:
    return long_day(value) if value else ""


def _heading(log) -> SafeString:
    week = sentence(gettext("Week of %(day)s"), day=_day(log.week))
    if not log.met:
        return format_html("{}: {}", week, gettext("did not meet"))
    met = sentence(
        ngettext(
            "met on %(day)s, %(minutes)s minute, %(format)s",
            "met on %(day)s, %(minutes)s minutes, %(format)s",
            log.duration_minutes or 0,
        ),
        day=_day(log.met_on),
        minutes="" if log.duration_minutes is None else log.duration_minutes,
        format=log.get_format_display().lower(),
    )
    return format_html("{}: {}", week, met)


def _answer(context, log, is_mentor: bool) -> list[SafeString]:
    """The mentee's answer to a log of a meeting: its badge, or the form for the mentee to give it."""
    parts = []
    if log.mentee_response == MenteeResponse.CONFIRMED:
        parts.append(
            format_html(
                '<p class="mb-0"><span class="badge text-bg-success">{}</span></p>', gettext("Confirmed by the mentee")
            )
        )
    elif log.mentee_response == MenteeResponse.DISPUTED:
        parts.append(
            format_html(
                '<p class="mb-0"><span class="badge text-bg-warning">{}</span></p>',
                gettext("The mentee says it did not happen"),
            )
        )
    elif is_mentor:
        parts.append(
            format_html('<p class="mb-0 text-body-secondary">{}</p>', gettext("Waiting for your mentee to confirm."))
        )
    if not is_mentor and not log.mentee_response:
        parts.append(
            format_html(
                '<form method="post" action="{}" class="mt-2 d-flex flex-wrap gap-2 align-items-end">{}'
                '<div><label class="form-label small" for="comment-{}">{}</label>'
                '<input class="form-control form-control-sm" id="comment-{}" name="comment" maxlength="500"></div>'
                '<button type="submit" name="response" value="{}" class="btn btn-success btn-sm">{}</button>'
                '<button type="submit" name="response" value="{}" class="btn btn-outline-danger btn-sm">{}</button>'
                "</form>",
                reverse("meetings:log_respond", args=[log.pk]),
                csrf_input(context),
                log.pk,
                gettext("Comment for the staff (optional)"),
                log.pk,
                MenteeResponse.CONFIRMED,
                gettext("Yes, we met"),
                MenteeResponse.DISPUTED,
                gettext("This did not happen"),
            )
        )
    return parts


def _card(context, log, is_mentor: bool, now) -> SafeString:
    parts = [format_html('<h3 class="h6">{}</h3>', _heading(log))]
    topics = _topics(log) if log.met else []
    if topics:
        names = format_html_join(", ", "{}", ((topic.name,) for topic in topics))
        parts.append(format_html('<p class="mb-1">{} {}</p>', gettext("Topics:"), names))
    if log.shared_notes:
        parts.append(format_html('<p class="mb-1">{}</p>', linebreaksbr(log.shared_notes)))
    if not log.met:
        parts.append(format_html('<p class="mb-1">{}</p>', linebreaksbr(log.not_met_reason)))
    if is_mentor and log.private_note:
        parts.append(
            format_html(
                '<p class="mb-1 text-body-secondary"><strong>{}</strong> {}</p>',
                gettext("Private note for staff:"),
                linebreaksbr(log.private_note),
            )
        )
    if log.met:
        parts.extend(_answer(context, log, is_mentor))
    if is_mentor and log.editable(now):
        parts.append(
            format_html(
                '<p class="mb-0 mt-2"><a href="{}">{}</a></p>',
                reverse("meetings:log_edit", args=[log.pk]),
                gettext("Change this log"),
            )
        )
    return format_html(
        '<article class="card mb-2 meeting-log" id="log-{}"><div class="card-body">{}</div></article>',
        log.pk,
        format_html_join("", "{}", ((part,) for part in parts)),
    )


def _card_key(log, is_mentor: bool, now) -> str:
    """A digest of everything a card shows, as this person sees it now."""
    return digest(
        log.pk,
        log.week,
        log.met,
        log.met_on,
        log.duration_minutes,
        log.format,
        log.shared_notes,
        log.not_met_reason,
        is_mentor and log.private_note,
        log.mentee_response,
        is_mentor and log.editable(now),
        is_mentor,
        [topic.name for topic in _topics(log)],
    )


def _kept_card(context, log, is_mentor: bool, now) -> SafeString:
    """A card, kept once drawn (a pair's history grows by one card a week; every other card is drawn again at
    each visit otherwise), but for a card with the mentee's form, whose token is the request's own."""
    if not is_mentor and log.met and not log.mentee_response:
        return _card(context, log, is_mentor, now)
    html = CARDS.get_or_draw(_card_key(log, is_mentor, now), lambda: _card(context, log, is_mentor, now))
    return mark_safe(html)  # noqa: S308 (drawn by _card, every value escaped)


@register.simple_tag(takes_context=True)
def history_cards(context, pair, is_mentor: bool) -> SafeString:
    """The cards of ``pair``'s logs (a ``PairView``) as its mentor (``is_mentor``) or mentee sees them."""
    logs = pair.logs
    if not logs:
        return format_html('<p class="text-body-secondary">{}</p>', gettext("No meeting logged yet."))
    now = timezone.now()
    return format_html_join("\n", "{}", ((_kept_card(context, log, is_mentor, now),) for log in logs))
