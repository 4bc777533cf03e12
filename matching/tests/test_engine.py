"""The matching engine (matching/engine.py): hard rules, optimality against brute force, stability, determinism.

Pure: no database. Small instances (up to 6 mentees and 4 mentors) are checked against every matching there is.
"""

import itertools
import random
from collections import Counter

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import linear_sum_assignment

from matching import engine
from matching.engine import Candidate, MatchingError, Options, ScorePart, solve

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def candidate(mentee, mentor, score, goals=0):
    return Candidate(mentee, mentor, (ScorePart("ratings", score - goals), ScorePart("shared goals", goals)))


@st.composite
def instances(draw, max_mentees=6, max_mentors=4, pins=True):
    mentees = list(range(draw(st.integers(1, max_mentees))))
    mentors = [f"M{j}" for j in range(draw(st.integers(1, max_mentors)))]
    capacity = {mentor: draw(st.integers(0, 3)) for mentor in mentors}
    pairs = [(mentee, mentor) for mentee in mentees for mentor in mentors]
    scores = {}
    for pair in pairs:
        score = draw(st.none() | st.integers(-3, 9))
        if score is not None:
            scores[pair] = score
    forbidden = draw(st.sets(st.sampled_from(pairs), max_size=4))
    pinned = []
    if pins:
        for mentee, mentor in draw(st.lists(st.sampled_from(pairs), max_size=3)):
            taken = sum(m == mentor for _, m in pinned)
            if (mentee, mentor) in forbidden or any(m == mentee for m, _ in pinned) or taken >= capacity[mentor]:
                continue
            pinned.append((mentee, mentor))
    goals = {pair: draw(st.integers(0, 2)) for pair in scores}
    return {
        "mentees": mentees,
        "mentors": capacity,
        "candidates": [candidate(m, M, s, goals[(m, M)]) for (m, M), s in scores.items()],
        "forbidden": sorted(forbidden),
        "pinned": pinned,
    }


# --- An independent model of the rules, for brute force ---------------------------------------------------------


class Model:
    """The instance as the rules state it, written plainly (no numpy, no solver)."""

    def __init__(self, instance):
        self.mentees = sorted(instance["mentees"])
        self.capacity = dict(instance["mentors"])
        self.mentors = sorted(self.capacity)
        self.pinned = dict(instance["pinned"])
        forbidden = set(instance["forbidden"])
        scores = {(c.mentee, c.mentor): c.score for c in instance["candidates"]}
        for pair in instance["pinned"]:
            scores.setdefault(pair, 0.0)
        self.score = {p: s for p, s in scores.items() if p not in forbidden and self.capacity[p[1]] > 0}
        self.mentee_rank, self.mentor_rank = {}, {}
        for mentee in self.mentees:
            mine = sorted((M for m, M in self.score if m == mentee), key=lambda M: (-self.score[(mentee, M)], M))
            self.mentee_rank.update({(mentee, M): i + 1 for i, M in enumerate(mine)})
        for mentor in self.mentors:
            mine = sorted((m for m, M in self.score if mentor == M), key=lambda m: (-self.score[(m, mentor)], m))
            self.mentor_rank.update({(m, mentor): i + 1 for i, m in enumerate(mine)})

    def matchings(self):
        """Every matching that keeps the pins and capacities, as {mentee: mentor}."""
        free = [m for m in self.mentees if m not in self.pinned]
        options = [[None] + [M for M in self.mentors if (m, M) in self.score] for m in free]
        for choice in itertools.product(*options):
            matching = dict(self.pinned)
            matching.update({m: M for m, M in zip(free, choice, strict=True) if M is not None})
            if all(n <= self.capacity[M] for M, n in Counter(matching.values()).items()):
                yield matching

    def total(self, matching):
        return sum(self.score[(m, M)] for m, M in matching.items())

    def worst_free_rank(self, matching):
        return max((self.mentee_rank[(m, M)] for m, M in matching.items() if m not in self.pinned), default=0)

    def blocking_pairs(self, matching):
        count = 0
        for (m, M), rank in self.mentee_rank.items():
            if m in self.pinned or matching.get(m) == M:
                continue
            if m in matching and self.mentee_rank[(m, matching[m])] <= rank:
                continue
            room = self.capacity[M] - sum(p == M for p in self.pinned.values())
            movable = [x for x, y in matching.items() if y == M and x not in self.pinned]
            if room <= 0:
                continue
            if len(movable) < room or self.mentor_rank[(m, M)] < max(self.mentor_rank[(x, M)] for x in movable):
                count += 1
        return count


