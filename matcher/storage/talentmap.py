"""The talent map in the database: people, skills, holdings, wishes and history loaded as the
domain's :class:`~matcher.domain.model.Organisation`, and an import's differences written back.

The rows are in :mod:`matcher.storage.rows.talentmap`.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator
from typing import Any

from sqlalchemy import bindparam, delete, insert, select, update
from sqlalchemy.orm import Session

from matcher.domain.history import IMPORTED, Author
from matcher.domain.merge import Changes
from matcher.domain.model import (
    HistoryEntry,
    Holding,
    Level,
    Organisation,
    Person,
    RelatedSkill,
    Skill,
    Wish,
    office_hours,
)
from matcher.domain.ownership import Provenance
from matcher.io import fields
from matcher.storage import history as person_history
from matcher.storage.changes import changed_people, record_change
from matcher.storage.rows.talentmap import (
    ArchivedPersonRow,
    HistoryRow,
    HoldingRow,
    ImportRunRow,
    MetaRow,
    PersonRow,
    SkillRelationRow,
    SkillRow,
    WishRow,
)


def person_from_row(row: PersonRow) -> Person:
    return Person(
        id=row.id,
        name=row.name,
        email=row.email,
        department=row.department,
        function=row.function,
        site=row.site,
        team=row.team,
        manager_id=row.manager_id,
        start_date=row.start_date,
        years_experience=row.years_experience,
        languages=tuple(row.languages),
        timezone=row.timezone,
        working_hours=fields.parse_working_hours(row.working_hours) or office_hours(),
        leaving_date=row.leaving_date,
        intern=row.intern,
        newcomer=row.newcomer,
        ask_me=row.ask_me,
        mentor_capacity=row.mentor_capacity,
        host_capacity=row.host_capacity,
        presenter=row.presenter,
    )


def person_values(person: Person) -> dict[str, Any]:
    return {
        "id": person.id,
        "name": person.name,
        "email": person.email,
        "department": person.department,
        "function": person.function,
        "site": person.site,
        "team": person.team,
        "manager_id": person.manager_id,
        "start_date": person.start_date,
        "years_experience": person.years_experience,
        "languages": list(person.languages),
        "timezone": person.timezone,
        "working_hours": person.working_hours.as_dict(),
        "leaving_date": person.leaving_date,
        "intern": person.intern,
        "newcomer": person.newcomer,
        "ask_me": person.ask_me,
        "mentor_capacity": person.mentor_capacity,
        "host_capacity": person.host_capacity,
        "presenter": person.presenter,
    }


def skill_values(skill: Skill) -> dict[str, Any]:
    return {
        "id": skill.id,
        "name": skill.name,
        "category": skill.category,
        "aliases": list(skill.aliases),
        "parent_id": skill.parent_id,
    }


def load_organisation(session: Session) -> Organisation:
    relations: dict[str, list[RelatedSkill]] = {}
    for rel in session.scalars(select(SkillRelationRow)):
        relations.setdefault(rel.skill_a, []).append(RelatedSkill(rel.skill_b, rel.strength))
    skills = tuple(
        Skill(r.id, r.name, r.category, tuple(r.aliases), r.parent_id, tuple(sorted(relations.get(r.id, ()))))
        for r in session.scalars(select(SkillRow).order_by(SkillRow.id))
    )
    people = tuple(person_from_row(r) for r in session.scalars(select(PersonRow).order_by(PersonRow.id)))
    holdings = tuple(
        Holding(p, s, Level(level))
        for p, s, level in session.execute(
            select(HoldingRow.person_id, HoldingRow.skill_id, HoldingRow.level)
        )
    )
    wishes = tuple(
        Wish(p, s, priority)
        for p, s, priority in session.execute(select(WishRow.person_id, WishRow.skill_id, WishRow.priority))
    )
    history = tuple(
        HistoryEntry(r.round, r.kind, tuple(r.members), r.started, r.ended)
        for r in session.scalars(select(HistoryRow).order_by(HistoryRow.id))
    )
    return Organisation(get_meta(session, "name", ""), people, skills, holdings, wishes, history)


def load_person(session: Session, person_id: str) -> Person | None:
    row = session.get(PersonRow, person_id)
    return person_from_row(row) if row is not None else None


def load_people(session: Session, person_ids: Iterable[str]) -> dict[str, Person]:
    """The people with these ids (those that exist), by id."""
    wanted = sorted(set(person_ids))
    rows = session.scalars(select(PersonRow).where(PersonRow.id.in_(wanted))) if wanted else ()
    return {row.id: person_from_row(row) for row in rows}


def person_names(session: Session) -> dict[str, str]:
    return dict(session.execute(select(PersonRow.id, PersonRow.name)).tuples().all())


def get_meta(session: Session, key: str, default: str = "") -> str:
    value = session.get(MetaRow, key)
    return value.value if value is not None else default


def set_meta(session: Session, key: str, value: str) -> None:
    row = session.get(MetaRow, key)
    if row is None:
        session.add(MetaRow(key=key, value=value))
    else:
        row.value = value


def data_version(session: Session) -> int:
    return int(get_meta(session, "data_version", "0"))


def bump_data_version(session: Session, people: Iterable[str] | None = None) -> int:
    """A new data version, recorded as changing these people (None: more than people)."""
    return record_change(session, people)


# -- writing the difference -------------------------------------------------------

_CHUNK = 5000


def _chunks(items: list[Any]) -> Iterator[list[Any]]:
    for start in range(0, len(items), _CHUNK):
        yield items[start : start + _CHUNK]


def _by_id(items: tuple[Any, ...]) -> dict[str, Any]:
    return {item.id: item for item in items}


def _write_entities(
    session: Session, entity: Any, values: Any, before: dict[str, Any], after: dict[str, Any]
) -> None:
    added = [values(after[i]) for i in after if i not in before]
    changed = [values(after[i]) for i in after if i in before and before[i] != after[i]]
    for chunk in _chunks(added):
        session.execute(insert(entity), chunk)
    for chunk in _chunks(changed):
        session.execute(update(entity), chunk)  # an ORM bulk update by primary key


def _keyed(items: tuple[Any, ...], value: str) -> dict[tuple[str, str], int]:
    return {(i.person_id, i.skill_id): int(getattr(i, value)) for i in items}


def _write_keyed(
    session: Session,
    table: Any,
    keys: tuple[str, str],
    column: str,
    before: dict[tuple[str, str], Any],
    after: dict[tuple[str, str], Any],
) -> None:
    """Rows keyed by two columns holding one value: delete, update and insert only what differs."""
    first, second = keys
    removed = [{"k0": x, "k1": y} for (x, y) in before.keys() - after.keys()]
    changed = [
        {"k0": x, "k1": y, "v": v} for (x, y), v in after.items() if (x, y) in before and before[(x, y)] != v
    ]
    added = [{first: x, second: y, column: v} for (x, y), v in after.items() if (x, y) not in before]
    key = (table.c[first] == bindparam("k0")) & (table.c[second] == bindparam("k1"))
    for chunk in _chunks(removed):
        session.execute(delete(table).where(key), chunk)
    for chunk in _chunks(changed):
        session.execute(update(table).where(key).values({column: bindparam("v")}), chunk)
    for chunk in _chunks(added):
        session.execute(insert(table), chunk)


def _relations(skills: tuple[Skill, ...]) -> dict[tuple[str, str], float]:
    ends = ((s.id, r.skill_id, r.strength) for s in skills for r in s.related)
    return {(min(a, b), max(a, b)): strength for a, b, strength in ends}


def write_changes(
    session: Session,
    before: Organisation,
    after: Organisation,
    *,
    sources: list[str],
    replace: bool,
    changes: Changes,
    now: dt.datetime,
    author: Author = IMPORTED,
) -> int:
    """Write what differs between ``before`` (as loaded) and ``after``, record
    the import run and what it changed about each person (who made it: ``author``), archive
    removed people and bump the data version.
    Runs inside the caller's transaction; returns the import run id."""
    run = ImportRunRow(at=now, sources=sources, replace=replace, summary=changes.summary())
    session.add(run)
    session.flush()
    person_history.record(session, run.id, before, after, author)

    skills_before, skills_after = _by_id(before.skills), _by_id(after.skills)
    people_before, people_after = _by_id(before.people), _by_id(after.people)
    # Removed people go first, so that a new person may take over a removed person's e-mail address.
    removed_people = [i for i in people_before if i not in people_after]
    _archive(session, before, removed_people, run.id, now)
    for chunk in _chunks(removed_people):
        session.execute(delete(PersonRow).where(PersonRow.id.in_(chunk)))
    _free_changed_emails(session, people_before, people_after)
    _write_entities(session, SkillRow, skill_values, skills_before, skills_after)
    _write_entities(session, PersonRow, person_values, people_before, people_after)

    by_person = ("person_id", "skill_id")
    levels = _keyed(before.holdings, "level"), _keyed(after.holdings, "level")
    priorities = _keyed(before.wishes, "priority"), _keyed(after.wishes, "priority")
    _write_keyed(session, HoldingRow.__table__, by_person, "level", *levels)
    _write_keyed(session, WishRow.__table__, by_person, "priority", *priorities)
    relations = _relations(before.skills), _relations(after.skills)
    _write_keyed(session, SkillRelationRow.__table__, ("skill_a", "skill_b"), "strength", *relations)

    removed_skills = [i for i in skills_before if i not in skills_after]
    for chunk in _chunks(removed_skills):
        session.execute(delete(SkillRow).where(SkillRow.id.in_(chunk)))

    _write_history(session, before, after)
    if after.name != before.name:
        set_meta(session, "name", after.name)
    bump_data_version(session, changed_people(before, after))
    return run.id


