"""Properties of every pairing plan, on random small organisations (hypothesis)."""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from matcher.domain.model import HistoryEntry, Holding, Level, Organisation, Person, Skill, Wish
from matcher.domain.talentmap import TalentMap
from matcher.engines.pairing import MODES, PairingConfig, Rules, build_problem, propose, validate
from matcher.engines.pairing.problem import gains_from, served_wishes

TODAY = dt.date(2026, 11, 2)
SKILLS = tuple(Skill(f"s{i}", f"Skill {i}") for i in range(5))
ZONES = ("Europe/Amsterdam", "Europe/Amsterdam", "Europe/London", "America/New_York", "Asia/Jakarta")
LANGUAGES = (("nl",), ("nl",), ("nl", "en"), ("en",))


@st.composite
def organisations(draw) -> Organisation:
    n = draw(st.integers(2, 12))
    ids = [f"p{i:02d}" for i in range(n)]
    people = []
    for i, pid in enumerate(ids):
        people.append(
            Person(
                pid,
                f"Person {i}",
                f"{pid}@example.org",
                department=draw(st.sampled_from("ABC")),
                function=draw(st.sampled_from("xyz")),
                site=draw(st.sampled_from(("north", "south"))),
                team=draw(st.sampled_from(("t1", "t2", "t3", ""))),
                manager_id=draw(st.sampled_from([None, *ids[:i]])),
                start_date=TODAY - dt.timedelta(days=draw(st.integers(0, 9000))),
                years_experience=draw(st.integers(0, 30)),
                languages=draw(st.sampled_from(LANGUAGES)),
                timezone=draw(st.sampled_from(ZONES)),
                intern=draw(st.booleans()),
                newcomer=draw(st.booleans()),
                mentor_capacity=draw(st.sampled_from((0, 1, 1, 2, 3))),
            )
        )
    holdings = {
        (draw(st.sampled_from(ids)), draw(st.sampled_from(SKILLS)).id): draw(st.integers(1, 4))
        for _ in range(draw(st.integers(n, 4 * n)))
    }
    wishes = {
        (draw(st.sampled_from(ids)), draw(st.sampled_from(SKILLS)).id): draw(st.integers(1, 3))
        for _ in range(draw(st.integers(n // 2, 3 * n)))
    }
    history = []
    for r in range(draw(st.integers(0, 3))):
        for _ in range(draw(st.integers(0, n))):
            pair = draw(st.lists(st.sampled_from(ids), min_size=2, max_size=2, unique=True))
            kind = draw(st.sampled_from(tuple(MODES)))
            history.append(HistoryEntry(f"r{r}", kind, tuple(pair), dt.date(2025, 1 + 3 * r, 1)))
    return Organisation(
        "Random",
        tuple(people),
        SKILLS,
        tuple(Holding(p, s, Level(lv)) for (p, s), lv in holdings.items()),
        tuple(Wish(p, s, pr) for (p, s), pr in wishes.items()),
        tuple(history),
    )


@st.composite
def rounds(draw):
    org = draw(organisations())
    ids = [p.id for p in org.people]
    pairs = st.lists(st.sampled_from(ids), min_size=2, max_size=2, unique=True).map(tuple)
    config = PairingConfig(
        mode=draw(st.sampled_from(tuple(MODES))),
        rules=Rules(
            cooldown_rounds=draw(st.integers(0, 3)),
            one_role=draw(st.booleans()),
            not_in_reporting_line=draw(st.booleans()),
            min_overlap_minutes=draw(st.sampled_from((0, 120, 600))),
        ),
        locked=tuple(draw(st.lists(pairs, max_size=2))),
        forbidden=tuple(draw(st.lists(pairs, max_size=3))),
        odd_one_out=draw(st.sampled_from(("trio", "report"))),
        time_limit=5.0,
    )
    return org, config


def solve(org: Organisation, config: PairingConfig):
    problem = build_problem(TalentMap(org, today=TODAY), config, today=TODAY)
    return problem, propose(problem)


PROPERTY = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(rounds())
def test_every_plan_passes_validate_and_keeps_the_rules(case):
    org, config = case
    problem, proposal = solve(org, config)
    chosen = [p.members for p in proposal.pairs]
    event(f"{config.mode}: {min(len(chosen), 3)} or more pairs, solver {proposal.solver}")
    assert validate(problem, chosen) == []
    assert proposal.violations == ()
    # The same facts, checked here without the engine's rule code.
    if config.mode != "exchange":
        for teacher in {p[0] for p in chosen}:
            assert sum(1 for p in chosen if p[0] == teacher) <= problem.capacity(teacher)
    else:
        everyone = [m for p in chosen for m in p]
        assert len(everyone) == len(set(everyone))
    # No repeat within the cooldown, counted here from the history itself.
    starts: dict[str, dt.date] = {}
    for e in org.history:
        if e.kind == config.mode:
            starts[e.round] = min(e.started, starts.get(e.round, e.started))
    recent_rounds = sorted(starts, key=lambda r: (starts[r], r), reverse=True)[: config.rules.cooldown_rounds]
    recent = {frozenset(e.members) for e in org.history if e.kind == config.mode and e.round in recent_rounds}
    locked = {frozenset(lock) for lock in problem.locks}
    for members in chosen:
        links = {frozenset((a, b)) for a in members for b in members if a < b}
        assert not links & {frozenset(f) for f in config.forbidden}
        assert frozenset(members) in locked or not links & recent
    for lock in problem.locks:
        assert lock in chosen or tuple(lock) in chosen
    assert proposal.objective <= proposal.bound + 1e-9
    assert 0 <= proposal.gap <= 1


@PROPERTY
@given(rounds())
def test_everyone_taking_part_is_paired_or_told_why(case):
    org, config = case
    problem, proposal = solve(org, config)
    paired = {m for p in proposal.pairs for m in p.members}
    told = {u.person_id for u in proposal.unmatched}
    assert all(u.reason for u in proposal.unmatched)
    assert not paired & told
    assert set(problem.learners) <= paired | told


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rounds())
def test_same_input_and_seed_give_the_same_plan(case):
    org, config = case
    first = solve(org, config)[1]
    again = solve(org, config)[1]
    assert [p.members for p in first.pairs] == [p.members for p in again.pairs]
    assert first.objective == again.objective


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(organisations(), st.integers(1, 3))
def test_pruning_never_claims_more_than_the_full_search_can_prove(org, keep):
    # Without one-role coupling the full search is an exact flow: its optimum is the truth.
    base = PairingConfig(mode="mentor", rules=Rules(one_role=False, min_overlap_minutes=0))
    _, full = solve(org, base)
    _, pruned = solve(org, base.replace(candidates_per_learner=keep))
    assert full.status == "optimal"
    assert pruned.objective <= full.objective + 1e-9
    assert pruned.bound >= full.objective - 1e-9


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(organisations())
def test_mentor_rounds_with_one_role_per_person_pass_validate(org):
    problem, proposal = solve(org, PairingConfig(mode="mentor", rules=Rules(min_overlap_minutes=0)))
    chosen = [p.members for p in proposal.pairs]
    event(f"{min(len(chosen), 3)} pairs, solver {proposal.solver}, {proposal.status}")
    assert validate(problem, chosen) == []
    teachers = {p[0] for p in chosen}
    assert not teachers & {p[1] for p in chosen}
    assert proposal.objective <= proposal.bound + 1e-9


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(organisations(), st.sampled_from(("mentor", "reverse", "exchange")))
def test_the_learning_credit_of_all_teachers_at_once_equals_the_pair_by_pair_sum(org, mode):
    problem = build_problem(TalentMap(org, today=TODAY), PairingConfig(mode=mode), today=TODAY)
    for learner in problem.learners:
        at_once = gains_from(problem, learner)
        for teacher in problem.teachers:
            one_by_one = sum(s.credit for s in served_wishes(problem, teacher, learner))
            if teacher == learner:
                continue
            assert at_once.get(teacher, 0.0) == one_by_one
