"""Why not X?: each partner a person could have, with the round's score when that pair is fixed
and the rest assigned again around it, or the rule that forbids the pair; and, in a group round,
each group a person could move to."""

from __future__ import annotations

import datetime as dt

import pytest

from bench.synthetic import generate_organisation
from matcher.domain.talentmap import TalentMap
from matcher.engines import groups
from matcher.engines.groups.problem import objective as group_objective
from matcher.engines.groups.why import group_moves
from matcher.engines.pairing import PairingConfig, build_problem, propose, validate
from matcher.engines.pairing.why import plan_value, why_not
from tests.orgs import mentoring_org

TODAY = dt.date(2026, 12, 1)


def _round(org, **settings):
    config = PairingConfig.from_mapping({"mode": "mentor", "time_limit": 10, **settings})
    problem = build_problem(TalentMap(org, today=TODAY), config, today=TODAY)
    proposal = propose(problem)
    return config, problem, proposal, [p.members for p in proposal.pairs]


def _forced_plan(plan, option):
    gone = {frozenset(p) for p in option.breaks_up}
    return [p for p in plan if frozenset(p) not in gone] + [tuple(p) for p in option.forms]


def _checked(org, config, plan, option):
    """The plan with ``option`` taken keeps every rule with the pair locked, and scores what the
    answer says; an exact re-solve with the lock scores at least as much."""
    locked = config.replace(locked=(*config.locked, option.pair))
    problem = build_problem(TalentMap(org, today=TODAY), locked, today=TODAY)
    forced = _forced_plan(plan, option)
    assert option.pair in forced
    assert validate(problem, forced) == []
    assert plan_value(problem, forced) == pytest.approx(option.objective)
    assert propose(problem).objective >= option.objective - 1e-6


def test_the_mentee_left_out_sees_each_mentor_the_rules_allow_with_the_cost_and_the_others_ruled_out():
    org = mentoring_org()
    config, problem, proposal, plan = _round(org)
    (left,) = [u.person_id for u in proposal.unmatched]
    found = why_not(problem, plan, left)
    now = plan_value(problem, plan)
    assert now == pytest.approx(proposal.objective)
    allowed = [a for a in found if a.allowed]
    assert allowed and all(a.pair[1] == left and a.objective is not None for a in allowed)
    assert [a.objective for a in allowed] == sorted((a.objective for a in allowed), reverse=True)
    for option in allowed:
        # the plan was the best there is, so taking another pair costs something or nothing
        assert option.cost(now) >= 0 and option.objective <= now + 1e-6
        _checked(org, config, plan, option)
    # each mentor is there: allowed, or ruled out with the reason in words
    assert {a.partner for a in found} == {"marit", "niels", "olga"}
    assert all(a.reason for a in found if not a.allowed)


def test_a_paired_mentee_sees_their_own_pair_at_no_cost_and_one_named_partner_alone():
    org = mentoring_org()
    _config, problem, _proposal, plan = _round(org)
    teacher, learner = plan[0]
    found = why_not(problem, plan, learner)
    mine = next(a for a in found if a.partner == teacher)
    assert mine.current and mine.cost(plan_value(problem, plan)) == 0 and not mine.breaks_up
    (only,) = why_not(problem, plan, learner, "pim" if learner != "pim" else "roos")
    assert not only.allowed and "takes part only to learn in this round" in only.reason


def test_a_forbidden_pair_says_hr_ruled_it_out():
    org = mentoring_org()
    _config, problem, _proposal, plan = _round(org, forbidden=[["niels", "pim"]])
    (option,) = why_not(problem, plan, "pim", "niels")
    assert not option.allowed and "HR ruled out pairing" in option.reason


def test_on_a_larger_round_every_answer_is_a_plan_that_keeps_the_rules_and_scores_what_it_says():
    org = generate_organisation(160, seed=4, today=TODAY)
    config, problem, proposal, plan = _round(org)
    asked = [u.person_id for u in proposal.unmatched if u.person_id in problem.learner_set][:2]
    asked += [plan[0][1], plan[len(plan) // 2][0]]
    worked = 0
    for person in asked:
        for option in why_not(problem, plan, person, solved=4):
            if option.allowed and option.objective is not None and not option.current:
                _checked(org, config, plan, option)
                worked += 1
    assert worked >= 4


def test_in_a_group_round_each_other_group_is_offered_with_the_round_score_after_the_step():
    org = generate_organisation(60, seed=2, today=TODAY)
    config = groups.GroupConfig.from_mapping(
        {"kind": "think-tank", "size_min": 4, "size_max": 6, "time_limit": 2}
    )
    problem = groups.build_problem(TalentMap(org, today=TODAY), config, today=TODAY)
    plan = [g.members for g in groups.propose(problem).groups]
    person = plan[0][0]
    moves = group_moves(problem, plan, person)
    assert len(moves) == len(plan) - 1
    now = group_objective(problem, plan)
    for move in moves:
        stepped = [list(g) for g in plan]
        stepped[0].remove(person)
        target = next(g for g in stepped if tuple(sorted(g)) == move.members)
        if move.swap_with:
            target.remove(move.swap_with)
            stepped[0].append(move.swap_with)
        target.append(person)
        assert group_objective(problem, stepped) == pytest.approx(move.objective)
        assert move.cost == pytest.approx(max(0.0, now - move.objective), abs=0.01)
        assert bool(move.breaks) == bool(groups.validate(problem, stepped))


def test_a_round_pruned_to_each_learners_best_pair_answers_why_not_as_the_whole_round_does():
    # Around a fixed pair, pairs the search left out may be the best; the answer must count them.
    org = generate_organisation(80, seed=2, today=TODAY)
    settings = {"mode": "mentor", "time_limit": 2, "rules": {"one_role": False}}
    whole_config = PairingConfig.from_mapping(settings)
    tmap = TalentMap(org, today=TODAY)
    whole = build_problem(tmap, whole_config, today=TODAY)
    pruned = build_problem(tmap, whole_config.replace(candidates_per_learner=1), today=TODAY)
    whole_plan = [p.members for p in propose(whole).pairs]
    pruned_plan = [p.members for p in propose(pruned).pairs]
    assert pruned.pruned_count > 0
    compared = 0
    for person in sorted(pruned.learner_set)[:15]:
        expected = {o.pair: o for o in why_not(whole, whole_plan, person, solved=50)}
        for option in why_not(pruned, pruned_plan, person, solved=50):
            if option.objective is None or option.pair not in expected:
                continue
            assert option.allowed == expected[option.pair].allowed
            # Plans that score the same may differ by a tie; the score may not.
            assert option.objective == pytest.approx(expected[option.pair].objective, abs=0.011)
            compared += 1
    assert compared >= 20
