"""Putting a person's meeloop events into their linked CalDAV calendar (when the link says so).

Each event goes in as the same file the person's feed and invites hold for it (same UID, the
person's language), one object resource per event: a new event is created, a changed one is put
again with its higher SEQUENCE, a cancelled one (or one the person was taken out of) is put again
with ``STATUS:CANCELLED``, so the person's calendar app shows it struck through as an e-mailed
cancellation would. What was put is noted per event with its sequence and status, so only what
changed since goes out. Events that ended before yesterday are left alone.

Reading the same calendar skips meeloop's own events (:func:`matcher.io.linked_calendars.is_own_event`):
their time is already busy from meeloop's own records, and a re-plan must be able to keep it.
"""

from __future__ import annotations

import datetime as dt
import logging
import traceback
from dataclasses import dataclass

from matcher.domain.phrases import phrase
from matcher.domain.schedule import PLANNED
from matcher.io import ics
from matcher.io import linked_calendars as peer
from matcher.io.ics import InviteSettings
from matcher.services.publishing import event_calendar, seen_by
from matcher.storage import Database, schedule
from matcher.storage import calendars as store
from matcher.storage import invites as inv

log = logging.getLogger(__name__)

#: Events that ended longer ago than this are not put into calendars any more.
_PAST = dt.timedelta(days=1)


@dataclass(frozen=True)
class Pushed:
    """How many events were put in (new or changed), and why it stopped when it failed."""

    put: int = 0
    error: str = ""


def push_events(
    db: Database, invites: InviteSettings, link_id: int, *, key: str, limits: peer.Limits, now: dt.datetime
) -> Pushed:
    """Put the person's new, changed and cancelled events into the link's CalDAV calendar."""
    with db.transaction() as session:
        found = store.access(session, link_id)
        if found is None or not found.push or found.kind != peer.CALDAV:
            return Pushed()
        before = store.pushed(session, link_id)
        invited = inv.invited_to(session, found.person_id)
        events = [
            seen_by(e, found.person_id)
            for e in schedule.events(session, planned_only=False, ending_after=now - _PAST)
            if found.person_id in ics.participants(e) or e.id in invited or e.id in before
        ]
    due = [
        e
        for e in events
        if e.id is not None
        and before.get(e.id) != (e.sequence, e.status)
        and (e.status == PLANNED or e.id in before)  # a cancellation only of what was put in
    ]
    if not due:
        return Pushed()
    try:
        password = peer.SecretBox(key).open(found.secret) if key else ""
        items = [
            (ics.uid(e, invites), event_calendar(db, invites, e.id, now=now, person_id=found.person_id))
            for e in due
            if e.id is not None
        ]
        peer.put_events(found.url, found.username, password, items, limits=limits)
    except peer.PeerError as failure:
        return _failed(db, found, failure.message, now=now)
    except Exception as failure:  # an answer the putting code did not foresee
        # One peer's odd answer must not stop the reading of everyone else's calendar.
        trace = peer.without_secret("".join(traceback.format_exception(failure)), found.url)
        log.error("events into linked calendar %s of %s failed:\n%s", link_id, found.person_id, trace)
        return _failed(db, found, phrase("the calendar could not be read"), now=now)
    with db.transaction() as session:
        for e in due:
            if e.id is not None:
                store.mark_pushed(session, found, e.id, sequence=e.sequence, status=e.status, now=now)
    return Pushed(put=len(due))


def _failed(db: Database, found: store.Access, message: str, *, now: dt.datetime) -> Pushed:
    with db.transaction() as session:
        store.store_failure(session, found, message, now=now)
    return Pushed(error=message)
