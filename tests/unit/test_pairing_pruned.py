"""Pruned pairs stored by learner in blocks, and each teacher's choice of learners picked while the
pairs stream past: the same round whatever the block size, and the same choice as sorting all."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import numpy as np
import pytest

from bench.synthetic import generate_organisation
from matcher.domain.talentmap import TalentMap
from matcher.engines.pairing import PairingConfig, Rules, build_problem, propose
from matcher.engines.pairing import candidates as building
from matcher.engines.pairing.problem import PairingProblem, gain_of, gains_from, scored
from matcher.engines.pairing.pruned import Collector, TeachersChoice
from matcher.engines.pairing.rules import ELIGIBLE, first_broken, mode_reason
from tests.unit.test_pairing_scale import reference_candidates

TODAY = dt.date(2026, 11, 2)


def built(people: int, seed: int, config: PairingConfig, block_pairs: int) -> PairingProblem:
    tmap = TalentMap(generate_organisation(people, seed=seed, today=TODAY), today=TODAY)
    original = building._directed_candidates
    try:
        building._directed_candidates = lambda problem: original(problem, block_pairs)  # type: ignore[assignment]
        return build_problem(tmap, config, today=TODAY)
    finally:
        building._directed_candidates = original  # type: ignore[assignment]


def pruned_pairs(problem: PairingProblem) -> list[tuple[int, int, int]]:
    found = []
    if problem.pruned is None:
        return found
    for block in problem.pruned.blocks:
        live = block.live()
        for lr, t, p in zip(block.learner()[live], block.teacher[live], block.points[live], strict=True):
            found.append((int(lr), int(t), int(p)))
    return found


@pytest.mark.parametrize("mode", ["mentor", "buddy"])
def test_a_round_built_in_tiny_blocks_is_the_round_built_in_one(mode: str) -> None:
    config = PairingConfig(mode=mode, candidates_per_learner=2, rules=Rules(not_in_reporting_line=True))
    whole = built(300, 5, config, 1 << 30)
    tiny = built(300, 5, config, 7)
    assert tiny.pruned is not None and len(tiny.pruned.blocks) > 10
    assert list(tiny.candidates) == list(whole.candidates)
    assert [c.points for c in tiny.candidates.values()] == [c.points for c in whole.candidates.values()]
    assert sorted(pruned_pairs(tiny)) == sorted(pruned_pairs(whole))
    assert tiny.pruned_count == whole.pruned_count == len(pruned_pairs(whole)) > 0
    tiny_plan, whole_plan = propose(tiny), propose(whole)
    assert (tiny_plan.objective, tiny_plan.bound) == (whole_plan.objective, whole_plan.bound)


def test_the_kept_and_pruned_pairs_together_are_every_pair_that_passes_the_rules() -> None:
    problem = built(300, 7, PairingConfig(candidates_per_learner=3), 50)
    expected, counts = reference_candidates(problem)
    names = problem.arcs().names
    everything = {(names[t], names[lr]): p for lr, t, p in pruned_pairs(problem)}
    assert not everything.keys() & problem.candidates.keys()
    everything |= {m: c.points for m, c in problem.candidates.items()}
    assert everything == {m: c.points for m, c in expected.items()}
    assert problem.rule_counts == counts
    # Each learner keeps at least their 3 best (ties broken by id).
    for learner in problem.learners:
        mine = sorted((-p, t) for (t, lr), p in everything.items() if lr == learner)
        for _, teacher in mine[:3]:
            assert (teacher, learner) in problem.candidates


def test_rules_struck_out_per_person_are_counted_as_pair_by_pair() -> None:
    config = PairingConfig(mode="mentor", rules=Rules(not_in_reporting_line=True, min_overlap_minutes=240))
    problem = built(200, 11, config, 64)
    expected = reference_struck(problem)
    assert expected
    assert {p: c for p, c in problem.ruled_out.items() if c} == expected


def reference_struck(problem: PairingProblem) -> dict[str, Counter[str]]:
    """Per person, how many pairs each rule struck out: the learner for every rule, the teacher
    for the pair rules (not the mode's own-team rule), checked one pair at a time."""
    found: dict[str, Counter[str]] = {}
    for learner in problem.learners:
        for teacher, gain in gains_from(problem, learner).items():
            if scored(problem, teacher, learner, gain).points <= 0:
                continue
            reason = mode_reason(problem, teacher, learner)
            if reason:
                if reason[0] != ELIGIBLE:
                    found.setdefault(learner, Counter())[reason[0]] += 1
                continue
            broken = first_broken(problem, teacher, learner)
            if broken:
                for person in (teacher, learner):
                    found.setdefault(person, Counter())[broken[0]] += 1
    return found


def test_each_teachers_choice_streamed_is_the_choice_of_sorting_every_pair() -> None:
    rng = np.random.default_rng(3)
    people, learners = 40, 300
    limit = rng.integers(0, 6, size=people)
    choice = TeachersChoice(limit, buffer_pairs=25)
    offered = []
    position = 0
    for _ in range(learners):
        teachers = np.sort(rng.choice(people, size=int(rng.integers(1, 12)), replace=False))
        gains = rng.integers(1, 8, size=len(teachers)).astype(np.float64)  # many ties
        choice.offer(teachers, gains, position)
        offered += [
            (int(t), float(g), position + i) for i, (t, g) in enumerate(zip(teachers, gains, strict=True))
        ]
        position += len(teachers)
    expected = []
    for teacher in range(people):
        mine = sorted((p for p in offered if p[0] == teacher), key=lambda p: (-p[1], p[2]))
        expected += mine[: limit[teacher]]
    positions, gains = choice.chosen()
    assert positions.tolist() == sorted(p[2] for p in expected)
    assert gains.tolist() == [p[1] for p in sorted(expected, key=lambda p: p[2])]


def test_pairs_taken_from_the_store_are_gone_from_every_sum() -> None:
    store = Collector(block_pairs=3)
    store.add(0, np.array([5, 6]), np.array([10, 20]))
    store.add(1, np.array([5, 7, 8]), np.array([30, 40, 2**40]))  # this block keeps 64-bit points
    store.add(2, np.array([6]), np.array([50]))
    pruned = store.finish(np.array([1, 3]))
    assert pruned is not None and pruned.size == 4
    assert pruned.per_teacher(10).tolist() == [0, 0, 0, 0, 0, 2, 1, 0, 1, 0]
    values = np.zeros(3, dtype=np.int64)
    values[2] = 48  # learner 2's pair is no better than what they have
    improving = pruned.price(values, lambda block, learner: block.points.astype(np.int64) - learner)
    assert values.tolist() == [10, 2**40 - 1, 48]
    assert improving.tolist() == [0, 2, 4]
    learners, teachers, points = pruned.take(np.array([4]))
    assert (learners.tolist(), teachers.tolist(), points.tolist()) == ([1], [8], [2**40])
    assert pruned.size == 3
    assert pruned.where(lambda block, learner: block.points > 0).tolist() == [0, 2, 5]


def test_one_pairs_learning_credit_is_the_credit_of_every_teacher_at_once() -> None:
    problem = built(300, 3, PairingConfig(mode="mentor"), 1 << 30)
    checked = 0
    for learner in problem.learners:
        for teacher, credit in gains_from(problem, learner).items():
            assert gain_of(problem, teacher, learner) == credit
            checked += 1
    assert checked > 1000


def test_pairs_brought_back_by_pricing_explain_their_points_as_the_reference() -> None:
    problem = built(300, 5, PairingConfig(candidates_per_learner=1), 1 << 30)
    propose(problem)
    brought = [c for c in problem.candidates.values() if c.gain is None]
    assert brought
    for candidate in brought:
        teacher, learner = candidate.members
        expected = scored(problem, teacher, learner, gains_from(problem, learner)[teacher])
        assert candidate.parts == expected.parts
        assert candidate.points == expected.points
