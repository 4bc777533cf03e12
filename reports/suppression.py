"""Small-count suppression for the counts of self-identification answers (pure: no Django).

A table of identity counts must never let a reader learn one person's answer. The rules, for each column
(one role of one cohort; columns are never added up on the page, so no total can be subtracted):

1. A pool (the people of the column) of fewer than ``THRESHOLD`` people is not shown at all: with three
   mentors, "0 answered X" already says something about each of them.
2. A count from 1 to ``THRESHOLD - 1`` is shown as "<5", and so is its percentage.
3. Complementary suppression: where exactly one count of a column is hidden, the smallest shown count
   of that column is hidden too, so that the hidden one cannot be worked out from the pool's size and
   the other counts. (The answers of a multiple-choice question need not add up to the pool, but the
   rule applies to every question: the reader may know that most people choose one answer.)

A zero is shown: it hides no one, and the counts that would make it derivable are hidden by rule 3.
"""

from collections.abc import Hashable, Mapping
from dataclasses import dataclass

THRESHOLD = 5


@dataclass(frozen=True)
class Cell:
    """A count as the report may show it: ``count`` is None when hidden."""

    count: int | None
    pool: int

    @property
    def hidden(self) -> bool:
        return self.count is None

    @property
    def share(self) -> float | None:
        """The count as a share of the pool (0 to 1), None when hidden or the pool is empty."""
        return None if self.count is None or not self.pool else self.count / self.pool

    def __str__(self) -> str:
        return f"<{THRESHOLD}" if self.count is None else str(self.count)


def hidden_keys(counts: Mapping[Hashable, int]) -> set:
    """The keys of ``counts`` (one column) to hide, by rules 2 and 3."""
    hidden = {key for key, count in counts.items() if 0 < count < THRESHOLD}
    if len(hidden) == 1:
        shown = sorted(((count, str(key)), key) for key, count in counts.items() if key not in hidden and count > 0)
        if shown:
            hidden.add(shown[0][1])
    return hidden


def suppress(counts: Mapping[Hashable, int], *, pool: int) -> dict[Hashable, Cell] | None:
    """The column's cells as they may be shown; None when the whole column must be withheld (rule 1)."""
    if pool < THRESHOLD:
        return None
    hidden = hidden_keys(counts)
    return {key: Cell(None if key in hidden else count, pool) for key, count in counts.items()}
