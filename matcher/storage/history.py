"""The history of people in the database: what each run changed about each person, field by field.

:func:`record` is called by :func:`matcher.storage.write_changes`, the one door every change of a
person goes through (imports, profile edits, HR edits, restores and undos), with the organisation
before and after; the rows are in :mod:`matcher.storage.rows.history`. A person's state is a
record (:mod:`matcher.domain.history`): JSON values, dates as ISO text. Every function runs inside
the caller's transaction.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from matcher.domain import history
from matcher.domain.history import Author, FieldChange, PersonChange, Record
from matcher.domain.imports import ImportRun
from matcher.domain.model import Holding, Level, Organisation, Person, Wish, WorkingHours, office_hours
from matcher.domain.phrases import AsWritten
from matcher.io import fields
from matcher.storage.base import utc
from matcher.storage.rows.history import PersonChangeRow
from matcher.storage.rows.talentmap import ImportRunRow

_CHUNK = 5000
_DATES = ("start_date", "leaving_date")
#: A person's fields in a record: all but the id, which keys the record.
_FIELDS = tuple(f.name for f in dataclasses.fields(Person) if f.name != "id")


# -- records ------------------------------------------------------------------------------------


def _json(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, tuple):
        return list(value)
    return value


@lru_cache(maxsize=1024)
def _hours(hours: WorkingHours) -> dict[str, list[str]]:
    """Working hours as JSON; many people share the same (the records only read it)."""
    return hours.as_dict()


def person_record(person: Person, levels: dict[str, int], wishes: dict[str, int]) -> dict[str, Any]:
    """The person with their skill levels and wishes as a record of JSON values (what is not set,
    such as no manager, left out)."""
    found = {}
    for name in _FIELDS:
        value = getattr(person, name)
        if value is not None:
            found[name] = _json(value)
    found["working_hours"] = _hours(person.working_hours)
    found |= {f"{history.SKILL_PREFIX}{skill}": level for skill, level in levels.items()}
    found |= {f"{history.WISH_PREFIX}{skill}": priority for skill, priority in wishes.items()}
    return found


def person_from_record(person_id: str, record: Record) -> tuple[Person, list[Holding], list[Wish]]:
    """A record back as the person, their holdings and their wishes (what it leaves out: defaults)."""
    values: dict[str, Any] = {key: value for key, value in record.items() if key in _FIELDS}
    for key in _DATES:
        if values.get(key):
            values[key] = dt.date.fromisoformat(values[key])
    if "languages" in values:
        values["languages"] = tuple(values["languages"])
    if "working_hours" in values:
        values["working_hours"] = fields.parse_working_hours(values["working_hours"]) or office_hours()
    holdings, wishes = [], []
    for key, value in record.items():
        skill = history.skill_of(key)
        if skill is None:
            continue
        if key.startswith(history.SKILL_PREFIX):
            holdings.append(Holding(person_id, skill, Level(int(value))))
        else:
            wishes.append(Wish(person_id, skill, int(value)))
    return Person(id=person_id, **values), holdings, wishes


def records(org: Organisation, person_ids: Iterable[str] | None = None) -> dict[str, dict[str, Any]]:
    """The record of each person in ``org`` (of those with these ids, when given), by id."""
    wanted = None if person_ids is None else set(person_ids)
    levels: dict[str, dict[str, int]] = defaultdict(dict)
    priorities: dict[str, dict[str, int]] = defaultdict(dict)
    for h in org.holdings:
        if wanted is None or h.person_id in wanted:
            levels[h.person_id][h.skill_id] = int(h.level)
    for w in org.wishes:
        if wanted is None or w.person_id in wanted:
            priorities[w.person_id][w.skill_id] = w.priority
    return {
        p.id: person_record(p, levels[p.id], priorities[p.id])
        for p in org.people
        if wanted is None or p.id in wanted
    }


def _touched(before: Organisation, after: Organisation) -> set[str]:
    """The people whose record may differ: their row, a level or a wish differs."""
    people_before = {p.id: p for p in before.people}
    people_after = {p.id: p for p in after.people}
    touched = {
        i for i in people_before.keys() | people_after.keys() if people_before.get(i) != people_after.get(i)
    }
    # Comparing the tuples first is quick when they hold the same objects: most writes change few.
    if before.holdings != after.holdings:
        touched |= {h.person_id for h in set(before.holdings) ^ set(after.holdings)}
    if before.wishes != after.wishes:
        touched |= {w.person_id for w in set(before.wishes) ^ set(after.wishes)}
    return touched


# -- writing ----------------------------------------------------------------------------------------


def record(session: Session, run_id: int, before: Organisation, after: Organisation, author: Author) -> int:
    """Record what run ``run_id`` changed about each person, from the organisation before and after
    it; returns how many people it changed."""
    touched = _touched(before, after)
    if not touched:
        return 0
    old, new = records(before, touched), records(after, touched)
    rows = []
    for person_id in sorted(touched):
        was, now = old.get(person_id, {}), new.get(person_id, {})
        changed = history.differences(was, now)
        if changed:
            rows.append(
                {
                    "run_id": run_id,
                    "person_id": person_id,
                    "event": history.event_of(was, now),
                    "kind": author.kind,
                    "by": author.by,
                    "reverts": author.reverts,
                    "fields": [{"field": c.field, "old": c.old, "new": c.new} for c in changed],
                }
            )
    for start in range(0, len(rows), _CHUNK):
        session.execute(insert(PersonChangeRow.__table__), rows[start : start + _CHUNK])  # type: ignore[arg-type]  # __table__ is a Table here
    return len(rows)


# -- reading ----------------------------------------------------------------------------------------


def _source(source: str) -> str:
    return str.__str__(source) if isinstance(source, AsWritten) else source


def _change(row: PersonChangeRow, at: dt.datetime, sources: tuple[str, ...]) -> PersonChange:
    return PersonChange(
        id=row.id,
        run_id=row.run_id,
        at=at,
        person_id=row.person_id,
        event=row.event,
        author=Author(row.kind, row.by, row.reverts),
        sources=sources,
        fields=tuple(FieldChange(f["field"], f.get("old"), f.get("new")) for f in row.fields),
    )


def _runs(session: Session, run_ids: set[int]) -> dict[int, tuple[dt.datetime, tuple[str, ...]]]:
    """When each run was and its sources, read once per run (not its summary)."""
    wanted = sorted(run_ids)
    found = {}
    for start in range(0, len(wanted), _CHUNK):
        query = select(ImportRunRow.id, ImportRunRow.at, ImportRunRow.sources).where(
            ImportRunRow.id.in_(wanted[start : start + _CHUNK])
        )
        for run_id, at, sources in session.execute(query):
            found[run_id] = (utc(at), tuple(map(_source, sources)))
    return found


def _changes(session: Session, *where: Any) -> Iterator[PersonChange]:
    rows = session.scalars(select(PersonChangeRow).where(*where).order_by(PersonChangeRow.id)).all()
    runs = _runs(session, {row.run_id for row in rows})
    for row in rows:
        yield _change(row, *runs[row.run_id])


def changes_of(session: Session, person_id: str) -> list[PersonChange]:
    """The person's changes, oldest first."""
    return list(_changes(session, PersonChangeRow.person_id == person_id))


