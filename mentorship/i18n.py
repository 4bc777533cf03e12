"""Content that staff write in both languages (program names, questions...) is stored as pairs of
fields, ``name_en`` and ``name_fr``; ``Localized`` reads the one of the active language."""

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
