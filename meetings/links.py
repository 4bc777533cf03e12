"""The signed, expiring links of a check-in reminder: "log this week" and "pause my reminders".

A link names its person; opening it still needs that person logged in (the views check both), so a
forwarded or leaked email lets no one else act.
"""

import datetime as dt

from django.core import signing
from django.urls import reverse
from django.utils.translation import gettext as _

from mentorship.email import absolute_url

LOG_SALT = "meetings.log-link"
PAUSE_SALT = "meetings.pause-link"
LOG_LINK_DAYS = 14
PAUSE_LINK_DAYS = 7


class LinkError(Exception):
    """A link that was changed, has expired or belongs to someone else; the message says which."""


def log_link(*, user_id: int, match_id: int, week: dt.date) -> str:
    token = signing.dumps([user_id, match_id, week.isoformat()], salt=LOG_SALT)
    return absolute_url(reverse("meetings:log_link", args=[token]))


def pause_link(*, user_id: int, week: dt.date) -> str:
    token = signing.dumps([user_id, week.isoformat()], salt=PAUSE_SALT)
    return absolute_url(reverse("meetings:pause_link", args=[token]))


def _read(token: str, *, salt: str, days: int, user) -> list:
    try:
        payload = signing.loads(token, salt=salt, max_age=dt.timedelta(days=days))
    except signing.SignatureExpired as error:
        raise LinkError(_("This link has expired. Open your mentoring page to do the same.")) from error
    except signing.BadSignature as error:
        raise LinkError(_("This link is not valid: it may have been cut or changed.")) from error
    if payload[0] != user.pk:
        raise LinkError(_("This link was sent to someone else. Log in with the account it was sent to."))
    return payload


def read_log_link(token: str, *, user) -> tuple[int, dt.date]:
    _user_id, match_id, week = _read(token, salt=LOG_SALT, days=LOG_LINK_DAYS, user=user)
    return match_id, dt.date.fromisoformat(week)


def read_pause_link(token: str, *, user) -> dt.date:
    _user_id, week = _read(token, salt=PAUSE_SALT, days=PAUSE_LINK_DAYS, user=user)
    return dt.date.fromisoformat(week)
