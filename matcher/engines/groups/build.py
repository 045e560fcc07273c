"""Build a group round's problem from the talent map: who takes part, their values, the topic's
holders, earlier groupmates, and which of HR's locks can be kept."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

from matcher.domain.model import Level
from matcher.domain.phrases import counted, phrase
from matcher.domain.talentmap import TalentMap
from matcher.engines.groups.bands import band, band_labels, quantile_cuts
from matcher.engines.groups.config import GroupConfig
from matcher.engines.groups.criteria import CountRange
from matcher.engines.groups.fairness import met_before
from matcher.engines.groups.problem import HOLDS, HOLDS_NOT, HOLDS_OR_WANTS, NEITHER, NO_VALUE, GroupProblem
from matcher.engines.groups.rules import lock_breaks
from matcher.engines.groups.shared import week_slots
from matcher.engines.pairing.problem import rounds_ago


def attribute_values(
    tmap: TalentMap, attribute: str, people: Iterable[str], today: dt.date, bands: tuple[float, ...]
) -> dict[str, str]:
    """Each person's value of ``attribute``; experience as its band between the ``bands`` cut-offs."""
    found = {}
    labels = band_labels(bands)
    for pid in people:
        person = tmap.person(pid)
        assert person is not None
        if attribute == "experience":
            found[pid] = band(person.experience_years(today), bands, labels)
        elif attribute.startswith("skill:"):
            level = tmap.levels_of(pid).get(attribute[6:], Level.NONE)
            found[pid] = HOLDS if level >= Level.PROFICIENT else HOLDS_NOT
        elif attribute.startswith("interest:"):
            skill = attribute[9:]
            holds = skill in tmap.levels_of(pid) or skill in tmap.wished_by(pid)
            found[pid] = HOLDS_OR_WANTS if holds else NEITHER
        else:
            found[pid] = getattr(person, attribute) or NO_VALUE
    return found


def build_problem(
    tmap: TalentMap, config: GroupConfig, *, today: dt.date, left_out: Mapping[str, int] | None = None
) -> GroupProblem:
    """The round's problem; ``left_out`` is who the last rounds of the kind left out, and how many
    rounds in a row (see :func:`matcher.engines.pairing.fairness.recall`)."""
    org = tmap.organisation
    people = tuple(
        sorted(
            p.id
            for p in org.people
            if config.select.admits(p.id, p.department, p.site)
            and (p.leaving_date is None or p.leaving_date > today)
            and _takes_part(tmap, config, p.id)
        )
    )
    attributes = {c.attribute for c in config.criteria} | set(config.no_isolated)
    attributes |= {c.attribute for c in config.counts if c.each_value}
    bands = config.experience_bands or quantile_cuts(
        [tmap.person(p).experience_years(today) for p in people],  # type: ignore[union-attr]
        config.band_count,
    )
    values = {a: attribute_values(tmap, a, people, today, bands) for a in sorted(attributes)}
    topic = {
        skill: frozenset(p for p in people if tmap.levels_of(p).get(skill, 0) >= config.topic_level)
        for skill in config.topic_skills
    }
    ago = rounds_ago(org.history, config.kind) if config.cooldown_rounds or config.fresh_groupmates else {}
    recent = frozenset(pair for pair, n in ago.items() if n <= config.cooldown_rounds)
    if config.fresh_groupmates:
        recent |= met_before(ago, people)
    groups, left_over = config.group_count(len(people))
    problem = GroupProblem(
        config=config,
        tmap=tmap,
        today=today,
        people=people,
        values=values,
        topic_holders=topic,
        recent=recent,
        groups=groups,
        left_over=left_over,
        forbidden=frozenset(frozenset(p) for p in config.forbidden),
        kinds=tuple(_of_kind(tmap, rule, people, today, bands) for rule in config.counts),
        numbers=tuple(numbers(tmap, rule.attribute, people, today) for rule in config.balance),
        bands=bands,
        available=_available(tmap, people) if config.shared_time is not None else {},
        waiting={p: n for p, n in (left_out or {}).items() if n and p in people}
        if config.left_out_first
        else {},
    )
    for skill, holders in topic.items():
        if len(holders) < groups:
            known = tmap.skill(skill)
            name = known.name if known else skill
            problem.conflicts.append(
                phrase(
                    "topic {skill}: {holders} at level {level} or more for {groups}; {missing}",
                    skill=name,
                    holders=counted(len(holders), "{n} person", "{n} people"),
                    level=config.topic_level,
                    groups=counted(groups, "{n} group", "{n} groups"),
                    missing=counted(groups - len(holders), "{n} group goes without", "{n} groups go without"),
                )
            )
    problem.locks = _keepable_locks(problem)
    return problem


