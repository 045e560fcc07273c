"""Fairness over rounds: rounds left out in a row, the load of popular mentors, fresh partners."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from matcher.domain.model import HistoryEntry, Organisation
from matcher.domain.problems import InvalidInput
from matcher.domain.talentmap import TalentMap
from matcher.engines.pairing import (
    NO_MEMORY,
    SCALE,
    Fairness,
    Memory,
    PairingConfig,
    Previous,
    Proposal,
    Rules,
    Weights,
    build_problem,
    propose,
    validate,
)
from matcher.engines.pairing.fairness import recall
from matcher.engines.pairing.why import why_not
from tests.unit.test_pairing import TODAY, junior, org_of, senior

#: Repeats allowed, so that nothing but memory can move the weaker learner up.
OPEN_RULES = Rules(cooldown_rounds=0)


def crowded_org() -> Organisation:
    """One mentor with one place and two mentees: Ada wants SQL badly and gains much, Bob wants it
    a little and gains one level. Without memory Ada wins every round and Bob waits forever."""
    people = [senior("mira"), junior("ada"), junior("bob")]
    holdings = [("mira", "sql", 4), ("bob", "sql", 3)]
    wishes = [("ada", "sql", 3), ("bob", "sql", 1)]
    return org_of(people, holdings, wishes)


def rounds(org: Organisation, config: PairingConfig, n: int) -> list[Proposal]:
    """``n`` rounds, each fed the pairs (history) and who was left out (memory) of the ones before."""
    history: list[HistoryEntry] = list(org.history)
    left_out: dict[str, list[str]] = {}
    proposals: list[Proposal] = []
    for i in range(n):
        today = TODAY + dt.timedelta(days=91 * i)
        tmap = TalentMap(dataclasses.replace(org, history=tuple(history)), today=today)
        last = proposals[-1] if proposals else None
        previous = (
            Previous(tuple(p.members for p in last.pairs), tuple(u.person_id for u in last.unmatched))
            if last
            else None
        )
        memory = Memory.of(history, config.mode, left_out)
        problem = build_problem(tmap, config, today=today, previous=previous, memory=memory)
        proposal = propose(problem, round_name=f"r{i + 1}")
        assert not validate(problem, [p.members for p in proposal.pairs])
        history += [HistoryEntry(f"r{i + 1}", config.mode, p.members, today) for p in proposal.pairs]
        left_out[f"r{i + 1}"] = [u.person_id for u in proposal.unmatched]
        proposals.append(proposal)
    return proposals


def longest_run_left_out(proposals: list[Proposal], person: str) -> int:
    run = best = 0
    for proposal in proposals:
        run = run + 1 if person in {u.person_id for u in proposal.unmatched} else 0
        best = max(best, run)
    return best


def test_without_memory_the_same_mentee_is_left_out_four_rounds_in_a_row():
    config = PairingConfig(rules=OPEN_RULES, fairness=NO_MEMORY)
    proposals = rounds(crowded_org(), config, 4)
    assert [{p.members for p in r.pairs} for r in proposals] == [{("mira", "ada")}] * 4
    assert longest_run_left_out(proposals, "bob") == 4


@pytest.mark.parametrize("most", [1, 2, 3])
def test_nobody_stays_unplaced_more_than_k_rounds_in_a_row(most):
    config = PairingConfig(rules=OPEN_RULES, fairness=Fairness(max_unplaced_rounds=most))
    proposals = rounds(crowded_org(), config, 8)
    assert longest_run_left_out(proposals, "bob") == most
    assert longest_run_left_out(proposals, "ada") <= most
    assert sum(("mira", "bob") in {p.members for p in r.pairs} for r in proposals) >= 8 // (most + 1)


def test_the_pair_says_who_was_left_out_before_and_why_they_come_first():
    config = PairingConfig(rules=OPEN_RULES, fairness=Fairness(max_unplaced_rounds=2))
    third = rounds(crowded_org(), config, 3)[-1]
    (pair,) = third.pairs
    assert pair.members == ("mira", "bob")
    assert "Bob was left out in the last 2 rounds of this kind" in pair.reasons
    assert (
        "Bob is placed first: nobody is left out more than 2 rounds in a row where a place exists"
        in pair.reasons
    )
    (ada,) = third.unmatched
    assert ada.person_id == "ada"
    second = rounds(crowded_org(), config, 2)[-1]
    assert "also left out in the last round of this kind, despite the priority that gives" in (
        second.unmatched[0].reason
    )


def test_why_not_counts_the_priority_the_same_way():
    org = crowded_org()
    history = (
        HistoryEntry("r1", "mentor", ("mira", "ada"), TODAY),
        HistoryEntry("r2", "mentor", ("mira", "ada"), TODAY),
    )
    org = dataclasses.replace(org, history=history)
    config = PairingConfig(rules=OPEN_RULES, fairness=Fairness(max_unplaced_rounds=2))
    memory = Memory.of(history, "mentor", {"r1": ["bob"], "r2": ["bob"]})
    problem = build_problem(TalentMap(org, today=TODAY), config, today=TODAY, memory=memory)
    proposal = propose(problem)
    alternatives = why_not(problem, [p.members for p in proposal.pairs], "ada", "mira")
    (ada,) = alternatives
    assert ada.allowed and not ada.current
    # Forcing Ada's pair costs exactly the difference of the two pairs' points, priority included.
    bob_points = next(p.score for p in proposal.pairs if p.members == ("mira", "bob"))
    assert ada.cost(proposal.objective) == pytest.approx(bob_points - (ada.points or 0.0))
    assert bob_points - (ada.points or 0.0) > 100 - 20


def busy_mentor_org() -> Organisation:
    """Two mentors who can both teach the one mentee; Mira is the better fit and was busy lately."""
    people = [senior("mira", mentor_capacity=3), senior("noor", mentor_capacity=3), junior("ada")]
    holdings = [("mira", "sql", 4), ("noor", "sql", 4), ("mira", "excel", 3), ("noor", "excel", 2)]
    wishes = [("ada", "sql", 1), ("ada", "excel", 1)]
    return org_of(people, holdings, wishes)


def test_a_mentor_who_carried_many_mentees_lately_gives_way():
    org = busy_mentor_org()
    history = [
        HistoryEntry(f"r{i}", "mentor", ("mira", f"x{i}{j}"), TODAY) for i in (1, 2) for j in (1, 2, 3)
    ]
    memory = Memory.of(history, "mentor")
    plans = {}
    for name, fairness in (("memory", Fairness()), ("none", NO_MEMORY)):
        config = PairingConfig(fairness=fairness)
        problem = build_problem(TalentMap(org, today=TODAY), config, today=TODAY, memory=memory)
        plans[name] = propose(problem)
    assert [p.members for p in plans["none"].pairs] == [("mira", "ada")]
    (pair,) = plans["memory"].pairs
    assert pair.members == ("noor", "ada")
    assert "Noor took no learners in the last 2 rounds, so the load is spread" in pair.reasons


def exchange_org(history: tuple[HistoryEntry, ...] = ()) -> Organisation:
    """Four colleagues, each of whom can exchange with two of the others."""
    people = [junior(p, years_experience=5) for p in ("ann", "ben", "cas", "dex")]
    holdings = [("ann", "sql", 4), ("ben", "excel", 4), ("cas", "excel", 3), ("dex", "sql", 3)]
    wishes = [("ann", "excel", 3), ("ben", "sql", 3), ("cas", "sql", 1), ("dex", "excel", 1)]
    return org_of(people, holdings, wishes, history=history)


def test_no_repeat_until_you_have_met_everyone():
    history = (
        HistoryEntry("x1", "exchange", ("ann", "ben"), TODAY - dt.timedelta(days=400)),
        HistoryEntry("x1", "exchange", ("cas", "dex"), TODAY - dt.timedelta(days=400)),
    )
    org = exchange_org(history)
    memory = Memory.of(history, "exchange")
    found = {}
    for fresh in (False, True):
        config = PairingConfig(
            mode="exchange",
            rules=OPEN_RULES,
            weights=Weights(repeat=0.0),
            fairness=Fairness(fresh_partners=fresh),
        )
        problem = build_problem(TalentMap(org, today=TODAY), config, today=TODAY, memory=memory)
        found[fresh] = propose(problem)
    # Ann and Ben teach each other most: without the option they meet again, and so do Cas and Dex.
    assert {p.members for p in found[False].pairs} == {("ann", "ben"), ("cas", "dex")}
    assert {p.members for p in found[True].pairs} == {("ann", "cas"), ("ben", "dex")}
    assert all("have not met before in this kind of round" in p.reasons for p in found[True].pairs)


def test_a_partner_met_before_is_allowed_once_nobody_new_is_left():
    history = (HistoryEntry("x1", "exchange", ("ann", "ben"), TODAY - dt.timedelta(days=400)),)
    org = exchange_org(history)
    org = dataclasses.replace(org, people=org.people[:2])
    config = PairingConfig(mode="exchange", rules=OPEN_RULES, fairness=Fairness(fresh_partners=True))
    problem = build_problem(
        TalentMap(org, today=TODAY), config, today=TODAY, memory=Memory.of(history, "exchange")
    )
    assert [p.members for p in propose(problem).pairs] == [("ann", "ben")]


def test_a_run_counts_back_from_the_newest_round_and_stops_at_a_round_placed():
    history = [
        HistoryEntry("r1", "mentor", ("m", "a"), dt.date(2026, 1, 5)),
        HistoryEntry("r2", "mentor", ("m", "b"), dt.date(2026, 4, 5)),
        HistoryEntry("r3", "mentor", ("m", "c"), dt.date(2026, 7, 5)),
    ]
    memory = Memory.of(history, "mentor", {"r1": ["b", "c"], "r2": ["a", "c"], "r3": ["a", "b"]})
    assert [r.name for r in memory.rounds] == ["r3", "r2", "r1"]
    assert recall(memory, Fairness(window=4)).streak == {"a": 2, "b": 1}
    assert recall(memory, Fairness(window=1, max_unplaced_rounds=1)).streak == {"a": 1, "b": 1}
    assert recall(memory, Fairness(window=2)).load == {"m": 2}
    assert recall(memory, NO_MEMORY).streak == {}


def test_fairness_settings_are_checked_with_field_and_reason():
    with pytest.raises(InvalidInput) as caught:
        PairingConfig.from_mapping(
            {"fairness": {"window": -1, "max_unplaced_rounds": 3, "recent_load": -2, "colour": 1}}
        )
    said = {(p.where.field, str(p.message)) for p in caught.value.problems}
    assert ("fairness.window", "must not be negative") in said
    assert ("fairness.recent_load", "must not be negative") in said
    with pytest.raises(InvalidInput) as caught:
        PairingConfig.from_mapping({"fairness": {"window": 2, "max_unplaced_rounds": 3}})
    (problem,) = caught.value.problems
    assert (problem.where.field, str(problem.message)) == (
        "fairness.max_unplaced_rounds",
        "must not be more than the rounds looked back on (2)",
    )
    assert any(path == "fairness.colour" for path, _ in said)
    config = PairingConfig.from_mapping({"fairness": {"window": 6, "fresh_partners": True}})
    assert config.fairness == Fairness(window=6, fresh_partners=True)
    assert PairingConfig.from_mapping(config.as_dict()) == config


def trio_org(history: tuple[HistoryEntry, ...]) -> Organisation:
    """Ann and Ben, Cas and Dex exchange most; Eve is left over and adds more to Ann and Ben's pair
    (she and Ben teach each other) than to Cas and Dex's, but she met Ann before."""
    people = [junior(p, years_experience=5) for p in ("ann", "ben", "cas", "dex", "eve")]
    holdings = [
        ("ann", "sql", 4),
        ("ben", "excel", 4),
        ("cas", "python", 4),
        ("dex", "gis", 4),
        ("eve", "wmo", 4),
    ]
    wishes = [
        ("ann", "excel", 3),
        ("ben", "sql", 3),
        ("cas", "gis", 3),
        ("dex", "python", 3),
        ("eve", "excel", 2),
        ("ben", "wmo", 2),
        ("eve", "python", 1),
        ("cas", "wmo", 1),
    ]
    return org_of(people, holdings, wishes, history=history)


