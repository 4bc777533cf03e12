"""The matching engine: which mentee works with which mentor.

Pure: no Django import, so it is tested and benchmarked without a database (``matching/services.py`` builds the
input from the cohort's ratings and applications, calls :func:`solve` and writes the run).

The words used here
-------------------
person
    Any hashable id; the Django side passes participant ids. Mentees and mentors are told apart by their role, so
    the same id may appear on both sides (it is never mixed up), though participant ids will not.
candidate (:class:`Candidate`)
    A pair that may be matched, with its score broken into parts (:class:`ScorePart`, e.g. "ratings",
    "shared goals"); the score is the sum of the parts. A pair that is not a candidate is never matched, unless
    staff pin it (then it counts as a candidate with score 0 and no parts).
eligible pair
    A candidate that is not forbidden and whose mentor has a capacity above zero.
rank
    A mentee's rank of a mentor is the mentor's position in the mentee's eligible pairs sorted by score, highest
    first (1 = first choice); equal scores are ordered by the people's order (see "Determinism"). A mentor's rank
    of a mentee is the same from the mentor's side.
pinned pair
    Kept whatever happens; it uses one place of the mentor's capacity before anything else is decided.
forbidden pair
    Never matched (a conflict of interest, or staff said no).
blocking pair
    An eligible pair (mentee m, mentor M), m not pinned, not matched together, where m prefers M to their match
    (or has none) and M either has a free place or prefers m to their worst mentee who is not pinned. A
    matching without blocking pairs is stable: no mentee and mentor would both rather be with each other.

The API
-------
``solve(*, mentees, mentors, candidates, forbidden=(), pinned=(), options=Options()) -> Result``
    ``mentees`` is a sequence of people, ``mentors`` maps each mentor to their capacity (an int >= 0),
    ``candidates`` is an iterable of :class:`Candidate`, ``forbidden`` and ``pinned`` are iterables of
    ``(mentee, mentor)`` pairs. :class:`Options` chooses the mode (``"best"`` or ``"stable"``) and whether
    the best mode applies the fairness floor (default yes; the stable mode ignores it).
:class:`Result`
    ``mode``; ``pairs`` (:class:`Pair`: the two people, score and its parts, each side's rank of the other,
    whether it was pinned, whether it came from the stable mode's completion pass), in mentee order;
    ``unmatched`` (:class:`Unmatched`: the person, their role and a reason code, see ``REASONS``), mentees
    first; ``quality`` (:class:`Quality`).
``MatchingError(ValueError)``
    Bad input, with a plain English ``message`` for staff and a stable ``code`` to translate it by (see
    ``ERRORS``); nothing is solved.

The modes
---------
best
    Maximise the number of mentees matched, then the total score, within the capacities and hard rules.
    With the fairness floor (default), first find the smallest rank k such that a matching of that same
    (maximum) size exists using only pairs a mentee ranks k or better, then maximise the total score over those
    pairs only: no unpinned mentee is placed below the best achievable worst rank. The floor is found by an
    exponential then binary search over k with OR-Tools max flow; the score by OR-Tools min-cost flow
    (``solve_max_flow_with_min_cost``: a maximum flow of least cost, so the size comes first). Scores are
    integers on the solver's side: scaled by 1,000 (to 0.001) unless the range of scores is so wide that a
    coarser step is needed to stay within 64-bit costs.
stable
    Mentee-proposing deferred acceptance with capacities (Gale and Shapley; preferences are the ranks above,
    so they are strict and the result is the mentee-optimal stable matching, whatever the input order). It has
    no blocking pair. A stable matching may leave mentees unmatched who could be placed by moving others (every
    stable matching leaves the same people out), so a completion pass then runs min-cost flow over the eligible
    pairs: every mentee matched by deferred acceptance stays matched, as many others as possible are added,
    then as many deferred-acceptance pairs as possible are kept, then the score is maximised. Pairs it adds or
    changes have ``from_completion=True``; they may create blocking pairs, which ``quality.blocking_pairs``
    counts honestly (zero when the completion pass changed nothing).

Determinism
-----------
People are put in sorted order first (natural order when their ids can be compared, else by type name and
``repr``), and every tie is broken by that order, so the same input gives the same result in any order.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from operator import attrgetter
from typing import Literal

import numpy as np
from ortools.graph.python import max_flow, min_cost_flow

Person = Hashable
Mode = Literal["best", "stable"]
MODES = ("best", "stable")

SCORE_SCALE = 1000  # solver costs are integers: scores to 0.001...
MAX_SCALED_SPAN = 10**9  # ...unless the scores span more than a million, then a coarser step
COST_LIMIT = 2**62  # OR-Tools multiplies costs by the number of nodes: keep cost x nodes below this

ERRORS = {
    "bad_mode": "Choose the mode 'best' or 'stable'.",
    "no_mentees": "There are no mentees to match.",
    "no_mentors": "There are no mentors to match with.",
    "duplicate_person": "Someone is listed twice.",
    "bad_capacity": "A mentor's capacity must be a whole number of mentees, zero or more.",
    "unknown_person": "A pair names someone who is not among the mentees or mentors.",
    "duplicate_candidate": "The same pair is listed twice.",
    "bad_score": "A score must be a finite number.",
    "pinned_twice": "A mentee is pinned to two mentors.",
    "pinned_and_forbidden": "A pair is both pinned and forbidden.",
    "pinned_over_capacity": "More mentees are pinned to a mentor than the mentor can take.",
}

REASONS = {
    # mentees
    "no_candidate": "No candidate pair was given for them.",
    "forbidden_all": "Every pair they could have is forbidden.",
    "no_capacity": "Every mentor they could have takes no mentees (capacity zero).",
    "all_candidates_full": "Every mentor they could have is full with other mentees.",
    # mentors
    "capacity_zero": "Their capacity is zero.",
    "all_candidates_matched": "Every mentee they could have is matched with someone else.",
    # either side: the optimisation left them out although a place existed (not expected; reported if seen)
    "not_chosen": "Left out by the optimisation.",
}


class MatchingError(ValueError):
    """The matching cannot be solved from this input; ``message`` is for staff, ``code`` names the reason."""

    def __init__(self, message: str, *, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


def _error(code: str, detail: str = "") -> MatchingError:
    message = ERRORS[code] + (f" ({detail})" if detail else "")
    return MatchingError(message, code=code)


@dataclass(frozen=True)
class ScorePart:
    """One named part of a pair's score, e.g. ``ScorePart("ratings", 4.5)``."""

    name: str
    value: float


