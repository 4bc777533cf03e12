"""Markup kept in this process under a digest of everything it is drawn from.

Some markup is drawn again and again from the same few values: a blank form from its fields' definitions, a meeting
log's card from the log. Kept under a digest of those values (and the language), it is never stale: other values
are another key, and the old markup is simply not asked for again. Kept per process, not in the shared cache: a new
release starts new processes, so markup drawn by old code or old templates is never served. Each store keeps at
most ``size`` entries, the least recently used dropped first.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable

from django.utils.translation import get_language


def digest(*parts) -> str:
    """A digest of ``parts`` (their ``repr``) and the active language."""
    return hashlib.blake2b(repr((get_language(), parts)).encode(), digest_size=16).hexdigest()


class Kept:
    """A small least-recently-used store of markup, safe to share between a process's threads."""

    def __init__(self, size: int):
        self.size, self.entries, self.lock = size, OrderedDict(), threading.Lock()

    def get(self, key: str) -> str | None:
        with self.lock:
            html = self.entries.get(key)
            if html is not None:
                self.entries.move_to_end(key)
            return html

    def put(self, key: str, html: str) -> None:
        with self.lock:
            self.entries[key] = html
            self.entries.move_to_end(key)
            while len(self.entries) > self.size:
                self.entries.popitem(last=False)

    def get_or_draw(self, key: str, draw: Callable[[], str]) -> str:
        html = self.get(key)
        if html is None:
            html = draw()
            self.put(key, html)
        return html

    def clear(self) -> None:
        with self.lock:
            self.entries.clear()