def test_a_third_does_not_join_a_partner_met_before_while_an_unmet_pair_is_open():
    history = (HistoryEntry("x1", "exchange", ("ann", "eve"), TODAY - dt.timedelta(days=400)),)
    org = trio_org(history)
    found = {}
    for fresh in (False, True):
        config = PairingConfig(
            mode="exchange",
            rules=OPEN_RULES,
            weights=Weights(repeat=0.0),
            fairness=Fairness(fresh_partners=fresh),
        )
        problem = build_problem(
            TalentMap(org, today=TODAY), config, today=TODAY, memory=Memory.of(history, "exchange")
        )
        proposal = propose(problem)
        assert not validate(problem, [p.members for p in proposal.pairs])
        found[fresh] = {frozenset(p.members) for p in proposal.pairs}
    # Without the option Eve joins where she adds most, and meets Ann again.
    assert frozenset(("ann", "ben", "eve")) in found[False]
    assert found[True] == {frozenset(("ann", "ben")), frozenset(("cas", "dex", "eve"))}


def test_why_not_in_an_exchange_round_names_the_met_before_rule():
    history = (
        HistoryEntry("x1", "exchange", ("ann", "ben"), TODAY - dt.timedelta(days=400)),
        HistoryEntry("x1", "exchange", ("cas", "dex"), TODAY - dt.timedelta(days=400)),
    )
    org = exchange_org(history)
    answers = {}
    for fresh in (False, True):
        config = PairingConfig(
            mode="exchange",
            rules=OPEN_RULES,
            weights=Weights(repeat=0.0),
            fairness=Fairness(fresh_partners=fresh),
        )
        problem = build_problem(
            TalentMap(org, today=TODAY), config, today=TODAY, memory=Memory.of(history, "exchange")
        )
        plan = [p.members for p in propose(problem).pairs]
        answers[fresh] = (problem, plan, {a.partner: a for a in why_not(problem, plan, "ann")})
    _, _, off = answers[False]
    assert off["ben"].allowed and off["ben"].current
    problem, plan, on = answers[True]
    assert (on["ben"].allowed, on["ben"].rule) == (False, "met before")
    assert on["ben"].reason == (
        "Ann and Ben met in an earlier round of this kind, "
        "and one of them still has a partner they have not met"
    )
    assert on["cas"].allowed and on["cas"].current
    assert (on["dex"].allowed, on["dex"].rule) == (False, "something to learn")
    assert set(on) == {"ben", "cas", "dex"}


def test_why_not_in_an_exchange_round_matches_the_round_again_around_the_pair():
    org = exchange_org()
    config = PairingConfig(mode="exchange", rules=OPEN_RULES)
    problem = build_problem(TalentMap(org, today=TODAY), config, today=TODAY)
    proposal = propose(problem)
    plan = [p.members for p in proposal.pairs]
    assert set(plan) == {("ann", "ben"), ("cas", "dex")}
    (cas,) = why_not(problem, plan, "ann", "cas")
    assert cas.allowed and not cas.current
    assert set(cas.forms) == {("ann", "cas"), ("ben", "dex")} and set(cas.breaks_up) == set(plan)
    # What forcing costs is the difference between the two matchings, each pair's points summed.
    points = {c.members: c.points / SCALE for c in problem.candidates.values()}
    assert cas.cost(proposal.objective) == pytest.approx(
        points["ann", "ben"] + points["cas", "dex"] - points["ann", "cas"] - points["ben", "dex"]
    )
    assert cas.cost(proposal.objective) > 0
