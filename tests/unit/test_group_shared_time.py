"""Shared working time as a group criterion: each group's members share at least so many hours of
their working hours a week (in their own time zones, placed on a usual week in UTC; calendars are
not part of a group round). Read from the settings with messages for what is wrong, kept (hard)
or scored (soft) by the search, checked by validate(), and said in the reasons."""

from __future__ import annotations

import datetime as dt

import pytest
from babel.messages.extract import extract_from_dir

from matcher.domain.model import WEEKDAYS, Organisation, Skill, TimeRange, WorkingHours
from matcher.domain.phrases import KEYWORDS, say
from matcher.domain.problems import InvalidInput
from matcher.domain.talentmap import TalentMap
from matcher.engines.groups import Criterion, GroupConfig, build_problem, propose, validate
from matcher.engines.groups.bound import upper_bound
from matcher.engines.groups.criteria import SharedTime
from matcher.engines.groups.explain import shared_short, shares
from matcher.engines.groups.problem import group_parts, hours_of
from matcher.io.catalogs import translator
from tests.orgs import person
from tests.unit.test_engine_messages import MATCHER, check_all, data_of

TODAY = dt.date(2026, 11, 2)


def weekdays(start: int, end: int) -> WorkingHours:
    return WorkingHours.from_mapping({day: [TimeRange(start * 60, end * 60)] for day in WEEKDAYS[:5]})


