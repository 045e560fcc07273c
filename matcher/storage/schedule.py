"""Time in the database: calendar uploads, holidays, shadow requests and what meeloop scheduled.

Every function runs inside the caller's transaction and only flushes.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from matcher.domain.availability import Agenda, read_busy
from matcher.domain.intervals import Interval, Window, merge
from matcher.domain.model import Organisation
from matcher.domain.phrases import to_data
from matcher.domain.schedule import (
    CANCELLED,
    OPEN,
    PLANNED,
    Reconciled,
    ScheduledEvent,
    StoredRequest,
    Upload,
)
from matcher.storage import (
    CalendarUploadRow,
    HolidayRow,
    ScheduledEventRow,
    ShadowRequestRow,
)
from matcher.storage.base import utc
from matcher.storage.calendars import busy as linked_busy

# -- calendar uploads and holidays ---------------------------------------------------------------


def store_upload(
    session: Session, person_id: str, filename: str, content: str, busy_count: int, *, now: dt.datetime
) -> None:
    """The person's new calendar; the one it replaces is kept, marked with when it was replaced."""
    session.execute(
        update(CalendarUploadRow)
        .where(CalendarUploadRow.person_id == person_id, CalendarUploadRow.replaced.is_(None))
        .values(replaced=now)
    )
    session.add(
        CalendarUploadRow(
            person_id=person_id, filename=filename, content=content, uploaded=now, busy_count=busy_count
        )
    )
    session.flush()


def current_uploads(session: Session, person_ids: set[str] | None = None) -> list[Upload]:
    query = select(CalendarUploadRow).where(CalendarUploadRow.replaced.is_(None))
    rows = session.scalars(query.order_by(CalendarUploadRow.person_id)).all()
    return [
        Upload(r.person_id, r.filename, r.content, utc(r.uploaded), r.busy_count)
        for r in rows
        if person_ids is None or r.person_id in person_ids
    ]


def holidays(session: Session) -> dict[dt.date, str]:
    return {
        day: name
        for day, name in session.execute(select(HolidayRow.day, HolidayRow.name).order_by(HolidayRow.day))
    }


def set_holiday(session: Session, day: dt.date, name: str) -> None:
    row = session.get(HolidayRow, day)
    if row is None:
        session.add(HolidayRow(day=day, name=name))
    else:
        row.name = name
    session.flush()


def remove_holiday(session: Session, day: dt.date) -> bool:
    row = session.get(HolidayRow, day)
    if row is not None:
        session.delete(row)
        session.flush()
    return row is not None


# -- shadow requests -------------------------------------------------------------------------------


def _request(row: ShadowRequestRow) -> StoredRequest:
    return StoredRequest(
        row.id,
        row.guest_id,
        row.skill_id,
        row.host_id,
        row.minutes,
        row.first_day,
        row.last_day,
        row.status,
        utc(row.created),
        row.note,
    )


def add_request(session: Session, request: StoredRequest) -> StoredRequest:
    row = ShadowRequestRow(
        guest_id=request.guest_id,
        skill_id=request.skill_id,
        host_id=request.host_id,
        minutes=request.minutes,
        first_day=request.first_day,
        last_day=request.last_day,
        status=OPEN,
        created=request.created,
        note=request.note,
    )
    session.add(row)
    session.flush()
    return _request(row)


def requests(session: Session, *, status: str | None = None) -> list[StoredRequest]:
    query = select(ShadowRequestRow).order_by(ShadowRequestRow.id)
    if status is not None:
        query = query.where(ShadowRequestRow.status == status)
    return [_request(r) for r in session.scalars(query)]


def request(session: Session, request_id: int) -> StoredRequest | None:
    row = session.get(ShadowRequestRow, request_id)
    return _request(row) if row is not None else None


def set_request_status(session: Session, request_id: int, status: str, note: str = "") -> None:
    row = session.get(ShadowRequestRow, request_id)
    assert row is not None, request_id
    row.status = status
    if note:
        row.note = note
    session.flush()


# -- scheduled events --------------------------------------------------------------------------------


def _event(row: ScheduledEventRow) -> ScheduledEvent:
    return ScheduledEvent(
        kind=row.kind,
        source=row.source,
        title=row.title,
        start=utc(row.start),
        end=utc(row.end),
        timezone=row.timezone,
        members=tuple(row.members),
        roles=dict(row.roles),
        details=dict(row.details),
        rrule=row.rrule,
        occurrences=tuple(
            (dt.datetime.fromisoformat(s), dt.datetime.fromisoformat(e)) for s, e in row.occurrences
        ),
        key=row.key,
        id=row.id,
        status=row.status,
        sequence=row.sequence,
        updated=utc(row.updated),
    )


def add_events(session: Session, events: list[ScheduledEvent], *, now: dt.datetime) -> list[int]:
    rows = [
        ScheduledEventRow(
            kind=e.kind,
            source=e.source,
            title=e.title,
            start=e.start,
            end=e.end,
            timezone=e.timezone,
            rrule=e.rrule,
            occurrences=[[s.isoformat(), t.isoformat()] for s, t in e.occurrences],
            members=list(e.members),
            roles=dict(e.roles),
            details=dict(e.details),
            status=PLANNED,
            sequence=0,
            key=e.key,
            history=[],
            created=now,
            updated=now,
        )
        for e in events
    ]
    session.add_all(rows)
    session.flush()
    return [r.id for r in rows]


