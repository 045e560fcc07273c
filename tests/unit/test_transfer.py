"""Knowledge transfer: successors for a leaver's skills at risk, and sessions before the leaving date."""

from __future__ import annotations

import dataclasses
import datetime as dt
import doctest
import itertools
from collections import Counter

import pytest

from matcher.domain import transfer as domain_transfer
from matcher.domain.availability import Agenda
from matcher.domain.intervals import Interval
from matcher.domain.model import Holding, Organisation, Person, Skill, Wish
from matcher.domain.schedule import ScheduledEvent
from matcher.domain.talentmap import TalentMap
from matcher.domain.transfer import TransferError, propose, propose_for_skill
from matcher.io import invite_text
from matcher.plans import transfer as plans_transfer
from matcher.plans.transfer import TransferConfig, plan_sessions, problem_for, validate, windows
from tests.unit.shadowing_support import busy_except, local

MONDAY = dt.date(2026, 5, 4)
LEAVING = dt.date(2026, 5, 30)
NOW = dt.datetime(2026, 5, 6, 11, 0, tzinfo=dt.UTC)  # a Wednesday, mid-morning
SKILLS = (
    Skill("archief", "Archiefwet"),
    Skill("woo", "Woo-verzoeken"),
    Skill("sql", "SQL"),
    Skill("gis", "GIS"),
)


def org(leaving: dt.date = LEAVING) -> Organisation:
    """Lea leaves on ``leaving`` and holds two skills nobody else holds at level 3 or higher; Eva
    leaves a month later. Only Dina and Bram, who stay, hold GIS well; Chen holds it a little and
    Fay wants to learn it."""
    people = (
        Person("lea", "Lea", "lea@wadloo.example", team="Archief", department="Info", leaving_date=leaving),
        Person("bram", "Bram", "bram@wadloo.example", team="Archief", department="Info"),
        Person("chen", "Chen", "chen@wadloo.example", team="Juridisch", department="Info"),
        Person("dina", "Dina", "dina@wadloo.example", team="ICT", department="ICT"),
        Person(
            "eva",
            "Eva",
            "eva@wadloo.example",
            team="Archief",
            department="Info",
            leaving_date=leaving + dt.timedelta(days=32),
        ),
        Person("fay", "Fay", "fay@wadloo.example", team="ICT", department="ICT"),
    )
    holdings = (
        Holding("lea", "archief", 4),
        Holding("lea", "woo", 4),
        Holding("bram", "archief", 2),
        Holding("chen", "woo", 1),
        Holding("eva", "archief", 2),
        Holding("dina", "sql", 4),
        Holding("lea", "sql", 3),
        Holding("bram", "sql", 3),
        Holding("chen", "sql", 3),
        Holding("dina", "gis", 4),
        Holding("bram", "gis", 3),
        Holding("chen", "gis", 1),
    )
    wishes = (
        Wish("chen", "archief", 3),
        Wish("dina", "woo", 2),
        Wish("bram", "woo", 1),
        Wish("fay", "gis", 2),
    )
    return Organisation("Wadloo", people, SKILLS, holdings, wishes)


def tmap() -> TalentMap:
    return TalentMap(org(), today=MONDAY)


def test_a_leavers_skills_at_risk_are_the_rare_ones_with_successors_and_reasons() -> None:
    found = propose(tmap(), "lea")
    assert [item.skill_id for item in found.items] == ["archief", "woo"]  # sql stays with three others
    archief, woo = found.items
    assert archief.chosen[0].person_id == "bram"  # closest level; eva leaves too
    assert "eva" not in {c.person_id for c in archief.options}
    assert [str(r) for r in archief.chosen[0].reasons] == [
        "closest level: holds Archiefwet at level 2",
        "same team as Lea",
        "has capacity: takes over nothing else from Lea",
    ]
    assert woo.chosen[0].person_id == "chen"
    assert "wants to learn it (priority 3)" in [str(r) for r in archief.options[1].reasons]


def test_hr_may_choose_another_successor_but_not_a_leaver() -> None:
    found = propose(tmap(), "lea", choices={"archief": ["chen"]})
    assert [c.person_id for c in found.items[0].chosen] == ["chen"]
    with pytest.raises(TransferError, match="leaves too"):
        propose(tmap(), "lea", choices={"archief": ["eva"]})
    with pytest.raises(TransferError, match="no leaving date"):
        propose(tmap(), "bram")


def test_windows_divide_the_time_before_leaving() -> None:
    parts = windows(MONDAY, dt.date(2026, 5, 29), 4)
    assert parts[0][0] == MONDAY and parts[-1][1] == dt.date(2026, 5, 29)
    assert all(a[1] + dt.timedelta(days=1) == b[0] for a, b in itertools.pairwise(parts))