def _available(tmap: TalentMap, people: Iterable[str]) -> dict[str, int]:
    """Each person's working half hours of a usual week in UTC (their working hours in their own
    time zone; calendars are not part of a group round)."""
    found = {}
    for pid in people:
        person = tmap.person(pid)
        assert person is not None
        found[pid] = week_slots(person.working_hours, person.timezone)
    return found


def numbers(tmap: TalentMap, attribute: str, people: Iterable[str], today: dt.date) -> dict[str, int]:
    """Each person's number for a balance, in tenths: years of experience or tenure, or a level."""
    found = {}
    for pid in people:
        person = tmap.person(pid)
        assert person is not None
        if attribute == "experience":
            value = person.experience_years(today)
        elif attribute == "tenure":
            value = person.tenure_years(today)
        else:
            value = float(tmap.levels_of(pid).get(attribute.partition(":")[2], Level.NONE))
        found[pid] = round(value * 10)
    return found


def _of_kind(
    tmap: TalentMap, rule: CountRange, people: tuple[str, ...], today: dt.date, bands: tuple[float, ...]
) -> frozenset[str] | None:
    """The people a count range counts, or None when it holds for each value of its attribute."""
    if rule.each_value:
        return None
    kind, _, skill = rule.attribute.partition(":")
    if kind == "skill":
        return frozenset(p for p in people if tmap.levels_of(p).get(skill, 0) >= rule.level)
    if kind == "interest":
        return frozenset(p for p in people if skill in tmap.levels_of(p) or skill in tmap.wished_by(p))
    values = attribute_values(tmap, rule.attribute, people, today, bands)
    return frozenset(p for p in people if values[p] == rule.value)


def _takes_part(tmap: TalentMap, config: GroupConfig, person_id: str) -> bool:
    """A community of practice gathers those who hold or want one of its interest skills."""
    interests = [c.attribute[9:] for c in config.criteria if c.attribute.startswith("interest:")]
    if config.kind != "community" or not interests or person_id in config.select.people:
        return True
    return any(s in tmap.levels_of(person_id) or s in tmap.wished_by(person_id) for s in interests)


def _keepable_locks(problem: GroupProblem) -> tuple[tuple[str, ...], ...]:
    """HR's locks, each narrowed to the people taking part, that break no rule, share nobody with
    an earlier lock and fit in a group; ``conflicts`` says why any other was dropped, as pairing
    rounds do."""
    taking_part = set(problem.people)
    kept: list[tuple[str, ...]] = []
    taken: set[str] = set()
    for lock in problem.config.locked:
        members = tuple(dict.fromkeys(m for m in lock if m in taking_part))
        if len(members) < 2:
            continue  # nobody left to keep together
        broken = lock_breaks(problem, members)
        if broken is not None:
            problem.conflicts.append(
                phrase(
                    "lock {names:list} breaks the rule '{rule}' ({reason}); lock dropped",
                    names=[problem.name(m) for m in members],
                    rule=broken[0],
                    reason=broken[1],
                )
            )
        elif taken.intersection(members) or len(members) > problem.config.size_max:
            _does_not_fit(problem, members)
        else:
            kept.append(members)
            taken.update(members)
    _, unplaced = place_locks(problem.group_sizes(), kept)
    for i in unplaced:
        _does_not_fit(problem, kept[i])
    return tuple(lock for i, lock in enumerate(kept) if i not in unplaced)


def _does_not_fit(problem: GroupProblem, members: tuple[str, ...]) -> None:
    names = [problem.name(m) for m in members]
    problem.conflicts.append(phrase("locked group {names:list} does not fit; kept apart", names=names))


def place_locks(sizes: list[int], locks: Iterable[tuple[str, ...]]) -> tuple[dict[int, int], list[int]]:
    """Where each lock goes (lock index -> group index), largest lock first into the group with the
    most room, and which locks do not fit. The problem keeps only locks that fit this way, and the
    construction places them the same way."""
    locks = list(locks)
    room = list(sizes)
    placed: dict[int, int] = {}
    left: list[int] = []
    for i in sorted(range(len(locks)), key=lambda i: -len(locks[i])):
        fits = [g for g in range(len(room)) if room[g] >= len(locks[i])]
        if not fits:
            left.append(i)
            continue
        target = max(fits, key=lambda g: room[g])
        room[target] -= len(locks[i])
        placed[i] = target
    return placed, sorted(left)
