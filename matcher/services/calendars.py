"""Linked calendars, one function per use case: link, unlink, read one now, read all on schedule
(and put the person's events into a CalDAV calendar whose link asks for it).

An employee (or HR for them) links a calendar that meeloop then reads by itself: a published
iCalendar address (Outlook's and Google's "publish calendar" address) or a CalDAV calendar with its
account. Each read keeps only busy stretches (start and end) over the coming weeks, the same way
an uploaded calendar is read (:func:`~matcher.domain.availability.read_busy`): transparent and
cancelled events and FREE free/busy time are not busy. A good read replaces the link's busy time
at once; a failed one (the address does not answer, the password is refused, the answer is not a
calendar) keeps the busy time of the last good read and notes why it failed, for the person's page.

The peer is read outside any transaction; what it gave is stored in one short transaction after,
and only if the link is still the one that was read.

Settings (:meth:`CalendarSettings.from_env`): ``MEELOOP_CALENDAR_KEY`` (the Fernet key CalDAV
passwords are encrypted with; without it no CalDAV password is kept), ``MEELOOP_CALENDAR_WEEKS``
(how far ahead is read, default 8), ``MEELOOP_CALENDAR_TIMEOUT`` (seconds per step of a read,
default 20; a whole read may take three times as long) and ``MEELOOP_CALENDAR_PRIVATE`` (``1``:
addresses on an internal network may be read).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import traceback
from collections.abc import Mapping
from dataclasses import dataclass, field

from matcher import storage
from matcher.domain.availability import read_busy
from matcher.domain.intervals import Interval, merge
from matcher.domain.linked_calendars import LinkedCalendar
from matcher.domain.phrases import phrase, term
from matcher.domain.problems import InvalidInput, Location, Problem
from matcher.io import linked_calendars as peer
from matcher.services import calendar_push, queue
from matcher.storage import Database
from matcher.storage import calendars as store

log = logging.getLogger(__name__)

#: The job that reads one link now (its key: the link's id).
REFRESH = "calendar-refresh"
ICS_URL, CALDAV, KINDS = peer.ICS_URL, peer.CALDAV, peer.KINDS
#: Busy time is read from a day back (a plan may start today) to this many weeks ahead.
DEFAULT_WEEKS = 8
_BEHIND = dt.timedelta(days=1)
#: A published calendar's ETag is sent while its last full read reaches this close to the end of
#: the window (a 304 then keeps busy time that ends at most this much short).
_FRESH = dt.timedelta(days=1)


@dataclass(frozen=True)
class CalendarSettings:
    key: str = ""
    weeks: int = DEFAULT_WEEKS
    limits: peer.Limits = field(default_factory=peer.Limits)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> CalendarSettings:
        """The settings of the environment; ValueError (a phrase) names one that is wrong."""
        env = os.environ if environ is None else environ
        key = env.get("MEELOOP_CALENDAR_KEY", "").strip()
        if key and (why := peer.SecretBox.check_key(key)):
            raise ValueError(phrase("{setting} {problem}", setting="MEELOOP_CALENDAR_KEY", problem=why))
        weeks = _whole(env, "MEELOOP_CALENDAR_WEEKS", DEFAULT_WEEKS, 1, 104)
        timeout = _whole(env, "MEELOOP_CALENDAR_TIMEOUT", 20, 1, 300)
        private = env.get("MEELOOP_CALENDAR_PRIVATE", "").strip().lower() in ("1", "yes", "true", "on")
        limits = peer.Limits(timeout=float(timeout), total=3.0 * timeout, private_ok=private)
        return cls(key, weeks, limits)

    def window(self, now: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
        return (now - _BEHIND, now + dt.timedelta(weeks=self.weeks))


def _whole(env: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or not low <= int(raw) <= high:
        raise ValueError(
            phrase(
                "{setting}: '{value}' is not a whole number from {low} to {high}",
                setting=name,
                value=raw,
                low=low,
                high=high,
            )
        )
    return int(raw)


def _bad(field_name: str, message: str) -> InvalidInput:
    return InvalidInput([Problem(Location(term("linked calendar"), None, field_name), message)])


# -- linking ----------------------------------------------------------------------------------------


def link_calendar(
    db: Database,
    person_id: str,
    *,
    kind: str,
    url: str,
    username: str = "",
    password: str = "",
    by: str,
    now: dt.datetime,
    push: bool = False,
    settings: CalendarSettings | None = None,
) -> LinkedCalendar:
    """Link the person's calendar (replacing the one linked before); it is read by a job after.

    With ``push`` (CalDAV only), the person's meeloop events are put into the calendar after each
    read (:mod:`matcher.services.calendar_push`).

    Raises InvalidInput naming the field: an unknown kind, an address that is no web address, a
    CalDAV account without user name or password, a password while no key is set to keep it, or
    ``push`` for a published address.
    """
    settings = settings or CalendarSettings.from_env()
    url, username = url.strip(), username.strip()
    if kind not in KINDS:
        raise _bad("kind", phrase("choose a published address or a CalDAV calendar"))
    if why := peer.check_address(url):
        raise _bad("url", why)
    if push and kind != CALDAV:
        raise _bad("push", phrase("only a CalDAV calendar can take in meeloop's events"))
    secret = ""
    if kind == CALDAV:
        if not username:
            raise _bad("username", phrase("give the user name of the calendar account"))
        if not password:
            raise _bad("password", phrase("give the password (or an app password) of the calendar account"))
        if not settings.key:
            raise _bad(
                "password",
                phrase(
                    "meeloop keeps no calendar passwords until the administrator sets {setting}",
                    setting="MEELOOP_CALENDAR_KEY",
                ),
            )
        secret = peer.SecretBox(settings.key).seal(password)
    with db.transaction() as session:
        if storage.load_person(session, person_id) is None:
            raise _bad("person", phrase("there is no person with id '{person}'", person=person_id))
        return store.link(
            session,
            person_id,
            kind=kind,
            url=url,
            username=username if kind == CALDAV else "",
            secret=secret,
            by=by,
            now=now,
            push=push,
        )


def unlink_calendar(db: Database, person_id: str) -> bool:
    """Forget the person's linked calendar, its password and its busy time; whether there was one."""
    with db.transaction() as session:
        return store.unlink(session, person_id)