def test_a_leaver_with_two_unique_expert_skills_gets_sessions_that_keep_every_rule() -> None:
    talent = tmap()
    proposal = propose(talent, "lea", choices={"archief": ["bram", "chen"], "woo": ["chen"]})
    # Lea is busy every Monday morning; Chen all of the second week.
    busy = {
        "lea": [
            piece for d in range(0, 28, 7) for piece in busy_except(MONDAY + dt.timedelta(days=d), (12, 18))
        ],
        "chen": [
            Interval(
                local("Europe/Amsterdam", dt.date(2026, 5, 11), 0),
                local("Europe/Amsterdam", dt.date(2026, 5, 16), 0),
            )
        ],
    }
    agenda = Agenda(busy)
    config = TransferConfig(sessions=4, minutes=60, sessions_per_week=2)
    plan = plan_sessions(talent, proposal, agenda, config, now=NOW)
    assert plan.violations == ()
    problem = problem_for(talent, proposal, agenda, config, now=NOW, first_day=NOW.date())
    assert validate(problem, proposal, plan.sessions, now=NOW) == []
    assert all(s.start >= NOW and s.end.date() < LEAVING for s in plan.sessions)
    # Lea's capacity of two a week is shared by her three series: at most 2 per ISO week.
    per_week = Counter(s.start.isocalendar()[1] for s in plan.sessions)
    assert max(per_week.values()) <= 2
    assert len(plan.sessions) == sum(per_week.values()) == 8  # four weeks left, two a week
    served = Counter((s.skill_id, s.successor_id) for s in plan.sessions)
    assert set(served) == {("archief", "bram"), ("archief", "chen"), ("woo", "chen")}
    assert sum(u.missing for u in plan.unserved) == plan.wanted - len(plan.sessions) == 4
    assert all(u.reason for u in plan.unserved)
    # No overlaps: nobody in two sessions at once.
    for person in ("lea", "bram", "chen"):
        times = sorted((s.start, s.end) for s in plan.sessions if person in (s.leaver_id, s.successor_id))
        assert all(a[1] <= b[0] for a, b in itertools.pairwise(times))


def test_a_successor_without_common_free_time_is_named_with_the_reason() -> None:
    talent = tmap()
    proposal = propose(talent, "lea", choices={"archief": ["bram"], "woo": ["dina"]})
    dina_busy = [Interval(local("Europe/Amsterdam", MONDAY, 0), local("Europe/Amsterdam", LEAVING, 0))]
    plan = plan_sessions(talent, proposal, Agenda({"dina": dina_busy}), TransferConfig(), now=NOW)
    assert plan.violations == ()
    assert {s.successor_id for s in plan.sessions} == {"bram"}
    (unserved,) = plan.unserved
    assert (unserved.successor_id, unserved.missing) == ("dina", 4)
    assert str(unserved.reason) == "no free time in common with Lea before the leaving date (2026-05-30)"


def test_sessions_never_lie_in_the_past_even_when_asked_from_an_earlier_day() -> None:
    talent = tmap()
    proposal = propose(talent, "lea")
    plan = plan_sessions(talent, proposal, Agenda(), TransferConfig(sessions=2), now=NOW, first_day=MONDAY)
    assert plan.violations == () and plan.sessions
    assert min(s.start for s in plan.sessions) >= NOW


DEADLINE = dt.date(2026, 6, 1)


def test_a_skill_held_by_two_who_stay_is_passed_on_by_both_to_whom_hr_chooses() -> None:
    found = propose_for_skill(tmap(), "gis", DEADLINE)
    assert (found.skill_id, found.givers, found.deadline, found.name) == (
        "gis",
        ("dina", "bram"),
        DEADLINE,
        "GIS",
    )
    (item,) = found.items
    assert [str(w) for w in item.why] == ["only Dina and Bram hold GIS at level 3 or higher"]
    assert [c.person_id for c in item.chosen] == ["chen"]  # closest level
    assert [c.person_id for c in item.options] == ["chen", "fay"]
    several = propose_for_skill(tmap(), "gis", DEADLINE, choices=["chen", "fay", "chen"])
    assert [c.person_id for c in several.items[0].chosen] == ["chen", "fay"]
    assert found.start == "skill:gis" and propose(tmap(), "lea").start == "leaver:lea"


def test_a_skill_start_refuses_holders_enough_nobody_and_a_holder_as_successor() -> None:
    with pytest.raises(TransferError, match="4 colleagues hold SQL"):
        propose_for_skill(tmap(), "sql", DEADLINE)
    with pytest.raises(TransferError, match="no skill with id"):
        propose_for_skill(tmap(), "nope", DEADLINE)
    with pytest.raises(TransferError, match="passes it on"):
        propose_for_skill(tmap(), "gis", DEADLINE, choices=["dina"])
    with pytest.raises(TransferError, match="level 3 or higher already"):
        propose_for_skill(tmap(), "gis", DEADLINE, choices=["bram"])