def as_matching(result):
    return {pair.mentee: pair.mentor for pair in result.pairs}


def check_hard_rules(instance, result):
    matching = as_matching(result)
    assert len(matching) == len(result.pairs), "a mentee matched twice"
    load = Counter(matching.values())
    assert all(load[M] <= capacity for M, capacity in instance["mentors"].items())
    assert not set(matching.items()) & set(instance["forbidden"])
    assert set(instance["pinned"]) <= set(matching.items())
    listed = {(c.mentee, c.mentor) for c in instance["candidates"]} | set(instance["pinned"])
    assert set(matching.items()) <= listed
    assert all(pair.pinned == ((pair.mentee, pair.mentor) in instance["pinned"]) for pair in result.pairs)
    unmatched = {(u.person, u.role) for u in result.unmatched}
    assert unmatched == {(m, "mentee") for m in instance["mentees"] if m not in matching} | {
        (M, "mentor") for M in instance["mentors"] if load[M] == 0
    }


def check_figures(instance, result, model):
    matching = as_matching(result)
    for pair in result.pairs:
        assert pair.mentee_rank == model.mentee_rank[(pair.mentee, pair.mentor)]
        assert pair.mentor_rank == model.mentor_rank[(pair.mentee, pair.mentor)]
        assert pair.score == pytest.approx(sum(part.value for part in pair.parts))
    q = result.quality
    n = len(instance["mentees"])
    assert q.matched_share == pytest.approx(len(matching) / n)
    assert q.first_choice_share == pytest.approx(sum(p.mentee_rank == 1 for p in result.pairs) / n)
    assert q.top3_share == pytest.approx(sum(p.mentee_rank <= 3 for p in result.pairs) / n)
    assert q.total_score == pytest.approx(model.total(matching))
    assert q.blocking_pairs == model.blocking_pairs(matching)
    if result.pairs:
        assert q.worst_rank_mentee == max(p.mentee_rank for p in result.pairs)
        assert q.worst_rank_mentor == max(p.mentor_rank for p in result.pairs)
    else:
        assert q.mean_rank_mentee is None and q.worst_rank_mentee is None


# --- Properties ---------------------------------------------------------------------------------------------------


@SETTINGS
@given(instances(), st.sampled_from(["best", "stable"]), st.booleans())
def test_hard_rules_and_figures(instance, mode, floor):
    result = solve(**instance, options=Options(mode=mode, fairness_floor=floor))
    assert result.mode == mode
    check_hard_rules(instance, result)
    check_figures(instance, result, Model(instance))


@settings(SETTINGS, max_examples=400)
@given(instances(), st.booleans())
def test_best_mode_equals_brute_force(instance, floor):
    model = Model(instance)
    matchings = list(model.matchings())
    size = max(len(m) for m in matchings)
    largest = [m for m in matchings if len(m) == size]
    if floor:
        best_worst = min(model.worst_free_rank(m) for m in largest)
        largest = [m for m in largest if model.worst_free_rank(m) <= best_worst]
    best_total = max(model.total(m) for m in largest)

    result = solve(**instance, options=Options(mode="best", fairness_floor=floor))
    matching = as_matching(result)
    assert len(matching) == size
    assert result.quality.total_score == pytest.approx(best_total)
    if floor:
        assert model.worst_free_rank(matching) == best_worst


