"""Use cases for time, one function each: calendars and holidays, shadow requests and their
slots, lunch & learn sessions, and meeting times for published rounds.

Like :mod:`matcher.services`: the CLI and the web app call these; every change is one
transaction, and bad input raises :class:`~matcher.problems.InvalidInput` before anything
is written.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from pathlib import Path

from sqlalchemy.orm import Session

from matcher import storage
from matcher.availability import MAX_FILE_BYTES, Agenda, Interval, Window, merge, read_busy
from matcher.model import Organisation
from matcher.problems import InvalidInput, Location, Problem, Problems
from matcher.storage import Database
from matcher.storage import schedule as store
from matcher.storage.schedule import ScheduledEvent, StoredRequest

#: An uploaded calendar is checked, and its busy time counted, over this stretch after the upload.
CHECK_AHEAD = dt.timedelta(days=366)


def _bad(where: Location, message: str) -> InvalidInput:
    return InvalidInput([Problem(where, message)])


# -- calendars and holidays --------------------------------------------------------------------------


def import_calendar(db: Database, person_id: str, path: Path, *, now: dt.datetime) -> int:
    """Store a person's calendar export (.ics) as their busy time; returns the busy stretches found
    in the coming year. A file that cannot be read changes nothing and says where it is wrong."""
    if not path.is_file():
        raise _bad(Location(path.name), "the file does not exist")
    if path.stat().st_size > MAX_FILE_BYTES:
        raise _bad(Location(path.name), f"the file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB")
    data = path.read_bytes()
    with db.transaction() as session:
        person = storage.load_person(session, person_id)
        if person is None:
            raise _bad(Location(path.name, None, "person"), f"there is no person with id '{person_id}'")
        busy = read_busy(data, source=path.name, timezone=person.timezone, window=(now, now + CHECK_AHEAD))
        text = data.decode("utf-8-sig", errors="replace")
        store.store_upload(session, person_id, path.name, text, len(busy), now=now)
    return len(busy)


def holidays(db: Database) -> dict[dt.date, str]:
    with db.transaction() as session:
        return store.holidays(session)


def set_holiday(db: Database, day: dt.date, name: str = "") -> None:
    with db.transaction() as session:
        store.set_holiday(session, day, name.strip())


def remove_holiday(db: Database, day: dt.date) -> bool:
    with db.transaction() as session:
        return store.remove_holiday(session, day)


def agenda(session: Session, org: Organisation, window: Window) -> Agenda:
    """Everyone's busy time in the window: their uploaded calendar and what meeloop planned,
    with the organisation's holidays."""
    busy: dict[str, list[Interval]] = defaultdict(list)
    people = {p.id: p for p in org.people}
    for upload in store.current_uploads(session, set(people)):
        person = people[upload.person_id]
        busy[person.id] += read_busy(
            upload.content, source=upload.filename, timezone=person.timezone, window=window
        )
    for event in store.events(session, ending_after=window[0]):
        for member in event.members:
            busy[member] += [t for t in event.times() if t.end > window[0] and t.start < window[1]]
    return Agenda({pid: merge(times) for pid, times in busy.items()}, frozenset(store.holidays(session)))


# -- shadow requests -------------------------------------------------------------------------------------

#: Lengths people ask for, in minutes.
LENGTHS = {"hour": 60, "half-day": 240, "day": 480}


def add_shadow_request(
    db: Database,
    *,
    guest_id: str,
    skill: str | None,
    host_id: str | None,
    length: str,
    first_day: dt.date,
    last_day: dt.date,
    now: dt.datetime,
) -> StoredRequest:
    """An employee asks to shadow a colleague: on a skill, a named host, or both."""
    from matcher.talentmap import TalentMap, UnknownSkill

    problems = Problems()
    where = "shadow request"

    def fail(field: str, message: str) -> None:
        problems.add(Location(where, None, field), message)

    if length not in LENGTHS:
        fail("length", f"'{length}' is not a length; choose {', '.join(LENGTHS)}")
    if last_day < first_day:
        fail("to", f"the window ends ({last_day}) before it starts ({first_day})")
    if last_day - first_day > dt.timedelta(days=92):
        fail("to", "the window may be at most three months long")
    if skill is None and host_id is None:
        fail("skill", "name a skill, a host, or both")
    with db.transaction() as session:
        org = storage.load_organisation(session)
        known = {p.id: p for p in org.people}
        if guest_id not in known:
            fail("guest", f"there is no person with id '{guest_id}'")
        skill_id = None
        if skill is not None:
            try:
                skill_id = TalentMap(org, today=now.date()).resolve_skill(skill)[0].id
            except UnknownSkill as exc:
                fail("skill", str(exc))
        if host_id is not None:
            host = known.get(host_id)
            if host is None:
                fail("host", f"there is no person with id '{host_id}'")
            elif host_id == guest_id:
                fail("host", "nobody can shadow themselves")
            elif not host.is_host:
                fail("host", f"{host.name} has not offered to host guests")
        problems.raise_if_any()
        request = StoredRequest(
            0, guest_id, skill_id, host_id, LENGTHS[length], first_day, last_day, store.OPEN, now
        )
        return store.add_request(session, request)


def shadow_requests(db: Database, *, status: str | None = None) -> list[StoredRequest]:
    with db.transaction() as session:
        return store.requests(session, status=status)


def cancel_shadow_request(db: Database, request_id: int, *, now: dt.datetime) -> StoredRequest:
    """Withdraw a request; a slot planned for it is cancelled too (and kept, marked cancelled)."""
    with db.transaction() as session:
        if store.request(session, request_id) is None:
            raise _bad(Location("shadow request", request_id), "there is no such request")
        store.set_request_status(session, request_id, store.CANCELLED)
        store.cancel_events(session, source=request_source(request_id), kind="shadowing", now=now)
        cancelled = store.request(session, request_id)
        assert cancelled is not None
        return cancelled


def request_source(request_id: int) -> str:
    """What a shadowing slot's event belongs to."""
    return f"request:{request_id}"


def scheduled(db: Database, *, kind: str | None = None, source: str | None = None) -> list[ScheduledEvent]:
    with db.transaction() as session:
        return store.events(session, kind=kind, source=source)
