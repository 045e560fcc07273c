"""Reasons in words: why a slot was chosen, and why a request was left unplaced."""

from __future__ import annotations

from collections import Counter
from zoneinfo import ZoneInfo

from matcher.domain.model import Level
from matcher.domain.phrases import clauses, counted, phrase, term
from matcher.domain.wording import minutes
from matcher.engines.shadowing.candidates import start_ranges
from matcher.engines.shadowing.config import ShadowRequest, length_words
from matcher.engines.shadowing.problem import ShadowProblem, moment_of
from matcher.engines.shadowing.rules import capacity_key, host_reason
from matcher.engines.shadowing.solver import Ledger

NAMES_SHOWN = 3


def slot_reasons(
    problem: ShadowProblem, request: ShadowRequest, host_id: str, start: int, hosted: int
) -> list[str]:
    """What made this slot: the host's level or the guest's choice, the wish, the site, the time zone."""
    guest, host = problem.person(request.guest_id), problem.person(host_id)
    reasons = []
    if request.host_id is not None:
        reasons.append(phrase("{guest} asked for {host}", guest=guest.name, host=host.name))
    if request.skill_id is not None:
        level, skill = problem.level(request, host_id), problem.skill_name(request.skill_id)
        reasons.append(
            phrase(
                "{name} holds {skill} at level {level} ({label})",
                name=host.name,
                skill=skill,
                level=int(level),
                label=Level(level).label,
            )
        )
        priority = problem.tmap.wished_by(guest.id).get(request.skill_id)
        if priority:
            reasons.append(
                phrase(
                    "{name} wants to learn {skill} (priority {priority})",
                    name=guest.name,
                    skill=skill,
                    priority=priority,
                )
            )
    travel = problem.travel(request, host_id)
    if travel:
        reasons.append(
            phrase(
                "{name} works at {site}: {travel} kept free to travel each way",
                name=host.name,
                site=host.site,
                travel=minutes(travel),
            )
        )
    elif guest.site and guest.site == host.site:
        reasons.append(phrase("both work at {site}", site=host.site))
    if host.timezone != guest.timezone:
        zone = ZoneInfo(host.timezone)
        first, last = moment_of(start).astimezone(zone), moment_of(start + request.minutes).astimezone(zone)
        reasons.append(
            phrase(
                "{first}–{last} for {name} ({timezone})",
                first=f"{first:%H:%M}",
                last=f"{last:%H:%M}",
                name=host.name,
                timezone=host.timezone,
            )
        )
    if hosted > 1:
        reasons.append(
            counted(
                hosted,
                "{name} hosts {n} guest in this plan",
                "{name} hosts {n} guests in this plan",
                name=host.name,
            )
        )
    reasons += _recent_load(problem, request, host_id)
    return reasons


def _recent_load(problem: ShadowProblem, request: ShadowRequest, host_id: str) -> list[str]:
    """The host's recent load, when it counts: their own, or that others of the request had more."""
    if not problem.config.weights.recent_load:
        return []
    name, load = problem.name(host_id), problem.recent_hosting.get(host_id, 0)
    if load:
        return [
            counted(
                load,
                "{name} hosted {n} slot in recent plans (a small penalty, to spread the load)",
                "{name} hosted {n} slots in recent plans (a penalty, to spread the load)",
                name=name,
            )
        ]
    if any(problem.recent_hosting.get(h) for h in problem.hosts.get(request.id, ())):
        return [phrase("{name} hosted no slots in recent plans, so the load is spread", name=name)]
    return []


#: The kinds of reasons :func:`unplaced_reason` gives.
KINDS = (
    term("no host"),
    term("no common free time"),
    term("capacity"),
    term("clash"),
    term("capacity or clash"),
    term("left out"),
)


