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

from matcher.domain.intervals import covered, overlaps
from matcher.domain.phrases import phrase, term
from matcher.domain.wording import minutes
from matcher.engines.results import Violation
from matcher.engines.shadowing.config import ShadowRequest, length_words
from matcher.engines.shadowing.problem import ShadowProblem, minute_of

SlotRule = Callable[[ShadowProblem, ShadowRequest, str, int], str | None]


class SlotLike(Protocol):
    """A placed slot, read only: a frozen slot of a plan or one read back from storage."""

    @property
    def request_id(self) -> str: ...
    @property
    def guest_id(self) -> str: ...
    @property
    def host_id(self) -> str: ...
    @property
    def skill_id(self) -> str | None: ...
    @property
    def start(self) -> dt.datetime: ...
    @property
    def end(self) -> dt.datetime: ...


OWN_REQUEST, LENGTH = term("own request"), term("length")


def host_reason(problem: ShadowProblem, request: ShadowRequest, host_id: str) -> str | None:
    """Why this colleague may not host the request, or None."""
    host = problem.tmap.person(host_id)
    if host is None:
        return phrase("{id} is not a known colleague", id=host_id)
    if host_id == request.guest_id:
        return phrase("{name} cannot shadow themselves", name=host.name)
    if not host.is_host:
        return phrase("{name} does not host guests", name=host.name)
    if request.host_id is not None and host_id != request.host_id:
        return phrase(
            "{guest} asked for {host}",
            guest=problem.name(request.guest_id),
            host=problem.name(request.host_id),
        )
    if request.skill_id is not None:
        level, needed = problem.level(request, host_id), problem.config.min_host_level
        if level < needed:
            skill = problem.skill_name(request.skill_id)
            if not level:
                return phrase("{name} does not hold {skill}", name=host.name, skill=skill)
            return phrase(
                "{name} holds {skill} at level {level}, below {needed}",
                name=host.name,
                skill=skill,
                level=int(level),
                needed=needed,
            )
    return None


def eligible_host(problem: ShadowProblem, request: ShadowRequest, host_id: str, start: int) -> str | None:
    return host_reason(problem, request, host_id)


def on_grid(problem: ShadowProblem, request: ShadowRequest, host_id: str, start: int) -> str | None:
    grid = problem.config.grid_minutes
    if start % grid:
        return phrase("starts off the {minutes}-minute grid", minutes=grid)
    return None


def in_window(problem: ShadowProblem, request: ShadowRequest, host_id: str, start: int) -> str | None:
    for person_id in (request.guest_id, host_id):
        first, last = problem.window(request, person_id)
        if start < first or start + request.minutes > last:
            return phrase(
                "lies outside {first} – {last} in {name}'s time zone ({timezone})",
                first=request.first_day,
                last=request.last_day,
                name=problem.name(person_id),
                timezone=problem.times[person_id].timezone,
            )
    return None


def both_free(problem: ShadowProblem, request: ShadowRequest, host_id: str, start: int) -> str | None:
    for person_id in (request.guest_id, host_id):
        if not covered(problem.times[person_id].free, start, start + request.minutes):
            return phrase(
                "{name} is busy, off or outside working hours for part of it", name=problem.name(person_id)
            )
    return None


def travel_clear(problem: ShadowProblem, request: ShadowRequest, host_id: str, start: int) -> str | None:
    travel = problem.travel(request, host_id)
    if not travel:
        return None
    busy, end = problem.times[request.guest_id].busy, start + request.minutes
    for after, first, last in ((False, start - travel, start), (True, end, end + travel)):
        if overlaps(busy, first, last):
            words = {
                "guest": problem.name(request.guest_id),
                "travel": minutes(travel),
                "site": problem.person(host_id).site,
            }
            if after:
                return phrase("{guest} is busy in the {travel} after, needed to travel to {site}", **words)
            return phrase("{guest} is busy in the {travel} before, needed to travel to {site}", **words)
    return None


#: Slot rules in the order their reasons are given.
SLOT_RULES: dict[str, SlotRule] = {
    term("eligible host"): eligible_host,
    term("grid"): on_grid,
    term("window"): in_window,
    term("free time"): both_free,
    term("travel"): travel_clear,
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
            message = phrase("there is no request {id}", id=slot.request_id)
            found.append(Violation(term("known request"), members, message))
            continue
        per_request[request.id] += 1
        broken = _slot_identity(problem, request, slot)
        if broken is None:
            start = minute_of(slot.start)
            broken = first_broken(problem, request, slot.host_id, start)
        if broken is not None:
            message = phrase("request {id}: {reason}", id=request.id, reason=broken[1])
            found.append(Violation(broken[0], members, message))
            continue
        for person_id, first, last in occupied(problem, request, slot.host_id, start):
            taken[person_id].append((first, last, request.id))
        load[capacity_key(problem, slot.host_id, start)] += 1
    for request_id, n in sorted(per_request.items()):
        if n > 1:
            message = phrase("request {id} has {n} slots", id=request_id, n=n)
            found.append(Violation(term("one slot per request"), (request_id,), message))
    found.extend(_double_bookings(problem, taken))
    for (host_id, period), n in sorted(load.items()):
        capacity = problem.capacity(host_id)
        if n > capacity:
            message = phrase(
                "{name} hosts {n} guests in {when}, capacity {capacity} a {period}",
                name=problem.name(host_id),
                n=n,
                when=problem.period_words(period),
                capacity=capacity,
                period=problem.period_word(),
            )
            found.append(Violation(term("capacity"), (host_id,), message))
    return found


def _slot_identity(problem: ShadowProblem, request: ShadowRequest, slot: SlotLike) -> tuple[str, str] | None:
    if slot.guest_id != request.guest_id:
        owner, other = problem.name(request.guest_id), problem.name(slot.guest_id)
        return OWN_REQUEST, phrase("the request is {owner}'s, not {other}'s", owner=owner, other=other)
    if request.skill_id is not None and slot.skill_id != request.skill_id:
        return OWN_REQUEST, phrase("the request is about {skill}", skill=problem.skill_name(request.skill_id))
    if slot.start.tzinfo is None or slot.end.tzinfo is None:
        return LENGTH, phrase("needs times with a time zone")
    whole_minute = not (slot.start.second or slot.start.microsecond)
    if slot.end - slot.start != dt.timedelta(minutes=request.minutes) or not whole_minute:
        return LENGTH, phrase("must last {length}, from a whole minute", length=length_words(request.minutes))
    return None


def _double_bookings(problem: ShadowProblem, taken: dict[str, list[tuple[int, int, str]]]) -> list[Violation]:
    found = []
    for person_id, spans in sorted(taken.items()):
        spans.sort()
        latest_end, latest = spans[0][1], spans[0][2]
        for first, last, request_id in spans[1:]:
            if first < latest_end:
                message = phrase(
                    "{name} is booked twice: requests {first} and {second} overlap (travel included)",
                    name=problem.name(person_id),
                    first=latest,
                    second=request_id,
                )
                found.append(Violation(term("double booking"), (person_id, latest, request_id), message))
            if last > latest_end:
                latest_end, latest = last, request_id
    return found