@SETTINGS
@given(instances())
def test_stable_mode(instance):
    model = Model(instance)
    size = max(len(m) for m in model.matchings())
    result = solve(**instance, options=Options(mode="stable"))
    assert len(result.pairs) == size  # the completion pass places everyone who can be placed
    if not any(pair.from_completion for pair in result.pairs):
        assert result.quality.blocking_pairs == 0
    assert result.quality.blocking_pairs == model.blocking_pairs(as_matching(result))


@SETTINGS
@given(instances(max_mentees=5, max_mentors=3, pins=False))
def test_deferred_acceptance_alone_has_no_blocking_pair_and_is_mentee_optimal(instance):
    model = Model(instance)
    edges = sorted(model.score, key=lambda p: (p[0], p[1]))
    mentee_at = {m: i for i, m in enumerate(model.mentees)}
    mentor_at = {M: i for i, M in enumerate(model.mentors)}
    em = np.array([mentee_at[m] for m, _ in edges], dtype=np.int64)
    eM = np.array([mentor_at[M] for _, M in edges], dtype=np.int64)
    capacity = np.array([model.capacity[M] for M in model.mentors], dtype=np.int64)
    if not edges:
        return
    kept = engine._deferred_acceptance(
        em,
        eM,
        np.array([model.mentee_rank[p] for p in edges]),
        np.array([model.mentor_rank[p] for p in edges]),
        capacity,
    )
    matching = {edges[i][0]: edges[i][1] for i in np.flatnonzero(kept)}
    assert len(matching) == int(kept.sum())
    assert model.blocking_pairs(matching) == 0
    stable = [m for m in model.matchings() if model.blocking_pairs(m) == 0]
    for mentee in model.mentees:  # no stable matching gives any mentee a better mentor

        def rank(m, mentee=mentee):
            return model.mentee_rank[(mentee, m[mentee])] if mentee in m else 99

        assert rank(matching) == min(rank(m) for m in stable)


@SETTINGS
@given(instances(max_mentees=8, max_mentors=5), st.sampled_from(["best", "stable"]), st.randoms(use_true_random=False))
def test_the_order_of_the_input_does_not_matter(instance, mode, rng):
    options = Options(mode=mode)
    expected = solve(**instance, options=options)
    mentors = list(instance["mentors"].items())
    for sequence in (instance["mentees"], mentors, instance["candidates"], instance["forbidden"], instance["pinned"]):
        rng.shuffle(sequence)
    shuffled = dict(instance, mentors=dict(mentors))
    assert solve(**shuffled, options=options) == expected


def test_best_mode_without_floor_matches_scipy_on_a_dense_instance():
    rng = np.random.default_rng(7)
    mentees, mentors = list(range(60)), {f"M{j:02}": 2 for j in range(25)}
    scores = rng.integers(0, 1000, size=(60, 25)) / 100
    result = solve(
        mentees=mentees,
        mentors=mentors,
        candidates=[
            Candidate(m, M, (ScorePart("ratings", scores[m, j]),)) for m in mentees for j, M in enumerate(mentors)
        ],
        options=Options(fairness_floor=False),
    )
    rows, cols = linear_sum_assignment(np.repeat(scores, 2, axis=1), maximize=True)
    assert len(result.pairs) == 50
    assert result.quality.total_score == pytest.approx(np.repeat(scores, 2, axis=1)[rows, cols].sum())


# --- Examples ------------------------------------------------------------------------------------------------------


