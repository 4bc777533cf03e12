"""Whole pages kept in this process and served again while nothing they are drawn from has changed.

``kept_page(request, tables, draw)`` answers a GET with the page ``draw()`` made earlier for the same person, address,
language and time zone, as long as the tokens of ``tables`` are the ones it was drawn under
(mentorship/data_versions.py: database triggers change a table's token whenever its rows change). One query reads
the tokens; the page's own queries and its drawing are skipped.

What a kept page must not carry over from the request that drew it:

- the CSRF token: each form of the page gets this request's token (the same secret, a fresh mask);
- messages: a request with messages to show draws its page, and such a page is not kept;
- anything but a complete 200 answer to a GET: redirects, errors and posts are never kept.

A page drawn from anything but those tables and the request's person, address, language and time zone (the clock,
another table) must not be kept this way.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from django.contrib import messages
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone

from . import data_versions
from .kept_markup import Kept, digest

PAGES = Kept(size=64)
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
CSRF_MARK = "\x00csrf\x00"


def kept_page(request, tables: tuple[str, ...], draw: Callable[[], HttpResponse]) -> HttpResponse:
    if request.method != "GET" or len(messages.get_messages(request)):
        return draw()
    tokens = data_versions.tokens(tables)
    if tokens is None:
        return draw()
    user = request.user
    key = digest(request.get_full_path(), user.pk, timezone.get_current_timezone_name(), tables, tokens)
    kept = PAGES.get(key)
    if kept is not None:
        content, content_type = kept
        return HttpResponse(content.replace(CSRF_MARK, get_token(request)), content_type=content_type)
    response = draw()
    if response.status_code != 200 or response.streaming:
        return response
    if hasattr(response, "render"):
        response.render()
    if len(messages.get_messages(request)):
        return response  # the page shows messages added while drawing it
    content = response.content.decode(response.charset)
    csrf_tokens = set(CSRF_FIELD.findall(content))
    if len(csrf_tokens) > 1 or CSRF_MARK in content:
        return response  # never expected: two tokens in one page
    for token in csrf_tokens:
        content = content.replace(token, CSRF_MARK)
    PAGES.put(key, (content, response["Content-Type"]))
    return response
