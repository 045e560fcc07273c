"""The pairing engine: planted instances with one right answer, every rule, explanations."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from matcher.domain.model import HistoryEntry, Holding, Level, Organisation, Skill, Wish
from matcher.domain.problems import InvalidInput
from matcher.domain.talentmap import TalentMap
from matcher.engines.pairing import (
    PairingConfig,
    Previous,
    Rules,
    Weights,
    build_problem,
    propose,
    solver,
    validate,
)
from tests.orgs import person

TODAY = dt.date(2026, 11, 2)
SKILLS = tuple(Skill(s, s.upper()) for s in ("sql", "excel", "python", "wmo", "awb", "gis"))


def org_of(people, holdings=(), wishes=(), history=(), skills=SKILLS) -> Organisation:
    return Organisation(
        "Test",
        tuple(people),
        tuple(skills),
        tuple(Holding(p, s, Level(lv)) for p, s, lv in holdings),
        tuple(Wish(p, s, pr) for p, s, pr in wishes),
        tuple(history),
    )


def senior(pid: str, **kw):
    kw.setdefault("years_experience", 20)
    kw.setdefault("start_date", dt.date(2005, 1, 1))
    kw.setdefault("mentor_capacity", 1)
    return person(pid, **kw)


def junior(pid: str, **kw):
    kw.setdefault("years_experience", 1)
    kw.setdefault("start_date", dt.date(2026, 1, 1))
    return person(pid, **kw)


def run(org: Organisation, **config):
    problem = build_problem(TalentMap(org, today=TODAY), PairingConfig(**config), today=TODAY)
    return problem, propose(problem, round_name="test")


def members(proposal) -> set[tuple[str, ...]]:
    return {p.members for p in proposal.pairs}


def planted_mentor_org(n: int = 5) -> Organisation:
    """Each mentee wants one skill that exactly one mentor holds; every other pair breaks a rule or
    teaches nothing, so there is one right answer."""
    skills = tuple(Skill(f"s{i}", f"Skill {i}") for i in range(n))
    people = [senior(f"m{i}", department=f"d{i}") for i in range(n)]
    people += [junior(f"j{i}", department=f"d{(i + 1) % n}") for i in range(n)]
    # A decoy who holds everything at expert level but is every mentee's manager.
    people.append(senior("boss", mentor_capacity=5))
    people = [dataclasses.replace(p, manager_id="boss") if p.id.startswith("j") else p for p in people]
    holdings = [(f"m{i}", f"s{i}", 4) for i in range(n)] + [("boss", f"s{i}", 4) for i in range(n)]
    wishes = [(f"j{i}", f"s{i}", 3) for i in range(n)]
    return org_of(people, holdings, wishes, skills=skills)


def test_planted_mentor_pairs_are_found_exactly():
    _, proposal = run(planted_mentor_org())
    assert members(proposal) == {(f"m{i}", f"j{i}") for i in range(5)}
    assert proposal.status == "optimal"
    assert proposal.gap == 0
    assert not proposal.violations


def test_planted_exchange_pairs_each_teach_the_other():
    people = [junior(f"p{i}", years_experience=5, mentor_capacity=0) for i in range(6)]
    # p0<->p1 on sql/excel, p2<->p3 on python/wmo, p4<->p5 on awb/gis; nobody else complements.
    plan = [("p0", "sql", "p1", "excel"), ("p2", "python", "p3", "wmo"), ("p4", "awb", "p5", "gis")]
    holdings, wishes = [], []
    for a, sa, b, sb in plan:
        holdings += [(a, sa, 4), (b, sb, 4)]
        wishes += [(b, sa, 3), (a, sb, 3)]
    _, proposal = run(org_of(people, holdings, wishes), mode="exchange")
    assert members(proposal) == {("p0", "p1"), ("p2", "p3"), ("p4", "p5")}
    assert proposal.solver == "blossom"
    assert any("can teach SQL" in r for p in proposal.pairs for r in p.reasons)


def test_exchange_odd_one_out_joins_a_trio_or_is_reported():
    people = [junior(p, years_experience=5) for p in ("a", "b", "c")]
    holdings = [("a", "sql", 4), ("b", "excel", 4), ("c", "excel", 3), ("c", "python", 4)]
    wishes = [("a", "excel", 3), ("b", "sql", 3), ("c", "sql", 2), ("a", "python", 1)]
    org = org_of(people, holdings, wishes)
    _, trio = run(org, mode="exchange", odd_one_out="trio")
    assert [len(p.members) for p in trio.pairs] == [3]
    assert not trio.unmatched
    _, report = run(org, mode="exchange", odd_one_out="report")
    assert [len(p.members) for p in report.pairs] == [2]
    assert [u.person_id for u in report.unmatched] == ["b"] or len(report.unmatched) == 1


def test_buddy_prefers_the_same_site_outside_the_own_team():
    people = [
        junior("new", site="Stadhuis", team="t1", newcomer=True),
        senior("same-team", site="Stadhuis", team="t1"),
        senior("other-site", site="Werf", team="t2"),
        senior("right", site="Stadhuis", team="t3"),
    ]
    _, proposal = run(org_of(people), mode="buddy")
    assert members(proposal) == {("right", "new")}
    assert any("both work at Stadhuis" in r for r in proposal.pairs[0].reasons)


def test_buddy_outside_team_can_be_a_hard_rule():
    people = [junior("new", team="t1", newcomer=True), senior("same-team", team="t1")]
    _, soft = run(org_of(people), mode="buddy")
    assert members(soft) == {("same-team", "new")}
    _, hard = run(org_of(people), mode="buddy", rules=Rules(buddy_outside_team=True))
    assert not hard.pairs
    assert "own team" in hard.unmatched[0].reason or "ruled out" in hard.unmatched[0].reason


def test_intern_manager_pairs_interns_with_other_managers():
    people = [
        senior("boss", mentor_capacity=0),
        senior("other", mentor_capacity=0, department="x"),
        junior("report", manager_id="boss"),
        junior("intern", manager_id="boss", intern=True),
        junior("report2", manager_id="other"),
    ]
    _, proposal = run(org_of(people), mode="intern-manager")
    assert members(proposal) == {("other", "intern")}


def test_reverse_mentoring_lets_juniors_teach_seniors():
    people = [senior("old", mentor_capacity=0), junior("young")]
    org = org_of(people, holdings=[("young", "python", 4)], wishes=[("old", "python", 2)])
    _, proposal = run(org, mode="reverse")
    assert members(proposal) == {("young", "old")}


def test_nobody_is_paired_with_their_own_manager_or_reporting_line():
    people = [
        senior("top", mentor_capacity=2),
        senior("mid", manager_id="top", years_experience=15),
        junior("low", manager_id="mid"),
    ]
    org = org_of(people, holdings=[("top", "sql", 4)], wishes=[("low", "sql", 3), ("mid", "sql", 3)])
    _, proposal = run(org)
    assert members(proposal) == {("top", "low")}
    _, strict = run(org, rules=Rules(not_in_reporting_line=True))
    assert not strict.pairs
    assert {u.person_id for u in strict.unmatched} >= {"low", "mid"}


def test_pairs_share_a_language_and_enough_working_time():
    people = [
        senior("nl-only", languages=("nl",)),
        senior("far", languages=("en",), timezone="Pacific/Auckland", mentor_capacity=1),
        junior("en-only", languages=("en",)),
    ]
    org = org_of(people, holdings=[("nl-only", "sql", 4), ("far", "sql", 4)], wishes=[("en-only", "sql", 3)])
    _, proposal = run(org)
    assert not proposal.pairs
    reason = next(u.reason for u in proposal.unmatched if u.person_id == "en-only")
    assert "shared language" in reason and "working hours overlap" in reason
    _, relaxed = run(org, rules=Rules(min_overlap_minutes=0))
    assert members(relaxed) == {("far", "en-only")}


def test_forbidden_pairs_are_absent_and_locked_pairs_kept():
    problem, proposal = run(planted_mentor_org(), forbidden=(("m0", "j0"),), locked=(("m1", "j2"),))
    chosen = members(proposal)
    assert ("m0", "j0") not in chosen
    assert ("m1", "j2") in chosen
    assert next(p for p in proposal.pairs if p.members == ("m1", "j2")).locked
    assert not validate(problem, chosen)


def test_conflicting_locks_are_reported_not_crashed():
    _, proposal = run(
        planted_mentor_org(),
        locked=(("m0", "j0"), ("m1", "j0"), ("boss", "j1"), ("m2", "nobody")),
    )
    assert ("m0", "j0") in members(proposal)
    text = " ".join(proposal.conflicts)
    assert "already has a locked partner" in text
    assert "own manager" in text
    assert "unknown person nobody" in text


def test_no_pair_repeats_within_the_cooldown_and_older_repeats_cost_a_little():
    people = [senior("a"), senior("b"), junior("x")]
    holdings = [("a", "sql", 4), ("b", "sql", 4)]
    history = [
        HistoryEntry("r1", "mentor", ("b", "x"), dt.date(2025, 1, 1)),
        HistoryEntry("r2", "mentor", ("a", "z"), dt.date(2025, 6, 1)),
        HistoryEntry("r3", "mentor", ("a", "x"), dt.date(2026, 1, 1)),
    ]
    org = org_of([*people, junior("z")], holdings, [("x", "sql", 3)], history)
    _, proposal = run(org, rules=Rules(cooldown_rounds=1))
    assert members(proposal) == {("b", "x")}  # a-x was the last round
    assert any("paired before" in r for r in proposal.pairs[0].reasons)
    _, none = run(org, rules=Rules(cooldown_rounds=3))
    assert not none.pairs
    assert "cooldown" in none.unmatched[-1].reason or any("cooldown" in u.reason for u in none.unmatched)


def test_capacity_and_spreading_of_popular_experts():
    people = [senior("star", mentor_capacity=3), senior("good", mentor_capacity=3)]
    people += [junior(f"j{i}") for i in range(4)]
    holdings = [("star", "sql", 4), ("good", "sql", 3)]
    wishes = [(f"j{i}", "sql", 3) for i in range(4)]
    org = org_of(people, holdings, wishes)
    _, spread = run(org, weights=Weights(spread=4.0))
    loads = sorted(sum(1 for p in spread.pairs if p.members[0] == t) for t in ("star", "good"))
    assert loads == [2, 2]
    _, greedy = run(org, weights=Weights(spread=0.0))
    assert sum(1 for p in greedy.pairs if p.members[0] == "star") == 3  # capacity holds
    assert len(greedy.pairs) == 4


def test_left_out_people_hear_why_in_numbers():
    people = [senior("m1"), senior("m2")] + [junior(f"j{i}") for i in range(3)]
    holdings = [("m1", "sql", 4), ("m2", "sql", 3)]
    wishes = [(f"j{i}", "sql", 3) for i in range(3)]
    _, proposal = run(org_of(people, holdings, wishes))
    assert len(proposal.pairs) == 2
    [left] = proposal.unmatched
    assert left.role == "mentee"
    assert "3 people want SQL" in left.reason
    assert "2 mentors" in left.reason and "2 places" in left.reason


def test_one_role_per_round_is_kept_by_the_coupled_solver():
    # mid can learn from top or teach low; both can't happen with one role.
    people = [senior("top", years_experience=30), senior("mid", years_experience=10), junior("low")]
    holdings = [("top", "sql", 4), ("mid", "excel", 4)]
    wishes = [("mid", "sql", 3), ("low", "excel", 3)]
    problem, proposal = run(org_of(people, holdings, wishes))
    assert len(proposal.pairs) == 1
    assert proposal.status == "optimal"
    assert not validate(problem, [p.members for p in proposal.pairs])
    assert validate(problem, [("top", "mid"), ("mid", "low")])[0].rule == "one role"
    _, both = run(org_of(people, holdings, wishes), rules=Rules(one_role=False))
    assert len(both.pairs) == 2


def test_previous_round_left_out_get_priority():
    people = [senior("m"), junior("a"), junior("b")]
    org = org_of(people, [("m", "sql", 4)], [("a", "sql", 3), ("b", "sql", 3)])
    tmap = TalentMap(org, today=TODAY)
    for favourite in ("a", "b"):
        problem = build_problem(tmap, PairingConfig(), today=TODAY, previous=Previous(unmatched=(favourite,)))
        assert members(propose(problem)) == {("m", favourite)}


def test_validate_names_every_broken_rule():
    problem, _ = run(planted_mentor_org(), locked=(("m1", "j1"),), forbidden=(("m0", "j0"),))
    bad = [("m0", "j0"), ("boss", "j2"), ("m3", "j3"), ("m3", "j4"), ("j0", "m4"), ("ghost", "j1")]
    rules = {v.rule for v in validate(problem, bad)}
    assert {"forbidden", "own manager", "capacity", "eligible", "locked", "known people"} <= rules


def test_config_errors_say_which_field_and_why():
    with pytest.raises(InvalidInput) as caught:
        PairingConfig.from_mapping(
            {
                "mode": "speed-dating",
                "rules": {"capacity": "yes", "colour": 1, "cooldown_rounds": -1},
                "locked": [["a"]],
                "time_limit": 0,
            },
            source="round.json",
        )
    report = caught.value.report()
    for expected in (
        "'mode'",
        "'rules.capacity'",
        "'rules.colour'",
        "'locked[0]'",
        "'time_limit'",
        "round.json",
    ):
        assert expected in report


def test_config_round_trips_through_a_mapping():
    config = PairingConfig(mode="buddy", locked=(("a", "b"),), rules=Rules(cooldown_rounds=4))
    assert PairingConfig.from_mapping(config.as_dict()) == config


def test_same_input_and_seed_give_the_same_pairs():
    org = planted_mentor_org(8)
    first = run(org, seed=3)[1]
    second = run(org, seed=3)[1]
    assert [p.members for p in first.pairs] == [p.members for p in second.pairs]
    assert first.objective == second.objective


def test_an_empty_round_is_a_valid_answer():
    _, proposal = run(org_of([senior("m")]), mode="buddy")
    assert proposal.pairs == () and proposal.status == "optimal"
    assert proposal.as_dict()["unmatched"][0]["person_id"] == "m"


def test_cp_sat_reports_each_plan_it_finds_with_its_bound():
    # The one-role case above, given to CP-SAT itself: each report is a plan and its proven bound.
    people = [senior("top", years_experience=30), senior("mid", years_experience=10), junior("low")]
    holdings = [("top", "sql", 4), ("mid", "excel", 4)]
    wishes = [("mid", "sql", 3), ("low", "excel", 3)]
    problem, proposal = run(org_of(people, holdings, wishes))
    loads = solver.locked_loads(problem)
    free = solver.free_capacity(problem, loads)
    heard: list[tuple[float, float, float]] = []
    pairs, value, bound, optimal = solver._cp_sat(
        problem, list(problem.candidates.values()), free, loads, [], 0, lambda *a: heard.append(a)
    )
    assert optimal and len(pairs) == 1 and heard and value <= bound
    assert all(objective <= top + 1e-6 for objective, top, _ in heard)
    assert heard[-1][0] == pytest.approx(value / 100) == pytest.approx(proposal.objective)


def test_a_round_the_flows_prove_reports_its_plan_once():
    people = [senior("top"), junior("low")]
    problem, _ = run(org_of(people, [("top", "sql", 4)], [("low", "sql", 3)]))
    heard: list[tuple[float, float, float]] = []
    outcome = solver.solve(problem, on_progress=lambda *a: heard.append(a))
    assert outcome.solver == "min-cost flow"
    assert heard == [(outcome.objective / 100, outcome.bound / 100, pytest.approx(heard[0][2]))]
