"""The organisation as far as some people go, for an edit of one person and a cached talent map.

An edit of one person loads and checks only that person and what the checks need: the people up
their manager line and those with their e-mail address (:func:`load_part`, :func:`manager_line`,
:func:`people_with_email`); :func:`~matcher.storage.write_changes` then writes what differs within
that part. A cached talent map loads the people a data version changed the same way.

Every function runs inside the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from matcher.domain.model import Holding, Level, Organisation, Person, Wish
from matcher.storage.rows.talentmap import HoldingRow, PersonRow, WishRow
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


def manager_line(session: Session, manager_id: str | None) -> list[Person]:
    """The people up a manager line from ``manager_id``: that manager, their manager and so on, until
    someone without a manager, an id that is not stored, or a loop."""
    line: list[Person] = []
    seen: set[str] = set()
    while manager_id is not None and manager_id not in seen:
        row = session.get(PersonRow, manager_id)
        if row is None:
            break
        seen.add(manager_id)
        line.append(person_from_row(row))
        manager_id = row.manager_id
    return line


def people_with_email(session: Session, email: str) -> list[Person]:
    """The people whose e-mail address is this one, in any case."""
    query = select(PersonRow).where(func.lower(PersonRow.email) == email.lower()).order_by(PersonRow.id)
    return [person_from_row(row) for row in session.scalars(query)]
