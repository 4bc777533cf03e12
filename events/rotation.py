"""The speed-networking rotation: who sits at which table in which round.

Pure: no Django import, so it is tested and benchmarked without a database (``events/services.py`` calls
it and writes the seats).

The words used here
-------------------
person
    Any hashable id; the Django side passes participant ids. Mentor and mentee ids must not overlap.
round
    Numbered from 1 to ``rounds``.
seat (:class:`Seat`)
    One meeting: in one round, one mentor at one table (numbered from 1 to ``tables``) with the one or more
    mentees who sit with them. A table where nobody meets is not listed.
sit-out
    A person who is present in a round but in no seat of it: a mentee with no place, or a mentor without a
    table (more mentors than tables) or whose table nobody could join (every present mentee has met them).
schedule (:class:`Schedule`)
    The seats of every round, who sat out in each round, and who took part.

The API
-------
``build_schedule(*, mentors, mentees, rounds, tables, seats_per_table=1, scores=None, seed=0, held=None,
from_round=1) -> Schedule``
    The rotation for the mentors and mentees present. ``scores`` maps ``(mentor, mentee)`` to a priority
    (higher meets first; a missing pair counts as 0). ``held`` and ``from_round`` regenerate the rounds
    from ``from_round`` on (late arrivals, no-shows) while rounds before it stay exactly as in ``held``.
``minimum_longest_sit_out_run(*, people, seats, rounds=None) -> int``
    The issue's lower bound ⌈(n − S) / S⌉ on the longest run of consecutive sit-outs of someone, for n
    people sharing S places a round (mentees: S = tables x seats_per_table; mentors: S = tables, or the
    number of mentees when fewer).
``RotationError(ValueError)``
    Bad input, with a plain English ``message`` for staff and a stable ``code`` to translate it by.

The rules it keeps (each is a test in ``events/tests/test_rotation.py``)
-----------------------------------------------------------------------
1. A mentee never meets the same mentor twice, held rounds included.
2. No seat is wasted: a table never has a free seat while a present mentee who has not met its mentor sits
   out, and a table is never left unused while a mentor who sits out and a mentee who sits out have not met.
   So each mentee meets min(rounds - their sit-outs, mentors) different mentors.
3. Sit-outs are spread fairly: people who sat out a larger share of their rounds, then longer in a row, are
   seated first, and among the people present throughout, mentees' counts differ by at most one, as do
   mentors'. (A round-by-round plan can be cornered near the end, when those who most need a seat have met
   every mentor left: such a plan is made again with other tie-breaks. Over tens of thousands of random
   events none was left unfair, but this is checked, not proven. After a regeneration, someone who has met
   everyone still present cannot be helped.) A late arrival sits out about the same share of the rounds
   to come as everyone else.
4. A table seats up to ``seats_per_table`` mentees at once.
5. High-priority pairs meet in earlier rounds, so each mentee meets most of their highest-scoring mentors.
6. Mentees who already shared a table are kept apart when a table seats several.
7. The same input and seed give the same schedule (the people are put in sorted order first, when they
   can be sorted, so the order of the lists does not matter).
8. Regeneration keeps the held rounds and never repeats a pair met in them.
9. Who sits out rotates, so the longest run of sit-outs stays at the bound ⌈(n - S) / S⌉ of
   :func:`minimum_longest_sit_out_run` (in about 99% of random events where nobody runs out of people to
   meet; in the rest, mentees' runs are at most one round longer, mentors' at most two). When there are
   more rounds than mentors, mentees who have met every mentor must sit out the last rounds (rule 1), and
   no seat may be kept empty for them earlier (rule 2): those runs are as long as that forces.
   ``Schedule.longest_sit_out_run()`` is what staff are told before the event.

How
---
One round at a time, as assignment problems solved with ``scipy.optimize.linear_sum_assignment`` (see
https://docs.scipy.org/doc/scipy/reference/generated/scipy.optimize.linear_sum_assignment.html):

- the first problem gives each table its first mentee and, when there are more mentors than tables, also
  chooses the mentors who sit out (``mentors - tables`` extra "closed table" rows that fit any mentor);
- the second fills every other free seat at once (one column per seat), counting whom a mentee would sit
  with (the first mentees) and which mentors need seats now: a mentor whom more mentees have not met than
  the later rounds can seat gets them first, or someone would miss them;
- then, without changing who is seated, one mentee of every table at a time is seated again where they
  share least with the others at the table (the same assignment problem, a few sweeps).

The costs are layered so that each goal strictly outranks the next:

1. a pair already met is never used (a used seat is worth a big constant; a met pair is worth nothing, so
   the solver seats as many people as the round allows: rule 2);
2. people who sat out the larger share of their rounds (then longer in a row, then with fewer people left to
   meet) are seated first, mentees and mentors alike; sets of seated people form a matroid, so any weights
   increasing with that order give the fair choice (rules 3 and 9);
3. the pair's priority score, minus the times the mentee already shared a table with those seated there,
   plus the mentor's need for seats now, plus a tiny seeded random tie-break (rules 5, 6 and 7).

A round-by-round plan can be cornered near the end; a plan whose sit-outs spread by more than one is made
again with other tie-breaks and orders (up to ``MAX_ATTEMPTS``, within ``ATTEMPT_WORK``), as is one with
fewer meetings or longer runs than their bounds (up to ``RUN_ATTEMPTS``): the best plan is kept. At the
issue's size (200 mentors, 400 mentees, 12 rounds, 100 tables) the first plan is kept, in about 0.3 s.

Mentors keep their table number from round to round when they can, so fewer people move.
"""

