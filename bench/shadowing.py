"""Benchmark pieces for the shadowing scheduler: a seeded organisation with busy calendars, the
greedy baseline, and one run that measures both.

The instance (:func:`instance`): a synthetic municipality
(:func:`bench.synthetic.generate_organisation`) of four people per host, in
which ``hosts`` colleagues who hold a skill at level 3 or more open their
calendars for 1 to 4 guests a month. Most people work in Europe/Amsterdam at
the municipality's sites; some at an office in London and a few in New York.
The weeks start on Monday 12 October 2026, so four of them cross the end of
summer time in Europe (25 October), a week later in the United States
(1 November), and a month boundary (capacity is per calendar month). Busy
calendars, each in the person's own time zone: three to seven weekly
meetings, light, usual and heavy days of one-off meetings, now and then a
half-day or whole-day block, and a few days off for half the people; together
40 to 50% of working time (:func:`busy_share`). Requests: two in three ask
for a skill (one the guest wishes to learn, when one has a host), the rest name
a host (half of those also a skill); an hour, half a day or a day; a window of
five days to two weeks.

Two baselines, on the same problem, scored and checked the same way. The
arrival-order greedy (:func:`greedy`) is what one would do by hand: requests
in the order they came in, each at the earliest start any eligible host
shares with the guest that breaks no rule with what is already planned. The
most-constrained-first greedy (:func:`matcher.engines.shadowing.solver.greedy`,
the engine's own starting plan) takes the requests with the fewest candidate
slots first, each at its best-scoring candidate that still fits.

:func:`run` measures building the problem, the engine (:func:`matcher.engines.shadowing.plan`)
and both baselines, each in a forked child process (``measured`` from
:mod:`bench.measuring`), so that its time and memory are its own; peak
memory is the child's high-water mark, the problem in memory included.
"""

from __future__ import annotations

import datetime as dt
import heapq
import json
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import click

from bench.measuring import measured
from bench.synthetic import generate_organisation
from matcher.domain.availability import Agenda, Interval, merge
from matcher.domain.model import WEEKDAYS, Holding, Level, Organisation, Person
from matcher.domain.talentmap import TalentMap
from matcher.engines.shadowing import (
    ShadowConfig,
    ShadowProblem,
    ShadowRequest,
    ShadowSlot,
    build_problem,
    plan,
    validate,
)
from matcher.engines.shadowing.config import SCALE
from matcher.engines.shadowing.problem import moment_of
from matcher.engines.shadowing.solver import Choice, Ledger, score
from matcher.engines.shadowing.solver import greedy as most_constrained_greedy

FIRST_DAY = dt.date(2026, 10, 12)
PEOPLE_PER_HOST = 4
#: Time zones other than Amsterdam, with their office and the share of people there.
OFFICES = (("Europe/London", "London office", 0.10), ("America/New_York", "New York office", 0.04))
CAPACITIES, CAPACITY_WEIGHTS = (1, 2, 3, 4), (20, 40, 25, 15)
LENGTH_WEIGHTS = {60: 55, 240: 30, 480: 15}
WINDOW_DAYS = (5, 7, 10, 14)
Window = tuple[dt.date, dt.date]


def instance(
    requests: int = 1000, hosts: int = 300, weeks: int = 4, seed: int = 1
) -> tuple[TalentMap, list[ShadowRequest], Agenda, Window]:
    """A seeded organisation, its busy calendars and shadowing requests; see the module docstring."""
    rng = random.Random(seed)
    window = (FIRST_DAY, FIRST_DAY + dt.timedelta(weeks=weeks, days=-1))
    org = generate_organisation(max(PEOPLE_PER_HOST * hosts, 50), seed=seed, today=FIRST_DAY)
    org = _with_hosts(_with_offices(org, rng), hosts, rng)
    tmap = TalentMap(org, today=FIRST_DAY)
    agenda = Agenda({p.id: _busy(p, window, rng) for p in org.people})
    return tmap, _requests(tmap, requests, window, rng), agenda, window


def _with_offices(org: Organisation, rng: random.Random) -> Organisation:
    people = []
    for person in org.people:
        draw, timezone, site = rng.random(), "Europe/Amsterdam", person.site
        for zone, office, share in OFFICES:
            if draw < share:
                timezone, site = zone, office
                break
            draw -= share
        people.append(replace(person, timezone=timezone, site=site))
    return Organisation(org.name, tuple(people), org.skills, org.holdings, org.wishes, org.history)