@dataclass(frozen=True)
class Candidate:
    """A pair that may be matched; ``score`` is the sum of ``parts``."""

    mentee: Person
    mentor: Person
    parts: tuple[ScorePart, ...] = ()
    score: float = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "parts", tuple(self.parts))  # a list would make the result unhashable
        object.__setattr__(self, "score", math.fsum(part.value for part in self.parts))


@dataclass(frozen=True)
class Options:
    mode: Mode = "best"
    fairness_floor: bool = True  # best mode only


@dataclass(frozen=True)
class Pair:
    mentee: Person
    mentor: Person
    score: float
    parts: tuple[ScorePart, ...]
    mentee_rank: int  # the mentee's rank of the mentor, 1 = first choice
    mentor_rank: int  # the mentor's rank of the mentee
    pinned: bool
    from_completion: bool  # stable mode: added or changed by the completion pass


@dataclass(frozen=True)
class Unmatched:
    person: Person
    role: Literal["mentee", "mentor"]
    reason: str  # a key of REASONS


@dataclass(frozen=True)
class Quality:
    """Figures of one result. Shares are of all mentees; ranks are over the pairs (None when there are none)."""

    matched_share: float
    first_choice_share: float
    top3_share: float
    mean_rank_mentee: float | None
    worst_rank_mentee: int | None
    mean_rank_mentor: float | None
    worst_rank_mentor: int | None
    blocking_pairs: int
    total_score: float


@dataclass(frozen=True)
class Result:
    mode: Mode
    pairs: tuple[Pair, ...]
    unmatched: tuple[Unmatched, ...]
    quality: Quality


# --- Input -----------------------------------------------------------------------------------------------------


def _sorted_people(people: Iterable[Person]) -> list[Person]:
    people = list(people)
    try:
        return sorted(people)
    except TypeError:
        return sorted(people, key=lambda person: (type(person).__name__, repr(person)))


def _index(people: list[Person], role: str) -> dict[Person, int]:
    index = {person: i for i, person in enumerate(people)}
    if len(index) != len(people):
        raise _error("duplicate_person", role)
    return index