def changes_of_people(session: Session, person_ids: Iterable[str]) -> dict[str, list[PersonChange]]:
    """Every change of each of these people, oldest first, by person id (an empty list for none)."""
    wanted = sorted(set(person_ids))
    found: dict[str, list[PersonChange]] = {person_id: [] for person_id in wanted}
    for start in range(0, len(wanted), _CHUNK):
        for item in _changes(session, PersonChangeRow.person_id.in_(wanted[start : start + _CHUNK])):
            found[item.person_id].append(item)
    for changes in found.values():
        changes.sort(key=lambda c: c.id)
    return found


def change(session: Session, change_id: int) -> PersonChange | None:
    return next(_changes(session, PersonChangeRow.id == change_id), None)


def changes_in(session: Session, run_id: int) -> list[PersonChange]:
    """What one run changed, person by person."""
    return list(_changes(session, PersonChangeRow.run_id == run_id))


def undone_by(session: Session, run_id: int) -> int | None:
    """The run that undid run ``run_id``, if one did."""
    return session.scalar(
        select(PersonChangeRow.run_id)
        .where(PersonChangeRow.kind == "undo", PersonChangeRow.reverts == run_id)
        .limit(1)
    )


def run(session: Session, run_id: int) -> ImportRun | None:
    """The run with this id: when, from which sources, and its summary."""
    row = session.get(ImportRunRow, run_id)
    if row is None:
        return None
    return ImportRun(row.id, utc(row.at), tuple(map(_source, row.sources)), row.replace, row.summary)
