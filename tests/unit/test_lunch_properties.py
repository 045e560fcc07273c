"""Lunch & learn: properties of plans for random organisations (hypothesis)."""

from __future__ import annotations

import datetime as dt
from itertools import combinations
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matcher.domain.availability import Agenda, Interval
from matcher.domain.model import Holding, TimeRange, Wish
from matcher.engines.lunch import LunchConfig, build_problem, capacity, propose, validate
from tests.orgs import person
from tests.unit.lunch_support import AMSTERDAM, NEW_YORK, SKILLS, colleagues, config, local, presenter, talent

# --- properties -------------------------------------------------------------------------------------


@st.composite
def organisations(draw: st.DrawFn) -> tuple:
    ids = [f"p{n}" for n in range(draw(st.integers(3, 9)))]
    people = [
        person(
            pid,
            presenter=draw(st.sampled_from((True, True, False))),
            timezone=draw(st.sampled_from((AMSTERDAM, AMSTERDAM, NEW_YORK, "Europe/London"))),
            site=draw(st.sampled_from(("Stadhuis", "Werf"))),
        )
        for pid in ids
    ]
    skills = [s.id for s in SKILLS]
    holdings = [
        Holding(pid, skill, draw(st.integers(2, 4)))
        for pid in ids
        for skill in skills
        if draw(st.integers(0, 2)) == 0
    ]
    wishes = [
        Wish(pid, skill, draw(st.integers(1, 3))) for pid in ids for skill in skills if draw(st.booleans())
    ]
    first_day = dt.date(2026, 3, 2) + dt.timedelta(days=draw(st.integers(0, 240)))
    last_day = first_day + dt.timedelta(days=draw(st.integers(0, 27)))
    origin = dt.datetime.combine(first_day, dt.time(), dt.UTC)
    busy = {
        pid: [
            Interval(origin + dt.timedelta(hours=h), origin + dt.timedelta(hours=h + n))
            for h, n in draw(st.lists(st.tuples(st.integers(0, 28 * 24), st.integers(1, 50)), max_size=10))
        ]
        for pid in ids
    }
    holidays = frozenset(
        first_day + dt.timedelta(days=d) for d in draw(st.lists(st.integers(0, 27), max_size=3))
    )
    lunch_config = LunchConfig(
        first_day=first_day,
        last_day=last_day,
        per_week=draw(st.integers(1, 3)),
        lunch=draw(st.sampled_from((TimeRange(12 * 60, 13 * 60), TimeRange(11 * 60 + 30, 13 * 60 + 30)))),
        minutes=draw(st.sampled_from((45, 60))),
        max_sessions_per_presenter=draw(st.integers(1, 2)),
        max_topics=draw(st.sampled_from((None, 1, 3))),
        min_demand=draw(st.integers(1, 2)),
        site=draw(st.sampled_from((None, "Stadhuis"))),
        busy_load=draw(st.integers(0, 2)),
    )
    loads = {pid: draw(st.integers(0, 3)) for pid in ids if draw(st.booleans())}
    return talent(people, holdings, wishes), Agenda(busy, holidays), lunch_config, loads


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(organisations())
def test_every_plan_passes_validate_and_never_touches_a_presenters_busy_time(case: tuple) -> None:
    tmap, agenda, lunch_config, loads = case
    problem = build_problem(tmap, agenda, lunch_config, loads=loads)
    plan = propose(problem)
    assert validate(problem, plan.sessions) == []
    for session in plan.sessions:
        for block in agenda.busy[session.presenter_id]:
            assert not (block.start < session.end and session.start < block.end)
    assert len(plan.sessions) <= capacity(lunch_config)
    assert len({s.start.date() for s in plan.sessions}) == len(plan.sessions)
    placed = {s.skill_id for s in plan.sessions}
    assert placed | {skill for skill, _ in plan.unplaced} == {t.skill_id for t in problem.topics}
    assert not placed & {skill for skill, _ in plan.unplaced}


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(organisations())
def test_random_organisations_give_the_same_plan_twice(case: tuple) -> None:
    tmap, agenda, lunch_config, loads = case
    problem = build_problem(tmap, agenda, lunch_config, loads=loads)
    assert propose(problem) == propose(problem)


