"""The organisation as far as some people go, for an edit of one person and a cached talent map.

An edit of one person loads and checks only that person and what the checks need: the people up
their manager line and those with their e-mail address (:func:`load_part`, :func:`manager_line`,
:func:`people_with_email`); :func:`~matcher.storage.write_changes` then writes what differs within
that part. A cached talent map loads the people a data version changed the same way.

Every function runs inside the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import func, literal, select
from sqlalchemy.orm import Session, aliased

from matcher.domain.model import Holding, Level, Organisation, Person, RelatedSkill, Skill, Wish
from matcher.storage.rows.talentmap import HoldingRow, PersonRow, SkillRelationRow, SkillRow, WishRow
from matcher.storage.talentmap import load_people, person_from_row


def load_part(session: Session, person_ids: Iterable[str]) -> Organisation:
    """The organisation as far as these people go: those of them that exist, with their skill levels
    and wishes; no skills and no history."""
    people = load_people(session, person_ids)
    ids = sorted(people)
    if not ids:
        return Organisation()
    holdings = session.execute(
        select(HoldingRow.person_id, HoldingRow.skill_id, HoldingRow.level)
        .where(HoldingRow.person_id.in_(ids))
        .order_by(HoldingRow.person_id, HoldingRow.skill_id)
    )
    wishes = session.execute(
        select(WishRow.person_id, WishRow.skill_id, WishRow.priority)
        .where(WishRow.person_id.in_(ids))
        .order_by(WishRow.person_id, WishRow.skill_id)
    )
    return Organisation(
        people=tuple(people[i] for i in ids),
        holdings=tuple(Holding(p, s, Level(level)) for p, s, level in holdings),
        wishes=tuple(Wish(p, s, priority) for p, s, priority in wishes),
    )


#: How far up one query walks a manager line; a longer line takes another query from where it stopped.
LINE_STEP = 64


def manager_line(session: Session, manager_id: str | None) -> list[Person]:
    """The people up a manager line from ``manager_id``: that manager, their manager and so on, until
    someone without a manager, an id that is not stored, or a loop.

    A recursive query walks up to :data:`LINE_STEP` levels of the line in the database at a time; a
    loop is cut where a person comes round again."""
    line: list[Person] = []
    seen: set[str] = set()
    while manager_id is not None and manager_id not in seen:
        rows = _walk_up(session, manager_id)
        for row in rows:
            if row.id in seen:
                return line
            seen.add(row.id)
            line.append(person_from_row(row))
        manager_id = rows[-1].manager_id if len(rows) == LINE_STEP else None
    return line


def _walk_up(session: Session, manager_id: str) -> list[PersonRow]:
    """The rows up the line from ``manager_id``, at most :data:`LINE_STEP` of them, nearest first."""
    start = select(PersonRow.id, PersonRow.manager_id, literal(1).label("depth"))
    line = start.where(PersonRow.id == manager_id).cte("line", recursive=True)
    above = aliased(PersonRow)
    line = line.union_all(
        select(above.id, above.manager_id, (line.c.depth + 1).label("depth"))
        .join(line, above.id == line.c.manager_id)
        .where(line.c.depth < LINE_STEP)
    )
    query = select(PersonRow).where(PersonRow.id == line.c.id).order_by(line.c.depth)
    return list(session.scalars(query))


def people_with_email(session: Session, email: str) -> list[Person]:
    """The people whose e-mail address is this one, in any case."""
    query = select(PersonRow).where(func.lower(PersonRow.email) == email.lower()).order_by(PersonRow.id)
    return [person_from_row(row) for row in session.scalars(query)]


def load_skills(session: Session, skill_ids: Iterable[str]) -> tuple[Skill, ...]:
    """The skills with these ids (those that exist), as :func:`matcher.storage.load_organisation`
    loads them, by id."""
    wanted = sorted(set(skill_ids))
    if not wanted:
        return ()
    relations: dict[str, list[RelatedSkill]] = {}
    links = select(SkillRelationRow.skill_a, SkillRelationRow.skill_b, SkillRelationRow.strength)
    for a, b, strength in session.execute(links.where(SkillRelationRow.skill_a.in_(wanted))):
        relations.setdefault(a, []).append(RelatedSkill(b, strength))
    rows = select(SkillRow.id, SkillRow.name, SkillRow.category, SkillRow.aliases, SkillRow.parent_id)
    return tuple(
        Skill(i, name, category, tuple(aliases), parent, tuple(sorted(relations.get(i, ()))))
        for i, name, category, aliases, parent in session.execute(
            rows.where(SkillRow.id.in_(wanted)).order_by(SkillRow.id)
        )
    )
