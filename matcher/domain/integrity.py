"""Checks that need the whole organisation: references, duplicates and cycles.

Field-level problems (a bad date, a level out of range) are found by the
importers while reading. What is checked here can only be seen once every row
is read and merged with what is already stored: a manager who does not exist,
two people with one e-mail address, a chain of managers that loops.
"""

from __future__ import annotations

import dataclasses
from collections import Counter, defaultdict

import networkx as nx

from matcher.domain.model import HistoryEntry, Organisation, RelatedSkill, Skill
from matcher.domain.phrases import counted, phrase
from matcher.domain.problems import Locator, Problems, number


def check_duplicates(org: Organisation, locator: Locator, problems: Problems) -> None:
    """Ids that occur twice within one file (a merge by id would hide them)."""
    for item_id, count in Counter(p.id for p in org.people).items():
        if count > 1:
            problems.add(
                locator.at(("person", item_id), "id"),
                counted(
                    count,
                    "the person id '{id}' occurs {n} time",
                    "the person id '{id}' occurs {n} times",
                    id=item_id,
                ),
            )
    for item_id, count in Counter(s.id for s in org.skills).items():
        if count > 1:
            problems.add(
                locator.at(("skill", item_id), "id"),
                counted(
                    count,
                    "the skill id '{id}' occurs {n} time",
                    "the skill id '{id}' occurs {n} times",
                    id=item_id,
                ),
            )


def check_organisation(org: Organisation, locator: Locator, problems: Problems) -> None:
    _check_people(org, locator, problems)
    _check_managers(org, locator, problems)
    _check_skills(org, locator, problems)
    _check_holdings_and_wishes(org, locator, problems)


def check_people(org: Organisation, locator: Locator, problems: Problems) -> None:
    """The checks of :func:`check_organisation` that a change to people alone can fail: the
    taxonomy, which it leaves as it was, is not checked again."""
    _check_people(org, locator, problems)
    _check_managers(org, locator, problems)
    _check_holdings_and_wishes(org, locator, problems)


def _check_people(org: Organisation, locator: Locator, problems: Problems) -> None:
    by_email: dict[str, list[str]] = defaultdict(list)
    for person in org.people:
        by_email[person.email.casefold()].append(person.id)
        if person.leaving_date and person.start_date and person.leaving_date < person.start_date:
            problems.add(
                locator.at(("person", person.id), "leaving_date"),
                phrase(
                    "leaving on {leaving} is before starting on {starting}",
                    leaving=person.leaving_date,
                    starting=person.start_date,
                ),
            )
    for email, ids in by_email.items():
        if len(ids) > 1:
            for person_id in ids:
                others = ", ".join(i for i in ids if i != person_id)
                problems.add(
                    locator.at(("person", person_id), "email"),
                    phrase("the e-mail address {email} is also used by {others}", email=email, others=others),
                )


def _check_managers(org: Organisation, locator: Locator, problems: Problems) -> None:
    ids = {p.id for p in org.people}
    lines = nx.DiGraph()
    for person in org.people:
        if person.manager_id is None:
            continue
        where = locator.at(("person", person.id), "manager")
        if person.manager_id == person.id:
            problems.add(where, phrase("a person cannot be their own manager"))
        elif person.manager_id not in ids:
            problems.add(where, phrase("the manager '{id}' is not a known person", id=person.manager_id))
        else:
            lines.add_edge(person.id, person.manager_id)
    for cycle in nx.simple_cycles(lines):
        problems.add(
            locator.at(("person", min(cycle)), "manager"),
            phrase("the managers form a loop: {loop}", loop=_loop(cycle)),
        )


def _loop(cycle: list[str]) -> str:
    """``b, c, a`` -> ``a -> b -> c -> a``: the same loop always reads the same."""
    start = cycle.index(min(cycle))
    ordered = cycle[start:] + cycle[:start]
    return " -> ".join([*ordered, ordered[0]])


