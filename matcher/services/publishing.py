"""Use cases for invites: calendar files to download, a secret feed per person, and e-mail.

E-mail goes through an outbox. :func:`queue_invites` decides, in one transaction, which
updates and cancellations a change of plan calls for and stores them; :func:`deliver` then
sends what is queued, marking each message sent in the transaction that sent it. When the
mail server fails half-way, the rest stays queued for the next run: nothing is lost, and
nothing already sent is sent again.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import secrets
import ssl
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from matcher import storage
from matcher.domain.invites import FAILED, QUEUED, Queued
from matcher.domain.model import Person
from matcher.domain.phrases import Translator, counted, phrase
from matcher.domain.schedule import CANCELLED, PLANNED, ScheduledEvent
from matcher.io import catalogs, ics, invite_text, outbox
from matcher.io.ics import CANCEL, PUBLISH, InviteSettings
from matcher.io.mail import DeliveryError, Letter, Postman, SmtpSettings, one_line
from matcher.plans.rounds import RoundError
from matcher.storage import Database, accounts
from matcher.storage import invites as inv
from matcher.storage import schedule as store

CALENDAR_TYPE = "text/calendar; charset=utf-8"


def _people(session, events: Iterable[ScheduledEvent]) -> dict[str, Person]:
    """Everyone the events are for: only they are named in the files, each name on one line."""
    return _one_line(storage.load_people(session, (p for e in events for p in ics.participants(e))))


def _one_line(people: Mapping[str, Person]) -> dict[str, Person]:
    """The people with their names as one line: a line break from a spreadsheet cell would split
    a mail header or a calendar line."""
    return {k: dataclasses.replace(p, name=one_line(p.name)) for k, p in people.items()}


def _row_ids(events: Iterable[ScheduledEvent]) -> list[int]:
    ids = []
    for event in events:
        assert event.id is not None, "an event read from storage has its row id"
        ids.append(event.id)
    return ids


def seen_by(event: ScheduledEvent, person_id: str) -> ScheduledEvent:
    """The event as it concerns this person: itself while they are in it, else its cancellation
    naming only them (nobody's file lists people of an event they are not in)."""
    role = ics.participants(event).get(person_id)
    if role is not None and event.status == PLANNED:
        return event
    was = event.roles.get(person_id, "member")
    return dataclasses.replace(
        event, status=CANCELLED, members=(person_id,), roles={person_id: was}, details={}
    )


def _nobody(person_id: str) -> str:
    return phrase("there is nobody with id '{person}'", person=person_id)


def _nothing_planned(source: str) -> str:
    return phrase("nothing is planned for '{source}'; plan its meetings first (meeloop meet)", source=source)


# -- downloads and feeds ----------------------------------------------------------------------------


def person_calendar(
    db: Database, settings: InviteSettings, person_id: str, *, now: dt.datetime, with_cancelled: bool = False
) -> bytes:
    """Everything planned for the person, as one PUBLISH file; ``with_cancelled`` (the feed) also
    lists what was cancelled or what they were taken out of, as cancelled."""
    with db.transaction() as session:
        person = storage.load_person(session, person_id)
        if person is None:
            raise RoundError(_nobody(person_id))
        invited = inv.invited_to(session, person_id)
        found = [
            e
            for e in store.events(session, planned_only=False)
            if person_id in ics.participants(e) or e.id in invited
        ]
        shown = [seen_by(e, person_id) for e in found]
        if not with_cancelled:
            shown = [e for e in shown if e.status == PLANNED]
        people = _people(session, shown)
        words = _words_of(session, person_id, settings)
    name = f"meeloop: {one_line(person.name)}"
    return ics.calendar(
        PUBLISH, shown, people, settings, now=now, person_id=person_id, name=name, words=words
    ).to_ical()


def event_calendar(
    db: Database, settings: InviteSettings, event_id: int, *, now: dt.datetime, person_id: str | None = None
) -> bytes:
    """One event as a PUBLISH file; for ``person_id``, as it concerns them."""
    with db.transaction() as session:
        event = store.event(session, event_id)
        if event is None:
            raise RoundError(phrase("there is no scheduled event {id}", id=str(event_id)))
        shown = seen_by(event, person_id) if person_id else event
        people = _people(session, [shown])
        words = _words_of(session, person_id, settings) if person_id else None
    return ics.calendar(
        PUBLISH, [shown], people, settings, now=now, person_id=person_id, words=words
    ).to_ical()


def _words_of(session: Any, person_id: str, settings: InviteSettings) -> Translator:
    """The person's language: their account's, else the organisation's."""
    chosen = next(
        (a.locale for a in accounts.accounts(session) if a.person_id == person_id and a.locale), None
    )
    return catalogs.translator(chosen or settings.language)


def source_files(
    db: Database, settings: InviteSettings, source: str, out: Path, *, now: dt.datetime
) -> list[Path]:
    """For a round (or another source): one file per person with their own events, and
    ``round.ics`` with all of them for HR. Returns the files written."""
    with db.transaction() as session:
        events = store.events(session, source=source)
        people = _people(session, events)
    if not events:
        raise RoundError(_nothing_planned(source))
    out.mkdir(parents=True, exist_ok=True)
    written = []
    everyone = sorted({p for e in events for p in ics.participants(e)})
    for person_id in everyone:
        own = [e for e in events if person_id in ics.participants(e)]
        cal = ics.calendar(PUBLISH, own, people, settings, now=now, person_id=person_id, name=source)
        path = out / f"{_safe(person_id)}.ics"
        path.write_bytes(cal.to_ical())
        written.append(path)
    path = out / "round.ics"
    path.write_bytes(ics.calendar(PUBLISH, events, people, settings, now=now, name=source).to_ical())
    written.append(path)
    return written


def _safe(name: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in name)


@dataclass(frozen=True)
class FeedAddress:
    token: str
    https: str
    webcal: str


def new_feed_token(
    db: Database, settings: InviteSettings, person_id: str, *, now: dt.datetime
) -> FeedAddress:
    """A new secret feed address for the person; the one before stops working. Only the token's
    hash is stored, so this is the one time it can be shown."""
    token = secrets.token_urlsafe(32)
    with db.transaction() as session:
        if storage.load_person(session, person_id) is None:
            raise RoundError(_nobody(person_id))
        inv.add_token(session, person_id, token, now=now)
    https = f"{settings.base_url}/feed/{token}.ics"
    return FeedAddress(token, https, "webcal://" + https.split("://", 1)[1])


def revoke_feed_token(db: Database, person_id: str, *, now: dt.datetime) -> int:
    with db.transaction() as session:
        if storage.load_person(session, person_id) is None:
            raise RoundError(_nobody(person_id))
        return inv.revoke_tokens(session, person_id, now=now)


def feed(db: Database, settings: InviteSettings, token: str, *, now: dt.datetime) -> bytes | None:
    """The feed behind a token, or None when the token is wrong or revoked."""
    with db.transaction() as session:
        owner = inv.token_owner(session, token)
    if owner is None:
        return None
    return person_calendar(db, settings, owner, now=now, with_cancelled=True)


# -- e-mail ------------------------------------------------------------------------------------------


def queue_invites(
    db: Database, settings: InviteSettings, *, source: str | None, now: dt.datetime, dry_run: bool = False
) -> list[outbox.Due]:
    """Queue the invites, updates and cancellations that the plan for ``source`` (every source
    when None) calls for since the last ones, except about events that have begun already (see
    :func:`too_late`); ``dry_run`` only says what they would be."""
    with db.transaction() as session:
        events = store.events(session, source=source, planned_only=False)
        if source is not None and not events:
            raise RoundError(_nothing_planned(source))
        found = [
            d
            for d in outbox.due(events, inv.last_messages(session, _row_ids(events)))
            if not begun(d.event, now)
        ]
        people = _people(session, events) | _one_line(
            storage.load_people(session, (d.person_id for d in found))
        )
        if dry_run:
            return found
        languages = _languages(session)
        inv.queue(session, [_message(d, people, settings, now, languages) for d in found], now=now)
    return found


def begun(event: ScheduledEvent, now: dt.datetime) -> bool:
    """The event (every meeting of a series) has begun: an invite, update or cancellation about it
    would come too late, so none is queued."""
    return max(start for start, _ in (event.occurrences or ((event.start, event.end),))) <= now


def too_late(db: Database, *, source: str | None, now: dt.datetime) -> list[outbox.Due]:
    """The messages the plan for ``source`` (every source when None) calls for about events that have
    begun already: :func:`queue_invites` leaves them out, and whoever sends is told so."""
    with db.transaction() as session:
        events = [e for e in store.events(session, source=source, planned_only=False) if begun(e, now)]
        return outbox.due(events, inv.last_messages(session, _row_ids(events)))


def too_late_words(count: int) -> str:
    """Why some messages were not queued, in words."""
    return counted(
        count,
        "{n} message was not sent: its meeting has already begun",
        "{n} messages were not sent: their meetings have already begun",
    )


def retry_failed(
    db: Database, settings: InviteSettings, *, now: dt.datetime, source: str | None = None
) -> int:
    """Queue the failed messages (about ``source``'s events when given) again, written anew from
    the person and event as they are now, so that a fixed address or name is used. A message that a
    later one replaced, or whose event changed since, is left: the next send writes what is due.
    Returns how many were queued again."""
    with db.transaction() as session:
        stored = store.events(session, source=source, planned_only=False)
        events = dict(zip(_row_ids(stored), stored, strict=True))
        failed = inv.messages(session, event_ids=list(events) if source else None, status=FAILED)
        newest = inv.newest_ids(session, [m.event_id for m in failed])
        languages = _languages(session)
        again = 0
        for message in failed:
            event = events.get(message.event_id)
            if newest.get((message.event_id, message.person_id)) != message.id:
                continue
            if event is None or event.sequence != message.sequence:
                continue
            people = _people(session, [event]) | _one_line(storage.load_people(session, [message.person_id]))
            if message.person_id not in people:
                continue
            due = outbox.Due(event, message.person_id, message.method)
            written = _message(due, people, settings, now, languages)
            inv.requeue(
                session, message.id, {k: written[k] for k in ("email", "name", "subject", "text", "calendar")}
            )
            again += 1
    return again


def _languages(session: Any) -> dict[str, str]:
    return {a.person_id: a.locale for a in accounts.accounts(session) if a.person_id and a.locale}


def _message(
    due: outbox.Due,
    people: Mapping[str, Person],
    settings: InviteSettings,
    now: dt.datetime,
    languages: Mapping[str, str],
) -> dict:
    """An invite, update or cancellation for one person, in their language: their account's, else
    the organisation's."""
    person = people[due.person_id]
    words = catalogs.translator(languages.get(due.person_id) or settings.language)
    if due.method == CANCEL:
        event = seen_by(due.event, due.person_id)
        attendees: tuple[str, ...] = (due.person_id,)
    else:
        event = due.event
        attendees = tuple(ics.participants(event))
    cal = ics.calendar(
        due.method,
        [event],
        people,
        settings,
        now=now,
        person_id=due.person_id,
        attendees={event.id: attendees},
        words=words,
    )
    return {
        "event_id": due.event.id,
        "person_id": due.person_id,
        "email": person.email,
        "name": person.name,
        "method": due.method,
        "sequence": due.sequence,
        "subject": invite_text.subject(due.event if due.method == CANCEL else event, due.method, words),
        "text": invite_text.letter(
            event, person, people, settings, due.method, words, ics.participants(event)
        ),
        "calendar": cal.to_ical().decode("utf-8"),
    }


@dataclass(frozen=True)
class Delivery:
    sent: int
    #: (outbox id or None for the connection, why), in the order they happened.
    failed: tuple[tuple[int | None, str], ...]
    waiting: int

    def summary(self) -> str:
        """How the run went, as a message: "3 sent, 1 failed, 2 waiting in the outbox"."""
        if self.failed:
            return phrase(
                "{sent} sent, {failed} failed, {waiting} waiting in the outbox",
                sent=self.sent,
                failed=len(self.failed),
                waiting=self.waiting,
            )
        return phrase("{sent} sent, {waiting} waiting in the outbox", sent=self.sent, waiting=self.waiting)


def deliver(
    db: Database,
    smtp: SmtpSettings,
    settings: InviteSettings,
    *,
    now: dt.datetime,
    source: str | None = None,
    ssl_context: ssl.SSLContext | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Delivery:
    """Send what waits in the outbox (for ``source``'s events when given), oldest first.

    Each message is claimed (in a transaction of its own, so that no other run takes it), sent and
    marked sent right after. A recipient the server refuses for good (5xx) is marked failed and the
    rest goes on; a refusal for now (4xx) stays queued; a lost connection stops the run and leaves
    the rest queued for the next one. ``progress(done, total)`` hears before each message.
    """
    with db.transaction() as session:
        ids = _row_ids(store.events(session, source=source, planned_only=False)) if source else None
        waiting = inv.messages(session, event_ids=ids, status=QUEUED)
    sent = 0
    failed: list[tuple[int | None, str]] = []
    try:
        with Postman(smtp, ssl_context=ssl_context) as postman:
            for done, message in enumerate(waiting):
                if progress is not None:
                    progress(done, len(waiting))
                error = _send_one(db, postman, message.id, settings, now)
                if error is None:
                    sent += 1
                    continue
                if error is NOT_MINE:
                    continue
                failed.append((message.id, str(error)))
                if error.connection_lost:
                    break  # the rest waits for the next run
    except DeliveryError as error:
        failed.append((None, str(error)))
    with db.transaction() as session:
        left = len(inv.messages(session, event_ids=ids, status=QUEUED))
    return Delivery(sent, tuple(failed), left)


#: What :func:`_send_one` says of a message another run has claimed: it was not this run's to send.
NOT_MINE = DeliveryError("claimed by another run")


def _send_one(
    db: Database, postman: Postman, message_id: int, settings: InviteSettings, now: dt.datetime
) -> DeliveryError | None:
    """Claim the message (committed before it goes out, so no other run sends it too), hand it to
    the server, and mark it sent, or failed, right after."""
    with db.transaction() as session:
        message = inv.claim(session, message_id)
    if message is None:
        return NOT_MINE  # another run sent it meanwhile, or is sending it
    error: DeliveryError | None = None
    try:
        postman.send(_letter(message, settings))
    except ValueError as bad:  # a stored address that is not one: this letter only
        error = DeliveryError(str(bad), recipient=message.email, unsendable=True)
    except DeliveryError as refused:
        error = refused
    with db.transaction() as session:
        if error is None:
            inv.mark_sent(session, message.id, now=now)
        else:
            inv.mark_failed(session, message.id, str(error), permanent=error.permanent)
    return error


def _letter(message: Queued, settings: InviteSettings) -> Letter:
    return Letter(
        to_email=message.email,
        to_name=message.name,
        subject=message.subject,
        text=message.text,
        calendar=message.calendar.encode("utf-8"),
        method=message.method,
        message_id=f"<meeloop-outbox-{message.id}@{settings.domain}>",
    )


def waiting_sources(db: Database) -> list[str]:
    """The rounds and plans whose e-mail waits in the outbox (after a passing failure)."""
    with db.transaction() as session:
        waiting = {m.event_id for m in inv.messages(session, status=QUEUED)}
        if not waiting:
            return []
        stored = store.events(session, planned_only=False)
        return sorted({e.source for e, row in zip(stored, _row_ids(stored), strict=True) if row in waiting})


def outbox_messages(db: Database, *, source: str | None = None) -> list[Queued]:
    with db.transaction() as session:
        ids = _row_ids(store.events(session, source=source, planned_only=False)) if source else None
        return inv.messages(session, event_ids=ids)


def send_test_mail(
    smtp: SmtpSettings, to_email: str, *, subject: str, text: str, ssl_context: ssl.SSLContext | None = None
) -> None:
    """A plain e-mail through the mail server, to check the settings; raises
    :class:`~matcher.io.mail.DeliveryError` with the server's answer when it does not go out."""
    with Postman(smtp, ssl_context=ssl_context) as postman:
        postman.send_note(to_email, subject, text)
