"""The data version and what each version changed.

Every write bumps the data version and records which people it changed (:func:`record_change`), so
that a cached talent map takes in only those people's changes (:func:`changes_since`, then
:func:`matcher.storage.people.load_part`) instead of loading the whole organisation again.

Every function runs inside the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from matcher.domain.model import Organisation
from matcher.storage.rows.changes import DataChangeRow
from matcher.storage.rows.talentmap import MetaRow

#: A version that changes more people than this is recorded as a change of everything: building the
#: talent map again is then about as quick as taking the changes in one by one.
MAX_LISTED = 1000
#: How many versions are kept listed: a map older than that is built again, which it would be anyway.
KEPT = 10_000
VERSION_KEY = "data_version"


def record_change(session: Session, people: Iterable[str] | None) -> int:
    """Bump the data version and record which people it changed (None: more than people). The version
    row stays locked until the transaction ends, so that versions are committed in their order and
    two writers never take the same one."""
    row = session.scalars(
        select(MetaRow)
        .where(MetaRow.key == VERSION_KEY)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one_or_none()
    if row is None:
        row = MetaRow(key=VERSION_KEY, value="0")
        session.add(row)
    version = int(row.value) + 1
    row.value = str(version)
    listed = None if people is None else sorted(set(people))
    if listed is not None and len(listed) > MAX_LISTED:
        listed = None
    session.add(DataChangeRow(version=version, people=listed))
    session.execute(delete(DataChangeRow).where(DataChangeRow.version <= version - KEPT))
    session.flush()
    return version


def changed_people(before: Organisation, after: Organisation) -> list[str] | None:
    """The people whose record, levels or wishes differ between ``before`` and ``after`` (added and
    removed ones too), or None when more than people differs."""
    if before.skills != after.skills or before.history != after.history or before.name != after.name:
        return None
    old, new = {p.id: p for p in before.people}, {p.id: p for p in after.people}
    found = {pid for pid in old.keys() | new.keys() if old.get(pid) != new.get(pid)}
    found.update(h.person_id for h in set(before.holdings) ^ set(after.holdings))
    found.update(w.person_id for w in set(before.wishes) ^ set(after.wishes))
    return sorted(found)


def changes_since(session: Session, version: int) -> tuple[int, set[str] | None]:
    """The current data version and the people changed after ``version``; None when something else
    changed too, or a version in between was not recorded (written before versions were)."""
    current = int(session.scalar(select(MetaRow.value).where(MetaRow.key == VERSION_KEY)) or 0)
    if current <= version:
        return current, set()
    rows = session.execute(
        select(DataChangeRow.version, DataChangeRow.people)
        .where(DataChangeRow.version > version, DataChangeRow.version <= current)
        .order_by(DataChangeRow.version)
    ).all()
    listed = [people for _, people in rows]
    if len(listed) != current - version:
        return current, None
    changed: set[str] = set()
    for people in listed:
        if people is None:
            return current, None
        changed.update(people)
    return current, changed