def _free_changed_emails(session: Session, before: dict[str, Person], after: dict[str, Person]) -> None:
    """Park changed e-mail addresses on a value no address can have (it holds a space), so that
    two people may swap addresses without tripping the unique constraint half-way."""
    moving = [
        {"id": i, "email": f"moving {i}"} for i in after if i in before and before[i].email != after[i].email
    ]
    for chunk in _chunks(moving):
        session.execute(update(PersonRow), chunk)


def _archive(
    session: Session, before: Organisation, person_ids: list[str], run_id: int, now: dt.datetime
) -> None:
    if not person_ids:
        return
    wanted = set(person_ids)
    people = {p.id: p for p in before.people if p.id in wanted}
    skills: dict[str, dict[str, int]] = {i: {} for i in wanted}
    wishes: dict[str, dict[str, int]] = {i: {} for i in wanted}
    for h in before.holdings:
        if h.person_id in wanted:
            skills[h.person_id][h.skill_id] = int(h.level)
    for w in before.wishes:
        if w.person_id in wanted:
            wishes[w.person_id][w.skill_id] = w.priority
    rows = []
    for person_id in person_ids:
        data = json.loads(json.dumps(person_values(people[person_id]), default=str))  # dates as ISO text
        data |= {"skills": skills[person_id], "wishes": wishes[person_id]}
        rows.append({"person_id": person_id, "import_run_id": run_id, "removed_at": now, "data": data})
    session.execute(insert(ArchivedPersonRow.__table__), rows)  # type: ignore[arg-type]  # __table__ is a Table here