def lunch_days(problem, pid: str) -> set[dt.date]:
    """The horizon's days on which the person is free for some lunch start, straight from the agenda."""
    lunch_config, who = problem.config, problem.person(pid)
    zone, length = ZoneInfo(who.timezone), dt.timedelta(minutes=lunch_config.minutes)
    found = set()
    for offset in range((lunch_config.last_day - lunch_config.first_day).days + 1):
        day = lunch_config.first_day + dt.timedelta(days=offset)
        for minute in range(lunch_config.lunch.start, lunch_config.lunch.end - lunch_config.minutes + 1, 15):
            start = dt.datetime.combine(day, dt.time(minute // 60, minute % 60), zone).astimezone(dt.UTC)
            if problem.agenda.free(who, (start, start + length)) == [Interval(start, start + length)]:
                found.add(day)
    return found


def can_place(problem, topics: list) -> bool:
    """Whether these topics fit together, by plain backtracking over (presenter, day)."""
    lunch_config = problem.config
    free = {pid: lunch_days(problem, pid) for t in topics for pid in t.presenters}

    def place(rest: list, days: set, weeks: dict, talks: dict) -> bool:
        if not rest:
            return True
        for pid in rest[0].presenters:
            if talks.get(pid, 0) >= lunch_config.max_sessions_per_presenter:
                continue
            for day in sorted(free[pid] - days):
                week = day.isocalendar()[:2]
                if weeks.get(week, 0) < lunch_config.per_week and place(
                    rest[1:],
                    days | {day},
                    {**weeks, week: weeks.get(week, 0) + 1},
                    {**talks, pid: talks.get(pid, 0) + 1},
                ):
                    return True
        return False

    return place(topics, set(), {}, {})


@st.composite
def crowded(draw: st.DrawFn) -> tuple:
    """Few weeks, several topics and presenters who are away on whole days: topics compete for weeks."""
    ids = [f"p{n}" for n in range(6)]
    people = [presenter(pid) for pid in ids[:3]] + colleagues(*ids[3:])
    holdings = [Holding(pid, skill.id, 4) for pid in ids[:3] for skill in SKILLS if draw(st.booleans())]
    wishes = [Wish(pid, skill.id, draw(st.integers(1, 3))) for pid in ids[3:] for skill in SKILLS]
    away = {
        pid: [
            Interval(*(local(AMSTERDAM, 2026, 5, 4 + d, 0), local(AMSTERDAM, 2026, 5, 5 + d, 0)))
            for d in draw(st.sets(st.integers(0, 13), max_size=12))
        ]
        for pid in ids[:3]
    }
    lunch_config = config(
        per_week=draw(st.integers(1, 2)), max_sessions_per_presenter=draw(st.integers(1, 2))
    )
    return talent(people, holdings, wishes), Agenda(away), lunch_config


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(crowded())
def test_a_topic_left_out_for_more_wanted_ones_could_not_have_joined_them(case: tuple) -> None:
    tmap, agenda, lunch_config = case
    problem = build_problem(tmap, agenda, lunch_config)
    plan = propose(problem)
    assert validate(problem, plan.sessions) == []
    placed = {s.skill_id for s in plan.sessions}
    for n, topic in enumerate(problem.topics):
        before = [t for t in problem.topics[:n] if t.skill_id in placed]
        if topic.skill_id in placed:
            assert can_place(problem, [*before, topic])
        elif topic.presenters:
            assert not can_place(problem, [*before, topic])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(crowded())
def test_the_bound_is_the_most_sessions_any_plan_can_hold_and_optimal_reaches_it(case: tuple) -> None:
    tmap, agenda, lunch_config = case
    problem = build_problem(tmap, agenda, lunch_config)
    plan = propose(problem)
    with_presenters = [t for t in problem.topics if t.presenters]
    most = max(
        (len(chosen) for chosen in _subsets(with_presenters) if can_place(problem, list(chosen))),
        default=0,
    )
    assert plan.bound == min(most, capacity(lunch_config))
    assert plan.objective == len(plan.sessions) <= plan.bound
    assert plan.gap == ((plan.bound - plan.objective) / plan.bound if plan.bound else 0.0)
    if plan.status == "optimal":
        assert plan.objective == plan.bound


def _subsets(topics: list) -> list[tuple]:
    return [c for size in range(len(topics), 0, -1) for c in combinations(topics, size)]
