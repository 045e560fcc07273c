"""Pairing at scale: candidates computed as arrays score exactly as the reference functions, and
pruning keeps a proven bound (the pruned pairs priced against the flow's duals)."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from hypothesis import given
from ortools.sat.python import cp_model

from bench.synthetic import generate_organisation
from matcher.domain.problems import InvalidInput
from matcher.domain.talentmap import TalentMap
from matcher.engines.pairing import PairingConfig, Rules, Weights, build_problem, propose
from matcher.engines.pairing.candidates import Previous
from matcher.engines.pairing.fairness import Memory
from matcher.engines.pairing.problem import Candidate, PairingProblem, gains_from, scored
from matcher.engines.pairing.rules import ELIGIBLE, first_broken, mode_reason
from matcher.engines.pairing.solver import free_capacity, load_penalty
from tests.unit.test_pairing_properties import PROPERTY, rounds

TODAY = dt.date(2026, 11, 2)
DIRECTED = ("mentor", "reverse", "buddy", "intern-manager")


def reference_candidates(problem: PairingProblem) -> tuple[dict[tuple[str, str], Candidate], Counter[str]]:
    """Every directed candidate pair scored and checked one by one with the reference functions."""
    locked = {m for lock in problem.locks for m in lock}
    teaching_in_lock = {lock[0] for lock in problem.locks}
    found: dict[tuple[str, str], Candidate] = {}
    counts: Counter[str] = Counter()
    for learner in problem.learners:
        if learner in locked:
            continue
        gains = gains_from(problem, learner)
        if problem.mode in ("buddy", "intern-manager"):
            gains = {t: gains.get(t, 0.0) for t in problem.teachers if t != learner}
        for teacher, gain in gains.items():
            if teacher in locked and teacher not in teaching_in_lock:
                continue
            candidate = scored(problem, teacher, learner, gain)
            if candidate.points <= 0:
                continue
            broken = mode_reason(problem, teacher, learner) or first_broken(problem, teacher, learner)
            if broken:
                if broken[0] != ELIGIBLE:
                    counts[broken[0]] += 1
                continue
            found[candidate.members] = candidate
    return found, counts


def assert_same_as_reference(problem: PairingProblem) -> None:
    expected, counts = reference_candidates(problem)
    assert list(problem.candidates) == sorted(
        expected, key=lambda m: (problem.learners.index(m[1]), -expected[m].points, m)
    )
    for members, candidate in problem.candidates.items():
        assert candidate.points == expected[members].points
        assert candidate.parts == expected[members].parts
    assert problem.rule_counts == counts


@PROPERTY
@given(rounds())
def test_candidates_as_arrays_score_and_rule_out_exactly_as_the_reference(case):
    org, config = case
    if config.mode == "exchange":
        config = config.replace(mode="mentor")
    problem = build_problem(TalentMap(org, today=TODAY), config, today=TODAY)
    assert_same_as_reference(problem)


def test_candidates_as_arrays_equal_the_reference_with_related_skills_fairness_and_repeats() -> None:
    org = generate_organisation(300, seed=3, today=TODAY)
    tmap = TalentMap(org, today=TODAY)
    left_out = {entry.round: [p.id for p in org.people[::7]] for entry in org.history}
    for mode in DIRECTED:
        memory = Memory.of(org.history, mode, left_out)
        config = PairingConfig(mode=mode, rules=Rules(not_in_reporting_line=True, cooldown_rounds=1))
        previous = Previous(unmatched=tuple(p.id for p in org.people[::5]))
        problem = build_problem(tmap, config, today=TODAY, previous=previous, memory=memory)
        assert problem.candidates, mode
        assert_same_as_reference(problem)


def exact_optimum(problem: PairingProblem) -> int:
    """The best plan over every candidate pair of an unpruned, unlocked directed round, by CP-SAT
    without a time limit, written here apart from the engine's model."""
    model = cp_model.CpModel()
    # Places as the round gives them: with the capacity rule off, one per learner who wants a teacher.
    free = free_capacity(problem, {})
    pairs = [c for c in problem.candidates.values() if free.get(c.members[0], 0) > 0]
    x = {c.members: model.new_bool_var("") for c in pairs}
    people = {m for c in pairs for m in c.members}
    objective = []
    for person in sorted(people):
        teaching = [x[c.members] for c in pairs if c.members[0] == person]
        learning = [x[c.members] for c in pairs if c.members[1] == person]
        model.add(sum(learning) <= 1)
        if teaching:
            places = [model.new_bool_var("") for _ in range(free[person])]
            model.add(sum(teaching) == sum(places))
            # The k-th learner costs more than the one before, so the cheapest places fill first.
            objective += [
                -(load_penalty(problem, k + 1) - load_penalty(problem, k)) * z for k, z in enumerate(places)
            ]
            if problem.config.rules.one_role and learning:
                teaches = model.new_bool_var("")
                model.add(sum(teaching) <= len(places) * teaches)
                model.add(sum(learning) <= 1 - teaches)
    objective += [c.points * x[c.members] for c in pairs]
    model.maximize(sum(objective))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    assert solver.solve(model) == cp_model.OPTIMAL
    return round(solver.objective_value)