def _pair_indices(
    pairs: Iterable[tuple[Person, Person]], mentee_index: dict, mentor_index: dict, what: str
) -> list[tuple[int, int]]:
    out = []
    for mentee, mentor in pairs:
        if mentee not in mentee_index or mentor not in mentor_index:
            raise _error("unknown_person", f"{what} pair {mentee!r}, {mentor!r}")
        out.append((mentee_index[mentee], mentor_index[mentor]))
    return out


def _ranks(em: np.ndarray, eM: np.ndarray, scores: np.ndarray, n_mentors: int) -> tuple[np.ndarray, np.ndarray]:
    """Each edge's rank on both sides: its position (from 1) in the mentee's (mentor's) list sorted by score,
    highest first, equal scores in the other side's order. The edges must be sorted by mentee, then mentor.
    """
    n = len(em)
    by_score = np.argsort(-scores, kind="stable")  # equal scores stay in (mentee, mentor) order
    position = np.empty(n, dtype=np.int64)
    position[by_score] = np.arange(n)
    ranks = []
    for group in (em, eM):
        order = np.argsort(group * n + position)
        sorted_group = group[order]
        first = np.searchsorted(sorted_group, sorted_group, side="left")
        rank = np.empty(n, dtype=np.int64)
        rank[order] = np.arange(n) - first + 1
        ranks.append(rank)
    return ranks[0], ranks[1]


def _scaled_costs(scores: np.ndarray, limit: int) -> np.ndarray:
    """Integer costs in 0..limit, lower for higher scores (a constant shift: it never changes the optimum)."""
    if len(scores) == 0:
        return np.zeros(0, dtype=np.int64)
    top = float(scores.max())
    span = top - float(scores.min())
    scale = SCORE_SCALE if span * SCORE_SCALE <= limit else limit / span
    return np.rint((top - scores) * scale).astype(np.int64)


# --- Solvers ---------------------------------------------------------------------------------------------------


def _present(people: np.ndarray, n: int) -> np.ndarray:
    """The distinct indices in ``people`` (each below ``n``), in order."""
    return np.flatnonzero(np.bincount(people, minlength=n))


def _max_matching_size(em: np.ndarray, eM: np.ndarray, capacity: np.ndarray, n_mentees: int) -> int:
    """The largest number of mentees matched over edges (em, eM) within ``capacity`` (OR-Tools max flow)."""
    if len(em) == 0:
        return 0
    mentees = _present(em, n_mentees)
    mentors = _present(eM, len(capacity))
    source, sink = n_mentees + len(capacity), n_mentees + len(capacity) + 1
    tails = np.concatenate([np.full(len(mentees), source), em, mentors + n_mentees]).astype(np.int32)
    heads = np.concatenate([mentees, eM + n_mentees, np.full(len(mentors), sink)]).astype(np.int32)
    caps = np.concatenate([np.ones(len(mentees) + len(em)), capacity[mentors]]).astype(np.int64)
    flow = max_flow.SimpleMaxFlow()
    flow.add_arcs_with_capacity(tails, heads, caps)
    status = flow.solve(source, sink)
    if status != flow.OPTIMAL:  # pragma: no cover - the solver's own failure
        raise RuntimeError(f"max flow failed with status {status}")
    return int(flow.optimal_flow())


def _fairness_floor(em: np.ndarray, eM: np.ndarray, rank: np.ndarray, capacity: np.ndarray, n_mentees: int) -> int:
    """The smallest k such that edges of mentee rank <= k still give a maximum-size matching."""
    top = int(rank.max())
    upper = min(len(_present(em, n_mentees)), int(np.minimum(capacity, np.bincount(eM, minlength=len(capacity))).sum()))
    sizes: dict[int, int] = {}

    def size(k: int) -> int:
        if k not in sizes:
            keep = rank <= k
            sizes[k] = _max_matching_size(em[keep], eM[keep], capacity, n_mentees)
        return sizes[k]

    k = 1
    while size(k) < upper and k < top:  # exponential search: small k first, they are cheap
        k = min(2 * k, top)
    target = size(k) if size(k) >= upper else size(top)
    feasible = min(j for j, s in sizes.items() if s >= target)
    infeasible = max((j for j, s in sizes.items() if s < target), default=0)
    while feasible - infeasible > 1:
        middle = (feasible + infeasible) // 2
        if size(middle) >= target:
            feasible = middle
        else:
            infeasible = middle
    return feasible


