"""The paired change of a confidence rating (pure: no Django).

For each person who rated a statement both in their application (the baseline) and in a survey, the change
is the survey's rating minus the baseline's (-4 to +4). The database counts how many people had each
change; from those counts this module gives the mean change with its 95% confidence interval (Student's t,
as the changes of a small group are far from normal in shape but their mean is what we estimate) and the
distribution itself.
"""

import math
from collections.abc import Iterable
from dataclasses import dataclass

from scipy import stats

# Fewer paired answers than this and the figures are not shown: one person's change would be readable.
MIN_PAIRS = 5


@dataclass(frozen=True)
class PairedChange:
    n: int
    before: float  # mean baseline rating of the people counted
    after: float  # their mean rating in the survey
    mean: float  # mean change (after - before)
    low: float  # 95% confidence interval of the mean change
    high: float
    distribution: dict[int, int]  # change -> number of people, -4..4


def paired_change(groups: Iterable[tuple[int, int, int]]) -> PairedChange | None:
    """From (change, people, sum of their baseline ratings) groups; None under ``MIN_PAIRS`` people."""
    distribution = dict.fromkeys(range(-4, 5), 0)
    n = before_total = 0
    for change, people, before_sum in groups:
        distribution[change] += people
        n += people
        before_total += before_sum
    if n < MIN_PAIRS:
        return None
    mean = sum(change * people for change, people in distribution.items()) / n
    variance = sum(people * (change - mean) ** 2 for change, people in distribution.items()) / (n - 1)
    margin = stats.t.ppf(0.975, n - 1) * math.sqrt(variance / n)
    before = before_total / n
    return PairedChange(
        n=n,
        before=before,
        after=before + mean,
        mean=mean,
        low=mean - margin,
        high=mean + margin,
        distribution=distribution,
    )
