"""Changing a few people on a built talent map, without building it again.

:func:`with_people` takes a map and the new state of some people (their record, skill levels and
wishes, in an :class:`~matcher.domain.model.Organisation` that holds only them) and returns a new
map on which those people are changed, added or gone. Every index the questions read is what a fresh
build of the changed organisation makes, so the answers are the same; the map it starts from stays
as it was, so that a question still running on it is not disturbed. Only what the changed people
touch is copied: the people dictionaries (shallow copies), and the indexes of the skills they hold,
held or wish for. The collaboration graph is built again only when a manager line or the set of
people changes; the names' order only when a name or the set of people changes.

>>> import datetime as dt
>>> from matcher.domain.model import Holding, Organisation, Person, Skill
>>> from matcher.domain.talentmap import TalentMap
>>> ann, bo = Person("ann", "Ann", "ann@example.org"), Person("bo", "Bo", "bo@example.org")
>>> org = Organisation(people=(ann, bo), skills=(Skill("py", "Python"),), holdings=(Holding("ann", "py", 2),))
>>> tmap = TalentMap(org, today=dt.date(2024, 3, 1))
>>> later = tmap.with_people(Organisation(people=(bo,), holdings=(Holding("bo", "py", 4),)), {"bo"})
>>> [a.name for a in later.ask("python").answers], [a.name for a in tmap.ask("python").answers]
(['Bo', 'Ann'], ['Ann'])
"""

from __future__ import annotations

import copy
from bisect import insort
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping
from typing import TypeVar

from matcher.domain.model import Holding, Level, Organisation, Person, Wish
from matcher.domain.overlap import utc_week
from matcher.domain.talentmap.build import MapIndex, base_language, collaboration_graph, host_order
from matcher.domain.talentmap.layered import Layered

Map = TypeVar("Map", bound=MapIndex)
T = TypeVar("T")


def with_people(old: Map, part: Organisation, person_ids: Collection[str]) -> Map:
    """A new map on which the people ``person_ids`` are as ``part`` holds them: their record,
    holdings and wishes replaced; one in ``part`` that the map lacks is added; one missing from
    ``part`` is gone. Skills, history and the day are the map's own."""
    changed = frozenset(person_ids)
    coming = {p.id: p for p in part.people if p.id in changed}
    new = copy.copy(old)
    new.__dict__.pop("graph", None)  # the talent graph of the old organisation, if it was built
    new.__dict__.pop("hosts", None)
    before = old._people
    # A replaced key keeps its place and a new one comes last: the people's order. The per-person
    # indexes are layered over the old map's (Layered), not copied: a copy of 20,000 entries costs
    # more than the rest of a change.
    new._people = _layered(before).changed(coming, gone=changed - coming.keys())
    _regroup(new, old, part, changed)
    if any(pid not in before or pid not in coming or before[pid].name != coming[pid].name for pid in changed):
        ordered = sorted(new._people.values(), key=lambda p: (p.name.casefold(), p.id))
        new._order = {p.id: i for i, p in enumerate(ordered)}
    _update_holdings_and_wishes(new, old, part, changed)
    _update_people(new, changed, coming)
    if "hosts" in old.__dict__:
        new.__dict__["hosts"] = _hosts(old.hosts, changed, coming)
    if _lines_changed(before, coming, changed):
        new.collaboration = collaboration_graph(new.organisation)
        new._centrality = {}
    return new


def _regroup(new: MapIndex, old: MapIndex, part: Organisation, changed: frozenset[str]) -> None:
    """The holdings and wishes per person, the changed people's those of ``part``; the organisation
    is made of them, with the map's people, when first asked for (:attr:`MapIndex.organisation`):
    making its tuples of every holding took longer than the rest of a change together."""
    new._holdings_by_person = _regrouped(_grouped(old, "holdings"), part.holdings, changed, new._people)
    new._wishes_by_person = _regrouped(_grouped(old, "wishes"), part.wishes, changed, new._people)
    new._organisation_base = old.organisation_base
    new._organisation = None


def _grouped(old: MapIndex, part: str) -> Mapping[str, tuple]:
    """The map's holdings (or wishes) per person: kept by an updated map, found once on a built one."""
    kept: Mapping[str, tuple] | None = getattr(old, f"_{part}_by_person")
    if kept is not None:
        return kept
    found: dict[str, list] = {}
    for item in getattr(old.organisation, part):
        found.setdefault(item.person_id, []).append(item)
    return {pid: tuple(items) for pid, items in found.items()}


def _layered(found: Mapping[str, T]) -> Layered[str, T]:
    return found if isinstance(found, Layered) else Layered(found)


def _regrouped(
    groups: Mapping[str, tuple], items: tuple, changed: frozenset[str], people: Mapping[str, Person]
) -> Layered[str, tuple]:
    mine: dict[str, tuple] = {}
    for pid in changed:
        if pid in people:
            found = tuple(item for item in items if item.person_id == pid)
            if found:
                mine[pid] = found
    return _layered(groups).changed(mine, gone=changed - mine.keys())


