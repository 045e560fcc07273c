"""The history of a person: every change made to them, field by field, and how to go back.

A person's state is a *record*: a flat mapping of field to a JSON value. The person's own fields
are named as the storage names them (``department``, ``manager_id``, ``working_hours`` ...), a
skill level is ``skills.<skill id>`` and a learning wish's priority ``wishes.<skill id>``; a field
that is absent is not set (a skill not held, or no person at all). A change is the fields that
differ between two records, each with its old and new value.

Going back never deletes history: it computes the records to write, and writing them is a new
change. Going back before one change of a person (:func:`rewind`) undoes it and everything after
it; undoing one run (:func:`undo`) takes back only what that run did, and keeps a field a later
change touched (the plan says which, and why).

>>> differences({"site": "Stadhuis", "skills.sql": 2}, {"site": "Werf", "skills.sql": 2})
(FieldChange(field='site', old='Stadhuis', new='Werf'),)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from matcher.domain.phrases import phrase

#: A person's state as a flat mapping of field to a JSON value (see the module's docstring).
Record = Mapping[str, Any]

#: The person's own fields in the order a page lists them; skills and wishes follow.
PERSON_FIELDS: tuple[str, ...] = (
    "name",
    "email",
    "department",
    "function",
    "site",
    "team",
    "manager_id",
    "start_date",
    "leaving_date",
    "years_experience",
    "intern",
    "newcomer",
    "languages",
    "timezone",
    "working_hours",
    "ask_me",
    "mentor_capacity",
    "host_capacity",
    "presenter",
)
SKILL_PREFIX = "skills."
WISH_PREFIX = "wishes."

#: What made a change: a file imported, the person's own profile, an HR edit, a restore or an undo.
KINDS: tuple[str, ...] = ("import", "profile", "hr", "restore", "undo")
#: What a change did to the person as a whole.
ADDED, CHANGED, REMOVED = "added", "changed", "removed"


@dataclass(frozen=True)
class Author:
    """Who made a change and how. ``by`` is an account's login (or the person's own id for their
    profile), none for a file imported on the command line; ``reverts`` is the run a restore or
    an undo went back before."""

    kind: str = "import"
    by: str | None = None
    reverts: int | None = None


#: A file imported on the command line: nobody named.
IMPORTED = Author()


@dataclass(frozen=True)
class FieldChange:
    field: str
    old: Any
    new: Any


@dataclass(frozen=True)
class PersonChange:
    """One recorded change of one person: what a run did to them."""

    id: int
    run_id: int
    at: dt.datetime
    person_id: str
    event: str
    author: Author
    #: The run's sources: file names, or messages for edits.
    sources: tuple[str, ...]
    fields: tuple[FieldChange, ...]


@dataclass(frozen=True)
class Kept:
    """A field going back would change, that stays as it is, and why."""

    field: str
    value: Any
    reason: str


@dataclass(frozen=True)
class PersonPlan:
    """What going back does to one person: the fields that go back (old: as they are now, new: as
    they will be), those that stay, and the record to write (None: the person is taken out)."""

    person_id: str
    back: tuple[FieldChange, ...]
    kept: tuple[Kept, ...]
    record: dict[str, Any] | None
    #: added (the person comes back), removed (the person is taken out) or changed.
    event: str


@dataclass(frozen=True)
class Plan:
    """Going back, for every person it touches."""

    people: tuple[PersonPlan, ...]

    @property
    def kept(self) -> tuple[tuple[str, Kept], ...]:
        return tuple((p.person_id, k) for p in self.people for k in p.kept)

    @property
    def nothing(self) -> bool:
        return not any(p.back for p in self.people)


def field_order(field: str) -> tuple[int, str]:
    """Person fields in :data:`PERSON_FIELDS`' order, then skill levels, then wishes, by skill id."""
    if field in PERSON_FIELDS:
        return (PERSON_FIELDS.index(field), "")
    if field.startswith(SKILL_PREFIX):
        return (len(PERSON_FIELDS), field)
    if field.startswith(WISH_PREFIX):
        return (len(PERSON_FIELDS) + 1, field)
    return (len(PERSON_FIELDS) + 2, field)


