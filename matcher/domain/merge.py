"""Merging an imported file into the stored organisation: an upsert by id.

Re-importing a file changes what changed and never duplicates. People absent
from the file stay, unless the import replaces (``--replace``): then the file is
the whole truth for the parts it carries.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from matcher.domain import ownership
from matcher.domain.integrity import normalise_relations
from matcher.domain.model import HistoryEntry, Holding, Organisation, Person, RelatedSkill, Skill, Wish
from matcher.domain.ownership import Change, Conflict, PersonReview, Provenance, Takes
from matcher.domain.parsed import Parsed
from matcher.domain.phrases import counted, phrase
from matcher.domain.problems import commas

Item = TypeVar("Item", Holding, Wish)

PERSON_ORDER = tuple(f.name for f in dataclasses.fields(Person))
PERSON_FIELDS = frozenset(PERSON_ORDER)
NOBODYS_OWN = Provenance()
NOTHING_TAKEN = Takes()


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
    #: What HR took from the file against what people entered: (person id, field key).
    taken: tuple[tuple[str, str], ...] = ()

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
        if self.taken:
            fields = [
                phrase("{person}: {field}", person=p, field=ownership.said_key(k)) for p, k in self.taken
            ]
            parts.append(
                counted(
                    len(self.taken),
                    "{n} field taken from the file over what the person entered ({fields:list})",
                    "{n} fields taken from the file over what people entered ({fields:list})",
                    fields=fields,
                )
            )
        return commas(parts)


def _upsert(
    stored: tuple[Any, ...],
    incoming: tuple[Any, ...],
    keep_absent: bool,
    combine: Callable[[Any, Any], Any] = lambda old, new: new,
    add: Callable[[Any], Any] = lambda new: new,
) -> tuple[Any, ...]:
    """Items by ``.id``: incoming ones update stored ones in place, new ones follow."""
    new = {item.id: item for item in incoming}
    merged = [
        combine(item, new.pop(item.id)) if item.id in new else item
        for item in stored
        if keep_absent or item.id in new
    ]
    return (*merged, *(add(item) for item in new.values()))


class _Rules:
    """The ownership rules of one merge (:mod:`matcher.domain.ownership`), and the conflicts found."""

    def __init__(self, parsed: Parsed, by: str, takes: Takes) -> None:
        self.parsed, self.by, self.takes = parsed, by, takes
        self.conflicts: dict[str, list[Conflict]] = {}

    @property
    def from_file(self) -> bool:
        return self.by == ownership.BY_FILE

    def conflict(
        self, person_id: str, key: str, theirs: object, in_file: object, takeable: bool = True
    ) -> bool:
        """Note a conflict; whether the file's value is taken."""
        taken = takeable and self.takes.takes(person_id, key)
        self.conflicts.setdefault(person_id, []).append(Conflict(key, theirs, in_file, takeable, taken))
        return taken

    def update(self, old: Person, new: Person) -> Person:
        """A stored person takes the fields the file gives that HR owns; a field the person owns
        only when HR takes it, and an opt-in never switched on."""
        given = self.parsed.given_fields.get(new.id)
        values = {}
        for name in PERSON_ORDER:
            if given is not None and name not in given:
                continue
            value, before = getattr(new, name), getattr(old, name)
            rule = ownership.BY_ATTRIBUTE.get(name)
            if self.from_file and rule is not None and rule.owner != ownership.HR and value != before:
                on = rule.opt_in and ownership.switches_on(before, value)
                if not self.conflict(old.id, rule.key, before, value, takeable=not on):
                    continue
            values[name] = value
        return dataclasses.replace(old, **values)

    def add(self, new: Person) -> Person:
        """A new person from a file: their opt-ins stay at the defaults unless the file switches
        one off; they opt in themselves."""
        if not self.from_file:
            return new
        default = Person(new.id, new.name, new.email)
        values = {}
        for rule in ownership.FIELDS:
            if rule.opt_in and rule.attribute:
                value, start = getattr(new, rule.attribute), getattr(default, rule.attribute)
                if ownership.switches_on(start, value):
                    self.conflict(new.id, rule.key, start, value, takeable=False)
                    values[rule.attribute] = start
        return dataclasses.replace(new, **values) if values else new


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


def _value(item: Holding | Wish) -> int:
    return int(item.level) if isinstance(item, Holding) else item.priority


def _merge_per_person(
    stored: tuple[Item, ...],
    incoming: tuple[Item, ...],
    speaks_for: set[str],
    covered: frozenset[str] | None,
    part: str,
    own: frozenset[tuple[str, str]],
    rules: _Rules,
) -> tuple[Item, ...]:
    """The file's holdings (or wishes) replace the stored ones of the people it speaks for, for the
    skills it covers; from a file, not the ones the person entered (``own``): those stay, and a
    different value in the file is a conflict, taken only when HR takes it."""

    def replaced(item: Item) -> bool:
        return item.person_id in speaks_for and (covered is None or item.skill_id in covered)

    in_file: dict[tuple[str, str], Item] = {(i.person_id, i.skill_id): i for i in incoming}
    kept: list[Item] = []
    for item in stored:
        key = (item.person_id, item.skill_id)
        if not replaced(item):
            kept.append(item)
        elif rules.from_file and key in own:
            other = in_file.get(key)
            if other is None or other == item:
                kept.append(item)
                in_file.pop(key, None)
            elif not rules.conflict(item.person_id, f"{part}.{item.skill_id}", _value(item), _value(other)):
                kept.append(item)
                del in_file[key]
    return tuple(kept) + tuple(in_file.values())


