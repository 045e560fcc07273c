"""Merging an imported file into the stored organisation: an upsert by id.

Re-importing a file changes what changed and never duplicates. People absent
from the file stay, unless the import replaces (``--replace``): then the file is
the whole truth for the parts it carries.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from matcher.domain.integrity import normalise_relations
from matcher.domain.model import HistoryEntry, Holding, Organisation, Person, RelatedSkill, Skill, Wish
from matcher.domain.parsed import Parsed
from matcher.domain.phrases import counted, phrase
from matcher.domain.problems import commas

Item = TypeVar("Item", Holding, Wish)

PERSON_FIELDS = frozenset(f.name for f in dataclasses.fields(Person))


@dataclass(frozen=True)
class Changes:
    """What an import changes, by id, for the report shown after it."""

    people_added: tuple[str, ...] = ()
    people_updated: tuple[str, ...] = ()
    people_removed: tuple[str, ...] = ()
    skills_added: tuple[str, ...] = ()
    skills_updated: tuple[str, ...] = ()
    skills_removed: tuple[str, ...] = ()
    holdings_changed: int = 0
    wishes_changed: int = 0
    history_added: int = 0
    history_removed: int = 0
    name_changed: bool = False

    @property
    def nothing(self) -> bool:
        return not any(
            (
                self.people_added,
                self.people_updated,
                self.people_removed,
                self.skills_added,
                self.skills_updated,
                self.skills_removed,
                self.holdings_changed,
                self.wishes_changed,
                self.history_added,
                self.history_removed,
                self.name_changed,
            )
        )

    def summary(self) -> str:
        """What changed, as a message: "1 person added, 0 updated, ..." (stored with the run)."""
        parts = [
            counted(len(self.people_added), "{n} person added", "{n} people added"),
            counted(len(self.people_updated), "{n} updated", "{n} updated"),
            counted(len(self.people_removed), "{n} removed", "{n} removed"),
            counted(len(self.skills_added), "{n} skill added", "{n} skills added"),
            counted(len(self.skills_updated), "{n} updated", "{n} updated"),
            counted(len(self.skills_removed), "{n} removed", "{n} removed"),
            phrase(
                "{levels} and {wishes} changed",
                levels=counted(self.holdings_changed, "{n} skill level", "{n} skill levels"),
                wishes=counted(self.wishes_changed, "{n} wish", "{n} wishes"),
            ),
        ]
        if self.history_added:
            parts.append(
                counted(
                    self.history_added,
                    "{n} earlier pairing or group added",
                    "{n} earlier pairings or groups added",
                )
            )
        if self.history_removed:
            parts.append(
                counted(
                    self.history_removed,
                    "{n} earlier pairing or group removed",
                    "{n} earlier pairings or groups removed",
                )
            )
        if self.name_changed:
            parts.append(phrase("the organisation's name changed"))
        return commas(parts)


def _upsert(
    stored: tuple[Any, ...],
    incoming: tuple[Any, ...],
    keep_absent: bool,
    combine: Callable[[Any, Any], Any] = lambda old, new: new,
) -> tuple[Any, ...]:
    """Items by ``.id``: incoming ones update stored ones in place, new ones follow."""
    new = {item.id: item for item in incoming}
    merged = [
        combine(item, new.pop(item.id)) if item.id in new else item
        for item in stored
        if keep_absent or item.id in new
    ]
    return (*merged, *new.values())


def _update_person(parsed: Parsed) -> Callable[[Person, Person], Person]:
    """A stored person takes the fields the file gives; the others stay as stored."""

    def combine(old: Person, new: Person) -> Person:
        given = parsed.given_fields.get(new.id)
        if given is None:
            return new
        return dataclasses.replace(old, **{f: getattr(new, f) for f in given if f in PERSON_FIELDS})

    return combine


def _merge_skills(stored: Organisation, parsed: Parsed, replace: bool) -> tuple[Skill, ...]:
    incoming = parsed.organisation.skills
    if not parsed.has_skills:
        return stored.skills
    keep_absent = not replace
    skills = _upsert(stored.skills, incoming, keep_absent)
    in_file = {s.id for s in incoming}
    given = {frozenset((s.id, r.skill_id)) for s in incoming for r in s.related}
    # A stored relation survives unless the file gives it or speaks for both of its ends.
    kept: dict[str, list[RelatedSkill]] = {}
    if keep_absent:
        for skill in stored.skills:
            for related in skill.related:
                both_in_file = skill.id in in_file and related.skill_id in in_file
                if not both_in_file and frozenset((skill.id, related.skill_id)) not in given:
                    kept.setdefault(skill.id, []).append(related)
    merged = (dataclasses.replace(s, related=s.related + tuple(kept.get(s.id, ()))) for s in skills)
    return normalise_relations(tuple(merged))


def _merge_per_person(
    stored: tuple[Item, ...],
    incoming: tuple[Item, ...],
    speaks_for: set[str],
    covered: frozenset[str] | None,
) -> tuple[Item, ...]:
    """The file's holdings (or wishes) replace the stored ones of the people it speaks for, for the
    skills it covers."""

    def replaced(item: Item) -> bool:
        return item.person_id in speaks_for and (covered is None or item.skill_id in covered)

    return tuple(item for item in stored if not replaced(item)) + incoming


def _history_key(entry: HistoryEntry) -> tuple[object, ...]:
    return (entry.round, entry.kind, tuple(sorted(entry.members)), entry.started)


def merge(stored: Organisation, parsed: Parsed, *, replace: bool = False) -> tuple[Organisation, Changes]:
    incoming = parsed.organisation
    replace_people = replace and parsed.has_people
    people = (
        _upsert(stored.people, incoming.people, not replace_people, _update_person(parsed))
        if parsed.has_people
        else stored.people
    )
    skills = _merge_skills(stored, parsed, replace)
    people_ids = {p.id for p in people}
    skill_ids = {s.id for s in skills}
    in_file = {p.id for p in incoming.people}

    def speaking_for(part: str) -> set[str]:
        if replace_people:
            return in_file
        return {i for i in in_file if part in parsed.given_fields.get(i, (part,))}

    covered_holdings = None if replace_people else parsed.covered_holdings
    covered_wishes = None if replace_people else parsed.covered_wishes

    def alive(items: tuple[Item, ...]) -> tuple[Item, ...]:
        # Removing a person or (with --replace) a skill takes their holdings and wishes along.
        return tuple(
            i for i in items if i.person_id in people_ids and (i.skill_id in skill_ids or i in incoming_items)
        )

    incoming_items = {*incoming.holdings, *incoming.wishes}
    holdings = alive(
        _merge_per_person(stored.holdings, incoming.holdings, speaking_for("skills"), covered_holdings)
    )
    wishes = alive(_merge_per_person(stored.wishes, incoming.wishes, speaking_for("wishes"), covered_wishes))

    history = stored.history
    if parsed.has_history:
        base = () if replace else stored.history
        known = {_history_key(h) for h in base}
        history = (*base, *(h for h in incoming.history if _history_key(h) not in known))

    merged = Organisation(incoming.name or stored.name, people, skills, holdings, wishes, history)
    return merged, _changes(stored, merged)


class _HasId(Protocol):
    @property
    def id(self) -> str: ...


def _diff_by_id(
    before: tuple[_HasId, ...], after: tuple[_HasId, ...]
) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    old = {item.id: item for item in before}
    new = {item.id: item for item in after}
    added = tuple(i for i in new if i not in old)
    updated = tuple(i for i in new if i in old and old[i] != new[i])
    removed = tuple(i for i in old if i not in new)
    return added, updated, removed


def _changed_count(before: tuple[Item, ...], after: tuple[Item, ...]) -> int:
    old = {(i.person_id, i.skill_id): i for i in before}
    new = {(i.person_id, i.skill_id): i for i in after}
    return sum(1 for key in old.keys() | new.keys() if old.get(key) != new.get(key))


def _changes(before: Organisation, after: Organisation) -> Changes:
    people = _diff_by_id(before.people, after.people)
    skills = _diff_by_id(before.skills, after.skills)
    old_history = {_history_key(h) for h in before.history}
    new_history = {_history_key(h) for h in after.history}
    return Changes(
        *people,
        *skills,
        holdings_changed=_changed_count(before.holdings, after.holdings),
        wishes_changed=_changed_count(before.wishes, after.wishes),
        history_added=len(new_history - old_history),
        history_removed=len(old_history - new_history),
        name_changed=before.name != after.name,
    )
