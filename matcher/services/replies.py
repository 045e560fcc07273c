"""Replies to e-mailed invites, one function per use case: read the organiser's mailbox (on
schedule, and when HR asks), the answers per event for HR, and the messages that matched nothing.

Each unread message in the folder of ``MEELOOP_IMAP_URL`` (see
:class:`~matcher.io.replies.ImapSettings`) is read once: its iTIP reply is matched by UID (and
RECURRENCE-ID) to a meeloop event and by the attendee's address (any case) to a person the event
is for; the answer becomes that person's latest for the event. A reply is applied only when the
message comes from the attendee's own address (and, with ``MEELOOP_IMAP_REQUIRE_DMARC=1``, when the
organiser's mail server found it passed DMARC). A reply to an older SEQUENCE than the event's is
noted as stale and not applied; one that matches nothing, cannot be read or is over
:data:`~matcher.io.replies.MAX_BYTES` (not downloaded) is noted with why. A proposal of another
time (COUNTER) is kept for HR, never applied. Every message read is marked read in the mailbox and
noted by its UIDVALIDITY and UID, so nothing is read twice even when marking it failed.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from matcher import storage
from matcher.domain.phrases import phrase
from matcher.domain.replies import (
    APPLIED,
    MALFORMED,
    STALE,
    UNMATCHED,
    Answer,
    ReadMail,
)
from matcher.domain.schedule import PLANNED, ScheduledEvent
from matcher.io import ics
from matcher.io import replies as imip
from matcher.io.ics import InviteSettings
from matcher.services import queue
from matcher.storage import Database
from matcher.storage import replies as store
from matcher.storage import schedule as events_store

log = logging.getLogger(__name__)

#: The job that reads the mailbox now (HR's "read replies now"); its key is unused.
READ = "replies-read"
FAILED = "failed"
LAST_READ = "replies.last_read"


def settings_from_env(environ: Mapping[str, str] | None = None) -> imip.ImapSettings | None:
    """The organiser's mailbox, or None when ``MEELOOP_IMAP_URL`` is not set; ValueError (a phrase)
    says what is wrong with it."""
    return imip.ImapSettings.from_env(os.environ if environ is None else environ)


@dataclass
class Tally:
    """What one read of the mailbox did: how many messages ended how."""

    outcomes: dict[str, int] = field(default_factory=dict)
    error: str = ""

    def add(self, outcome: str) -> None:
        self.outcomes[outcome] = self.outcomes.get(outcome, 0) + 1


def read_mailbox(
    db: Database, invites: InviteSettings, mailbox: imip.ImapSettings, *, now: dt.datetime
) -> Tally:
    """Read the unread messages of the mailbox and apply the replies in them."""
    tally = Tally()
    try:
        with imip.open_mailbox(mailbox) as box:
            for mail in box.unread():
                outcome = _read_one(db, mail, invites, mailbox, now=now)
                box.mark_read(mail)
                if outcome:
                    tally.add(outcome)
    except imip.MailboxError as failure:
        log.warning("replies from %s: %s", mailbox.where, failure.message)
        with db.transaction() as session:
            store.note_mail(
                session, f"{FAILED}:{now.isoformat()}", outcome=FAILED, reason=failure.message, now=now
            )
        tally.error = failure.message
        return tally
    with db.transaction() as session:
        storage.set_meta(session, LAST_READ, now.astimezone(dt.UTC).isoformat())
    return tally


def _read_one(
    db: Database, mail: imip.Mail, invites: InviteSettings, mailbox: imip.ImapSettings, *, now: dt.datetime
) -> str:
    """Handle one message in a transaction of its own; its outcome ("" when it was read before).

    Anyone can send the organiser an e-mail, so a message that breaks the reading in a way not
    foreseen is noted as unreadable and marked read like any other: else it would stop every read
    of the mailbox from then on, at the same message."""
    try:
        with db.transaction() as session:
            if store.was_read(session, mail.key):
                return ""
            return _handle(session, mail, invites, mailbox, now=now)
    except Exception:
        log.exception("message %s in %s could not be read", mail.key, mailbox.where)
    envelope = imip.envelope(mail.raw)
    with db.transaction() as session:
        store.note_mail(
            session,
            mail.key,
            outcome=MALFORMED,
            reason=phrase("the message could not be read"),
            sender=envelope.sender,
            subject=envelope.subject,
            now=now,
        )
    return MALFORMED


def _handle(
    session: Any, mail: imip.Mail, invites: InviteSettings, mailbox: imip.ImapSettings, *, now: dt.datetime
) -> str:
    """Apply the replies of one message; its outcome, noted with the reason when not applied."""
    envelope = imip.envelope(mail.raw)

    def refused(outcome: str, reason: str) -> str:
        log.info("message %s from %s: %s", mail.key, envelope.sender, reason)
        store.note_mail(
            session,
            mail.key,
            outcome=outcome,
            reason=reason,
            sender=envelope.sender,
            subject=envelope.subject,
            now=now,
        )
        return outcome

    if mail.too_large:
        limit = str(imip.MAX_BYTES // 1_000_000) + " MB"
        return refused(MALFORMED, phrase("the message is larger than {limit}", limit=limit))
    if mailbox.require_dmarc and not imip.authenticated(mail.raw):
        why = phrase("the message did not pass the DMARC check of the organiser's mail server")
        return refused(UNMATCHED, why)
    try:
        replies = imip.read_replies(mail.raw)
    except imip.NotAReply as failure:
        return refused(MALFORMED, failure.message)
    results = [
        _from_attendee(envelope.sender, reply) or _apply(session, reply, invites, now=now)
        for reply in replies
    ]
    applied = [r for r in results if r[0] == APPLIED]
    outcome, reason, event_id = applied[0] if applied else results[0]
    if outcome != APPLIED:
        log.info("message %s from %s: %s", mail.key, envelope.sender, reason)
    store.note_mail(
        session,
        mail.key,
        outcome=outcome,
        reason=reason,
        sender=envelope.sender,
        subject=envelope.subject,
        event_id=event_id,
        now=now,
    )
    return outcome


def _from_attendee(sender: str, reply: imip.Reply) -> tuple[str, str, int | None] | None:
    """None when the message comes from the attendee's own address (as Outlook, Google and Apple send
    it), else why the reply is not applied: UIDs can be guessed, so anyone could answer for anyone."""
    if sender.strip().lower() == reply.attendee.strip().lower():
        return None
    if not sender.strip():
        why = phrase(
            "sent without a readable sender, not by the attendee {attendee}", attendee=reply.attendee
        )
    else:
        why = phrase(
            "sent from {sender}, not by the attendee {attendee}", sender=sender, attendee=reply.attendee
        )
    return UNMATCHED, why, None


def _event_id(uid: str, domain: str) -> int | None:
    found = re.fullmatch(r"meeloop-event-(\d+)@(.+)", uid.strip(), flags=re.IGNORECASE)
    if found is None or found.group(2).lower() != domain.lower():
        return None
    return int(found.group(1))


def _apply(
    session: Any, reply: imip.Reply, invites: InviteSettings, *, now: dt.datetime
) -> tuple[str, str, int | None]:
    """Match one reply to an event and a person and keep the answer: (outcome, reason, event id)."""
    event_id = _event_id(reply.uid, invites.domain)
    event = events_store.event(session, event_id) if event_id is not None else None
    if event is None:
        return UNMATCHED, phrase("no event of meeloop has the UID {uid}", uid=reply.uid), None
    assert event.id is not None
    person_id = _invited(session, event, reply.attendee)
    if person_id is None:
        why = phrase(
            "{attendee} was not invited to event {event}", attendee=reply.attendee, event=str(event.id)
        )
        return UNMATCHED, why, event.id
    if event.status != PLANNED:
        return (
            STALE,
            phrase("event {event} was cancelled; the reply was not applied", event=str(event.id)),
            event.id,
        )
    if reply.sequence < event.sequence:
        why = phrase(
            "the reply of {attendee} answers an older version of event {event} "
            "(sequence {old}, now {current}); it was not applied",
            attendee=reply.attendee,
            event=str(event.id),
            old=str(reply.sequence),
            current=str(event.sequence),
        )
        return STALE, why, event.id
    if reply.recurrence_id is not None and not _is_occurrence(event, reply.recurrence_id):
        why = phrase(
            "event {event} has no occurrence at {moment:%Y-%m-%d %H:%M} UTC",
            event=str(event.id),
            moment=reply.recurrence_id,
        )
        return UNMATCHED, why, event.id
    store.store_answer(
        session,
        Answer(
            event_id=event.id,
            person_id=person_id,
            answer=reply.answer,
            received=now,
            sequence=reply.sequence,
            occurrence=reply.recurrence_id,
            comment=reply.comment,
            proposed_start=reply.proposed_start,
            proposed_end=reply.proposed_end,
        ),
    )
    return APPLIED, "", event.id


def _invited(session: Any, event: ScheduledEvent, address: str) -> str | None:
    """The person the event is for whose address this is (any case), if any."""
    for person_id in ics.participants(event):
        person = storage.load_person(session, person_id)
        if person is not None and person.email.strip().lower() == address.strip().lower():
            return person_id
    return None


def _is_occurrence(event: ScheduledEvent, moment: dt.datetime) -> bool:
    return any(abs((t.start - moment).total_seconds()) < 60 for t in event.times())


# -- what HR sees ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class EventReplies:
    """An event and, per person it is for, their latest answer (None: no answer yet)."""

    event: ScheduledEvent
    answers: dict[str, Answer | None]
    #: Answers for single occurrences of a series, per person.
    occurrences: dict[str, list[Answer]]


def replies_for(db: Database, sources: Sequence[str]) -> list[EventReplies]:
    """The planned events of these sources (a round's name, a plan's sources) with who answered what."""
    with db.transaction() as session:
        found = [e for source in sources for e in events_store.events(session, source=source)]
        answers = store.answers(session, [e.id for e in found if e.id is not None])
    whole: dict[tuple[int, str], Answer] = {}
    single: dict[tuple[int, str], list[Answer]] = {}
    for answer in answers:
        if answer.occurrence is None:
            whole[(answer.event_id, answer.person_id)] = answer
        else:
            single.setdefault((answer.event_id, answer.person_id), []).append(answer)
    listed = []
    for event in sorted(found, key=lambda e: (e.start, e.id or 0)):
        people = list(ics.participants(event))
        listed.append(
            EventReplies(
                event,
                {p: whole.get((event.id or 0, p)) for p in people},
                {p: single[(event.id or 0, p)] for p in people if (event.id or 0, p) in single},
            )
        )
    return listed


def unapplied(db: Database, limit: int = 50) -> list[ReadMail]:
    """The latest messages that were not applied (stale, matched nothing, unreadable) and failed
    reads of the mailbox, newest first."""
    with db.transaction() as session:
        return store.read_mails(session, outcomes=(STALE, UNMATCHED, MALFORMED, FAILED), limit=limit)


def last_read(db: Database) -> dt.datetime | None:
    with db.transaction() as session:
        value = storage.get_meta(session, LAST_READ)
    return dt.datetime.fromisoformat(value) if value else None


# -- the queue ------------------------------------------------------------------------------------


@queue.handler(READ)
def read_job(ctx: queue.Context, key: str) -> None:
    """HR's "read replies now"."""
    read_replies(ctx, ctx.clock())


@queue.scheduled("replies", cron="*/10 * * * *", summary=phrase("reading the replies to invites"))
def read_replies(ctx: queue.Context, now: dt.datetime) -> dict[str, int]:
    """Read the organiser's mailbox, when one is set; how many messages ended how."""
    mailbox = settings_from_env()
    if mailbox is None:
        return {}
    tally = read_mailbox(ctx.db, ctx.invites, mailbox, now=now)
    return {**tally.outcomes, **({FAILED: 1} if tally.error else {})}
