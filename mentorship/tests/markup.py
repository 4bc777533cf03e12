"""Comparing two renderings of the same markup."""

import re


def normal(html) -> str:
    """``html`` with whitespace runs as one space and none beside a tag (where a browser shows none)."""
    return re.sub(r"\s*([<>])\s*", r"\1", re.sub(r"\s+", " ", str(html))).strip()
