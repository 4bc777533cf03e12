"""Content that staff write in both languages (program names, questions...) is stored as pairs of
fields, ``name_en`` and ``name_fr``; ``Localized`` reads the one of the active language."""

import datetime as dt
from functools import lru_cache

from django.utils.formats import date_format
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

LANGUAGE_CODES = ("en", "fr")


def active_language() -> str:
    language = (get_language() or "en")[:2]
    return language if language in LANGUAGE_CODES else "en"


class Localized:
    """``name = Localized("name")`` on a model with ``name_en`` and ``name_fr``: the text in the active
    language, or the English one where the French is blank."""

    def __init__(self, base: str):
        self.base = base

    def __get__(self, instance, owner=None):
        if instance is None:
            return self
        return getattr(instance, f"{self.base}_{active_language()}", "") or getattr(instance, f"{self.base}_en")


def long_day(value: dt.date) -> str:
    """``value`` as ``{{ value|date:"DATE_FORMAT" }}`` writes it in the active language ("March 1, 2027",
    "1 mars 2027")."""
    return _long_day(value, get_language())


@lru_cache(maxsize=4096)
def _long_day(value: dt.date, language: str | None) -> str:
    # A pair's page writes some ninety days (its week strip, its history), each through Django's date
    # formatting, a tenth of the page's time (bench/profile_pages.py); a day is written the same way every time.
    return date_format(value, "DATE_FORMAT")


def sentence(message: str, **values) -> SafeString:
    """A translated ``message`` with its ``%(name)s`` values escaped, as ``{% blocktranslate %}`` writes it, for
    markup written by Python (the template tags that stand in for template loops)."""
    escaped = {name: conditional_escape(value) for name, value in values.items()}
    return mark_safe(message % escaped)  # noqa: S308 (the translation is ours; every value is escaped)