def test_fairness_floor_gives_up_score_so_nobody_gets_a_poor_rank():
    # b likes X, then Y, then Z; a and c each have X or Y first and a poor second choice (W, V).
    # The best total sends b to their third choice; the floor keeps everyone within their top two.
    candidates = [
        candidate("a", "X", 10),
        candidate("a", "W", 1),
        candidate("b", "X", 9),
        candidate("b", "Y", 8),
        candidate("b", "Z", 1),
        candidate("c", "Y", 10),
        candidate("c", "V", 1),
    ]
    arguments = {"mentees": ["a", "b", "c"], "mentors": dict.fromkeys("VWXYZ", 1), "candidates": candidates}
    free = solve(**arguments, options=Options(fairness_floor=False))
    assert as_matching(free) == {"a": "X", "b": "Z", "c": "Y"}
    assert (free.quality.total_score, free.quality.worst_rank_mentee) == (21, 3)
    fair = solve(**arguments)
    assert as_matching(fair) == {"a": "W", "b": "X", "c": "Y"}
    assert (fair.quality.total_score, fair.quality.worst_rank_mentee) == (20, 2)
    assert fair.quality.first_choice_share == pytest.approx(2 / 3)


def test_fairness_floor_changes_nothing_when_the_best_total_is_fair():
    rows = {"a": {"X": 10, "Z": 9, "Y": 0}, "b": {"X": 9, "Y": 1, "Z": 0}, "c": {"X": 9, "Y": 1, "Z": 0}}
    candidates = [candidate(m, M, s) for m, row in rows.items() for M, s in row.items()]
    arguments = {"mentees": list(rows), "mentors": {"X": 1, "Y": 1, "Z": 1}, "candidates": candidates}
    fair = solve(**arguments)
    assert fair == solve(**arguments, options=Options(fairness_floor=False))
    assert (fair.quality.total_score, fair.quality.worst_rank_mentee) == (19, 2)


def test_completion_pass_places_who_deferred_acceptance_left_out_and_counts_the_blocking_pair():
    # a can only have X; b prefers X and X prefers b, but b could also have Y.
    candidates = [candidate("a", "X", 1), candidate("b", "X", 5), candidate("b", "Y", 2)]
    result = solve(mentees=["a", "b"], mentors={"X": 1, "Y": 1}, candidates=candidates, options=Options(mode="stable"))
    assert as_matching(result) == {"a": "X", "b": "Y"}
    assert all(pair.from_completion for pair in result.pairs)
    assert result.quality.blocking_pairs == 1  # b and X would both rather be together


def test_stable_mode_without_completion_keeps_deferred_acceptance():
    candidates = [candidate("a", "X", 5), candidate("b", "X", 4), candidate("b", "Y", 3), candidate("a", "Y", 1)]
    result = solve(mentees=["a", "b"], mentors={"X": 1, "Y": 1}, candidates=candidates, options=Options(mode="stable"))
    assert as_matching(result) == {"a": "X", "b": "Y"}
    assert not any(pair.from_completion for pair in result.pairs)
    assert result.quality.blocking_pairs == 0


def test_pinned_pair_that_is_no_candidate_is_kept_with_score_zero():
    result = solve(
        mentees=["a", "b"], mentors={"X": 1, "Y": 1}, candidates=[candidate("b", "X", 5)], pinned=[("a", "X")]
    )
    pair = result.pairs[0]
    assert (pair.mentee, pair.mentor, pair.score, pair.parts, pair.pinned) == ("a", "X", 0.0, (), True)
    assert [(u.person, u.reason) for u in result.unmatched] == [("b", "all_candidates_full"), ("Y", "no_candidate")]


def test_score_parts_are_kept_with_the_pair():
    result = solve(mentees=["a"], mentors={"X": 1}, candidates=[candidate("a", "X", 7, goals=2)])
    assert result.pairs[0].parts == (ScorePart("ratings", 5), ScorePart("shared goals", 2))
    assert result.pairs[0].score == 7