def test_two_holders_share_the_sessions_of_several_successors_each_within_their_capacity() -> None:
    talent = tmap()
    proposal = propose_for_skill(talent, "gis", DEADLINE, choices=["chen", "fay"])
    config = TransferConfig(sessions=4, sessions_per_week=1)
    plan = plan_sessions(talent, proposal, Agenda(), config, now=NOW)
    assert plan.violations == () and plan.unserved == ()
    assert len(plan.sessions) == 8 and all(s.start >= NOW and s.end.date() < DEADLINE for s in plan.sessions)
    # Each successor learns from both holders, in turn.
    for successor in ("chen", "fay"):
        hosts = [
            s.leaver_id for s in sorted(plan.sessions, key=lambda s: s.start) if s.successor_id == successor
        ]
        assert Counter(hosts) == {"dina": 2, "bram": 2}
    per_host_week = Counter((s.leaver_id, s.start.isocalendar()[1]) for s in plan.sessions)
    assert max(per_host_week.values()) <= 1
    problem = problem_for(talent, proposal, Agenda(), config, now=NOW, first_day=NOW.date())
    assert validate(problem, proposal, plan.sessions, now=NOW) == []


def test_a_deadline_with_no_days_left_is_named_as_the_deadline() -> None:
    talent = tmap()
    proposal = propose_for_skill(talent, "gis", NOW.date())
    with pytest.raises(TransferError, match="deadline: 2026-05-06 leaves no days"):
        plan_sessions(talent, proposal, Agenda(), TransferConfig(), now=NOW)


def test_a_new_plan_keeps_the_earlier_times_that_still_keep_every_rule() -> None:
    talent = tmap()
    proposal = propose(talent, "lea", choices={"woo": []})
    config = TransferConfig(sessions=3)
    free = plan_sessions(talent, proposal, Agenda(), config, now=NOW)
    # Earlier, Lea was busy whenever the solver now likes best: the sessions went elsewhere.
    busy = Agenda({"lea": [Interval(s.start, s.end) for s in free.sessions]})
    earlier = plan_sessions(talent, proposal, busy, config, now=NOW).sessions
    assert {s.start for s in earlier}.isdisjoint(s.start for s in free.sessions)
    again = plan_sessions(talent, proposal, Agenda(), config, now=NOW, earlier=earlier)
    assert again.sessions == earlier and again.violations == ()
    # An earlier time that now clashes is left where the solver put it.
    clash = Agenda({"bram": [Interval(earlier[0].start, earlier[0].end)]})
    moved = plan_sessions(talent, proposal, clash, config, now=NOW, earlier=earlier)
    assert moved.violations == () and moved.sessions[1:] == earlier[1:]
    assert earlier[0].start not in {s.start for s in moved.sessions}


def test_an_invite_for_a_transfer_session_calls_it_so_and_other_slots_stay_shadowing_slots() -> None:
    start = dt.datetime(2026, 5, 12, 9, tzinfo=dt.UTC)
    slot = ScheduledEvent("shadowing", "transfer:skill:gis", "t", start, start, "UTC", ("dina", "fay"))
    transfer_slot = dataclasses.replace(slot, details={"skill": "gis", "transfer": 3})
    assert str(invite_text.kind_word(transfer_slot)) == "knowledge transfer session"
    assert str(invite_text.kind_word(slot)) == "shadowing slot"


def test_the_examples_in_the_docstrings_hold() -> None:
    assert doctest.testmod(domain_transfer).failed == 0
    assert doctest.testmod(plans_transfer).failed == 0


def test_a_window_that_has_passed_becomes_every_day_left_and_one_that_has_begun_starts_today() -> None:
    proposal = propose(tmap(), "lea", choices={"woo": []})
    config = TransferConfig(sessions=4)
    later = dt.date(2026, 5, 13)  # the first window (4-9 May) has passed, the second began on the 10th
    asked = {
        r.id: (r.first_day, r.last_day)
        for r in plans_transfer.requests(proposal, config, MONDAY, today=later)
    }
    assert asked == {
        "archief|bram|0": (later, dt.date(2026, 5, 29)),
        "archief|bram|1": (later, dt.date(2026, 5, 16)),
        "archief|bram|2": (dt.date(2026, 5, 17), dt.date(2026, 5, 22)),
        "archief|bram|3": (dt.date(2026, 5, 23), dt.date(2026, 5, 29)),
    }