def linked_calendar(db: Database, person_id: str) -> LinkedCalendar | None:
    with db.transaction() as session:
        return store.link_of(session, person_id)


def linked_calendars(db: Database) -> list[LinkedCalendar]:
    with db.transaction() as session:
        return store.links(session)


def linked_busy(db: Database, link_id: int) -> list[Interval]:
    """The busy stretches a link's last good read gave."""
    with db.transaction() as session:
        return store.busy_times(session, link_id)


# -- reading ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Refreshed:
    """How one read went: read (with the busy stretches found), unchanged (304), failed (with
    why), or gone (the link was removed or replaced meanwhile)."""

    outcome: str
    busy: int = 0
    error: str = ""


def refresh(
    db: Database, link_id: int, *, now: dt.datetime, settings: CalendarSettings | None = None
) -> Refreshed:
    """Read one linked calendar now and store what it gave, or why it failed."""
    settings = settings or CalendarSettings.from_env()
    with db.transaction() as session:
        found = store.access(session, link_id)
        person = storage.load_person(session, found.person_id) if found else None
    if found is None or person is None:
        return Refreshed("gone")
    try:
        busy, etag = _read(found, person.timezone, now, settings)
    except peer.PeerError as failure:
        log.info("linked calendar %s of %s: %s", link_id, found.person_id, failure.message)
        return _failed(db, found, failure.message, now=now)
    except Exception as failure:  # an answer the reading code did not foresee
        # One peer's odd answer must not stop the reading of everyone else's calendar.
        trace = "".join(traceback.format_exception(failure))
        log.error(
            "linked calendar %s of %s could not be read:\n%s",
            link_id,
            found.person_id,
            peer.without_secret(trace, found.url),
        )
        return _failed(db, found, phrase("the calendar could not be read"), now=now)
    with db.transaction() as session:
        kept = store.store_read(session, found, busy, etag=etag, until=settings.window(now)[1], now=now)
    if not kept:
        return Refreshed("gone")
    return Refreshed("unchanged") if busy is None else Refreshed("read", busy=len(busy))