def _write_history(session: Session, before: Organisation, after: Organisation) -> None:
    if before.history == after.history:
        return
    kept = len(before.history)
    if after.history[:kept] != before.history:
        # A replacing import: the stored history is the file's from now on.
        session.execute(delete(HistoryRow.__table__))  # type: ignore[arg-type]  # __table__ is a Table here
        kept = 0
    rows = [
        {"round": h.round, "kind": h.kind, "members": list(h.members), "started": h.started, "ended": h.ended}
        for h in after.history[kept:]
    ]
    for chunk in _chunks(rows):
        session.execute(insert(HistoryRow.__table__), chunk)  # type: ignore[arg-type]  # __table__ is a Table here


# -- who entered a level or a wish ----------------------------------------------------------------


def load_provenance(session: Session, person_ids: Iterable[str] | None = None) -> Provenance:
    """The levels and wishes people entered themselves (every other one is HR's); of these people
    only, when given."""
    levels = select(HoldingRow.person_id, HoldingRow.skill_id).where(HoldingRow.self_entered)
    wishes = select(WishRow.person_id, WishRow.skill_id).where(WishRow.self_entered)
    if person_ids is not None:
        wanted = sorted(set(person_ids))
        levels = levels.where(HoldingRow.person_id.in_(wanted))
        wishes = wishes.where(WishRow.person_id.in_(wanted))
    return Provenance(
        frozenset((p, s) for p, s in session.execute(levels)),
        frozenset((p, s) for p, s in session.execute(wishes)),
    )


def write_provenance(session: Session, before: Provenance, after: Provenance) -> None:
    """Mark the levels and wishes whose owner changed, after :func:`write_changes` wrote them
    (it writes new ones as HR's)."""
    tables: tuple[tuple[Any, frozenset[tuple[str, str]], frozenset[tuple[str, str]]], ...] = (
        (HoldingRow.__table__, before.holdings, after.holdings),
        (WishRow.__table__, before.wishes, after.wishes),
    )
    for table, old, new in tables:
        key = (table.c.person_id == bindparam("k0")) & (table.c.skill_id == bindparam("k1"))
        rows = [{"k0": p, "k1": s, "own": (p, s) in new} for p, s in sorted(old ^ new)]
        for chunk in _chunks(rows):
            session.execute(update(table).where(key).values(self_entered=bindparam("own")), chunk)


def record_taken(session: Session, run_id: int, taken: list[str]) -> None:
    """Keep with an import run what HR took from the file over what people entered."""
    run = session.get(ImportRunRow, run_id)
    if run is not None:
        run.taken = taken
