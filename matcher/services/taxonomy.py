"""HR's edits of the skills taxonomy: add a skill, change its name, category, parent, aliases and
related skills.

Each edit is checked against the whole taxonomy (unique ids and names, aliases that
do not clash with another skill, no loops in the parent links, related skills that
exist) and written like an import: recorded in the import history, with the data
version one higher so that every cached talent map is rebuilt. A skill's id never
changes: holdings, wishes and matrix columns refer to it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any

from matcher import storage
from matcher.domain import integrity
from matcher.domain.merge import Changes
from matcher.domain.model import Organisation, RelatedSkill, Skill
from matcher.domain.phrases import phrase, term
from matcher.domain.problems import InvalidInput, Location, Locator, Problems
from matcher.domain.talentmap import normalise
from matcher.io import fields
from matcher.storage import Database
from matcher.storage.admin import load_skills, lock_data

WHERE = term("skill")
NAME_LENGTH = 200


def _at(field: str) -> Location:
    return Location(WHERE, None, field)


def _parsed(problems: Problems, field: str, parse: Callable[[Any], Any], value: Any, default: Any) -> Any:
    try:
        return parse(value)
    except ValueError as exc:
        problems.add(_at(field), fields.reason(exc))
        return default


def skill_from_text(
    *, skill_id: str, name: str, category: str = "", parent: str = "", aliases: str = "", related: str = ""
) -> Skill:
    """A skill from what HR typed: aliases as ``Wmo; Wet maatschappelijke ondersteuning``,
    related skills as ``jeugdwet:0.6; participatiewet`` (strength 0.5 when left out);
    one per line works too.
    Raises InvalidInput naming the field of every problem."""
    problems = Problems()
    skill_id = _parsed(problems, "id", fields.parse_skill_id, skill_id, "")
    name = fields.parse_text(name)
    if not name:
        problems.add(_at("name"), phrase("the name is empty; every skill needs one"))
    elif len(name) > NAME_LENGTH:
        problems.add(_at("name"), phrase("the name is longer than {limit} characters", limit=NAME_LENGTH))
    alias_list = _parsed(problems, "aliases", fields.parse_list, _one_line(aliases), ())
    links = _parsed(problems, "related", fields.parse_related, _one_line(related), ())
    problems.raise_if_any()
    return Skill(
        id=skill_id,
        name=name,
        category=fields.parse_text(category),
        aliases=tuple(a for a in alias_list if normalise(a) != normalise(name)),
        parent_id=fields.parse_text(parent) or None,
        related=_merged(links),
    )


def _one_line(text: str) -> str:
    """A list typed one item per line reads like one separated by semicolons."""
    return ";".join(line for line in text.splitlines() if line.strip())


def _merged(links: Iterable[RelatedSkill]) -> tuple[RelatedSkill, ...]:
    """One link per skill; the strongest wins when a skill is named twice."""
    strongest: dict[str, float] = {}
    for link in links:
        strongest[link.skill_id] = max(link.strength, strongest.get(link.skill_id, 0.0))
    return tuple(sorted(RelatedSkill(s, v) for s, v in strongest.items()))


def relations_of(skills: Iterable[Skill], skill_id: str) -> tuple[RelatedSkill, ...]:
    """Every relation of one skill, whichever side it is stored on."""
    found: list[RelatedSkill] = []
    for skill in skills:
        for link in skill.related:
            if skill.id == skill_id:
                found.append(link)
            elif link.skill_id == skill_id:
                found.append(RelatedSkill(skill.id, link.strength))
    return _merged(found)


def check_skill(skills: tuple[Skill, ...], skill: Skill, *, new: bool) -> Problems:
    """What is wrong with adding (``new``) or changing ``skill`` in the taxonomy ``skills``."""
    problems = Problems()
    by_id = {s.id: s for s in skills}
    if new and skill.id in by_id:
        problems.add(
            _at("id"),
            phrase(
                "there is already a skill with the id '{id}' ({name})", id=skill.id, name=by_id[skill.id].name
            ),
        )
    if not new and skill.id not in by_id:
        problems.add(_at("id"), phrase("there is no skill with the id '{id}'", id=skill.id))
    others = [s for s in skills if s.id != skill.id]
    texts = _texts(others)
    taken = texts.get(normalise(skill.name))
    if taken:
        problems.add(_at("name"), phrase("'{name}' is already {taken}", name=skill.name, taken=taken))
    for alias in skill.aliases:
        taken = texts.get(normalise(alias))
        if taken:
            problems.add(
                _at("aliases"), phrase("the alias '{alias}' is already {taken}", alias=alias, taken=taken)
            )
    _check_parent(by_id, skill, problems)
    for link in skill.related:
        if link.skill_id == skill.id:
            problems.add(_at("related"), phrase("a skill cannot be related to itself"))
        elif link.skill_id not in by_id:
            problems.add(
                _at("related"), phrase("the related skill '{id}' is not a known skill", id=link.skill_id)
            )
    return problems


def _texts(skills: Iterable[Skill]) -> dict[str, str]:
    """Normalised id, name and alias -> what it already is, for the message."""
    texts: dict[str, str] = {}
    for skill in skills:
        texts.setdefault(normalise(skill.id), phrase("the id of the skill '{name}'", name=skill.name))
        texts.setdefault(normalise(skill.name), phrase("the name of the skill '{id}'", id=skill.id))
        for alias in skill.aliases:
            texts.setdefault(normalise(alias), phrase("an alias of the skill '{name}'", name=skill.name))
    return texts


def _check_parent(by_id: dict[str, Skill], skill: Skill, problems: Problems) -> None:
    parent = skill.parent_id
    if parent is None:
        return
    if parent == skill.id:
        problems.add(_at("parent"), phrase("a skill cannot be its own parent"))
        return
    if parent not in by_id:
        problems.add(_at("parent"), phrase("the parent skill '{id}' is not a known skill", id=parent))
        return
    chain = [skill.id, parent]
    seen = {skill.id}
    current: str | None = parent
    while current is not None and current not in seen:
        seen.add(current)
        current = by_id[current].parent_id if current in by_id else None
        if current is not None:
            chain.append(current)
    if current == skill.id:
        problems.add(
            _at("parent"),
            phrase(
                "'{parent}' cannot be the parent: it is below '{id}' already, "
                "so the parent links would form a loop: {loop}",
                parent=parent,
                id=skill.id,
                loop=" -> ".join(chain),
            ),
        )


def with_skill(skills: tuple[Skill, ...], skill: Skill) -> tuple[Skill, ...]:
    """The taxonomy with ``skill`` added or changed; its relations replace every stored
    relation of it, whichever side they were stored on."""
    rest = [
        dataclasses.replace(s, related=tuple(r for r in s.related if r.skill_id != skill.id))
        for s in skills
        if s.id != skill.id
    ]
    ordered = sorted([*rest, skill], key=lambda s: s.id)
    return integrity.normalise_relations(tuple(ordered))


def add_skill(db: Database, skill: Skill, *, now: dt.datetime) -> Skill:
    return _save(db, skill, new=True, now=now)


def update_skill(db: Database, skill: Skill, *, now: dt.datetime) -> Skill:
    return _save(db, skill, new=False, now=now)


def _save(db: Database, skill: Skill, *, new: bool, now: dt.datetime) -> Skill:
    with db.transaction() as session:
        lock_data(session)
        before = load_skills(session)
        problems = check_skill(before, skill, new=new)
        problems.raise_if_any()
        after = with_skill(before, skill)
        # The import's own checks on the result: a second guard, with the same rules.
        integrity.check_organisation(Organisation(skills=after), Locator(WHERE), problems)
        if problems:
            raise InvalidInput(list(problems), problems.total)
        if after == before:
            return skill
        changes = Changes(skills_added=(skill.id,)) if new else Changes(skills_updated=(skill.id,))
        storage.write_changes(
            session,
            Organisation(skills=before),
            Organisation(skills=after),
            sources=[
                phrase("skills page: added {skill}", skill=skill.id)
                if new
                else phrase("skills page: changed {skill}", skill=skill.id)
            ],
            replace=False,
            changes=changes,
            now=now,
        )
    return skill