def _failed(db: Database, found: store.Access, message: str, *, now: dt.datetime) -> Refreshed:
    """Note why the read failed, keeping the busy time of the last good read."""
    with db.transaction() as session:
        kept = store.store_failure(session, found, message, now=now)
    return Refreshed("failed", error=message) if kept else Refreshed("gone")


def _read(
    found: store.Access, timezone: str, now: dt.datetime, settings: CalendarSettings
) -> tuple[list[Interval] | None, str]:
    """The busy time the peer gives (None: unchanged since the last read) and its ETag."""
    window = settings.window(now)
    if found.kind == CALDAV:
        password = peer.SecretBox(settings.key).open(found.secret) if settings.key else ""
        if not password:
            raise peer.PeerError(
                phrase(
                    "meeloop keeps no calendar passwords until the administrator sets {setting}",
                    setting="MEELOOP_CALENDAR_KEY",
                )
            )
        fetched = peer.fetch_caldav(found.url, found.username, password, window, limits=settings.limits)
        # meeloop's own events count from its own records (see calendar_push).
        fetched = peer.Fetched(tuple(t for t in fetched.texts if not peer.is_own_event(t)))
    else:
        # An unchanged calendar read long ago would stop short of the window's end: ask again.
        fresh = found.read_until is not None and found.read_until >= window[1] - _FRESH
        fetched = peer.fetch_ics(found.url, etag=found.etag if fresh else "", limits=settings.limits)
    if fetched.unchanged:
        return None, fetched.etag
    source = peer.host_of(found.url)
    busy: list[Interval] = []
    for text in fetched.texts:
        try:
            busy += read_busy(text, source=source, timezone=timezone, window=window)
        except InvalidInput as error:
            problem = str(error.problems[0])
            raise peer.PeerError(
                phrase("what the address gave is not a calendar meeloop can read: {problem}", problem=problem)
            ) from None
    return merge(busy), fetched.etag


# -- the queue --------------------------------------------------------------------------------------


@queue.handler(REFRESH)
def refresh_job(ctx: queue.Context, key: str) -> None:
    """Read one link now ("read now" on the page, and right after linking), then put the person's
    events into it when the link says so."""
    settings = CalendarSettings.from_env()
    now = ctx.clock()
    if refresh(ctx.db, int(key), now=now, settings=settings).outcome != "gone":
        push(ctx, int(key), now=now, settings=settings)


def push(
    ctx: queue.Context, link_id: int, *, now: dt.datetime, settings: CalendarSettings
) -> calendar_push.Pushed:
    return calendar_push.push_events(
        ctx.db, ctx.invites, link_id, key=settings.key, limits=settings.limits, now=now
    )


@queue.scheduled("calendars", cron="37 * * * *", summary=phrase("reading the linked calendars"))
def refresh_all(
    ctx: queue.Context, now: dt.datetime, settings: CalendarSettings | None = None
) -> dict[str, int]:
    """Read every linked calendar, one after the other; how many ended how."""
    settings = settings or CalendarSettings.from_env()
    outcomes: dict[str, int] = {}
    for linked in linked_calendars(ctx.db):
        result = refresh(ctx.db, linked.id, now=now, settings=settings)
        outcomes[result.outcome] = outcomes.get(result.outcome, 0) + 1
        if linked.push and result.outcome != "gone":
            push(ctx, linked.id, now=now, settings=settings)
    return outcomes