def _flow_assignment(
    em: np.ndarray,
    eM: np.ndarray,
    cost: np.ndarray,
    capacity: np.ndarray,
    n_mentees: int,
    required: np.ndarray | None = None,
    skip_penalty: int = 0,
) -> np.ndarray:
    """A boolean mask of the edges used by a min-cost flow that matches as many mentees as possible.

    Without ``required``: a maximum flow of least cost (OR-Tools ``solve_max_flow_with_min_cost``). With
    ``required`` (a mask over mentees): those mentees must be matched, the others may be, each one left out
    costing ``skip_penalty`` (a balanced ``solve`` with a bypass arc from the source to the sink).
    """
    if len(em) == 0:
        return np.zeros(0, dtype=bool)
    mentees = _present(em, n_mentees)
    mentors = _present(eM, len(capacity))
    source, sink = n_mentees + len(capacity), n_mentees + len(capacity) + 1
    solver = min_cost_flow.SimpleMinCostFlow()
    optional = mentees if required is None else mentees[~required[mentees]]
    must = np.zeros(0, dtype=np.int64) if required is None else mentees[required[mentees]]
    edge_arcs = solver.add_arcs_with_capacity_and_unit_cost(
        em.astype(np.int32), (eM + n_mentees).astype(np.int32), np.ones(len(em), dtype=np.int64), cost
    )
    solver.add_arcs_with_capacity_and_unit_cost(
        np.full(len(optional), source, dtype=np.int32),
        optional.astype(np.int32),
        np.ones(len(optional), dtype=np.int64),
        np.zeros(len(optional), dtype=np.int64),
    )
    solver.add_arcs_with_capacity_and_unit_cost(
        (mentors + n_mentees).astype(np.int32),
        np.full(len(mentors), sink, dtype=np.int32),
        capacity[mentors].astype(np.int64),
        np.zeros(len(mentors), dtype=np.int64),
    )
    if required is None:
        solver.set_node_supply(source, len(optional))
        solver.set_node_supply(sink, -len(optional))
        status = solver.solve_max_flow_with_min_cost()
    else:
        solver.add_arc_with_capacity_and_unit_cost(source, sink, len(optional), skip_penalty)
        for mentee in must.tolist():
            solver.set_node_supply(mentee, 1)
        solver.set_node_supply(source, len(optional))
        solver.set_node_supply(sink, -len(optional) - len(must))
        status = solver.solve()
    if status != solver.OPTIMAL:  # pragma: no cover - the solver's own failure
        raise RuntimeError(f"min-cost flow failed with status {status}")
    return np.asarray(solver.flows(np.asarray(edge_arcs, dtype=np.int32))) > 0


def _deferred_acceptance(
    em: np.ndarray, eM: np.ndarray, mentee_rank: np.ndarray, mentor_rank: np.ndarray, capacity: np.ndarray
) -> np.ndarray:
    """Mentee-proposing deferred acceptance with capacities; a boolean mask of the edges kept."""
    order = np.lexsort((mentee_rank, em))  # each mentee's edges, first choice first
    sorted_mentees = em[order]
    starts = np.searchsorted(sorted_mentees, np.arange(int(em.max()) + 2 if len(em) else 1), side="left")
    proposals = order.tolist()
    start_of = starts.tolist()
    mentor_of = eM.tolist()
    mentor_rank_of = mentor_rank.tolist()
    room = capacity.tolist()
    held: list[list[tuple[int, int, int]]] = [[] for _ in room]  # a heap of (-mentor's rank, edge, mentee)
    next_edge = start_of[:-1]
    free = sorted(set(em.tolist()), reverse=True)  # any order gives the same result; this one is fixed anyway
    while free:
        mentee = free.pop()
        while mentee is not None and next_edge[mentee] < start_of[mentee + 1]:
            edge = proposals[next_edge[mentee]]
            next_edge[mentee] += 1
            mentor = mentor_of[edge]
            heap = held[mentor]
            if len(heap) < room[mentor]:
                heapq.heappush(heap, (-mentor_rank_of[edge], edge, mentee))
                mentee = None
            elif -heap[0][0] > mentor_rank_of[edge]:  # the mentor prefers this mentee to their worst one
                mentee = heapq.heapreplace(heap, (-mentor_rank_of[edge], edge, mentee))[2]
    kept = np.zeros(len(em), dtype=bool)
    for heap in held:
        for _, edge, _ in heap:
            kept[edge] = True
    return kept