def round_of(people: int, seed: int, config: PairingConfig) -> PairingProblem:
    org = generate_organisation(people, seed=seed, today=TODAY)
    return build_problem(TalentMap(org, today=TODAY), config, today=TODAY)


def test_pruning_with_pricing_returns_the_objective_of_the_unpruned_round() -> None:
    for mode in DIRECTED:
        for seed in (1, 2):
            config = PairingConfig(mode=mode, rules=Rules(one_role=False))
            whole = propose(round_of(250, seed, config))
            for keep in (1, 3):
                pruned_problem = round_of(250, seed, config.replace(candidates_per_learner=keep))
                pruned = propose(pruned_problem)
                assert pruned.objective == whole.objective, (mode, seed, keep)
                assert pruned.bound == whole.bound
                assert pruned.status == "optimal"


def test_pruned_rounds_leave_pairs_out_yet_prove_the_optimum() -> None:
    config = PairingConfig(rules=Rules(one_role=False), candidates_per_learner=1)
    problem = round_of(250, 1, config)
    assert problem.pruned_count > 0
    assert propose(problem).status == "optimal"


def test_every_reported_bound_is_at_least_the_exact_optimum() -> None:
    for people, seed in ((120, 1), (160, 2), (200, 3)):
        config = PairingConfig(time_limit=5.0, seed=seed)
        optimum = exact_optimum(round_of(people, seed, config))
        for keep in (0, 1, 2, 4):
            proposal = propose(round_of(people, seed, config.replace(candidates_per_learner=keep)))
            bound = round(proposal.bound * 100)
            assert bound >= optimum, (people, seed, keep)
            assert round(proposal.objective * 100) <= optimum


def test_without_the_capacity_rule_a_pruned_round_keeps_the_places_of_its_pruned_pairs() -> None:
    # A teacher may then take every learner who wants them, pruned pairs included: counting only the
    # kept ones gave too few places, a worse plan and a bound below the optimum, called optimal.
    for mode in ("reverse", "mentor"):
        config = PairingConfig(mode=mode, rules=Rules(capacity=False, one_role=False), time_limit=2.0, seed=1)
        optimum = exact_optimum(round_of(40, 0, config))
        for keep in (1, 2):
            problem = round_of(40, 0, config.replace(candidates_per_learner=keep))
            proposal = propose(problem)
            assert round(proposal.bound * 100) >= optimum, (mode, keep)
            assert round(proposal.objective * 100) == optimum, (mode, keep)


@PROPERTY
@given(rounds())
def test_the_bound_of_a_pruned_round_is_at_least_the_exact_optimum(case):
    org, config = case
    mode = config.mode if config.mode != "exchange" else "mentor"
    config = config.replace(mode=mode, locked=(), time_limit=2.0)
    tmap = TalentMap(org, today=TODAY)
    optimum = exact_optimum(build_problem(tmap, config, today=TODAY))
    proposal = propose(build_problem(tmap, config.replace(candidates_per_learner=1), today=TODAY))
    assert round(proposal.bound * 100) >= optimum
    assert round(proposal.objective * 100) <= optimum


def test_a_gap_limit_stops_proving_once_the_plan_is_within_it() -> None:
    proven = propose(round_of(250, 1, PairingConfig()))
    limited = propose(round_of(250, 1, PairingConfig(gap_limit=0.02)))
    assert proven.status == "optimal"
    # The same plan, proven only as far as HR asked: a looser bound, still above the optimum,
    # and no CP-SAT search to close the rest.
    assert limited.objective == proven.objective
    assert proven.bound < limited.bound <= proven.objective / (1 - 0.02)
    assert (limited.status, limited.solver) == ("feasible", "min-cost flow")


def test_a_gap_limit_outside_zero_to_one_is_refused_with_its_field() -> None:
    for wrong in (-0.1, 1.0):
        with pytest.raises(InvalidInput) as caught:
            PairingConfig.from_mapping({"gap_limit": wrong})
        said = {(p.where.field, str(p.message)) for p in caught.value.problems}
        assert said == {("gap_limit", "must be between 0 and 1")}


def test_a_gap_limit_is_judged_on_the_gap_reported_with_the_locks_points() -> None:
    # Locks worth less than nothing (a heavy load spread on a teacher locked to all their places):
    # judged without them, the engine would stop short of the limit on a larger base.
    for seed, people, limit in ((1, 250, 0.02), (4, 150, 0.05)):
        base = PairingConfig(mode="mentor", seed=seed, weights=Weights(spread=12.0))
        first = round_of(people, seed, base)
        teacher = max(first.teachers, key=lambda t: first.teachers[t])
        others = [
            p for p in first.learners if p not in first.teachers and (teacher, p) not in first.candidates
        ]
        locks = tuple((teacher, learner) for learner in others[: first.teachers[teacher]])
        limited = propose(round_of(people, seed, base.replace(locked=locks, gap_limit=limit)))
        assert limited.gap <= limit, (seed, limited.objective, limited.bound)
