"""Whole pages kept in the shared cache and served again while nothing they are drawn from has changed.

``kept_page(request, tables, draw)`` answers a GET with the page ``draw()`` made earlier for the same person, address,
language and time zone, as long as the tokens of ``tables`` are the ones it was drawn under
(mentorship/data_versions.py: database triggers change a table's token whenever its rows change). One query reads
the tokens and one cache read the page; the page's own queries and its drawing are skipped.

Kept in the shared cache (Redis when ``REDIS_URL`` is set), a page drawn by one web process serves every other one.
The key holds a digest of the release (``release()``: the project's code, templates and translations, and Django's
version), so a page drawn by other code is never served. Pages are dropped 15 minutes after they were drawn: a page
no longer served (its data changed, a person's data was erased) does not linger in the cache.

What a kept page must not carry over from the request that drew it:

- the CSRF token: each form of the page gets this request's token (the same secret, a fresh mask);
- messages: a request with messages to show draws its page, and such a page is not kept;
- anything but a complete 200 answer to a GET: redirects, errors and posts are never kept.

A page drawn from anything but those tables and the request's person, address, language and time zone (the clock,
another table) must not be kept this way.
"""

from __future__ import annotations

import functools
import hashlib
import os
import re
from collections.abc import Callable

import django
from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone

from . import data_versions
from .kept_markup import digest

SECONDS = 15 * 60
RELEASE_FILES = (".py", ".html", ".mo")
NOT_RELEASED = {"node_modules", "staticfiles", "test-output", "__pycache__"}  # and hidden folders (.venv, .git)
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
CSRF_MARK = "\x00csrf\x00"


@functools.cache
def release() -> str:
    """A digest of the code this process runs: the project's Python, templates and translations, and Django's
    version. Read once per process."""
    contents = hashlib.blake2b(django.get_version().encode(), digest_size=16)
    base = settings.BASE_DIR
    for folder, folders, files in os.walk(base):
        folders[:] = sorted(name for name in folders if name not in NOT_RELEASED and not name.startswith("."))
        for name in sorted(files):
            if name.endswith(RELEASE_FILES):
                path = os.path.join(folder, name)
                contents.update(os.path.relpath(path, base).encode())
                with open(path, "rb") as file:
                    contents.update(file.read())
    return contents.hexdigest()


class _Pages:
    """The kept pages: the shared cache, under the release's digest."""

    def get(self, key: str):
        return cache.get(f"kept-page:{release()}:{key}")

    def put(self, key: str, page) -> None:
        cache.set(f"kept-page:{release()}:{key}", page, SECONDS)


PAGES = _Pages()


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
