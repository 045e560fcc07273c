"""Shadowing spreads popular hosts' load over plans: slots a host had in recent plans count against
them (``weights.recent_load``, on by default)."""

from __future__ import annotations

import dataclasses
from collections import Counter

from matcher.domain.model import Holding, Level
from matcher.engines.shadowing import ShadowWeights, build_problem, plan, validate
from tests.orgs import person
from tests.unit.shadowing_support import CONFIG, ask, world


def hosts_of(recent_load: float) -> tuple[Counter[str], dict[str, tuple[str, ...]]]:
    """Two requests and two equally good hosts; Cor hosted three slots in recent plans."""
    people = [person("ann"), person("dan"), person("bea", host_capacity=4), person("cor", host_capacity=4)]
    holdings = [Holding("bea", "sql", Level.EXPERT), Holding("cor", "sql", Level.EXPERT)]
    tmap, agenda = world(people, holdings)
    config = dataclasses.replace(CONFIG, weights=ShadowWeights(recent_load=recent_load))
    problem = build_problem(
        tmap, [ask("r1", "ann"), ask("r2", "dan")], agenda, config, recent_hosting={"cor": 3, "bea": 0}
    )
    result = plan(problem)
    assert validate(problem, result.slots) == [] and not result.unplaced
    return Counter(s.host_id for s in result.slots), {s.host_id: s.reasons for s in result.slots}


def test_the_host_who_hosted_more_lately_gets_fewer_slots_with_the_option_on():
    on, reasons = hosts_of(1.0)
    assert on == {"bea": 2}
    assert "Bea hosted no slots in recent plans, so the load is spread" in reasons["bea"]


def test_with_the_option_off_both_hosts_get_the_same():
    off, reasons = hosts_of(0.0)
    assert off == {"bea": 1, "cor": 1}
    assert not [r for said in reasons.values() for r in said if "recent plans" in r]


def test_a_host_with_recent_slots_is_told_so_when_placed():
    people = [person("ann"), person("cor", host_capacity=4)]
    tmap, agenda = world(people, [Holding("cor", "sql", Level.EXPERT)])
    problem = build_problem(tmap, [ask("r1", "ann")], agenda, CONFIG, recent_hosting={"cor": 3})
    (slot,) = plan(problem).slots
    assert "Cor hosted 3 slots in recent plans (a penalty, to spread the load)" in slot.reasons