def _history_key(entry: HistoryEntry) -> tuple[object, ...]:
    return (entry.round, entry.kind, tuple(sorted(entry.members)), entry.started)


@dataclass(frozen=True)
class Merged:
    """The organisation after a merge, what changed, whose levels and wishes are whose, and what
    happens to each person (with the conflicts a file has with what people entered)."""

    organisation: Organisation
    changes: Changes
    provenance: Provenance
    reviews: tuple[PersonReview, ...]

    def __iter__(self) -> Iterator[Any]:
        """``merged, changes = merge(...)`` still reads."""
        return iter((self.organisation, self.changes))


def merge(
    stored: Organisation,
    parsed: Parsed,
    *,
    replace: bool = False,
    by: str = ownership.BY_FILE,
    own: Provenance = NOBODYS_OWN,
    takes: Takes = NOTHING_TAKEN,
) -> Merged:
    """Merge a file (``by`` :data:`~matcher.domain.ownership.BY_FILE`) or an edit into the stored
    organisation. ``own`` says which levels and wishes people entered themselves; ``takes`` what HR
    takes from the file against what people entered."""
    rules = _Rules(parsed, by, takes)
    incoming = parsed.organisation
    replace_people = replace and parsed.has_people
    people = (
        _upsert(stored.people, incoming.people, not replace_people, rules.update, rules.add)
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
        _merge_per_person(
            stored.holdings,
            incoming.holdings,
            speaking_for("skills"),
            covered_holdings,
            "skills",
            own.holdings,
            rules,
        )
    )
    wishes = alive(
        _merge_per_person(
            stored.wishes,
            incoming.wishes,
            speaking_for("wishes"),
            covered_wishes,
            "wishes",
            own.wishes,
            rules,
        )
    )

    history = stored.history
    if parsed.has_history:
        base = () if replace else stored.history
        known = {_history_key(h) for h in base}
        history = (*base, *(h for h in incoming.history if _history_key(h) not in known))

    merged = Organisation(incoming.name or stored.name, people, skills, holdings, wishes, history)
    provenance = Provenance(
        _own_after(stored.holdings, holdings, own.holdings, by),
        _own_after(stored.wishes, wishes, own.wishes, by),
    )
    reviews = review(stored, merged, rules.conflicts)
    taken = tuple((c_person, c.key) for c_person, found in rules.conflicts.items() for c in found if c.taken)
    return Merged(merged, _changes(stored, merged, taken), provenance, reviews)


def _own_after(
    before: tuple[Item, ...], after: tuple[Item, ...], own: frozenset[tuple[str, str]], by: str
) -> frozenset[tuple[str, str]]:
    """Whose each level (wish) is after a merge: an unchanged one stays whose it was; one the
    person sets is theirs; one a file or HR sets is HR's."""
    old = {(i.person_id, i.skill_id): i for i in before}
    result = set()
    for item in after:
        key = (item.person_id, item.skill_id)
        if old.get(key) == item:
            if key in own:
                result.add(key)
        elif by == ownership.BY_SELF:
            result.add(key)
    return frozenset(result)


def _people_fields(old: Person, new: Person) -> list[Change]:
    return [
        Change(rule.key, getattr(old, rule.attribute), getattr(new, rule.attribute))
        for rule in ownership.FIELDS
        if rule.attribute and getattr(old, rule.attribute) != getattr(new, rule.attribute)
    ]


def _entry_changes(part: str, before: dict[str, int], after: dict[str, int]) -> list[Change]:
    return [
        Change(f"{part}.{skill}", before.get(skill), after.get(skill))
        for skill in sorted(before.keys() | after.keys())
        if before.get(skill) != after.get(skill)
    ]


def _entries(items: tuple[Item, ...]) -> dict[str, dict[str, int]]:
    found: dict[str, dict[str, int]] = {}
    for item in items:
        found.setdefault(item.person_id, {})[item.skill_id] = _value(item)
    return found


def review(
    before: Organisation, after: Organisation, conflicts: Mapping[str, list[Conflict]]
) -> tuple[PersonReview, ...]:
    """Per person with something to say: the fields that change (old, new) and the conflicts with
    what they entered, in the order of the people."""
    old = {p.id: p for p in before.people}
    new = {p.id: p for p in after.people}
    levels = _entries(before.holdings), _entries(after.holdings)
    wishes = _entries(before.wishes), _entries(after.wishes)
    reviews = []
    for person_id in (*old, *(i for i in new if i not in old)):
        found = tuple(conflicts.get(person_id, ()))
        if person_id not in new:
            reviews.append(PersonReview(person_id, old[person_id].name, ownership.REMOVED, (), found))
            continue
        if person_id not in old:
            reviews.append(PersonReview(person_id, new[person_id].name, ownership.ADDED, (), found))
            continue
        changes = (
            _people_fields(old[person_id], new[person_id])
            + _entry_changes("skills", levels[0].get(person_id, {}), levels[1].get(person_id, {}))
            + _entry_changes("wishes", wishes[0].get(person_id, {}), wishes[1].get(person_id, {}))
        )
        if changes or found:
            status = ownership.UPDATED if changes else ownership.KEPT
            reviews.append(PersonReview(person_id, new[person_id].name, status, tuple(changes), found))
    return tuple(reviews)


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


def _changes(before: Organisation, after: Organisation, taken: tuple[tuple[str, str], ...] = ()) -> Changes:
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
        taken=taken,
    )