def differences(before: Record, after: Record) -> tuple[FieldChange, ...]:
    """Every field whose value differs, in :func:`field_order`; an absent field is None."""
    fields = sorted(set(before) | set(after), key=field_order)
    return tuple(FieldChange(f, before.get(f), after.get(f)) for f in fields if before.get(f) != after.get(f))


def event_of(before: Record, after: Record) -> str:
    if not before:
        return ADDED
    return REMOVED if not after else CHANGED


def skill_of(field: str) -> str | None:
    """The skill a level or wish field is about: ``skills.sql`` -> ``sql``; None for a person field."""
    for prefix in (SKILL_PREFIX, WISH_PREFIX):
        if field.startswith(prefix):
            return field[len(prefix) :]
    return None


def _set(record: dict[str, Any], field: str, value: Any) -> None:
    if value is None:
        record.pop(field, None)
    else:
        record[field] = value


def _plan(
    person_id: str, current: Record, wanted: dict[str, Any], kept: list[Kept], skills: set[str]
) -> PersonPlan:
    """The plan to go from ``current`` to ``wanted``, keeping what names a skill no longer there."""
    target = dict(wanted)
    for change in differences(current, wanted):
        skill = skill_of(change.field)
        if skill is not None and change.new is not None and skill not in skills:
            _set(target, change.field, current.get(change.field))
            kept.append(
                Kept(
                    change.field,
                    current.get(change.field),
                    phrase("the skill '{skill}' is no longer in the taxonomy", skill=skill),
                )
            )
    if kept and not target and current:
        # A person cannot be half taken out: when anything of theirs stays, they all stay.
        target = dict(current)
    back = differences(current, target)
    event = event_of(current, target) if back else CHANGED
    return PersonPlan(person_id, back, tuple(kept), target or None, event)


def rewind(
    person_id: str, current: Record, changes: Iterable[PersonChange], skills: Iterable[str]
) -> PersonPlan:
    """The person as they were before the oldest of ``changes`` (all of them theirs, that change and
    every later one): each change is taken back, newest first. A skill no longer in the taxonomy
    cannot be held again; that field stays as it is now."""
    wanted = dict(current)
    for change in sorted(changes, key=lambda c: c.id, reverse=True):
        for field in change.fields:
            _set(wanted, field.field, field.old)
    return _plan(person_id, current, wanted, [], set(skills))


def undo(
    change: PersonChange, current: Record, later: Iterable[PersonChange], skills: Iterable[str]
) -> PersonPlan:
    """One run's change of a person taken back: each field goes back to its old value, unless a
    later change touched it (that field stays, with the later change as the reason). A person the
    run added is taken out, and one it removed comes back, when nothing later touched them."""
    wanted = dict(current)
    kept: list[Kept] = []
    touched: dict[str, PersonChange] = {}
    for other in sorted(later, key=lambda c: c.id):
        for field in other.fields:
            touched.setdefault(field.field, other)
    whole = change.event != CHANGED and bool(touched)
    reasons: dict[int, str] = {}
    for field in change.fields:
        by = touched.get(field.field)
        if by is not None or whole:
            later_change = by or next(iter(touched.values()))
            if later_change.id not in reasons:
                reasons[later_change.id] = _changed_later(later_change)
            kept.append(Kept(field.field, current.get(field.field), reasons[later_change.id]))
        else:
            _set(wanted, field.field, field.old)
    if whole:
        wanted = dict(current)
    return _plan(change.person_id, current, wanted, kept, set(skills))


def entered_by_self(field: str, changes: Iterable[PersonChange], before: int) -> bool:
    """Whether the value ``field`` had just before change ``before`` was the person's own entry:
    the latest earlier change that set it was their own profile edit. A restore or an undo brought
    back the value from before the change it went back over, so that value's change decides."""
    changes = list(changes)
    earlier = sorted((c for c in changes if c.id < before), key=lambda c: c.id, reverse=True)
    for change in earlier:
        if not any(f.field == field for f in change.fields):
            continue
        if change.author.kind in ("restore", "undo"):
            origin = next((c for c in changes if c.run_id == change.author.reverts), None)
            return origin is not None and origin.id < change.id and entered_by_self(field, changes, origin.id)
        return change.author.kind == "profile"
    return False


def _changed_later(change: PersonChange) -> str:
    return phrase(
        "changed later ({sources:list}, {date})", sources=list(change.sources), date=change.at.date()
    )