def _with_hosts(org: Organisation, hosts: int, rng: random.Random) -> Organisation:
    """``hosts`` people, those with most skills at level 3 or more first, host 1-4 guests a month."""
    strong: dict[str, int] = {}
    for h in org.holdings:
        if h.level >= Level.PROFICIENT:
            strong[h.person_id] = strong.get(h.person_id, 0) + 1
    ranked = sorted(org.people, key=lambda p: (-strong.get(p.id, 0) - rng.random(), p.id))
    chosen = {p.id for p in ranked[:hosts]}
    holdings = list(org.holdings)
    for pid in sorted(chosen - set(strong)):  # a host without a strong skill gets one
        holdings.append(Holding(pid, rng.choice(org.skills).id, Level.PROFICIENT))
    people = tuple(
        replace(p, host_capacity=rng.choices(CAPACITIES, CAPACITY_WEIGHTS)[0] if p.id in chosen else 0)
        for p in org.people
    )
    return Organisation(org.name, people, org.skills, tuple(holdings), org.wishes, org.history)


def _busy(person: Person, window: Window, rng: random.Random) -> list[Interval]:
    """A realistic busy calendar in the person's own time zone (see the module docstring)."""
    zone = ZoneInfo(person.timezone)
    days = [window[0] + dt.timedelta(days=n) for n in range((window[1] - window[0]).days + 1)]
    working = [d for d in days if person.working_hours.on(WEEKDAYS[d.weekday()])]
    weekly = []
    for _ in range(rng.randint(3, 7)):
        weekday = rng.choice(WEEKDAYS[:5])
        ranges = person.working_hours.on(weekday)
        if ranges:
            part = rng.choice(ranges)
            length = rng.choice((30, 60, 60, 90))
            if part.minutes > length:
                weekly.append(
                    (weekday, part.start + 15 * rng.randrange((part.minutes - length) // 15 + 1), length)
                )
    off = set(rng.sample(working, rng.randint(1, 3))) if working and rng.random() < 0.5 else set()
    busy = []

    def block(day: dt.date, start: int, minutes: int) -> None:
        midnight = dt.datetime.combine(day, dt.time(), zone)
        first = (midnight.replace(tzinfo=None) + dt.timedelta(minutes=start)).replace(tzinfo=zone)
        busy.append(Interval(first, first + dt.timedelta(minutes=minutes)))

    for day in working:
        ranges = person.working_hours.on(WEEKDAYS[day.weekday()])
        first, last = ranges[0].start, ranges[-1].end
        draw = rng.random()
        if day in off or draw < 0.04:
            block(day, first, last - first)
            continue
        if draw < 0.14:
            half = (last - first) // 2
            block(day, first if rng.random() < 0.5 else first + half, half)
        for weekday, start, length in weekly:
            if weekday == WEEKDAYS[day.weekday()]:
                block(day, start, length)
        # Light, usual and heavy days: some days leave room for half a day or more, most do not.
        for _ in range(rng.choice((0, 0, 1, 1, 2, 2, 3, 3, 3, 4, 4, 5, 6))):
            length = rng.choice((30, 30, 45, 60, 60, 90, 120))
            if last - first > length:
                block(day, first + 15 * rng.randrange((last - first - length) // 15 + 1), length)
    return merge(busy)


def _requests(tmap: TalentMap, count: int, window: Window, rng: random.Random) -> list[ShadowRequest]:
    people = sorted(tmap.organisation.people, key=lambda p: p.id)
    hosts = [p for p in people if p.is_host]
    hosting = {
        s.id: [p.id for p in hosts if tmap.levels_of(p.id).get(s.id, 0) >= Level.PROFICIENT]
        for s in tmap.organisation.skills
    }
    skills = sorted(s for s, who in hosting.items() if who)
    span = (window[1] - window[0]).days + 1
    requests = []
    for n in range(count):
        guest = rng.choice(people)
        skill, host = None, None
        if rng.random() < 2 / 3:
            wished = sorted(s for s in tmap.wished_by(guest.id) if set(hosting.get(s, ())) - {guest.id})
            skill = (
                rng.choice(wished) if wished else rng.choices(skills, [len(hosting[s]) for s in skills])[0]
            )
        else:
            host_person = rng.choice([h for h in hosts if h.id != guest.id])
            host = host_person.id
            if rng.random() < 0.5:
                strong = sorted(s for s, lv in tmap.levels_of(host).items() if lv >= Level.PROFICIENT)
                skill = rng.choice(strong)
        first = window[0] + dt.timedelta(days=rng.randrange(span - 4))
        last = min(window[1], first + dt.timedelta(days=rng.choice(WINDOW_DAYS) - 1))
        minutes = rng.choices(list(LENGTH_WEIGHTS), list(LENGTH_WEIGHTS.values()))[0]
        requests.append(ShadowRequest(f"s{n:04d}", guest.id, skill, host, minutes, first, last))
    return requests


def busy_share(tmap: TalentMap, agenda: Agenda, window: Window) -> float:
    """The share of working time that calendars mark busy (days off included)."""
    bounds = (
        dt.datetime.combine(window[0], dt.time(), dt.UTC),
        dt.datetime.combine(window[1] + dt.timedelta(days=1), dt.time(), dt.UTC),
    )
    total = free = 0.0
    for person in tmap.organisation.people:
        work = Agenda().free(person, bounds)
        total += sum((i.end - i.start).total_seconds() for i in work)
        free += sum((i.end - i.start).total_seconds() for i in agenda.free(person, bounds))
    return 1 - free / total if total else 0.0


def greedy(problem: ShadowProblem) -> list[Choice]:
    """The baseline: requests in order, each at the earliest start with any eligible host that fits."""
    ledger = Ledger(problem)
    for request_id in problem.requests:
        hosts = problem.hosts[request_id]
        starts = heapq.merge(*(_tagged(problem, request_id, rank, host) for rank, host in enumerate(hosts)))
        for start, _, host_id in starts:
            if ledger.blocker(request_id, host_id, start) is None:
                ledger.book(request_id, host_id, start)
                break
    return ledger.chosen


def _tagged(
    problem: ShadowProblem, request_id: str, rank: int, host_id: str
) -> Iterator[tuple[int, int, str]]:
    for start in problem.starts(request_id, host_id):
        yield start, rank, host_id


def as_slots(problem: ShadowProblem, chosen: list[Choice]) -> list[ShadowSlot]:
    slots = []
    for request_id, host_id, start in chosen:
        request = problem.requests[request_id]
        slots.append(
            ShadowSlot(
                request_id, request.guest_id, host_id, request.skill_id, moment_of(start),
                moment_of(start + request.minutes), problem.person(request.guest_id).timezone,
                problem.person(host_id).timezone,
            )
        )  # fmt: skip
    return slots


def _engine(problem: ShadowProblem) -> dict[str, Any]:
    result = plan(problem)
    return {
        "placed": result.objective,
        "bound": result.bound,
        "status": result.status,
        "score": result.score,
        "score_bound": result.score_bound,
        "score_gap": result.score_gap,
        "solve_seconds": round(result.seconds, 3),
        "violations": len(result.violations),
        "stats": dict(result.stats),
        "notes": list(result.notes),
    }


def _greedy(
    problem: ShadowProblem, method: Callable[[ShadowProblem], list[Choice]] = greedy
) -> dict[str, Any]:
    chosen = method(problem)
    return {
        "placed": len(chosen),
        "score": score(problem, chosen) / SCALE,
        "violations": len(validate(problem, as_slots(problem, chosen))),
    }


def _figures(seconds: float, growth: float, peak: float) -> dict[str, float]:
    return {"seconds": round(seconds, 3), "growth_mib": round(growth, 1), "peak_mib": round(peak, 1)}


def _build(tmap: TalentMap, requests: list[ShadowRequest], agenda: Agenda, config: ShadowConfig) -> dict:
    problem = build_problem(tmap, requests, agenda, config)
    return {"candidates": len(problem.candidates), "options": len(problem.options)}


def run(
    requests: int = 1000, hosts: int = 300, weeks: int = 4, seed: int = 1, time_limit: float = 30.0
) -> dict:
    """Build the instance, then measure building the problem, the engine and the greedy baseline."""
    started = time.perf_counter()
    tmap, wanted, agenda, window = instance(requests, hosts, weeks, seed)
    instance_seconds = time.perf_counter() - started
    config = ShadowConfig(time_limit=time_limit, seed=seed)
    built, build_seconds, build_growth, build_peak = measured(lambda: _build(tmap, wanted, agenda, config))
    problem = build_problem(tmap, wanted, agenda, config)
    engine, engine_seconds, engine_growth, engine_peak = measured(lambda: _engine(problem))
    baseline, greedy_seconds, greedy_growth, greedy_peak = measured(lambda: _greedy(problem))
    constrained, mc_seconds, mc_growth, mc_peak = measured(lambda: _greedy(problem, most_constrained_greedy))
    return {
        "requests": requests,
        "hosts": hosts,
        "weeks": weeks,
        "seed": seed,
        "time_limit": time_limit,
        "window": [window[0].isoformat(), window[1].isoformat()],
        "people": len(tmap.organisation.people),
        "busy_share": round(busy_share(tmap, agenda, window), 3),
        "instance_seconds": round(instance_seconds, 3),
        "build": {**built, **_figures(build_seconds, build_growth, build_peak)},
        "bound": engine["bound"],
        "engine": {**engine, **_figures(engine_seconds, engine_growth, engine_peak)},
        "greedy": {**baseline, **_figures(greedy_seconds, greedy_growth, greedy_peak)},
        "most_constrained": {**constrained, **_figures(mc_seconds, mc_growth, mc_peak)},
    }


def table(results: dict[str, Any]) -> str:
    """The figures as a Markdown table for the README, with the goals checked below it."""
    engine, build = results["engine"], results["build"]
    arrival, constrained = results["greedy"], results["most_constrained"]
    bound = results["bound"]
    rows = [
        "| method | placed | upper bound | score | score bound | seconds | peak MiB | rules broken |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
        f"| engine `plan()` ({engine['status']}) | {engine['placed']} | {bound} | {engine['score']:.1f} | "
        f"{_number(engine['score_bound'])} | {engine['seconds']:.1f} | {engine['peak_mib']:.0f} | "
        f"{engine['violations']} |",
    ]
    for name, row in (("most constrained first", constrained), ("arrival order, earliest slot", arrival)):
        rows.append(
            f"| greedy, {name} | {row['placed']} | | {row['score']:.1f} | | {row['seconds']:.2f} | "
            f"{row['peak_mib']:.0f} | {row['violations']} |"
        )
    rows.append(
        f"| building the problem ({build['candidates']:,} candidate slots) | | | | | "
        f"{build['seconds']:.1f} | {build['peak_mib']:.0f} | |"
    )
    every = engine["placed"] >= bound
    total = build["seconds"] + engine["seconds"]
    gap = engine["score_gap"]
    rows += [
        "",
        f"{results['requests']:,} requests, {results['hosts']:,} hosts, {results['people']:,} people, "
        f"{results['weeks']} weeks on a 15-minute grid, calendars {results['busy_share']:.0%} busy.",
        f"- [{'pass' if every else 'FAIL'}] every request that can be placed is placed: "
        f"{engine['placed']} of at most {bound}",
        f"- building and planning together: {total:.1f} s (time limit {results['time_limit']:g} s)",
        f"- fit and fairness: score {engine['score']:.1f}, proven at most {_number(engine['score_bound'])}"
        + (
            f", {engine['score_bound'] - engine['score']:.1f} points below the bound ({gap:.2%} of its size)"
            if gap is not None
            else ""
        ),
        f"- placed, engine ÷ most-constrained greedy: {_ratio(engine['placed'], constrained['placed'])}; "
        f"engine ÷ arrival-order greedy: {_ratio(engine['placed'], arrival['placed'])}",
    ]
    return "\n".join(rows)


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:.1f}"


def _ratio(a: float, b: float) -> str:
    return f"{a / b:.3f}" if b else "inf"


@click.command("bench-shadowing")
@click.option("--requests", default=1000, show_default=True, type=click.IntRange(min=1))
@click.option("--hosts", default=300, show_default=True, type=click.IntRange(min=1))
@click.option("--weeks", default=4, show_default=True, type=click.IntRange(1, 12))
@click.option("--seed", default=1, show_default=True)
@click.option("--time-limit", type=click.FloatRange(min=0.1), default=30.0, show_default=True)
@click.option("--out", type=click.Path(path_type=Path), help="Also write the figures as JSON.")
def command(requests: int, hosts: int, weeks: int, seed: int, time_limit: float, out: Path | None) -> None:
    """Place shadow requests with the engine and with two greedy baselines."""
    results = run(requests, hosts, weeks, seed, time_limit)
    click.echo(table(results))
    if out is not None:
        out.write_text(json.dumps(results, indent=2))