# --- The whole -------------------------------------------------------------------------------------------------


def solve(
    *,
    mentees: Sequence[Person],
    mentors: Mapping[Person, int],
    candidates: Iterable[Candidate],
    forbidden: Iterable[tuple[Person, Person]] = (),
    pinned: Iterable[tuple[Person, Person]] = (),
    options: Options = Options(),  # frozen, so one shared default is safe
) -> Result:
    """Propose pairs for ``mentees`` and ``mentors``; see the module docstring."""
    if options.mode not in MODES:
        raise _error("bad_mode", repr(options.mode))
    mentee_list = _sorted_people(mentees)
    mentor_list = _sorted_people(mentors)
    if not mentee_list:
        raise _error("no_mentees")
    if not mentor_list:
        raise _error("no_mentors")
    mentee_index = _index(mentee_list, "mentee")
    mentor_index = _index(mentor_list, "mentor")
    for mentor in mentor_list:
        value = mentors[mentor]
        if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 0:
            raise _error("bad_capacity", f"{mentor!r}: {value!r}")
    capacity = np.array([int(mentors[mentor]) for mentor in mentor_list], dtype=np.int64)
    n_mentees, n_mentors = len(mentee_list), len(mentor_list)

    # Candidates as arrays, one row an edge, sorted by mentee then mentor.
    candidate_list = list(candidates)
    try:
        em = np.fromiter(map(mentee_index.__getitem__, map(attrgetter("mentee"), candidate_list)), np.int64)
        eM = np.fromiter(map(mentor_index.__getitem__, map(attrgetter("mentor"), candidate_list)), np.int64)
    except KeyError as exc:
        raise _error("unknown_person", f"candidate {exc.args[0]!r}") from None
    scores = np.fromiter(map(attrgetter("score"), candidate_list), np.float64, len(candidate_list))
    if not np.isfinite(scores).all():
        raise _error("bad_score")
    source = np.arange(len(candidate_list))  # index into candidate_list, -1 for a pinned pair added

    pinned_pairs = sorted(set(_pair_indices(pinned, mentee_index, mentor_index, "pinned")))
    forbidden_pairs = set(_pair_indices(forbidden, mentee_index, mentor_index, "forbidden"))
    pinned_mentor_of: dict[int, int] = {}
    for mentee, mentor in pinned_pairs:
        if mentee in pinned_mentor_of:
            raise _error("pinned_twice", repr(mentee_list[mentee]))
        if (mentee, mentor) in forbidden_pairs:
            raise _error("pinned_and_forbidden", f"{mentee_list[mentee]!r}, {mentor_list[mentor]!r}")
        pinned_mentor_of[mentee] = mentor
    pinned_count = np.bincount(
        np.array([mentor for _, mentor in pinned_pairs], dtype=np.int64), minlength=n_mentors
    ).astype(np.int64)
    over = np.flatnonzero(pinned_count > capacity)
    if len(over):
        raise _error("pinned_over_capacity", repr(mentor_list[int(over[0])]))

    code = em * n_mentors + eM
    by_code = np.argsort(code)
    if (np.diff(code[by_code]) == 0).any():
        raise _error("duplicate_candidate")
    pinned_code = np.array([m * n_mentors + M for m, M in pinned_pairs], dtype=np.int64)
    missing = pinned_code[~np.isin(pinned_code, code, assume_unique=True)]
    if len(missing):  # a pinned pair that was not a candidate: a candidate with score 0 and no parts
        em = np.concatenate([em, missing // n_mentors])
        eM = np.concatenate([eM, missing % n_mentors])
        scores = np.concatenate([scores, np.zeros(len(missing))])
        source = np.concatenate([source, np.full(len(missing), -1)])
        code = np.concatenate([code, missing])
    listed_mentees = np.bincount(em, minlength=n_mentees)
    listed_mentors = np.bincount(eM, minlength=n_mentors)
    forbidden_code = np.array([m * n_mentors + M for m, M in forbidden_pairs], dtype=np.int64)
    allowed = ~np.isin(code, forbidden_code, assume_unique=True)
    allowed_mentees = np.bincount(em[allowed], minlength=n_mentees)
    allowed_mentors = np.bincount(eM[allowed], minlength=n_mentors)

    keep = allowed & (capacity[eM] > 0)  # the eligible pairs
    order = np.argsort(code[keep])
    em, eM, scores, source, code = (a[keep][order] for a in (em, eM, scores, source, code))
    mentee_rank, mentor_rank = _ranks(em, eM, scores, n_mentors)

    is_pinned_mentee = np.zeros(n_mentees, dtype=bool)
    is_pinned_mentee[list(pinned_mentor_of)] = True
    pinned_edge = np.zeros(len(em), dtype=bool)
    pinned_edge[np.searchsorted(code, np.sort(pinned_code))] = True
    room = capacity - pinned_count
    open_edges = np.flatnonzero(~is_pinned_mentee[em] & (room[eM] > 0))

    from_completion = np.zeros(len(em), dtype=bool)
    if options.mode == "best":
        chosen = _solve_best(em, eM, scores, mentee_rank, open_edges, room, n_mentees, options.fairness_floor)
    else:
        chosen, from_completion = _solve_stable(em, eM, scores, mentee_rank, mentor_rank, open_edges, room, n_mentees)
    chosen |= pinned_edge

    # The result.
    pairs = []
    for edge in np.flatnonzero(chosen).tolist():
        candidate = candidate_list[source[edge]] if source[edge] >= 0 else None
        pairs.append(
            Pair(
                mentee=mentee_list[em[edge]],
                mentor=mentor_list[eM[edge]],
                score=candidate.score if candidate else 0.0,
                parts=candidate.parts if candidate else (),
                mentee_rank=int(mentee_rank[edge]),
                mentor_rank=int(mentor_rank[edge]),
                pinned=bool(pinned_edge[edge]),
                from_completion=bool(from_completion[edge]),
            )
        )
    matched_mentee = np.zeros(n_mentees, dtype=bool)
    matched_mentee[em[chosen]] = True
    taken = np.bincount(eM[chosen], minlength=n_mentors)
    eligible_mentees = np.bincount(em, minlength=n_mentees)
    full_mentor = taken >= capacity
    mentee_has_room = np.zeros(n_mentees, dtype=bool)  # some eligible mentor still has a free place
    mentee_has_room[em[~full_mentor[eM]]] = True
    mentor_has_free_mentee = np.zeros(n_mentors, dtype=bool)  # some eligible mentee is still unmatched
    mentor_has_free_mentee[eM[~matched_mentee[em]]] = True

    unmatched = []
    for i in np.flatnonzero(~matched_mentee).tolist():
        if listed_mentees[i] == 0:
            reason = "no_candidate"
        elif allowed_mentees[i] == 0:
            reason = "forbidden_all"
        elif eligible_mentees[i] == 0:
            reason = "no_capacity"
        elif not mentee_has_room[i]:
            reason = "all_candidates_full"
        else:
            reason = "not_chosen"
        unmatched.append(Unmatched(person=mentee_list[i], role="mentee", reason=reason))
    for i in np.flatnonzero(taken == 0).tolist():
        if capacity[i] == 0:
            reason = "capacity_zero"
        elif listed_mentors[i] == 0:
            reason = "no_candidate"
        elif allowed_mentors[i] == 0:
            reason = "forbidden_all"
        elif not mentor_has_free_mentee[i]:
            reason = "all_candidates_matched"
        else:
            reason = "not_chosen"
        unmatched.append(Unmatched(person=mentor_list[i], role="mentor", reason=reason))

    quality = _quality(
        pairs,
        n_mentees,
        _blocking_pairs(em, eM, mentee_rank, mentor_rank, chosen, pinned_edge, is_pinned_mentee, room, n_mentors),
    )
    return Result(mode=options.mode, pairs=tuple(pairs), unmatched=tuple(unmatched), quality=quality)


def _solve_best(
    em: np.ndarray,
    eM: np.ndarray,
    scores: np.ndarray,
    mentee_rank: np.ndarray,
    open_edges: np.ndarray,
    room: np.ndarray,
    n_mentees: int,
    fairness_floor: bool,
) -> np.ndarray:
    chosen = np.zeros(len(em), dtype=bool)
    if len(open_edges) == 0:
        return chosen
    if fairness_floor:
        floor = _fairness_floor(em[open_edges], eM[open_edges], mentee_rank[open_edges], room, n_mentees)
        open_edges = open_edges[mentee_rank[open_edges] <= floor]
    limit = min(MAX_SCALED_SPAN, COST_LIMIT // (n_mentees + len(room) + 3))
    cost = _scaled_costs(scores[open_edges], limit)
    used = _flow_assignment(em[open_edges], eM[open_edges], cost, room, n_mentees)
    chosen[open_edges[used]] = True
    return chosen


def _solve_stable(
    em: np.ndarray,
    eM: np.ndarray,
    scores: np.ndarray,
    mentee_rank: np.ndarray,
    mentor_rank: np.ndarray,
    open_edges: np.ndarray,
    room: np.ndarray,
    n_mentees: int,
) -> tuple[np.ndarray, np.ndarray]:
    chosen = np.zeros(len(em), dtype=bool)
    from_completion = np.zeros(len(em), dtype=bool)
    if len(open_edges) == 0:
        return chosen, from_completion
    sub_em, sub_eM = em[open_edges], eM[open_edges]
    kept = _deferred_acceptance(sub_em, sub_eM, mentee_rank[open_edges], mentor_rank[open_edges], room)
    matched = np.zeros(n_mentees, dtype=bool)
    matched[sub_em[kept]] = True
    taken = np.bincount(sub_eM[kept], minlength=len(room))
    # The completion pass can only help when someone left out has a pair and some place is free.
    if (~matched[sub_em]).any() and (taken < room).any():
        n_matched = int(matched.sum())
        if _max_matching_size(sub_em, sub_eM, room, n_mentees) > n_matched:
            # Lexicographic costs: a mentee left out costs more than every kept pair can gain, a changed pair
            # more than all the scores; within 64 bits once multiplied by the number of nodes.
            n_max = min(len(_present(sub_em, n_mentees)), int(room.sum())) + 1
            nodes = n_mentees + len(room) + 3
            score_limit = max(1, min(MAX_SCALED_SPAN, COST_LIMIT // (nodes * (n_max + 1) ** 2 * 4)))
            score_cost = _scaled_costs(scores[open_edges], score_limit)
            change = n_max * score_limit + 1
            skip = n_max * (change + score_limit) + 1
            cost = score_cost + np.where(kept, 0, change)
            used = _flow_assignment(sub_em, sub_eM, cost, room, n_mentees, required=matched, skip_penalty=skip)
            from_completion[open_edges[used & ~kept]] = True
            kept = used
    chosen[open_edges[kept]] = True
    return chosen, from_completion


def _blocking_pairs(
    em: np.ndarray,
    eM: np.ndarray,
    mentee_rank: np.ndarray,
    mentor_rank: np.ndarray,
    chosen: np.ndarray,
    pinned_edge: np.ndarray,
    is_pinned_mentee: np.ndarray,
    room: np.ndarray,
    n_mentors: int,
) -> int:
    """The number of blocking pairs (see the module docstring); pinned pairs never move."""
    n_mentees = len(is_pinned_mentee)
    current = np.full(n_mentees, np.iinfo(np.int64).max)
    current[em[chosen]] = mentee_rank[chosen]
    movable = chosen & ~pinned_edge
    worst = np.full(n_mentors, -1, dtype=np.int64)
    np.maximum.at(worst, eM[movable], mentor_rank[movable])
    free_place = np.bincount(eM[movable], minlength=n_mentors) < room
    blocking = (
        ~chosen
        & ~is_pinned_mentee[em]
        & (mentee_rank < current[em])
        & (room[eM] > 0)
        & (free_place[eM] | (mentor_rank < worst[eM]))
    )
    return int(blocking.sum())


def _quality(pairs: list[Pair], n_mentees: int, blocking: int) -> Quality:
    mentee_ranks = [pair.mentee_rank for pair in pairs]
    mentor_ranks = [pair.mentor_rank for pair in pairs]
    return Quality(
        matched_share=len(pairs) / n_mentees,
        first_choice_share=sum(rank == 1 for rank in mentee_ranks) / n_mentees,
        top3_share=sum(rank <= 3 for rank in mentee_ranks) / n_mentees,
        mean_rank_mentee=sum(mentee_ranks) / len(pairs) if pairs else None,
        worst_rank_mentee=max(mentee_ranks, default=None),
        mean_rank_mentor=sum(mentor_ranks) / len(pairs) if pairs else None,
        worst_rank_mentor=max(mentor_ranks, default=None),
        blocking_pairs=blocking,
        total_score=math.fsum(pair.score for pair in pairs),
    )