from __future__ import annotations

import copy
import math
from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
from scipy.optimize import linear_sum_assignment

Person = Hashable

SCORE_WEIGHT = 1.0  # a priority score, normalised to 0..1
CO_SEATING_WEIGHT = 0.5  # each earlier shared table with someone already seated at that table
URGENCY_WEIGHT = 10.0  # a seat a mentor needs now, or some mentee will not meet them by the last round
TIE_BREAK_WEIGHT = 0.01  # the seeded random order between otherwise equal choices
REARRANGE_SWEEPS = 4  # rounds of improving who sits together once everyone has a seat
_SEED_MASK = (1 << 64) - 1  # numpy seeds are non-negative
MAX_ATTEMPTS = 128  # plans tried when one spreads sit-outs unfairly...
RUN_ATTEMPTS = (
    8  # ...or only when it has fewer meetings or longer runs of sit-outs than bounds that may be out of reach...
)
ATTEMPT_WORK = 10_000_000  # ...while rounds x mentees x (mentors + mentees) x attempts stays within this


class RotationError(ValueError):
    """The rotation cannot be built from this input; ``message`` is for staff, ``code`` names the reason."""

    def __init__(self, message: str, *, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


@dataclass(frozen=True)
class Seat:
    """One meeting: the mentor at ``table`` in ``round`` and the mentees sitting with them."""

    round: int
    table: int
    mentor: Person | None
    mentees: tuple[Person, ...]


@dataclass(frozen=True)
class Schedule:
    """Every meeting of every round, and who sat out.

    ``sitting_out[r - 1]`` holds who was present in round r but met no one. A schedule rebuilt from stored
    seats may leave ``sitting_out``, ``mentors`` and ``mentees`` out: the people default to those seated in
    some round, and :func:`build_schedule` then takes each of them as present in every held round (sitting out
    those they have no seat in), and anyone else as absent from the held rounds (a late arrival). Passing
    ``sitting_out`` (who was checked in but not seated, round by round) makes the count exact.
    """

    rounds: int
    tables: int
    seats: tuple[Seat, ...]
    seats_per_table: int = 1
    sitting_out: tuple[frozenset[Person], ...] = ()
    mentors: tuple[Person, ...] = ()
    mentees: tuple[Person, ...] = ()

    def __post_init__(self) -> None:
        seats = tuple(sorted(self.seats, key=lambda seat: (seat.round, seat.table)))
        object.__setattr__(self, "seats", seats)
        if not self.mentors:
            object.__setattr__(self, "mentors", _unique(s.mentor for s in seats if s.mentor is not None))
        if not self.mentees:
            object.__setattr__(self, "mentees", _unique(m for s in seats for m in s.mentees))

    @cached_property
    def _by_round(self) -> dict[int, tuple[Seat, ...]]:
        rounds: dict[int, list[Seat]] = defaultdict(list)
        for seat in self.seats:
            rounds[seat.round].append(seat)
        return {number: tuple(seats) for number, seats in rounds.items()}

    @cached_property
    def _by_person(self) -> dict[Person, list[Seat]]:
        people: dict[Person, list[Seat]] = defaultdict(list)
        for seat in self.seats:
            if seat.mentor is not None:
                people[seat.mentor].append(seat)
            for mentee in seat.mentees:
                people[mentee].append(seat)
        return people

    @property
    def sitting_out_recorded(self) -> bool:
        """Whether the schedule says who sat out (a schedule rebuilt from stored seats may not)."""
        return bool(self.sitting_out)

    def seats_in_round(self, round_number: int) -> tuple[Seat, ...]:
        """The meetings of one round, by table."""
        return self._by_round.get(round_number, ())

    def for_person(self, person: Person) -> list[Seat]:
        """The person's meetings, in round order (rounds they sit out are missing)."""
        return list(self._by_person.get(person, ()))

    def seat_of(self, person: Person, round_number: int) -> Seat | None:
        """Where the person sits in that round, or None when they sit out (or were absent)."""
        return next((seat for seat in self._by_person.get(person, ()) if seat.round == round_number), None)

    def meetings(self) -> list[tuple[int, Person, Person]]:
        """Every (round, mentor, mentee) that sat at one table."""
        return [(seat.round, seat.mentor, mentee) for seat in self.seats for mentee in seat.mentees]

    def pairs_met(self) -> set[tuple[Person, Person]]:
        """Every (mentor, mentee) who met."""
        return {(mentor, mentee) for _, mentor, mentee in self.meetings()}

    def sit_outs(self, people: Iterable[Person] | None = None) -> dict[Person, int]:
        """How many rounds each person sat out (default: everyone who took part)."""
        counts = dict.fromkeys(self._people(people), 0)
        for sitting_out in self.sitting_out:
            for person in sitting_out:
                if person in counts:
                    counts[person] += 1
        return counts

    def longest_sit_out_runs(self, people: Iterable[Person] | None = None) -> dict[Person, int]:
        """Each person's longest run of consecutive rounds sat out (an absent round ends a run)."""
        longest = dict.fromkeys(self._people(people), 0)
        current = dict.fromkeys(longest, 0)
        for sitting_out in self.sitting_out:
            for person in current:
                if person in sitting_out:
                    current[person] += 1
                    longest[person] = max(longest[person], current[person])
                else:
                    current[person] = 0
        return longest

    def longest_sit_out_run(self, people: Iterable[Person] | None = None) -> int:
        """The longest run of consecutive sit-outs anyone has: what staff are told before the event."""
        return max(self.longest_sit_out_runs(people).values(), default=0)

    def _people(self, people: Iterable[Person] | None) -> tuple[Person, ...]:
        return tuple(people) if people is not None else self.mentors + self.mentees


def minimum_longest_sit_out_run(*, people: int, seats: int, rounds: int | None = None) -> int:
    """The least possible longest run of consecutive sit-outs when ``people`` share ``seats`` places a round.

    Over any L + 1 rounds in a row everyone must be seated at least once, so (L + 1) x seats >= people, and
    L >= ⌈(people - seats) / seats⌉; a schedule of ``rounds`` rounds cannot do worse than sit someone out
    throughout. It is 0 when everyone fits. For mentees, ``seats`` is tables x seats_per_table; for mentors
    it is the number of tables (or of mentees, if fewer).
    """
    if seats < 1:
        raise ValueError("seats must be at least 1")
    bound = max(0, math.ceil((people - seats) / seats))
    return bound if rounds is None else min(bound, rounds)


def build_schedule(
    *,
    mentors: Sequence[Person],
    mentees: Sequence[Person],
    rounds: int,
    tables: int,
    seats_per_table: int = 1,
    scores: Mapping[tuple[Person, Person], float] | None = None,
    seed: int = 0,
    held: Schedule | None = None,
    from_round: int = 1,
) -> Schedule:
    """The rotation of ``rounds`` rounds for the mentors and mentees present (see the module's rules).

    With ``held``, rounds before ``from_round`` are copied from it unchanged and the rounds from
    ``from_round`` on are built for the people in ``mentors`` and ``mentees`` (who may differ from
    those of the held rounds), never repeating a pair already met.
    """
    _check_input(mentors, mentees, rounds, tables, seats_per_table, from_round)
    everyone_mentors = _canonical([*(held.mentors if held else ()), *mentors])
    everyone_mentees = _canonical([*(held.mentees if held else ()), *mentees])
    if set(everyone_mentors) & set(everyone_mentees):
        raise RotationError(
            "Someone is checked in both as a mentor and as a mentee: keep one role per person.", code="both_roles"
        )
    history = _State(everyone_mentors, everyone_mentees, _score_matrix(scores, everyone_mentors, everyone_mentees))
    present_mentors, present_mentees = _canonical(mentors), _canonical(mentees)
    throughout = {*present_mentors, *present_mentees}  # present in every round: their sit-outs compare
    seats: list[Seat] = []
    sitting_out: list[frozenset[Person]] = []
    for number in range(1, from_round):
        held_seats = held.seats_in_round(number) if held is not None else ()
        if held is not None and held.sitting_out_recorded:
            out = frozenset(held.sitting_out[number - 1]) if number <= len(held.sitting_out) else frozenset()
        elif held_seats:  # not recorded: whoever was seated in some held round and not in this one sat out
            seated = {p for s in held_seats for p in ((s.mentor,) if s.mentor is not None else ()) + s.mentees}
            out = frozenset(p for p in (*held.mentors, *held.mentees) if p not in seated)
        else:  # nothing held in that round
            out = frozenset()
        history.record(number, held_seats, out)
        throughout &= out | {p for s in held_seats for p in (s.mentor, *s.mentees)}
        seats.extend(held_seats)
        sitting_out.append(out)

    # A round-by-round plan can paint itself into a corner near the end (the people who most need a seat
    # have met every mentor left), so a plan that misses a fairness target is tried again with another
    # tie-break, within a budget of work; the first plan that meets the targets, or else the best, is kept.
    new_rounds = range(from_round, rounds + 1)
    targets = _Targets.of(
        history,
        present_mentors,
        present_mentees,
        throughout,
        len(new_rounds),
        tables,
        seats_per_table,
        regenerated=from_round > 1,
    )
    work = len(new_rounds) * len(present_mentees) * (len(present_mentors) + len(present_mentees))
    attempts = max(1, min(MAX_ATTEMPTS, ATTEMPT_WORK // max(work, 1)))

    def plan(attempt: int) -> tuple[tuple[int, int, int], list[Seat], list[frozenset[Person]]]:
        state = history.copy()
        planned: list[Seat] = []
        planned_out: list[frozenset[Person]] = []
        for number in new_rounds:
            round_seats = state.plan_round(
                number,
                present_mentors,
                present_mentees,
                tables,
                seats_per_table,
                rounds_after=rounds - number,
                seed=seed,
                attempt=attempt,
            )
            seated = {p for s in round_seats for p in (s.mentor, *s.mentees)}
            out = frozenset(p for p in (*present_mentors, *present_mentees) if p not in seated)
            state.record(number, round_seats, out)
            planned.extend(round_seats)
            planned_out.append(out)
        return targets.shortfall(state), planned, planned_out

    best = plan(0)
    for attempt in range(1, attempts):
        spread, missing, runs = best[0]
        if spread == 0 and (missing == runs == 0 or attempt >= RUN_ATTEMPTS):
            break
        candidate = plan(attempt)
        if candidate[0] < best[0]:
            best = candidate
    seats.extend(best[1])
    sitting_out.extend(best[2])

    took_part = {p for s in seats for p in (s.mentor, *s.mentees)} | set().union(*sitting_out)
    return Schedule(
        rounds=rounds,
        tables=tables,
        seats=tuple(seats),
        seats_per_table=seats_per_table,
        sitting_out=tuple(sitting_out),
        mentors=tuple(p for p in everyone_mentors if p in took_part),
        mentees=tuple(p for p in everyone_mentees if p in took_part),
    )


# --- Input -----------------------------------------------------------------------------------


def _check_input(mentors, mentees, rounds, tables, seats_per_table, from_round) -> None:
    if rounds < 1:
        raise RotationError("The event needs at least one round.", code="no_rounds")
    if tables < 1:
        raise RotationError("The event has no tables.", code="no_tables")
    if seats_per_table < 1:
        raise RotationError("A table must seat at least one mentee.", code="no_seats")
    if not mentors and not mentees:
        raise RotationError("No one is checked in.", code="nobody_present")
    if not mentors:
        raise RotationError("No mentor is checked in.", code="no_mentors")
    if not mentees:
        raise RotationError("No mentee is checked in.", code="no_mentees")
    if len(set(mentors)) != len(mentors) or len(set(mentees)) != len(mentees):
        raise RotationError("Someone is listed twice among the people present.", code="listed_twice")
    if tables > len(mentors):
        raise RotationError(
            "There are more tables than mentors present: remove tables or check in more mentors.",
            code="more_tables_than_mentors",
        )
    if not 1 <= from_round <= rounds:
        raise RotationError(
            f"The event has {rounds} rounds: there is no round {from_round} to schedule.", code="bad_from_round"
        )


def _unique(people: Iterable[Person]) -> tuple[Person, ...]:
    return tuple(dict.fromkeys(people))


def _canonical(people: Iterable[Person]) -> tuple[Person, ...]:
    """The people once each, sorted when they can be (so the schedule does not depend on list order)."""
    unique = _unique(people)
    try:
        return tuple(sorted(unique))  # type: ignore[type-var]
    except TypeError:
        return unique


def _score_matrix(scores, mentors: Sequence[Person], mentees: Sequence[Person]) -> np.ndarray:
    """Priorities as a (mentor, mentee) matrix scaled to 0..1 (a missing pair counts as 0)."""
    matrix = np.zeros((len(mentors), len(mentees)))
    if not scores:
        return matrix
    mentor_index = {p: i for i, p in enumerate(mentors)}
    mentee_index = {p: i for i, p in enumerate(mentees)}
    for (mentor, mentee), score in scores.items():
        if mentor in mentor_index and mentee in mentee_index:
            matrix[mentor_index[mentor], mentee_index[mentee]] = float(score)
    if not np.isfinite(matrix).all():
        raise RotationError("Every priority score must be a finite number.", code="bad_score")
    low, high = min(0.0, matrix.min()), max(0.0, matrix.max())
    return (matrix - low) / (high - low) if high > low else np.zeros_like(matrix)


# --- Planning ---------------------------------------------------------------------------------


@dataclass
class _State:
    """What the rounds so far leave behind: pairs met, tables shared, sit-outs, mentors' tables."""

    mentors: tuple[Person, ...]
    mentees: tuple[Person, ...]
    scores: np.ndarray  # (mentor, mentee), 0..1
    mentor_index: dict[Person, int] = field(init=False)
    mentee_index: dict[Person, int] = field(init=False)
    met: np.ndarray = field(init=False)  # (mentor, mentee) bool
    shared: np.ndarray = field(init=False)  # (mentee, mentee): tables shared so far
    mentor_sit_outs: np.ndarray = field(init=False)
    mentor_run: np.ndarray = field(init=False)  # current run of consecutive sit-outs
    mentee_sit_outs: np.ndarray = field(init=False)
    mentee_run: np.ndarray = field(init=False)
    mentor_longest_run: np.ndarray = field(init=False)
    mentee_longest_run: np.ndarray = field(init=False)
    mentor_present: np.ndarray = field(init=False)  # rounds present (seated or sitting out)
    mentee_present: np.ndarray = field(init=False)
    last_table: dict[int, tuple[int, int]] = field(init=False)  # mentor -> (round, table) of their last meeting

    def __post_init__(self) -> None:
        self.mentor_index = {p: i for i, p in enumerate(self.mentors)}
        self.mentee_index = {p: i for i, p in enumerate(self.mentees)}
        m, n = len(self.mentors), len(self.mentees)
        self.met = np.zeros((m, n), dtype=bool)
        self.shared = np.zeros((n, n), dtype=np.int32)
        self.mentor_sit_outs = np.zeros(m, dtype=np.int64)
        self.mentor_run = np.zeros(m, dtype=np.int64)
        self.mentee_sit_outs = np.zeros(n, dtype=np.int64)
        self.mentee_run = np.zeros(n, dtype=np.int64)
        self.mentor_longest_run = np.zeros(m, dtype=np.int64)
        self.mentee_longest_run = np.zeros(n, dtype=np.int64)
        self.mentor_present = np.zeros(m, dtype=np.int64)
        self.mentee_present = np.zeros(n, dtype=np.int64)
        self.last_table = {}

    def copy(self) -> _State:
        twin = copy.copy(self)
        for name in _State.__dataclass_fields__:
            value = getattr(self, name)
            if isinstance(value, np.ndarray | dict):
                setattr(twin, name, value.copy())
        return twin

    def record(self, number: int, seats: Sequence[Seat], sitting_out: Iterable[Person]) -> None:
        """Remember one round (held or planned)."""
        seated_mentors = np.zeros(len(self.mentors), dtype=bool)
        seated_mentees = np.zeros(len(self.mentees), dtype=bool)
        for seat in seats:
            group = np.array([self.mentee_index[p] for p in seat.mentees], dtype=np.int64)
            seated_mentees[group] = True
            if len(group) > 1:
                self.shared[np.ix_(group, group)] += 1
            if seat.mentor is not None:
                mentor = self.mentor_index[seat.mentor]
                seated_mentors[mentor] = True
                self.met[mentor, group] = True
                self.last_table[mentor] = (number, seat.table)
        out_mentors = np.zeros(len(self.mentors), dtype=bool)
        out_mentees = np.zeros(len(self.mentees), dtype=bool)
        for person in sitting_out:
            if person in self.mentor_index:
                out_mentors[self.mentor_index[person]] = True
            elif person in self.mentee_index:
                out_mentees[self.mentee_index[person]] = True
        out_mentors &= ~seated_mentors
        out_mentees &= ~seated_mentees
        self.mentor_sit_outs += out_mentors
        self.mentee_sit_outs += out_mentees
        self.mentor_present += out_mentors | seated_mentors
        self.mentee_present += out_mentees | seated_mentees
        self.mentor_run = np.where(out_mentors, self.mentor_run + 1, 0)  # seated or absent ends a run
        self.mentee_run = np.where(out_mentees, self.mentee_run + 1, 0)
        np.maximum(self.mentor_longest_run, self.mentor_run, out=self.mentor_longest_run)
        np.maximum(self.mentee_longest_run, self.mentee_run, out=self.mentee_longest_run)

    def plan_round(
        self,
        number: int,
        mentors: Sequence[Person],
        mentees: Sequence[Person],
        tables: int,
        seats_per_table: int,
        *,
        rounds_after: int,
        seed: int,
        attempt: int,
    ) -> list[Seat]:
        """The meetings of one round among the people present."""
        mentor_ids = np.array([self.mentor_index[p] for p in mentors], dtype=np.int64)
        mentee_ids = np.array([self.mentee_index[p] for p in mentees], dtype=np.int64)
        n, m = len(mentee_ids), len(mentor_ids)
        rng = np.random.default_rng([seed & _SEED_MASK, number, *([attempt] if attempt else [])])
        # rows: the mentees present; columns: the mentors present
        free = ~self.met[np.ix_(mentor_ids, mentee_ids)].T
        pair_cost = -SCORE_WEIGHT * self.scores[np.ix_(mentor_ids, mentee_ids)].T
        pair_cost += TIE_BREAK_WEIGHT * rng.random((n, m))

        # Who is seated first: who sat out more of the rounds they were present for (the count, when present
        # throughout; a late arrival is ranked by their share, starting in the middle), then longer in a row,
        # then who has fewer people left to meet (a mentee who can meet only a few of the mentors present,
        # a mentor few mentees have not met: seated now, while they still can be)
        audience = free.sum(axis=0)
        mentee_rank = _seating_order(
            _share(self.mentee_sit_outs[mentee_ids], self.mentee_present[mentee_ids]),
            self.mentee_run[mentee_ids],
            m - free.sum(axis=1),
            attempt,
            rng,
        )
        mentor_rank = _seating_order(
            _share(self.mentor_sit_outs[mentor_ids], self.mentor_present[mentor_ids]),
            self.mentor_run[mentor_ids],
            np.where(audience > 0, n - audience, 0),
            attempt,
            rng,
        )

        # First seats: one mentee per mentor, and which mentors sit out (closed tables)
        closed = m - tables
        priority = mentee_rank[:, None] + mentor_rank[None, :]
        # A mentor whom more mentees have not met than the later rounds can seat needs that many now
        urgent = audience - seats_per_table * rounds_after
        first = _solve(free, pair_cost - URGENCY_WEIGHT * (urgent > 0), priority, closed_rows=closed)
        table_of = np.full(n, -1, dtype=np.int64)  # column (mentor) where each mentee sits
        open_mentor = np.ones(m, dtype=bool)
        for row, col in first:
            if row >= n:
                open_mentor[col] = False
            else:
                table_of[row] = col

        # The other seats at once: one column per free seat (a mentor's first columns are their urgent seats)
        shared = self.shared[np.ix_(mentee_ids, mentee_ids)].astype(np.float64)
        seated_count = np.bincount(table_of[table_of >= 0], minlength=m)
        room = np.where(open_mentor & (seated_count > 0), seats_per_table - seated_count, 0)
        rows = np.flatnonzero(table_of < 0)
        if room.any() and len(rows):
            cols = np.repeat(np.arange(m), room)  # the mentor of each free seat
            nth = np.arange(len(cols)) - np.repeat(np.cumsum(room) - room, room)  # 0, 1... at each table
            sub_free = free[np.ix_(rows, cols)]
            cost = pair_cost[np.ix_(rows, cols)] + CO_SEATING_WEIGHT * _company(shared, table_of, rows, cols, m)
            cost -= URGENCY_WEIGHT * (urgent[cols] > seated_count[cols] + nth)
            placed = _solve(sub_free, cost, np.broadcast_to(mentee_rank[rows, None], sub_free.shape), closed_rows=0)
            for row, col in placed:
                table_of[rows[row]] = cols[col]
        if seats_per_table > 1:
            _rearrange(table_of, free, pair_cost, shared)

        groups: dict[int, list[int]] = defaultdict(list)
        for row in np.flatnonzero(table_of >= 0):
            groups[int(table_of[row])].append(int(row))
        numbers = self._table_numbers([int(mentor_ids[col]) for col in groups], tables)
        return sorted(
            (
                Seat(
                    round=number,
                    table=numbers[int(mentor_ids[col])],
                    mentor=self.mentors[mentor_ids[col]],
                    mentees=tuple(self.mentees[mentee_ids[row]] for row in sorted(rows)),
                )
                for col, rows in groups.items()
            ),
            key=lambda seat: seat.table,
        )

    def _table_numbers(self, mentors: list[int], tables: int) -> dict[int, int]:
        """Table numbers for the mentors who meet someone: their last table when it is free."""
        numbers: dict[int, int] = {}
        taken: set[int] = set()
        returning = sorted((m for m in mentors if m in self.last_table), key=lambda m: (-self.last_table[m][0], m))
        for mentor in returning:
            table = self.last_table[mentor][1]
            if table <= tables and table not in taken:
                numbers[mentor] = table
                taken.add(table)
        free_tables = iter(t for t in range(1, tables + 1) if t not in taken)
        for mentor in sorted(m for m in mentors if m not in numbers):
            numbers[mentor] = next(free_tables)
        return numbers


def _company(shared: np.ndarray, table_of: np.ndarray, rows: np.ndarray, cols: np.ndarray, mentors: int) -> np.ndarray:
    """(rows x cols) how many tables each row's mentee already shared with those seated at each column."""
    column = np.full(mentors, -1, dtype=np.int64)
    column[cols] = np.arange(len(cols))
    seated = np.flatnonzero(table_of >= 0)
    seated = seated[column[table_of[seated]] >= 0]
    at_table = np.zeros((len(seated), len(cols)))
    at_table[np.arange(len(seated)), column[table_of[seated]]] = 1.0
    return shared[np.ix_(rows, seated)] @ at_table


def _rearrange(table_of: np.ndarray, free: np.ndarray, pair_cost: np.ndarray, shared: np.ndarray) -> None:
    """Improve who sits together without changing who is seated: take one mentee off every table, seat
    them again at the best tables for them (an assignment problem), and so on for each place at the tables."""
    for _ in range(REARRANGE_SWEEPS):
        improved = False
        seated = np.flatnonzero(table_of >= 0)
        seated = seated[np.lexsort((seated, table_of[seated]))]
        tables = table_of[seated]
        starts = np.flatnonzero(np.r_[True, tables[1:] != tables[:-1]])
        place = np.arange(len(seated)) - np.repeat(starts, np.diff(np.r_[starts, len(seated)]))
        for slot in range(int(place.max(initial=-1)) + 1):
            movers = seated[place == slot]
            cols = table_of[movers].copy()
            if len(movers) < 2:
                continue
            table_of[movers] = -1
            cost = pair_cost[np.ix_(movers, cols)] + CO_SEATING_WEIGHT * _company(
                shared, table_of, movers, cols, free.shape[1]
            )
            placed = _solve(free[np.ix_(movers, cols)], cost, np.zeros(cost.shape), closed_rows=0)
            now = cost[np.arange(len(movers)), np.arange(len(movers))].sum()
            better = sum(cost[r, c] for r, c in placed)
            if len(placed) == len(movers) and better < now - 1e-9:
                improved = True
                for row, col in placed:
                    table_of[movers[row]] = cols[col]
            else:
                table_of[movers] = cols
        if not improved:
            return


@dataclass(frozen=True)
class _Targets:
    """The fairness a plan of the new rounds aims at, among the people present for them."""

    mentors: np.ndarray  # indexes into the state's people: those present for the new rounds...
    mentees: np.ndarray
    fair_mentors: np.ndarray  # ...and which of them were present throughout, so their sit-out counts compare
    fair_mentees: np.ndarray
    mentor_run: int  # the lower bounds of the longest run of sit-outs
    mentee_run: int
    regenerated: bool  # some rounds were held before the new ones
    meetings: int  # at most this many pairs of the people present can have met by the end

    @classmethod
    def of(
        cls, state: _State, mentors, mentees, throughout, rounds, tables, seats_per_table, *, regenerated: bool
    ) -> _Targets:
        def indexes(people, index):
            return np.array([index[p] for p in people], dtype=np.int64)

        return cls(
            mentors=indexes(mentors, state.mentor_index),
            mentees=indexes(mentees, state.mentee_index),
            fair_mentors=np.array([p in throughout for p in mentors], dtype=bool),
            fair_mentees=np.array([p in throughout for p in mentees], dtype=bool),
            mentor_run=minimum_longest_sit_out_run(people=len(mentors), seats=min(tables, len(mentees)), rounds=rounds),
            mentee_run=minimum_longest_sit_out_run(people=len(mentees), seats=tables * seats_per_table, rounds=rounds),
            regenerated=regenerated,
            meetings=_most_meetings(state, mentors, mentees, rounds, tables, seats_per_table),
        )

    def shortfall(self, state: _State) -> tuple[int, int, int]:
        """(how far sit-out counts spread beyond one, how many meetings fewer than an upper bound, how far
        the longest runs exceed their bounds).

        After a regeneration, someone who has met everyone present of the other role cannot be seated any
        more: their count may run ahead (the people they had not met left), and does not count."""
        met = state.met[np.ix_(self.mentors, self.mentees)]
        spread = 0
        for counts, fair, everyone_met in (
            (state.mentor_sit_outs[self.mentors], self.fair_mentors, met.all(axis=1)),
            (state.mentee_sit_outs[self.mentees], self.fair_mentees, met.all(axis=0)),
        ):
            ahead = counts[fair & ~everyone_met] if self.regenerated else counts[fair]
            if len(ahead):
                spread += max(0, int(ahead.max() - counts[fair].min()) - 1)
        missing = self.meetings - int(state.met[np.ix_(self.mentors, self.mentees)].sum())
        runs = max(0, int(state.mentor_longest_run[self.mentors].max()) - self.mentor_run)
        runs += max(0, int(state.mentee_longest_run[self.mentees].max()) - self.mentee_run)
        return spread, missing, runs


def _most_meetings(state: _State, mentors, mentees, rounds: int, tables: int, seats_per_table: int) -> int:
    """An upper bound of the pairs met among the people present after ``rounds`` more rounds (met already,
    plus new meetings: no more than the seats, than each mentee's mentors not met yet, and than each mentor's
    mentees not met yet)."""
    met = state.met[np.ix_([state.mentor_index[p] for p in mentors], [state.mentee_index[p] for p in mentees])]
    seats = rounds * min(len(mentees), tables * seats_per_table)
    by_mentee = int(np.minimum(rounds, (~met).sum(axis=0)).sum())
    by_mentor = int(np.minimum(rounds * seats_per_table, (~met).sum(axis=1)).sum())
    return int(met.sum()) + min(seats, by_mentee, by_mentor)


def _share(sit_outs: np.ndarray, present: np.ndarray) -> np.ndarray:
    """The share of the rounds each person was present for that they sat out; for someone just arrived, the
    mean share of the others. Equal counts over equal rounds give exactly equal shares."""
    share = sit_outs / np.maximum(present, 1)
    known = present > 0
    return np.where(known, share, share[known].mean() if known.any() else 0.0)


def _seating_order(
    sat_out: np.ndarray, run: np.ndarray, scarcity: np.ndarray, attempt: int, rng: np.random.Generator
) -> np.ndarray:
    """Who is seated first (higher first): who sat out most, then the longest current run, then who has the
    fewest people left to meet. Later attempts swap the last two keys, then shuffle people who sat out as much."""
    if attempt == 0:
        return _dense_rank(sat_out, run, scarcity)
    if attempt == 1:
        return _dense_rank(sat_out, scarcity, run)
    if attempt % 2 == 0:
        return _dense_rank(sat_out, run, rng.permutation(len(sat_out)))
    return _dense_rank(sat_out, rng.permutation(len(sat_out)))


def _dense_rank(*keys: np.ndarray) -> np.ndarray:
    """0, 1, 2... by the keys compared in order (equal keys, equal rank): higher is seated first."""
    order = np.lexsort(keys[::-1])
    ordered = np.stack(keys)[:, order]
    steps = np.concatenate([[0], (np.diff(ordered, axis=1) != 0).any(axis=0).cumsum()])
    rank = np.empty(len(order), dtype=np.float64)
    rank[order] = steps
    return rank


def _solve(free: np.ndarray, pair_cost: np.ndarray, priority: np.ndarray, *, closed_rows: int) -> list[tuple[int, int]]:
    """The seats (row, column) of one assignment problem, in three strict layers (see the module docstring).

    ``free`` marks the pairs that may meet; ``priority`` (rows x columns) is the fairness rank of seating that
    pair, ``pair_cost`` the score, co-seating and tie-break cost. ``closed_rows`` extra rows, which fit any
    column, must all be used: they close tables (returned with row indexes from ``len(free)`` on).
    """
    rows, cols = free.shape
    size = min(rows + closed_rows, cols)  # seats this problem fills
    spread = float(pair_cost.max() - pair_cost.min()) + 1.0 if pair_cost.size else 1.0
    fairness = spread * (size + 1)  # one step of fairness outweighs every pair cost of the problem
    secondary = pair_cost - fairness * priority
    closing = float(np.abs(secondary).max(initial=0.0)) + 1.0  # a closed table outweighs any one seat
    seat_value = (2.0 * closing + 1.0) * (size + 1)  # one more seat outweighs everything below it
    cost = np.where(free, secondary - seat_value, 0.0)
    if closed_rows:
        cost = np.vstack([cost, np.full((closed_rows, cols), -seat_value - closing)])
    row_ind, col_ind = linear_sum_assignment(cost)
    return [(int(r), int(c)) for r, c in zip(row_ind, col_ind, strict=True) if r >= rows or free[r, c]]