def test_unmatched_reasons():
    result = solve(
        mentees=["alone", "banned", "stuck", "late", "ok", "fine"],
        mentors={"Busy": 1, "Busy2": 1, "Empty": 0, "Shy": 2, "Spare": 1, "Banned": 1},
        candidates=[
            candidate("banned", "Busy", 3),
            candidate("banned", "Banned", 3),
            candidate("stuck", "Empty", 3),
            candidate("late", "Busy", 1),
            candidate("ok", "Busy", 9),
            candidate("ok", "Banned", 0),
            candidate("fine", "Busy2", 5),
            candidate("fine", "Shy", 1),
        ],
        forbidden=[("banned", "Busy"), ("banned", "Banned"), ("ok", "Banned")],
    )
    assert as_matching(result) == {"ok": "Busy", "fine": "Busy2"}
    reasons = {(u.person, u.role): u.reason for u in result.unmatched}
    assert reasons == {
        ("alone", "mentee"): "no_candidate",
        ("banned", "mentee"): "forbidden_all",
        ("stuck", "mentee"): "no_capacity",
        ("late", "mentee"): "all_candidates_full",
        ("Empty", "mentor"): "capacity_zero",
        ("Shy", "mentor"): "all_candidates_matched",
        ("Spare", "mentor"): "no_candidate",
        ("Banned", "mentor"): "forbidden_all",
    }
    assert set(engine.REASONS) >= set(reasons.values())


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"forbidden": [("a", "X")], "pinned": [("a", "X")]}, "pinned_and_forbidden"),
        ({"pinned": [("a", "X"), ("b", "X")]}, "pinned_over_capacity"),
        ({"mentors": {"X": 0}, "pinned": [("a", "X")]}, "pinned_over_capacity"),
        ({"pinned": [("a", "X"), ("a", "Y")]}, "pinned_twice"),
        ({"mentors": {}}, "no_mentors"),
        ({"mentees": []}, "no_mentees"),
        ({"mentees": ["a", "a"]}, "duplicate_person"),
        ({"mentors": {"X": -1}}, "bad_capacity"),
        ({"mentors": {"X": 1.5}}, "bad_capacity"),
        ({"candidates": [candidate("a", "Nobody", 1)]}, "unknown_person"),
        ({"candidates": [candidate("Nobody", "X", 1)]}, "unknown_person"),
        ({"forbidden": [("a", "Nobody")]}, "unknown_person"),
        ({"pinned": [("Nobody", "X")]}, "unknown_person"),
        ({"candidates": [candidate("a", "X", 1), candidate("a", "X", 2)]}, "duplicate_candidate"),
        ({"candidates": [Candidate("a", "X", (ScorePart("ratings", float("nan")),))]}, "bad_score"),
        ({"options": Options(mode="greedy")}, "bad_mode"),
    ],
)
def test_bad_input(change, code):
    arguments = {"mentees": ["a", "b"], "mentors": {"X": 1, "Y": 1}, "candidates": [candidate("a", "X", 1)]}
    arguments.update(change)
    with pytest.raises(MatchingError) as caught:
        solve(**arguments)
    assert caught.value.code == code
    assert caught.value.message.startswith(engine.ERRORS[code])


def test_parts_given_as_a_list_are_kept_as_a_tuple():
    pair = Candidate("a", "X", [ScorePart("ratings", 2), ScorePart("language", 0.5)])
    assert pair.parts == (ScorePart("ratings", 2), ScorePart("language", 0.5))
    assert pair.score == 2.5
    assert hash(solve(mentees=["a"], mentors={"X": 1}, candidates=[pair]))


def test_the_same_pinned_pair_twice_is_one_pin():
    result = solve(mentees=["a"], mentors={"X": 1}, candidates=[], pinned=[("a", "X"), ("a", "X")])
    assert as_matching(result) == {"a": "X"}


def test_ids_of_mixed_types_are_ordered_deterministically():
    mentees = [1, "1", (1,)]
    candidates = [candidate(m, "X", 1) for m in mentees]
    results = set()
    for _ in range(5):
        random.shuffle(mentees)
        results.add(solve(mentees=mentees, mentors={"X": 1}, candidates=candidates))
    assert len(results) == 1
