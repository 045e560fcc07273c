"""Reads and a lock for HR's admin pages: recent imports, the skills or people alone.

Every function runs inside the caller's transaction.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from matcher.domain.imports import ImportRun
from matcher.domain.model import Person, RelatedSkill, Skill
from matcher.domain.phrases import AsWritten
from matcher.storage import ImportRunRow, MetaRow, PersonRow, SkillRelationRow, SkillRow, person_from_row


def recent_imports(session: Session, limit: int = 10) -> list[ImportRun]:
    """The latest recorded changes, newest first. A source kept as text is a file's name (data, in
    no language); one said by meeloop is a message."""
    rows = session.scalars(select(ImportRunRow).order_by(ImportRunRow.id.desc()).limit(limit))
    return [ImportRun(r.id, _aware(r.at), tuple(map(_source, r.sources)), r.replace, r.summary) for r in rows]


def _source(source: str) -> str:
    return str.__str__(source) if isinstance(source, AsWritten) else source


def _aware(moment: dt.datetime) -> dt.datetime:
    # SQLite hands back naive datetimes; everything is stored in UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def lock_data(session: Session) -> None:
    """Hold the data version row until the transaction ends, so that two edits that
    check the whole taxonomy (or all people) do not each pass on what the other changes."""
    session.execute(select(MetaRow.key).where(MetaRow.key == "data_version").with_for_update())


def load_skills(session: Session) -> tuple[Skill, ...]:
    """The taxonomy as :func:`matcher.storage.load_organisation` loads it, without the people. Read as
    rows, not ORM objects: an edit of one person reads it every time."""
    relations: dict[str, list[RelatedSkill]] = {}
    rows = select(SkillRelationRow.skill_a, SkillRelationRow.skill_b, SkillRelationRow.strength)
    for a, b, strength in session.execute(rows):
        relations.setdefault(a, []).append(RelatedSkill(b, strength))
    skills = select(SkillRow.id, SkillRow.name, SkillRow.category, SkillRow.aliases, SkillRow.parent_id)
    return tuple(
        Skill(i, name, category, tuple(aliases), parent, tuple(sorted(relations.get(i, ()))))
        for i, name, category, aliases, parent in session.execute(skills.order_by(SkillRow.id))
    )


def load_all_people(session: Session) -> tuple[Person, ...]:
    """Every person, without skills, wishes and history."""
    return tuple(person_from_row(r) for r in session.scalars(select(PersonRow).order_by(PersonRow.id)))
