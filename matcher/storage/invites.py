"""The e-mail outbox and calendar feed tokens in the database.

Every function runs inside the caller's transaction and only flushes.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from sqlalchemy import CursorResult, func, select, update
from sqlalchemy.orm import Session

from matcher.domain.invites import FAILED, QUEUED, SENDING, SENT, Queued
from matcher.storage import FeedTokenRow, OutboxRow
from matcher.storage.base import utc


def _queued(row: OutboxRow) -> Queued:
    return Queued(
        row.id,
        row.event_id,
        row.person_id,
        row.email,
        row.name,
        row.method,
        row.sequence,
        row.subject,
        row.text,
        row.calendar,
        row.status,
        row.attempts,
        row.last_error,
        utc(row.created),
        utc(row.sent) if row.sent else None,
    )


def last_messages(session: Session, event_ids: list[int]) -> dict[tuple[int, str], tuple[int, str]]:
    """(event id, person id) -> (sequence, method) of the latest message queued or sent."""
    found: dict[tuple[int, str], tuple[int, str]] = {}
    if not event_ids:
        return found
    rows = session.execute(
        select(OutboxRow.event_id, OutboxRow.person_id, OutboxRow.sequence, OutboxRow.method)
        .where(OutboxRow.event_id.in_(event_ids))
        .order_by(OutboxRow.sequence, OutboxRow.id)
    )
    for event_id, person_id, sequence, method in rows:
        found[(event_id, person_id)] = (sequence, method)
    return found


def newest_ids(session: Session, event_ids: list[int]) -> dict[tuple[int, str], int]:
    """(event id, person id) -> id of the newest message about that event to that person."""
    if not event_ids:
        return {}
    rows = session.execute(
        select(OutboxRow.event_id, OutboxRow.person_id, func.max(OutboxRow.id))
        .where(OutboxRow.event_id.in_(event_ids))
        .group_by(OutboxRow.event_id, OutboxRow.person_id)
    )
    return {(event_id, person_id): newest for event_id, person_id, newest in rows}


def requeue(session: Session, message_id: int, values: dict[str, object]) -> None:
    """Put a failed message back in the queue, written anew with ``values``."""
    session.execute(update(OutboxRow).where(OutboxRow.id == message_id).values(**values, status=QUEUED))


def queue(session: Session, messages: list[dict[str, object]], *, now: dt.datetime) -> list[int]:
    rows = [
        OutboxRow(**message, status=QUEUED, attempts=0, last_error="", created=now, sent=None)
        for message in messages
    ]
    session.add_all(rows)
    session.flush()
    return [r.id for r in rows]


def messages(
    session: Session, *, event_ids: list[int] | None = None, status: str | None = None
) -> list[Queued]:
    """Outbox messages, oldest first; only those about ``event_ids`` or with ``status`` when given."""
    query = select(OutboxRow).order_by(OutboxRow.id)
    if event_ids is not None:
        query = query.where(OutboxRow.event_id.in_(event_ids))
    if status is not None:
        query = query.where(OutboxRow.status == status)
    return [_queued(r) for r in session.scalars(query)]


def claim(session: Session, message_id: int) -> Queued | None:
    """Take the message for sending if it is still queued: it is then ``sending``, which no other
    run takes. Atomic across processes (the status is checked in the UPDATE itself), so of two runs
    that claim it at once exactly one gets it. Commit the claim before handing the message to the
    mail server; :func:`mark_sent` or :func:`mark_failed` right after."""
    result = session.execute(
        update(OutboxRow).where(OutboxRow.id == message_id, OutboxRow.status == QUEUED).values(status=SENDING)
    )
    assert isinstance(result, CursorResult), "an UPDATE's result is a cursor result, with a row count"
    if result.rowcount != 1:
        return None
    row = session.get(OutboxRow, message_id, populate_existing=True)
    assert row is not None, "a message just claimed is there"
    return _queued(row)


def mark_sent(session: Session, message_id: int, *, now: dt.datetime) -> None:
    session.execute(
        update(OutboxRow)
        .where(OutboxRow.id == message_id)
        .values(status=SENT, sent=now, attempts=OutboxRow.attempts + 1, last_error="")
    )


def mark_failed(session: Session, message_id: int, error: str, *, permanent: bool) -> None:
    """Count the attempt; a permanent refusal takes the message out of the queue (it stays listed)."""
    session.execute(
        update(OutboxRow)
        .where(OutboxRow.id == message_id)
        .values(
            attempts=OutboxRow.attempts + 1,
            last_error=error[:2000],
            status=FAILED if permanent else QUEUED,
        )
    )


# -- feed tokens ---------------------------------------------------------------------------------------


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def add_token(session: Session, person_id: str, token: str, *, now: dt.datetime) -> None:
    """A new feed token for the person; earlier ones stop working."""
    revoke_tokens(session, person_id, now=now)
    session.add(FeedTokenRow(person_id=person_id, token_hash=token_hash(token), created=now, revoked=None))
    session.flush()


def revoke_tokens(session: Session, person_id: str, *, now: dt.datetime) -> int:
    result = session.execute(
        update(FeedTokenRow)
        .where(FeedTokenRow.person_id == person_id, FeedTokenRow.revoked.is_(None))
        .values(revoked=now)
    )
    assert isinstance(result, CursorResult), "an UPDATE's result is a cursor result, with a row count"
    return result.rowcount


def token_owner(session: Session, token: str) -> str | None:
    """Whose live token this is, or None for a wrong or revoked one."""
    return session.scalars(
        select(FeedTokenRow.person_id).where(
            FeedTokenRow.token_hash == token_hash(token), FeedTokenRow.revoked.is_(None)
        )
    ).one_or_none()


def invited_to(session: Session, person_id: str) -> set[int]:
    """Ids of the events the person was ever e-mailed about."""
    return set(session.scalars(select(OutboxRow.event_id).where(OutboxRow.person_id == person_id)))