def test_planning_again_on_a_later_day_leaves_every_session_that_still_fits_where_it_was() -> None:
    talent = tmap()
    proposal = propose(talent, "lea", choices={"archief": ["bram", "chen"], "woo": ["chen"]})
    config = TransferConfig(sessions=4, sessions_per_week=3)
    first = plan_sessions(talent, proposal, Agenda(), config, now=NOW)
    assert first.violations == () and first.first_day == NOW.date()
    later = NOW + dt.timedelta(days=8)
    # From scratch on the later day, the windows start then and the series land elsewhere.
    fresh = plan_sessions(talent, proposal, Agenda(), config, now=later)
    ahead = {(s.key, s.start) for s in first.sessions if s.start >= later}
    assert not ahead <= {(s.key, s.start) for s in fresh.sessions}
    # Planned again from the first plan, every session still ahead stays where it was.
    again = plan_sessions(
        talent, proposal, Agenda(), config, now=later, first_day=NOW.date(), earlier=first.sessions
    )
    assert again.violations == ()
    assert ahead <= {(s.key, s.start) for s in again.sessions}
    assert again.sessions == first.sessions  # the ones begun are history, kept as they were
    # One that now clashes with Bram's calendar moves, as the same session (same key), and only it.
    clash = next(s for s in first.sessions if s.start >= later and s.successor_id == "bram")
    busy = Agenda({"bram": [Interval(clash.start, clash.end)]})
    moved = plan_sessions(
        talent, proposal, busy, config, now=later, first_day=NOW.date(), earlier=first.sessions
    )
    assert moved.violations == ()
    before = {(s.key, s.start) for s in first.sessions}
    changed = {s.key for s in moved.sessions if (s.key, s.start) not in before}
    assert changed == {clash.key}


def _held(key: str, successor: str, day: int, hour: int) -> plans_transfer.Session:
    start = local("Europe/Amsterdam", dt.date(2026, 5, day), hour)
    skill = key.split("|")[0]
    return plans_transfer.Session(
        key, skill, successor, "lea", start, start + dt.timedelta(hours=1), "Europe/Amsterdam"
    )


def test_the_weekly_capacity_counts_the_sessions_already_held_in_that_week() -> None:
    talent = tmap()
    proposal = propose(talent, "lea", choices={"archief": ["bram"], "woo": ["chen", "dina"]})
    config = TransferConfig(sessions=4, sessions_per_week=2)
    # Monday and Tuesday of this week Lea held two sessions: her two of the week are used.
    held = (_held("archief|bram|0", "bram", 4, 10), _held("woo|chen|0", "chen", 5, 10))
    plan = plan_sessions(talent, proposal, Agenda(), config, now=NOW, first_day=MONDAY, earlier=held)
    assert plan.violations == ()
    assert set(held) <= set(plan.sessions)
    per_week = Counter(s.start.isocalendar()[1] for s in plan.sessions)
    assert per_week[19] == 2 and max(per_week.values()) <= 2
    # Dina's first session, due this week, waits: Lea is full.
    (late,) = [s for s in plan.sessions if s.key == "woo|dina|0"] or [None]
    assert late is None or late.start.isocalendar()[1] > 19
    # A plan that adds one this week is refused, counting the held ones.
    problem = problem_for(
        talent, proposal, Agenda(), config, now=NOW, first_day=MONDAY, done=frozenset(s.key for s in held)
    )
    extra = dataclasses.replace(_held("woo|dina|0", "dina", 7, 10), successor_id="dina")
    broken = validate(problem, proposal, (*held, extra), now=NOW, done=frozenset(s.key for s in held))
    assert [str(v.rule) for v in broken] == ["capacity"]
    assert "hosts 3 guests in week 19 of 2026" in str(broken[0].message)


def test_a_kept_session_counts_in_its_week_so_nothing_new_overfills_it() -> None:
    talent = tmap()
    config = TransferConfig(sessions=4, sessions_per_week=1)
    only_bram = propose(talent, "lea", choices={"woo": []})
    first = plan_sessions(talent, only_bram, Agenda(), config, now=NOW)
    assert first.violations == () and len(first.sessions) == 4
    # Chen joins for the archive act: Lea's one a week is taken by Bram's kept sessions.
    both = propose(talent, "lea", choices={"archief": ["bram", "chen"], "woo": []})
    again = plan_sessions(
        talent, both, Agenda(), config, now=NOW, earlier=first.sessions, first_day=NOW.date()
    )
    assert again.violations == ()
    assert set(first.sessions) <= set(again.sessions)
    per_week = Counter(s.start.isocalendar()[1] for s in again.sessions)
    assert max(per_week.values()) <= 1
    assert {u.successor_id for u in again.unserved} == {"chen"}
