"""Reasons in words: why a slot was chosen, and why a request was left unplaced."""

from __future__ import annotations

from collections import Counter
from zoneinfo import ZoneInfo

from matcher.model import Level
from matcher.shadowing.candidates import start_ranges
from matcher.shadowing.config import ShadowRequest, length_words
from matcher.shadowing.problem import ShadowProblem, moment_of
from matcher.shadowing.rules import capacity_key, host_reason
from matcher.shadowing.solver import Ledger

NAMES_SHOWN = 3


def slot_reasons(
    problem: ShadowProblem, request: ShadowRequest, host_id: str, start: int, hosted: int
) -> list[str]:
    """What made this slot: the host's level or the guest's choice, the wish, the site, the time zone."""
    guest, host = problem.person(request.guest_id), problem.person(host_id)
    reasons = []
    if request.host_id is not None:
        reasons.append(f"{guest.name} asked for {host.name}")
    if request.skill_id is not None:
        level, skill = problem.level(request, host_id), problem.skill_name(request.skill_id)
        reasons.append(f"{host.name} holds {skill} at level {level:d} ({Level(level).label})")
        priority = problem.tmap.wished_by(guest.id).get(request.skill_id)
        if priority:
            reasons.append(f"{guest.name} wants to learn {skill} (priority {priority})")
    travel = problem.travel(request, host_id)
    if travel:
        reasons.append(f"{host.name} works at {host.site}: {travel} minutes kept free to travel each way")
    elif guest.site and guest.site == host.site:
        reasons.append(f"both work at {host.site}")
    if host.timezone != guest.timezone:
        zone = ZoneInfo(host.timezone)
        first, last = moment_of(start).astimezone(zone), moment_of(start + request.minutes).astimezone(zone)
        reasons.append(f"{first:%H:%M}–{last:%H:%M} for {host.name} ({host.timezone})")
    if hosted > 1:
        reasons.append(f"{host.name} hosts {hosted} guests in this plan")
    return reasons


#: The kinds of reasons :func:`unplaced_reason` gives.
KINDS = ("no host", "no common free time", "capacity", "clash", "capacity or clash", "left out")


def unplaced_reason(problem: ShadowProblem, request: ShadowRequest, ledger: Ledger) -> tuple[str, str]:
    """Why a request has no slot in the plan the ledger holds, as (kind, words); see :data:`KINDS`."""
    hosts = problem.hosts[request.id]
    if not hosts:
        return "no host", _no_host(problem, request)
    window = _dates(request)
    who = _who(problem, request, hosts)
    with_options = [h for h in hosts if (request.id, h) in problem.options]
    if not with_options:
        length = length_words(request.minutes)
        travel = problem.config.travel_minutes
        if any(problem.travel(request, h) and start_ranges(problem, request, h, travel=0) for h in hosts):
            return "no common free time", (
                f"no common free time of {who} {window} for {length} with {travel} minutes "
                "to travel before and after"
            )
        return "no common free time", f"no common free time of {who} {window} for {length}"
    blocked: Counter[str] = Counter()
    full: set[tuple[str, tuple[int, int]]] = set()
    for host_id in with_options:
        for start in problem.starts(request.id, host_id):
            why = ledger.blocker(request.id, host_id, start)
            blocked[str(why)] += 1
            if why == "capacity":
                full.add(capacity_key(problem, host_id, start))
    if blocked.keys() == {"capacity"}:
        return "capacity", _full(problem, request, full)
    if blocked.keys() == {"clash"}:
        return "clash", f"the common free times of {who} {window} clash with other placed slots"
    if blocked.keys() == {"capacity", "clash"}:
        return "capacity or clash", (
            f"whenever {who} are free {window}, the host is full in that period (capacity) "
            "or the time clashes with other placed slots"
        )
    return "left out", "it fits, but was left out: please report this"


def _dates(request: ShadowRequest) -> str:
    if request.first_day == request.last_day:
        return f"on {request.first_day}"
    return f"in {request.first_day} – {request.last_day}"


def _no_host(problem: ShadowProblem, request: ShadowRequest) -> str:
    if request.host_id is not None:
        return str(host_reason(problem, request, request.host_id))
    skill, level = problem.skill_name(request.skill_id), problem.config.min_host_level
    holders = {
        pid: lv
        for pid, lv in problem.tmap.levels_in(str(request.skill_id)).items()
        if lv >= level and pid != request.guest_id
    }
    if not holders:
        alone = problem.tmap.levels_of(request.guest_id).get(str(request.skill_id), 0) >= level
        besides = f" besides {problem.name(request.guest_id)}" if alone else ""
        return f"no colleague{besides} holds {skill} at level {level} or more"
    return f"no colleague who holds {skill} at level {level} or more hosts guests"


def _who(problem: ShadowProblem, request: ShadowRequest, hosts: tuple[str, ...]) -> str:
    guest = problem.name(request.guest_id)
    if len(hosts) == 1:
        return f"{guest} and {problem.name(hosts[0])}"
    names = ", ".join(problem.name(h) for h in hosts[:NAMES_SHOWN])
    more = f" and {len(hosts) - NAMES_SHOWN} more" if len(hosts) > NAMES_SHOWN else ""
    return f"{guest} and any host of {problem.skill_name(request.skill_id)} ({names}{more})"


def _full(problem: ShadowProblem, request: ShadowRequest, full: set[tuple[str, tuple[int, int]]]) -> str:
    unit = problem.config.capacity_period
    periods = sorted({period for _, period in full})
    when = ", ".join(problem.period_words(p) for p in periods)
    hosts = sorted({host for host, _ in full}, key=problem.name)
    if len(hosts) == 1:
        host = hosts[0]
        capacity = problem.capacity(host)
        guests = "guest" if capacity == 1 else "guests"
        return f"{problem.name(host)} is full in {when} (capacity {capacity} {guests} a {unit})"
    skill = problem.skill_name(request.skill_id)
    return f"every host of {skill} free at those times is full in {when} (capacity)"
