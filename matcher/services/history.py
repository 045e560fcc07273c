"""A person's history, and going back: restore a person to before a change, undo a whole run.

Every change of a person is recorded where it is written (:func:`matcher.storage.write_changes`),
so these use cases only read the history and write what going back gives, as a new change: no
history is ever deleted. Going back is planned first (:func:`plan_restore`, :func:`plan_undo`), so
that a page or a command can show what goes back and what stays; doing it refuses, with every
field located, when something would stay, unless the caller agreed to keep it (``keep``).
Skills in the taxonomy, earlier pairings and groups and the organisation's name are not part of a
person's history and stay as they are. A level or wish that comes back is the person's own again when
they had entered it on their profile (:mod:`matcher.domain.ownership`), so a later import keeps it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from typing import Any

from matcher import storage
from matcher.domain import history, integrity
from matcher.domain.history import Author, PersonChange, Plan
from matcher.domain.imports import ImportRun
from matcher.domain.merge import Changes
from matcher.domain.model import Holding, Organisation, Person, Wish
from matcher.domain.ownership import Provenance
from matcher.domain.phrases import phrase
from matcher.domain.problems import InvalidInput, Location, Locator, Problem, Problems
from matcher.storage import Database, admin, talentmap
from matcher.storage import history as store


@dataclass(frozen=True)
class RunChanges:
    """One run with what it changed, person by person, and the run that undid it (if one did)."""

    run: ImportRun
    changes: tuple[PersonChange, ...]
    undone_by: int | None


def changes_of(db: Database, person_id: str, *, limit: int | None = None) -> list[PersonChange]:
    """The person's recorded changes, newest first (the latest ``limit``, when given)."""
    with db.transaction() as session:
        found = store.changes_of(session, person_id)
    found.reverse()
    return found if limit is None else found[:limit]


def change(db: Database, change_id: int) -> PersonChange | None:
    with db.transaction() as session:
        return store.change(session, change_id)


def run_changes(db: Database, run_id: int) -> RunChanges | None:
    """The run with this id and what it changed; None when there is no such run."""
    with db.transaction() as session:
        found = store.run(session, run_id)
        if found is None:
            return None
        return RunChanges(found, tuple(store.changes_in(session, run_id)), store.undone_by(session, run_id))


# -- restoring one person ----------------------------------------------------------------------------


def _restore_place(person_id: str) -> str:
    return phrase("restore of {person}", person=person_id)


#: What a plan was made from: the organisation as stored, the plan, per person the id of the change
#: going back goes back before, and per person their whole history.
Planned = tuple[Organisation, Plan, dict[str, int], dict[str, list[PersonChange]]]


def _restore_plan(session: Any, person_id: str, change_id: int) -> Planned:
    found = store.change(session, change_id)
    if found is None or found.person_id != person_id:
        raise InvalidInput(
            [Problem(Location(_restore_place(person_id)), phrase("there is no such change of this person"))]
        )
    stored = storage.load_organisation(session)
    current = store.records(stored, [person_id]).get(person_id, {})
    changes = store.changes_of(session, person_id)
    since = [c for c in changes if c.id >= change_id]
    plan = Plan((history.rewind(person_id, current, since, (s.id for s in stored.skills)),))
    return stored, plan, {person_id: change_id}, {person_id: changes}


def plan_restore(db: Database, person_id: str, change_id: int) -> Plan:
    """What restoring the person to how they were before change ``change_id`` does."""
    with db.transaction() as session:
        return _restore_plan(session, person_id, change_id)[1]


def restore_person(
    db: Database, person_id: str, change_id: int, *, by: str | None, now: dt.datetime, keep: bool = False
) -> int | None:
    """Restore the person to how they were before change ``change_id``: that change and every later
    one taken back, as a new change made by ``by``. Returns its run id; None when nothing differs.
    Refuses (InvalidInput) what cannot go back unless ``keep``."""
    with db.transaction() as session:
        admin.lock_data(session)
        planned = _restore_plan(session, person_id, change_id)
        run_id = next(c.run_id for c in planned[3][person_id] if c.id == change_id)
        source = phrase("restore of {person} to before change {run}", person=person_id, run=run_id)
        author = Author("restore", by, run_id)
        return _write(session, planned, _restore_place(person_id), source, author, now, keep)


# -- undoing a run --------------------------------------------------------------------------------------


def _undo_place(run_id: int) -> str:
    return phrase("undo of change {run}", run=run_id)


