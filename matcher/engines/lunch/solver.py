"""Placing the sessions: the most-wanted topics first, each kept when it fits with those kept before."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from ortools.sat.python import cp_model

from matcher.domain.intervals import covered
from matcher.domain.model import Level
from matcher.domain.phrases import counted, phrase
from matcher.engines.lunch.config import LunchConfig
from matcher.engines.lunch.explain import _full_reason, _no_slot_reason, _squeezed_reason
from matcher.engines.lunch.problem import LunchPlan, LunchProblem, LunchSession

# The solver's work limit per call, in its own deterministic units (roughly seconds): unlike a wall-clock
# limit it stops at the same point on every run, so a plan never depends on how busy the machine is.
SOLVER_WORK = 5.0


@dataclass(frozen=True)
class _Option:
    """One way to hold a topic: a presenter on a day, at the best start that day."""

    topic: int
    presenter: str
    day: dt.date
    start: dt.datetime
    end: dt.datetime
    audience: tuple[str, ...]

    @property
    def week(self) -> tuple[int, int]:
        iso = self.day.isocalendar()
        return iso.year, iso.week


def propose(problem: LunchProblem) -> LunchPlan:
    """Sessions for the most-wanted topics, and why the others have none."""
    config = problem.config
    options = {n: _options(problem, n) for n, topic in enumerate(problem.topics) if topic.presenters}
    limit = capacity(config) if config.max_topics is None else min(capacity(config), config.max_topics)
    kept: list[int] = []
    placed: dict[int, _Option] = {}
    left: dict[int, str | None] = {}  # None: squeezed out by more-wanted topics, explained at the end
    for n, topic in enumerate(problem.topics):
        if not topic.presenters:
            left[n] = topic.why_no_presenter
        elif not options[n]:
            left[n] = _no_slot_reason(problem, topic)
        elif len(kept) >= limit:
            left[n] = _full_reason(config, limit)
        else:
            grown = _extend(config, placed, options[n]) or _fitted(problem, options, [*kept, n], placed)
            if grown is None:
                left[n] = None
            else:
                kept.append(n)
                placed = grown
    proven = True
    if kept:
        best = _solve(problem, options, kept, placed, best=True)
        proven = best is not None and best[1]
        placed = best[0] if best is not None else placed
    bound = _most_sessions(problem, options, limit, placed)
    sessions = sorted((_session(problem, option) for option in placed.values()), key=lambda s: s.start)
    unplaced = tuple(
        (problem.topics[n].skill_id, reason or _squeezed_reason(problem, n, options[n], placed))
        for n, reason in left.items()
    )
    status = "optimal" if proven and bound == len(sessions) else "feasible"
    return LunchPlan(tuple(sessions), unplaced, status=status, bound=bound)


def capacity(config: LunchConfig) -> int:
    """The most sessions the horizon holds: ``per_week`` in each ISO week, one a day."""
    days_per_week = Counter(day.isocalendar()[:2] for day in config.days())
    return sum(min(config.per_week, days) for days in days_per_week.values())


def _options(problem: LunchProblem, n: int) -> list[_Option]:
    config, topic = problem.config, problem.topics[n]
    length = dt.timedelta(minutes=config.minutes)
    found = []
    audiences: dict[dt.datetime, tuple[str, ...]] = {}  # presenters in one time zone share start times
    for presenter in topic.presenters:
        zone = ZoneInfo(problem.person(presenter).timezone)
        for day in config.days():
            best: _Option | None = None
            for minute in config.starts():
                start = dt.datetime.combine(day, _clock(minute), zone).astimezone(dt.UTC)
                end = start + length
                if not covered(problem.free[presenter], start, end):
                    continue
                if start not in audiences:
                    audiences[start] = tuple(
                        w for w, _ in topic.wishers if covered(problem.free[w], start, end)
                    )
                audience = audiences[start]
                if best is None or len(audience) > len(best.audience):
                    best = _Option(n, presenter, day, start, end, audience)
            if best is not None:
                found.append(best)
    return found


def _extend(
    config: LunchConfig, placed: dict[int, _Option], options: list[_Option]
) -> dict[int, _Option] | None:
    """The plan with one more topic, if one of its options fits without moving the others."""
    days = {o.day for o in placed.values()}
    weeks = Counter(o.week for o in placed.values())
    presenting = Counter(o.presenter for o in placed.values())
    for option in options:
        if (
            option.day not in days
            and weeks[option.week] < config.per_week
            and presenting[option.presenter] < config.max_sessions_per_presenter
        ):
            return {**placed, option.topic: option}
    return None


def _fitted(
    problem: LunchProblem,
    options: Mapping[int, list[_Option]],
    topics: list[int],
    hint: Mapping[int, _Option],
) -> dict[int, _Option] | None:
    solved = _solve(problem, options, topics, hint)
    return solved[0] if solved is not None else None


def _most_sessions(
    problem: LunchProblem, options: Mapping[int, list[_Option]], limit: int, placed: Mapping[int, _Option]
) -> int:
    """The most sessions any plan keeping the daily, weekly, presenter and topic limits can hold:
    the solver's proven bound on a model that places as many topics as it can, whichever they are."""
    topics = sum(1 for found in options.values() if found)
    if not topics:
        return 0
    config = problem.config
    model = cp_model.CpModel()
    chosen: list[tuple[cp_model.IntVar, _Option]] = []
    for n, found in options.items():
        mine = [(model.new_bool_var(f"topic{n}_option{k}"), option) for k, option in enumerate(found)]
        for var, option in mine:
            model.add_hint(var, placed.get(n) == option)
        model.add_at_most_one(var for var, _ in mine)
        chosen += mine
    _add_limits(model, config, chosen)
    picks = [var for var, _ in chosen]
    model.add(sum(picks) <= limit)
    model.maximize(sum(picks))
    solver = _solver(config)
    if solver.solve(model) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return min(limit, topics)
    return min(limit, topics, int(solver.best_objective_bound + 1e-6))