def events(
    session: Session,
    *,
    kind: str | None = None,
    source: str | None = None,
    planned_only: bool = True,
    ending_after: dt.datetime | None = None,
) -> list[ScheduledEvent]:
    query = select(ScheduledEventRow).order_by(ScheduledEventRow.start, ScheduledEventRow.id)
    if kind is not None:
        query = query.where(ScheduledEventRow.kind == kind)
    if source is not None:
        query = query.where(ScheduledEventRow.source == source)
    if planned_only:
        query = query.where(ScheduledEventRow.status == PLANNED)
    found = [_event(r) for r in session.scalars(query)]
    if ending_after is not None:
        found = [e for e in found if max(t.end for t in e.times()) > ending_after]
    return found


def cancel_events(session: Session, *, source: str, kind: str, now: dt.datetime) -> int:
    """Cancel what was planned for this source; the rows stay, with a higher sequence."""
    rows = session.scalars(
        select(ScheduledEventRow).where(
            ScheduledEventRow.source == source,
            ScheduledEventRow.kind == kind,
            ScheduledEventRow.status == PLANNED,
        )
    ).all()
    for row in rows:
        _cancel(row, now)
    session.flush()
    return len(rows)


def reconcile_events(
    session: Session, source: str, kind: str, planned: list[ScheduledEvent], *, now: dt.datetime
) -> Reconciled:
    """Store a new plan for ``source`` over the one before, event by event, matched on ``key``.

    An event whose time, place and people stay keeps its sequence (its reasons may be refreshed);
    one that changed is updated in place with a sequence one higher, its earlier version kept in
    its history; one no longer planned is cancelled (sequence one higher); a new key is a new event.
    So the invites and feeds built from these rows change only where the plan did.
    """
    rows = session.scalars(
        select(ScheduledEventRow).where(
            ScheduledEventRow.source == source,
            ScheduledEventRow.kind == kind,
            ScheduledEventRow.status == PLANNED,
        )
    ).all()
    current = {row.key: row for row in rows}
    keys = [e.key for e in planned]
    if len(set(keys)) != len(keys):
        raise ValueError(f"events of '{source}' need distinct keys, got {keys}")
    added, changed, unchanged = [], [], []
    for new in planned:
        row = current.pop(new.key, None)
        if row is None:
            added.append(new)
            continue
        if _event(row).significant() == new.significant():
            row.details = dict(new.details)
            unchanged.append(row.id)
            continue
        _remember(row, now)
        row.title, row.start, row.end, row.timezone = new.title, new.start, new.end, new.timezone
        row.rrule = new.rrule
        row.occurrences = [[s.isoformat(), t.isoformat()] for s, t in new.occurrences]
        row.members, row.roles, row.details = list(new.members), dict(new.roles), dict(new.details)
        row.sequence += 1
        row.updated = now
        changed.append(row.id)
    for row in current.values():
        _cancel(row, now)
    session.flush()
    return Reconciled(
        added=tuple(add_events(session, added, now=now)),
        changed=tuple(changed),
        cancelled=tuple(r.id for r in current.values()),
        unchanged=tuple(unchanged),
    )


def move_event(
    session: Session,
    event_id: int,
    start: dt.datetime,
    occurrences: tuple,
    rrule: str | None,
    *,
    now: dt.datetime,
) -> ScheduledEvent:
    """Put a planned event at another time (keeping its length); its sequence goes one up."""
    row = session.get(ScheduledEventRow, event_id)
    assert row is not None and row.status == PLANNED, event_id
    _remember(row, now)
    length = utc(row.end) - utc(row.start)
    row.start, row.end = start, start + length
    row.rrule = rrule
    row.occurrences = [[s.isoformat(), t.isoformat()] for s, t in occurrences]
    row.sequence += 1
    row.updated = now
    session.flush()
    return _event(row)


def event(session: Session, event_id: int) -> ScheduledEvent | None:
    row = session.get(ScheduledEventRow, event_id)
    return _event(row) if row is not None else None


def _remember(row: ScheduledEventRow, now: dt.datetime) -> None:
    earlier = {
        "changed": now.isoformat(),
        "sequence": row.sequence,
        "status": row.status,
        "title": to_data(row.title),
        "start": utc(row.start).isoformat(),
        "end": utc(row.end).isoformat(),
        "rrule": row.rrule,
        "members": list(row.members),
    }
    row.history = [*row.history, earlier]


def _cancel(row: ScheduledEventRow, now: dt.datetime) -> None:
    _remember(row, now)
    row.status = CANCELLED
    row.sequence += 1
    row.updated = now


# -- busy time ----------------------------------------------------------------------------------------


def agenda(session: Session, org: Organisation, window: Window, *, besides: str | None = None) -> Agenda:
    """Everyone's busy time in the window: their uploaded and linked calendars and what meeloop planned
    (except what belongs to ``besides``, which is being planned again), with the holidays."""
    busy: dict[str, list[Interval]] = defaultdict(list)
    people = {p.id: p for p in org.people}
    for upload in current_uploads(session, set(people)):
        person = people[upload.person_id]
        busy[person.id] += read_busy(
            upload.content, source=upload.filename, timezone=person.timezone, window=window
        )
    for person_id, times in linked_busy(session, window, set(people)).items():
        busy[person_id] += times
    for event in events(session, ending_after=window[0]):
        if event.source == besides:
            continue
        for member in event.members:
            busy[member] += [t for t in event.times() if t.end > window[0] and t.start < window[1]]
    return Agenda({pid: merge(times) for pid, times in busy.items()}, frozenset(holidays(session)))
