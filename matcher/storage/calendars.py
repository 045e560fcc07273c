"""Linked calendars in the database: the links, and the busy time of each one's last good read.

Every function runs inside the caller's transaction and only flushes. A read's busy time replaces
the link's earlier busy time in that one transaction, so a read that fails (or a rollback) leaves
what the last good read gave.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from matcher.domain.intervals import Interval, Window
from matcher.domain.linked_calendars import LinkedCalendar
from matcher.storage.base import utc
from matcher.storage.rows.calendars import LinkedBusyRow, LinkedCalendarRow, LinkedPushRow


@dataclass(frozen=True)
class Access:
    """What a read needs: where, the account, the sealed password and the last ETag."""

    link_id: int
    person_id: str
    kind: str
    url: str
    username: str
    secret: str
    etag: str
    read_until: dt.datetime | None
    push: bool = False


def _linked(row: LinkedCalendarRow) -> LinkedCalendar:
    return LinkedCalendar(
        id=row.id,
        person_id=row.person_id,
        kind=row.kind,
        url=row.url,
        username=row.username,
        has_password=bool(row.secret),
        linked_by=row.linked_by,
        linked=utc(row.linked),
        last_read=utc(row.last_read) if row.last_read else None,
        last_failed=utc(row.last_failed) if row.last_failed else None,
        last_error=row.last_error or "",
        busy_count=row.busy_count,
        push=row.push,
    )


def link(
    session: Session,
    person_id: str,
    *,
    kind: str,
    url: str,
    username: str,
    secret: str,
    by: str,
    now: dt.datetime,
    push: bool = False,
) -> LinkedCalendar:
    """Link the person's calendar, replacing the link they had and its busy time."""
    unlink(session, person_id)
    row = LinkedCalendarRow(
        person_id=person_id,
        kind=kind,
        url=url,
        username=username,
        secret=secret,
        linked_by=by,
        linked=now,
        etag="",
        last_error="",
        busy_count=0,
        push=push,
    )
    session.add(row)
    session.flush()
    return _linked(row)


def unlink(session: Session, person_id: str) -> bool:
    """Forget the person's link, its password and its busy time; whether there was one."""
    row = session.scalars(select(LinkedCalendarRow).where(LinkedCalendarRow.person_id == person_id)).first()
    if row is None:
        return False
    session.execute(delete(LinkedBusyRow).where(LinkedBusyRow.link_id == row.id))
    session.execute(delete(LinkedPushRow).where(LinkedPushRow.link_id == row.id))
    session.delete(row)
    session.flush()
    return True


def link_of(session: Session, person_id: str) -> LinkedCalendar | None:
    row = session.scalars(select(LinkedCalendarRow).where(LinkedCalendarRow.person_id == person_id)).first()
    return _linked(row) if row is not None else None


def links(session: Session) -> list[LinkedCalendar]:
    rows = session.scalars(select(LinkedCalendarRow).order_by(LinkedCalendarRow.person_id))
    return [_linked(r) for r in rows]


def access(session: Session, link_id: int) -> Access | None:
    row = session.get(LinkedCalendarRow, link_id)
    if row is None:
        return None
    until = utc(row.read_until) if row.read_until else None
    return Access(
        row.id, row.person_id, row.kind, row.url, row.username, row.secret, row.etag, until, row.push
    )


def _current(session: Session, read: Access) -> LinkedCalendarRow | None:
    """The link that was read, unless it was unlinked or linked anew (elsewhere) meanwhile."""
    row = session.get(LinkedCalendarRow, read.link_id, with_for_update=True)
    if row is None or (row.kind, row.url, row.username, row.secret) != (
        read.kind,
        read.url,
        read.username,
        read.secret,
    ):
        return None
    return row


def store_read(
    session: Session,
    read: Access,
    busy: list[Interval] | None,
    *,
    etag: str,
    until: dt.datetime,
    now: dt.datetime,
) -> bool:
    """A good read up to ``until``: its busy time replaces the link's (None: unchanged since the
    last read). False when the link is gone (unlinked or linked anew while it was read)."""
    row = _current(session, read)
    if row is None:
        return False
    link_id = row.id
    if busy is not None:
        session.execute(delete(LinkedBusyRow).where(LinkedBusyRow.link_id == link_id))
        session.add_all(LinkedBusyRow(link_id=link_id, start=i.start, end=i.end) for i in busy)
        row.busy_count = len(busy)
        row.read_until = until
    row.etag = etag[:255]
    row.last_read = now
    row.last_error = ""
    session.flush()
    return True


def store_failure(session: Session, read: Access, message: str, *, now: dt.datetime) -> bool:
    """A failed read: noted with why; the busy time stays that of the last good read."""
    row = _current(session, read)
    if row is None:
        return False
    row.last_failed = now
    row.last_error = message
    session.flush()
    return True


def busy(session: Session, window: Window, person_ids: set[str] | None = None) -> dict[str, list[Interval]]:
    """Each person's busy time from their linked calendar that meets the window."""
    query = (
        select(LinkedCalendarRow.person_id, LinkedBusyRow.start, LinkedBusyRow.end)
        .join(LinkedCalendarRow, LinkedCalendarRow.id == LinkedBusyRow.link_id)
        .where(LinkedBusyRow.end > window[0], LinkedBusyRow.start < window[1])
        .order_by(LinkedCalendarRow.person_id, LinkedBusyRow.start)
    )
    found: dict[str, list[Interval]] = defaultdict(list)
    for person_id, start, end in session.execute(query):
        if person_ids is None or person_id in person_ids:
            found[person_id].append(Interval(utc(start), utc(end)))
    return dict(found)


def busy_times(session: Session, link_id: int) -> list[Interval]:
    """The busy time a link gave, in order (for the person's own page and the tests)."""
    rows = session.execute(
        select(LinkedBusyRow.start, LinkedBusyRow.end)
        .where(LinkedBusyRow.link_id == link_id)
        .order_by(LinkedBusyRow.start)
    )
    return [Interval(utc(s), utc(e)) for s, e in rows]


# -- events put into a CalDAV calendar ----------------------------------------------------------------


def pushed(session: Session, link_id: int) -> dict[int, tuple[int, str]]:
    """Event id -> (sequence, status) as last put into the link's calendar."""
    rows = session.execute(
        select(LinkedPushRow.event_id, LinkedPushRow.sequence, LinkedPushRow.status).where(
            LinkedPushRow.link_id == link_id
        )
    )
    return {event_id: (sequence, status) for event_id, sequence, status in rows}


def mark_pushed(
    session: Session, read: Access, event_id: int, *, sequence: int, status: str, now: dt.datetime
) -> bool:
    """Note an event as put into the link's calendar; False when the link is gone meanwhile."""
    if _current(session, read) is None:
        return False
    row = session.scalars(
        select(LinkedPushRow).where(LinkedPushRow.link_id == read.link_id, LinkedPushRow.event_id == event_id)
    ).first()
    if row is None:
        session.add(
            LinkedPushRow(
                link_id=read.link_id, event_id=event_id, sequence=sequence, status=status, pushed=now
            )
        )
    else:
        row.sequence, row.status, row.pushed = sequence, status, now
    session.flush()
    return True