def unplaced_reason(problem: ShadowProblem, request: ShadowRequest, ledger: Ledger) -> tuple[str, str]:
    """Why a request has no slot in the plan the ledger holds, as (kind, words); see :data:`KINDS`."""
    hosts = problem.hosts[request.id]
    if not hosts:
        return "no host", _no_host(problem, request)
    words = {"people": _who(problem, request, hosts), "window": _dates(request)}
    with_options = [h for h in hosts if (request.id, h) in problem.options]
    if not with_options:
        length = length_words(request.minutes)
        notice = problem.agenda.notice_cuts(moment_of(problem.window(request, request.guest_id)[0]))
        if any(problem.travel(request, h) and start_ranges(problem, request, h, travel=0) for h in hosts):
            found = phrase(
                "no common free time of {people:list} {window} for {length} with {travel} "
                "to travel before and after",
                length=length,
                travel=minutes(problem.config.travel_minutes),
                **words,
            )
        else:
            found = phrase(
                "no common free time of {people:list} {window} for {length}", length=length, **words
            )
        return "no common free time", clauses([found, notice] if notice else [found])
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
        return "clash", phrase(
            "the common free times of {people:list} {window} clash with other placed slots", **words
        )
    if blocked.keys() == {"capacity", "clash"}:
        return "capacity or clash", phrase(
            "whenever {people:list} are free {window}, the host is full in that period (capacity) "
            "or the time clashes with other placed slots",
            **words,
        )
    return "left out", phrase("it fits, but was left out: please report this")


def _dates(request: ShadowRequest) -> str:
    if request.first_day == request.last_day:
        return phrase("on {day}", day=request.first_day)
    return phrase("in {first} – {last}", first=request.first_day, last=request.last_day)


def _no_host(problem: ShadowProblem, request: ShadowRequest) -> str:
    if request.host_id is not None:
        reason = host_reason(problem, request, request.host_id)
        return reason or phrase("{name} does not host guests", name=problem.name(request.host_id))
    skill, level = problem.skill_name(request.skill_id), problem.config.min_host_level
    holders = {
        pid: lv
        for pid, lv in problem.tmap.levels_in(str(request.skill_id)).items()
        if lv >= level and pid != request.guest_id
    }
    if not holders:
        alone = problem.tmap.levels_of(request.guest_id).get(str(request.skill_id), 0) >= level
        if alone:
            return phrase(
                "no colleague besides {name} holds {skill} at level {level} or more",
                name=problem.name(request.guest_id),
                skill=skill,
                level=level,
            )
        return phrase("no colleague holds {skill} at level {level} or more", skill=skill, level=level)
    return phrase(
        "no colleague who holds {skill} at level {level} or more hosts guests", skill=skill, level=level
    )


def _who(problem: ShadowProblem, request: ShadowRequest, hosts: tuple[str, ...]) -> list[str]:
    """The guest and the host, or the hosts they could have: a list to join into a sentence."""
    guest = problem.name(request.guest_id)
    if len(hosts) == 1:
        return [guest, problem.name(hosts[0])]
    names = ", ".join(problem.name(h) for h in hosts[:NAMES_SHOWN])
    skill = problem.skill_name(request.skill_id)
    if len(hosts) > NAMES_SHOWN:
        return [
            guest,
            phrase(
                "any host of {skill} ({names} and {n} more)",
                skill=skill,
                names=names,
                n=len(hosts) - NAMES_SHOWN,
            ),
        ]
    return [guest, phrase("any host of {skill} ({names})", skill=skill, names=names)]


def _full(problem: ShadowProblem, request: ShadowRequest, full: set[tuple[str, tuple[int, int]]]) -> str:
    unit = problem.period_word()
    periods = sorted({period for _, period in full})
    when = [problem.period_words(p) for p in periods]
    hosts = sorted({host for host, _ in full}, key=problem.name)
    if len(hosts) == 1:
        host = hosts[0]
        return counted(
            problem.capacity(host),
            "{name} is full in {when:list} (capacity {n} guest a {period})",
            "{name} is full in {when:list} (capacity {n} guests a {period})",
            name=problem.name(host),
            when=when,
            period=unit,
        )
    skill = problem.skill_name(request.skill_id)
    return phrase(
        "every host of {skill} free at those times is full in {when:list} (capacity)", skill=skill, when=when
    )