def _check_skills(org: Organisation, locator: Locator, problems: Problems) -> None:
    ids = {s.id for s in org.skills}
    names: dict[str, list[str]] = defaultdict(list)
    taxonomy = nx.DiGraph()
    for skill in org.skills:
        names[skill.name.casefold()].append(skill.id)
        if skill.parent_id is not None:
            where = locator.at(("skill", skill.id), "parent")
            if skill.parent_id == skill.id:
                problems.add(where, phrase("a skill cannot be its own parent"))
            elif skill.parent_id not in ids:
                problems.add(
                    where, phrase("the parent skill '{id}' is not a known skill", id=skill.parent_id)
                )
            else:
                taxonomy.add_edge(skill.id, skill.parent_id)
        for related in skill.related:
            where = locator.at(("skill", skill.id), "related")
            if related.skill_id == skill.id:
                problems.add(where, phrase("a skill cannot be related to itself"))
            elif related.skill_id not in ids:
                problems.add(
                    where, phrase("the related skill '{id}' is not a known skill", id=related.skill_id)
                )
    for name, skill_ids in names.items():
        if len(skill_ids) > 1:
            for skill_id in skill_ids:
                problems.add(
                    locator.at(("skill", skill_id), "name"),
                    phrase(
                        "the name '{name}' is shared by the skills {ids}", name=name, ids=", ".join(skill_ids)
                    ),
                )
    for cycle in nx.simple_cycles(taxonomy):
        problems.add(
            locator.at(("skill", min(cycle)), "parent"),
            phrase("the parent skills form a loop: {loop}", loop=_loop(cycle)),
        )
    _check_relation_strengths(org.skills, locator, problems)


def _check_relation_strengths(skills: tuple[Skill, ...], locator: Locator, problems: Problems) -> None:
    seen: dict[frozenset[str], float] = {}
    for skill in skills:
        for related in skill.related:
            pair = frozenset((skill.id, related.skill_id))
            if pair in seen and seen[pair] != related.strength:
                problems.add(
                    locator.at(("skill", skill.id), "related"),
                    phrase(
                        "the relation with '{id}' is given twice, with strengths {first} and {second}",
                        id=related.skill_id,
                        first=number(seen[pair]),
                        second=number(related.strength),
                    ),
                )
            seen.setdefault(pair, related.strength)


def _check_holdings_and_wishes(org: Organisation, locator: Locator, problems: Problems) -> None:
    skills = {s.id for s in org.skills}
    people = {p.id for p in org.people}
    for kind, items in (("holding", org.holdings), ("wish", org.wishes)):
        for item in items:
            key = (kind, item.person_id, item.skill_id)
            if item.skill_id not in skills:
                problems.add(locator.at(key), phrase("unknown skill '{id}'", id=item.skill_id))
            if item.person_id not in people:
                problems.add(locator.at(key), phrase("unknown person '{id}'", id=item.person_id))


def check_history(
    entries: tuple[HistoryEntry, ...], people: set[str], locator: Locator, problems: Problems
) -> None:
    """Earlier pairings or groups coming in must name known people. Stored history is
    not checked again: it stays as it was written, also when people leave later."""
    for entry in entries:
        where = locator.at(("history", entry), "members")
        unknown = [m for m in entry.members if m not in people]
        if unknown:
            problems.add(
                where,
                counted(
                    len(unknown),
                    "unknown person: {names}",
                    "unknown people: {names}",
                    names=", ".join(unknown),
                ),
            )
        if len(set(entry.members)) != len(entry.members):
            problems.add(where, phrase("a person is listed twice"))


def normalise_relations(skills: tuple[Skill, ...]) -> tuple[Skill, ...]:
    """Keep each relation once, on the skill with the smaller id, so that a
    relation written on either side (or both) is stored and exported the same way."""
    pairs: dict[tuple[str, str], float] = {}
    for skill in skills:
        for related in skill.related:
            a, b = sorted((skill.id, related.skill_id))
            pairs.setdefault((a, b), related.strength)
    on: dict[str, list[RelatedSkill]] = defaultdict(list)
    for (a, b), strength in pairs.items():
        on[a].append(RelatedSkill(b, strength))
    return tuple(dataclasses.replace(s, related=tuple(sorted(on.get(s.id, ())))) for s in skills)