def crew() -> Organisation:
    """Twelve colleagues at three sites: four in Amsterdam working mornings (07:00-11:00 UTC), four
    in New York at the office (14:00-22:00 UTC) and four in Amsterdam at the office (08:00-16:00
    UTC). Mornings and New York share no hour; each shares with the Amsterdam office."""
    people = []
    for i in range(12):
        where = ("mornings", "new-york", "office")[i // 4]
        people.append(
            person(
                f"p{i:02d}",
                f"P{i:02d} Jansen",
                site=where,
                department=f"d{i % 2}",
                timezone="America/New_York" if where == "new-york" else "Europe/Amsterdam",
                working_hours=weekdays(8, 12) if where == "mornings" else weekdays(9, 17),
            )
        )
    return Organisation("Test", tuple(people), (Skill("ai", "AI"),), (), (), ())


def problem_of(config: GroupConfig):
    return build_problem(TalentMap(crew(), today=TODAY), config, today=TODAY)


def mixing(hours: float, *, hard: bool = False, weight: float = 1.0) -> GroupConfig:
    """Groups of four that would rather mix all three sites."""
    return GroupConfig(
        size_min=4,
        size_max=4,
        criteria=(Criterion("site", "diverse", 3.0),),
        shared_time=SharedTime(hours, hard, weight),
        time_limit=2,
    )


def test_shared_time_is_read_from_the_settings_and_written_back_the_same():
    config = GroupConfig.from_mapping({"shared_time": {"hours": 4, "hard": True, "weight": 2}})
    assert config.shared_time == SharedTime(4.0, True, 2.0)
    assert GroupConfig.from_mapping(config.as_dict()) == config
    assert GroupConfig.from_mapping({"shared_time": {"hours": 4}}).shared_time == SharedTime(4.0, False, 1.0)
    assert GroupConfig.from_mapping({"shared_time": None}).shared_time is None
    assert GroupConfig.from_mapping({}).as_dict()["shared_time"] is None


def test_shared_time_that_makes_no_sense_is_refused_naming_the_field():
    with pytest.raises(InvalidInput) as refused:
        GroupConfig.from_mapping({"shared_time": {"hours": 169, "hard": "yes", "weight": -1}})
    assert {p.where.field for p in refused.value.problems} == {
        "shared_time.hours",
        "shared_time.hard",
        "shared_time.weight",
    }
    assert "a number of hours from 0 to 168, the hours of a week" in refused.value.report()
    for bad in ("x", {"weight": 1}, {"hours": 4, "often": True}, {"hours": True}):
        with pytest.raises(InvalidInput):
            GroupConfig.from_mapping({"shared_time": bad})


def test_working_hours_in_other_time_zones_are_shared_on_one_week_in_utc():
    problem = problem_of(mixing(hours=1.0))
    # 07:00-11:00 and 08:00-16:00 UTC share three hours a day; New York shares two with the office.
    assert hours_of(problem.shared_slots(["p00", "p08"])) == 15
    assert hours_of(problem.shared_slots(["p04", "p08"])) == 10
    assert hours_of(problem.shared_slots(["p00", "p04"])) == 0
    assert hours_of(problem.shared_slots(["p08", "p09"])) == 40


def test_hard_shared_time_holds_in_every_group_and_is_said():
    problem = problem_of(mixing(hours=10.0, hard=True))
    proposal = propose(problem)
    assert proposal.status in ("feasible", "optimal")
    assert not validate(problem, [g.members for g in proposal.groups])
    for group in proposal.groups:
        hours = hours_of(problem.shared_slots(group.members))
        assert hours >= 10
        assert f"the group shares {hours:g} hours of working time a week" in group.reasons
        # Mornings and New York never meet: no group can mix all three sites.
        assert len({problem.values["site"][m] for m in group.members}) <= 2


def test_shared_time_no_plan_can_keep_ends_infeasible_naming_the_rule_and_the_groups():
    # Forty hours a week is the office's every hour: only the four at the office share them.
    problem = problem_of(mixing(hours=40.0, hard=True))
    proposal = propose(problem)
    assert proposal.status == "infeasible"
    assert proposal.notes == ("the solver proved that no plan keeps every rule",)
    assert {v.rule for v in proposal.violations} == {"shared working time"}
    assert all(v.members for v in proposal.violations)
    assert any(
        v.message.endswith("hours of shared working time a week (wanted: at least 40)")
        for v in proposal.violations
    )
    plan = [("p00", "p01", "p04", "p05"), ("p02", "p03", "p06", "p07"), ("p08", "p09", "p10", "p11")]
    broken = validate(problem, plan)
    assert [v.members for v in broken] == plan[:2]
    assert broken[0].message == "0 hours of shared working time a week (wanted: at least 40)"


def test_soft_shared_time_costs_each_hour_short_and_the_bound_leaves_it_out():
    problem = problem_of(mixing(hours=12.5, weight=2.0))
    # New York and the office share ten hours: two and a half short.
    assert group_parts(problem, ["p04", "p05", "p08", "p09"]) == [
        ("diverse site", 3.0),
        ("shared time", -5.0),
    ]
    assert group_parts(problem, ["p00", "p01", "p08", "p09"]) == [("diverse site", 3.0)]
    without = problem_of(GroupConfig(size_min=4, size_max=4, criteria=(Criterion("site", "diverse", 3.0),)))
    assert upper_bound(problem) == upper_bound(without)
    proposal = propose(problem)
    assert proposal.status in ("feasible", "optimal")
    for group in proposal.groups:
        assert group.score == pytest.approx(sum(v for _, v in group_parts(problem, group.members)))


def test_shared_time_reasons_and_violations_are_messages_said_in_dutch():
    found = extract_from_dir(str(MATCHER), method_map=[("**.py", "python")], keywords=KEYWORDS)
    extracted = {m if isinstance(m, str) else tuple(m) for _, _, m, _, _ in found}
    problem = problem_of(mixing(hours=40.0, hard=True))
    plan = [("p00", "p01", "p04", "p05"), ("p02", "p03", "p08", "p09"), ("p06", "p07", "p10", "p11")]
    broken = validate(problem, plan)
    proposal = propose(problem_of(mixing(hours=2.5)))
    reasons = [r for g in proposal.groups for r in g.reasons if "working time" in r]
    sentences = [*reasons, *(v.message for v in broken), *(v.rule for v in broken)]
    check_all(sentences, data_of(crew()), extracted, at_least=5)
    nl = translator("nl")
    assert say(broken[0].message, nl) == "0 uur gezamenlijke werktijd per week (gevraagd: minstens 40)"
    assert say(broken[1].message, nl) == "15 uur gezamenlijke werktijd per week (gevraagd: minstens 40)"
    assert say(shares(6), nl) == "de groep werkt 6 uur per week tegelijk"
    assert say(shares(1), nl) == "de groep werkt 1 uur per week tegelijk"
    assert say(shares(6.5), nl) == "de groep werkt 6,5 uur per week tegelijk"
    assert (
        say(shared_short(3.5, 4.5), nl) == "3,5 uur gezamenlijke werktijd per week (gevraagd: minstens 4,5)"
    )
    assert say(broken[0].rule, nl) == "gezamenlijke werktijd"