def _solve(
    problem: LunchProblem,
    options: Mapping[int, list[_Option]],
    topics: list[int],
    hint: Mapping[int, _Option],
    *,
    best: bool = False,
) -> tuple[dict[int, _Option], bool] | None:
    """A placement of exactly these topics that keeps the weekly, daily and presenter limits, and
    whether the solver proved it (None when there is none).

    With ``best`` the placement also scores highest: see :func:`_scorer`.
    """
    config = problem.config
    model = cp_model.CpModel()
    chosen: list[tuple[cp_model.IntVar, _Option]] = []
    for n in topics:
        mine = [(model.new_bool_var(f"topic{n}_option{k}"), option) for k, option in enumerate(options[n])]
        for var, option in mine:
            model.add_hint(var, hint.get(n) == option)
        model.add_exactly_one(var for var, _ in mine)
        chosen += mine
    _add_limits(model, config, chosen)
    if best:
        points = _scorer(problem, topics)
        model.maximize(sum(points(option) * var for var, option in chosen))
    solver = _solver(config)
    found = solver.solve(model)
    if found not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    chosen_options = {option.topic: option for var, option in chosen if solver.boolean_value(var)}
    return chosen_options, found == cp_model.OPTIMAL


def _add_limits(
    model: cp_model.CpModel, config: LunchConfig, chosen: list[tuple[cp_model.IntVar, _Option]]
) -> None:
    """At most one session a day, ``per_week`` a week and ``max_sessions_per_presenter`` each."""
    by_day, by_week, by_presenter = defaultdict(list), defaultdict(list), defaultdict(list)
    for var, option in chosen:
        by_day[option.day].append(var)
        by_week[option.week].append(var)
        by_presenter[option.presenter].append(var)
    for group in by_day.values():
        model.add_at_most_one(group)
    for group in by_week.values():
        model.add(sum(group) <= config.per_week)
    for group in by_presenter.values():
        model.add(sum(group) <= config.max_sessions_per_presenter)


def _solver(config: LunchConfig) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    params = solver.parameters
    # One worker searches deterministically. The objective is a transport-like assignment whose LP
    # relaxation is nearly tight, so the full linear relaxation proves it optimal in a fraction of the
    # time plain search takes on an organisation of a thousand; probing buys little on such a model.
    params.num_workers = 1
    params.random_seed = config.seed
    params.linearization_level = 2
    params.cp_model_probing_level = 0
    params.max_deterministic_time = SOLVER_WORK
    return solver


def _scorer(problem: LunchProblem, kept: list[int]) -> Callable[[_Option], int]:
    """An option's worth in tiers: the presenter's rank among the topic's presenters, then the
    audience, then an earlier day, weighted so that more-wanted topics come earlier.

    Each tier's step exceeds the most the tiers below can add up to over a whole
    plan of the ``kept`` topics, so a better presenter always wins and an earlier
    day only breaks ties.
    """
    config, topics = problem.config, problem.topics
    count, days = len(kept), len(config.days())
    position = {n: count - i for i, n in enumerate(sorted(kept))}
    audience_step = count * count * days + 1
    rank_step = (count * max(topics[n].demand for n in kept) + 1) * audience_step

    def points(option: _Option) -> int:
        topic = topics[option.topic]
        rank = len(topic.presenters) - 1 - topic.presenters.index(option.presenter)
        earlier = (config.last_day - option.day).days * position[option.topic]
        return rank * rank_step + len(option.audience) * audience_step + earlier

    return points


def _session(problem: LunchProblem, option: _Option) -> LunchSession:
    topic = problem.topics[option.topic]
    presenter = problem.person(option.presenter)
    level = Level(problem.tmap.levels_in(topic.skill_id)[presenter.id])
    reasons = [
        counted(
            topic.demand,
            "{n} colleague wants to learn {skill} (priority sum {weight})",
            "{n} colleagues want to learn {skill} (priority sum {weight})",
            skill=topic.name,
            weight=topic.weight,
        ),
        phrase(
            "{name} holds it at level {level} ({label}) and offered to present",
            name=presenter.name,
            level=int(level),
            label=level.label,
        ),
    ]
    load = problem.loads.get(presenter.id, 0)
    if load:
        reasons.append(
            counted(
                load,
                "{name} takes part in {n} pairing or group now",
                "{name} takes part in {n} pairings or groups now",
                name=presenter.name,
            )
        )
    interested = counted(topic.demand, "{n} interested colleague", "{n} interested colleagues")
    reasons.append(
        counted(
            len(option.audience),
            "{n} of {interested} is free then",
            "{n} of {interested} are free then",
            interested=interested,
        )
    )
    return LunchSession(
        topic.skill_id,
        presenter.id,
        option.start,
        option.end,
        presenter.timezone,
        option.audience,
        topic.demand,
        tuple(reasons),
    )


def _clock(minute: int) -> dt.time:
    return dt.time(minute // 60, minute % 60)
