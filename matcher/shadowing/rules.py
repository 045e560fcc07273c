"""The hard rules of shadowing, one function each, shared by the candidate builder, the solver
model and :func:`validate`.

A slot rule looks at one choice (request, host, start) and returns why it may
not be made, or None. The candidate builder runs every candidate through them;
:func:`validate` runs every slot of a plan through them again, then checks what
only a whole plan can break: one slot per request, nobody in two places at
once (:func:`occupied` gives what each slot takes of whose time, travel
included; the solver's no-overlap constraints are built from the same
function) and each host's capacity per period (:func:`capacity_key`).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from typing import Protocol

from matcher.pairing.rules import Violation
from matcher.shadowing.config import ShadowRequest, length_words
from matcher.shadowing.problem import ShadowProblem, covered, minute_of, overlaps

SlotRule = Callable[[ShadowProblem, ShadowRequest, str, int], str | None]


class SlotLike(Protocol):
    request_id: str
    guest_id: str
    host_id: str
    skill_id: str | None
    start: dt.datetime
    end: dt.datetime


def host_reason(problem: ShadowProblem, request: ShadowRequest, host_id: str) -> str | None:
    """Why this colleague may not host the request, or None."""
    host = problem.tmap.person(host_id)
    if host is None:
        return f"{host_id} is not a known colleague"
    if host_id == request.guest_id:
        return f"{host.name} cannot shadow themselves"
    if not host.is_host:
        return f"{host.name} does not host guests"
    if request.host_id is not None and host_id != request.host_id:
        return f"{problem.name(request.guest_id)} asked for {problem.name(request.host_id)}"
    if request.skill_id is not None:
        level, needed = problem.level(request, host_id), problem.config.min_host_level
        if level < needed:
            skill = problem.skill_name(request.skill_id)
            if not level:
                return f"{host.name} does not hold {skill}"
            return f"{host.name} holds {skill} at level {level:d}, below {needed}"
    return None


def eligible_host(problem: ShadowProblem, request: ShadowRequest, host_id: str, start: int) -> str | None:
    return host_reason(problem, request, host_id)


def on_grid(problem: ShadowProblem, request: ShadowRequest, host_id: str, start: int) -> str | None:
    grid = problem.config.grid_minutes
    if start % grid:
        return f"starts off the {grid}-minute grid"
    return None


def in_window(problem: ShadowProblem, request: ShadowRequest, host_id: str, start: int) -> str | None:
    for person_id in (request.guest_id, host_id):
        first, last = problem.window(request, person_id)
        if start < first or start + request.minutes > last:
            return (
                f"lies outside {request.first_day} – {request.last_day} in "
                f"{problem.name(person_id)}'s time zone ({problem.times[person_id].timezone})"
            )
    return None


def both_free(problem: ShadowProblem, request: ShadowRequest, host_id: str, start: int) -> str | None:
    for person_id in (request.guest_id, host_id):
        if not covered(problem.times[person_id].free, start, start + request.minutes):
            return f"{problem.name(person_id)} is busy, off or outside working hours for part of it"
    return None


def travel_clear(problem: ShadowProblem, request: ShadowRequest, host_id: str, start: int) -> str | None:
    travel = problem.travel(request, host_id)
    if not travel:
        return None
    busy, end = problem.times[request.guest_id].busy, start + request.minutes
    for side, first, last in (("before", start - travel, start), ("after", end, end + travel)):
        if overlaps(busy, first, last):
            guest, where = problem.name(request.guest_id), problem.person(host_id).site
            return f"{guest} is busy in the {travel} minutes {side}, needed to travel to {where}"
    return None


#: Slot rules in the order their reasons are given.
SLOT_RULES: dict[str, SlotRule] = {
    "eligible host": eligible_host,
    "grid": on_grid,
    "window": in_window,
    "free time": both_free,
    "travel": travel_clear,
}


def first_broken(
    problem: ShadowProblem, request: ShadowRequest, host_id: str, start: int
) -> tuple[str, str] | None:
    """The first slot rule the choice breaks, as (rule name, reason), or None."""
    for name, rule in SLOT_RULES.items():
        reason = rule(problem, request, host_id, start)
        if reason:
            return name, reason
    return None


def occupied(
    problem: ShadowProblem, request: ShadowRequest, host_id: str, start: int
) -> tuple[tuple[str, int, int], tuple[str, int, int]]:
    """Whose time a slot takes, as (person, start, end): the guest's with travel, the host's."""
    travel, end = problem.travel(request, host_id), start + request.minutes
    return (request.guest_id, start - travel, end + travel), (host_id, start, end)


def capacity_key(problem: ShadowProblem, host_id: str, start: int) -> tuple[str, tuple[int, int]]:
    """The (host, period) whose capacity a slot uses."""
    return host_id, problem.period(host_id, start)


def validate(problem: ShadowProblem, slots: Iterable[SlotLike]) -> list[Violation]:
    """Every hard rule a plan breaks; an empty list means it may be sent out.

    Checks each slot (a known request of that guest and skill, its length, then
    :data:`SLOT_RULES`), and across the plan: at most one slot per request,
    nobody double booked (travel included) and host capacity per period.
    """
    found: list[Violation] = []
    taken: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
    load: Counter[tuple[str, tuple[int, int]]] = Counter()
    per_request: Counter[str] = Counter()
    for slot in slots:
        members = (slot.request_id, slot.guest_id, slot.host_id)
        request = problem.requests.get(slot.request_id)
        if request is None:
            found.append(Violation("known request", members, f"there is no request {slot.request_id}"))
            continue
        per_request[request.id] += 1
        broken = _slot_identity(problem, request, slot)
        if broken is None:
            start = minute_of(slot.start)
            broken = first_broken(problem, request, slot.host_id, start)
        if broken is not None:
            found.append(Violation(broken[0], members, f"request {request.id}: {broken[1]}"))
            continue
        for person_id, first, last in occupied(problem, request, slot.host_id, start):
            taken[person_id].append((first, last, request.id))
        load[capacity_key(problem, slot.host_id, start)] += 1
    for request_id, n in sorted(per_request.items()):
        if n > 1:
            message = f"request {request_id} has {n} slots"
            found.append(Violation("one slot per request", (request_id,), message))
    found.extend(_double_bookings(problem, taken))
    for (host_id, period), n in sorted(load.items()):
        capacity = problem.capacity(host_id)
        if n > capacity:
            message = (
                f"{problem.name(host_id)} hosts {n} guests in {problem.period_words(period)}, "
                f"capacity {capacity} a {problem.config.capacity_period}"
            )
            found.append(Violation("capacity", (host_id,), message))
    return found


def _slot_identity(problem: ShadowProblem, request: ShadowRequest, slot: SlotLike) -> tuple[str, str] | None:
    if slot.guest_id != request.guest_id:
        owner, other = problem.name(request.guest_id), problem.name(slot.guest_id)
        return "own request", f"the request is {owner}'s, not {other}'s"
    if request.skill_id is not None and slot.skill_id != request.skill_id:
        return "own request", f"the request is about {problem.skill_name(request.skill_id)}"
    if slot.start.tzinfo is None or slot.end.tzinfo is None:
        return "length", "needs times with a time zone"
    whole_minute = not (slot.start.second or slot.start.microsecond)
    if slot.end - slot.start != dt.timedelta(minutes=request.minutes) or not whole_minute:
        return "length", f"must last {length_words(request.minutes)}, from a whole minute"
    return None


def _double_bookings(problem: ShadowProblem, taken: dict[str, list[tuple[int, int, str]]]) -> list[Violation]:
    found = []
    for person_id, spans in sorted(taken.items()):
        spans.sort()
        latest_end, latest = spans[0][1], spans[0][2]
        for first, last, request_id in spans[1:]:
            if first < latest_end:
                message = (
                    f"{problem.name(person_id)} is booked twice: requests {latest} and {request_id} "
                    "overlap (travel included)"
                )
                found.append(Violation("double booking", (person_id, latest, request_id), message))
            if last > latest_end:
                latest_end, latest = last, request_id
    return found