def _hosts(
    hosts: tuple[Person, ...], changed: frozenset[str], coming: dict[str, Person]
) -> tuple[Person, ...]:
    """The old map's hosts with the changed people taken out and put back in their place when they
    host: what a fresh build finds, without going through everyone."""
    kept = [p for p in hosts if p.id not in changed]
    for person in coming.values():
        if person.is_host:
            insort(kept, person, key=host_order)
    return tuple(kept)


def _lines_changed(before: Mapping[str, Person], coming: dict[str, Person], changed: frozenset[str]) -> bool:
    """Whether the collaboration graph changes: a person came or went, or a manager line moved."""
    return any(
        pid not in before or pid not in coming or before[pid].manager_id != coming[pid].manager_id
        for pid in changed
        if pid in before or pid in coming
    )


def _entries(new: MapIndex, items: Iterable[Holding | Wish], changed: frozenset[str]) -> dict[str, dict]:
    """Per changed person, skill to level (or priority), kept as :class:`MapIndex` keeps them: known
    people and skills only, levels from aware up, the highest of duplicates."""
    found: dict[str, dict] = {}
    for item in items:
        if item.person_id not in changed or item.person_id not in new._people:
            continue
        if item.skill_id not in new._skills:
            continue
        if isinstance(item, Holding):
            if item.level < Level.AWARE:
                continue
            value: int = Level(item.level)
        else:
            value = item.priority
        held = found.setdefault(item.person_id, {})
        held[item.skill_id] = max(value, held.get(item.skill_id, 0))
    return found


def _reindex(
    by_skill: dict[str, dict],
    by_person: Mapping[str, dict],
    changed: frozenset[str],
    entries: dict[str, dict],
) -> tuple[dict[str, dict], Layered[str, dict], set[str]]:
    """Copies of a skill -> person and a person -> skill index with the changed people's entries
    replaced, and the skills whose entries were touched. Only touched skills are copied; the
    person -> skill index is layered over the old one."""
    skills: defaultdict[str, dict] = defaultdict(dict, by_skill)
    touched: set[str] = set()

    def holders(skill_id: str) -> dict:
        if skill_id not in touched:
            skills[skill_id] = dict(skills.get(skill_id, {}))
            touched.add(skill_id)
        return skills[skill_id]

    for pid in changed:
        for skill_id in by_person.get(pid, {}):
            holders(skill_id).pop(pid, None)
        for skill_id, value in entries.get(pid, {}).items():
            holders(skill_id)[pid] = value
    for skill_id in touched:
        if not skills[skill_id]:
            del skills[skill_id]  # a fresh build has no entry for a skill nobody holds
    kept = {pid: entries[pid] for pid in changed if entries.get(pid)}
    return skills, _layered(by_person).changed(kept, gone=changed - kept.keys()), touched


def _update_holdings_and_wishes(
    new: MapIndex, old: MapIndex, part: Organisation, changed: frozenset[str]
) -> None:
    levels = _entries(new, part.holdings, changed)
    new._levels, new._held, touched = _reindex(old._levels, old._held, changed, levels)
    priorities = _entries(new, part.wishes, changed)
    new._wanted, new._wishes, _ = _reindex(old._wanted, old._wishes, changed, priorities)
    # Who to ask, best first: the others keep their order (a new order of names keeps theirs).
    ranked = dict(old._ranked)
    w = new.weights
    for skill_id in touched:
        holders = new._levels.get(skill_id)
        if holders is None:
            ranked.pop(skill_id, None)
            continue
        items = [item for item in ranked.get(skill_id, ()) if item[1] not in changed]
        for pid in changed & holders.keys():
            person = new._people[pid]
            if person.ask_me:
                item = (w.level * holders[pid] + new._willingness(person), pid, holders[pid])
                insort(items, item, key=lambda i: (-i[0], new._order[i[1]]))
        ranked[skill_id] = items
    new._ranked = ranked


def _update_people(new: MapIndex, changed: frozenset[str], coming: dict[str, Person]) -> None:
    languages: dict[str, frozenset[str]] = {}
    week_key: dict[str, int] = {}
    keys, weeks = new._week_keys, new._weeks
    for pid, person in coming.items():
        languages[pid] = frozenset(base_language(c) for c in person.languages)
        week = utc_week(person.working_hours, person.timezone)
        if week not in keys:
            if keys is new._week_keys:  # copied once, when a week comes that no one had
                keys, weeks = dict(keys), list(weeks)
            keys[week] = len(weeks)
            weeks.append(week)
        week_key[pid] = keys[week]
    gone = changed - coming.keys()
    new._languages = _layered(new._languages).changed(languages, gone=gone)
    new._week_key = _layered(new._week_key).changed(week_key, gone=gone)
    new._week_keys, new._weeks = keys, weeks