def _undo_plan(session: Any, run_id: int) -> Planned:
    place = _undo_place(run_id)
    if store.run(session, run_id) is None:
        raise InvalidInput([Problem(Location(place), phrase("there is no such change"))])
    undone = store.undone_by(session, run_id)
    if undone is not None:
        raise InvalidInput(
            [Problem(Location(place), phrase("it was undone already, in change {run}", run=undone))]
        )
    changed = store.changes_in(session, run_id)
    stored = storage.load_organisation(session)
    current = store.records(stored, (c.person_id for c in changed))
    skills = [s.id for s in stored.skills]
    histories = store.changes_of_people(session, (c.person_id for c in changed))
    plans = tuple(
        history.undo(
            c, current.get(c.person_id, {}), [h for h in histories[c.person_id] if h.id > c.id], skills
        )
        for c in changed
    )
    return stored, Plan(plans), {c.person_id: c.id for c in changed}, histories


def plan_undo(db: Database, run_id: int) -> Plan:
    """What undoing run ``run_id`` does to every person it touched."""
    with db.transaction() as session:
        return _undo_plan(session, run_id)[1]


def undo_run(
    db: Database, run_id: int, *, by: str | None, now: dt.datetime, keep: bool = False
) -> int | None:
    """Undo run ``run_id`` (an import, or an edit): every person it touched goes back to how they
    were before it, as a new change made by ``by``; returns its run id, None when nothing differs.
    A field a later change touched stays as it is: refused (InvalidInput, per person and field)
    unless ``keep``."""
    with db.transaction() as session:
        admin.lock_data(session)
        planned = _undo_plan(session, run_id)
        source = phrase("undo of change {run}", run=run_id)
        return _write(session, planned, _undo_place(run_id), source, Author("undo", by, run_id), now, keep)


# -- writing what going back gives -----------------------------------------------------------------------


def _write(
    session: Any,
    planned: Planned,
    place: str,
    source: str,
    author: Author,
    now: dt.datetime,
    keep: bool,
) -> int | None:
    stored, plan, boundaries, histories = planned
    if plan.kept and not keep:
        raise InvalidInput(
            [Problem(Location(place, person_id, k.field), k.reason) for person_id, k in plan.kept]
        )
    if plan.nothing:
        return None
    after = _applied(stored, plan)
    problems = Problems()
    integrity.check_organisation(after, Locator(place), problems)
    problems.raise_if_any()
    own = talentmap.load_provenance(session)
    run_id = storage.write_changes(
        session,
        stored,
        after,
        sources=[source],
        replace=False,
        changes=_summary(plan),
        now=now,
        author=author,
    )
    talentmap.write_provenance(session, own, _provenance(plan, boundaries, histories, own))
    return run_id


def _provenance(
    plan: Plan, boundaries: dict[str, int], histories: dict[str, list[PersonChange]], own: Provenance
) -> Provenance:
    """Who entered each level and wish that goes back: a value the person entered on their own
    profile is theirs again (an import keeps it), any other is HR's."""
    levels, wishes = set(own.holdings), set(own.wishes)
    for person in plan.people:
        if not person.back:
            continue
        changes = histories[person.person_id]
        for field in person.back:
            skill = history.skill_of(field.field)
            if skill is None:
                continue
            marks = levels if field.field.startswith(history.SKILL_PREFIX) else wishes
            key = (person.person_id, skill)
            marks.discard(key)
            if field.new is not None and history.entered_by_self(
                field.field, changes, boundaries[person.person_id]
            ):
                marks.add(key)
    return Provenance(frozenset(levels), frozenset(wishes))


def _applied(stored: Organisation, plan: Plan) -> Organisation:
    """The organisation with every person of the plan as the plan leaves them."""
    moving = {p.person_id for p in plan.people if p.back}
    people: list[Person] = [p for p in stored.people if p.id not in moving]
    holdings: list[Holding] = [h for h in stored.holdings if h.person_id not in moving]
    wishes: list[Wish] = [w for w in stored.wishes if w.person_id not in moving]
    for person_plan in plan.people:
        if person_plan.back and person_plan.record is not None:
            person, levels, wanted = store.person_from_record(person_plan.person_id, person_plan.record)
            people.append(person)
            holdings += levels
            wishes += wanted
    return dataclasses.replace(
        stored,
        people=tuple(sorted(people, key=lambda p: p.id)),
        holdings=tuple(sorted(holdings)),
        wishes=tuple(sorted(wishes)),
    )


def _summary(plan: Plan) -> Changes:
    moving = [p for p in plan.people if p.back]
    fields = [f.field for p in moving for f in p.back]
    return Changes(
        people_added=tuple(p.person_id for p in moving if p.event == history.ADDED),
        people_updated=tuple(p.person_id for p in moving if p.event == history.CHANGED),
        people_removed=tuple(p.person_id for p in moving if p.event == history.REMOVED),
        holdings_changed=sum(1 for f in fields if f.startswith(history.SKILL_PREFIX)),
        wishes_changed=sum(1 for f in fields if f.startswith(history.WISH_PREFIX)),
    )
