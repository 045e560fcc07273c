"""What is stored about one person outside their own record: calendar uploads, e-mails sent to
them, feed tokens (counted, never their hashes) and earlier pairings and groups they were in.

Every function runs inside the caller's transaction and only reads.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from matcher.domain.model import HistoryEntry
from matcher.domain.personal import CalendarFile, FeedTokens, Message
from matcher.storage import CalendarUploadRow, FeedTokenRow, HistoryRow, OutboxRow
from matcher.storage.base import utc


def calendar_files(session: Session, person_id: str) -> list[CalendarFile]:
    """Every calendar the person uploaded, the newest first."""
    rows = session.scalars(
        select(CalendarUploadRow)
        .where(CalendarUploadRow.person_id == person_id)
        .order_by(CalendarUploadRow.uploaded.desc(), CalendarUploadRow.id.desc())
    )
    return [
        CalendarFile(
            r.filename, utc(r.uploaded), utc(r.replaced) if r.replaced else None, r.busy_count, r.content
        )
        for r in rows
    ]


def feed_tokens(session: Session, person_id: str) -> FeedTokens:
    rows = session.execute(
        select(FeedTokenRow.revoked.is_(None), func.count(), func.max(FeedTokenRow.created))
        .where(FeedTokenRow.person_id == person_id)
        .group_by(FeedTokenRow.revoked.is_(None))
    ).all()
    active = next(((n, latest) for live, n, latest in rows if live), (0, None))
    revoked = sum(n for live, n, _latest in rows if not live)
    return FeedTokens(active[0], revoked, utc(active[1]) if active[1] else None)


def messages_to(session: Session, person_id: str) -> list[Message]:
    """The invites, updates and cancellations e-mailed (or queued) to the person, oldest first."""
    rows = session.scalars(select(OutboxRow).where(OutboxRow.person_id == person_id).order_by(OutboxRow.id))
    return [
        Message(r.event_id, r.method, r.subject, r.status, utc(r.created), utc(r.sent) if r.sent else None)
        for r in rows
    ]


def history_of(session: Session, person_id: str) -> list[HistoryEntry]:
    """The earlier pairings and groups the person was in, oldest first. Members are a JSON list,
    so the entries are filtered here, the same on every database."""
    rows = session.scalars(select(HistoryRow).order_by(HistoryRow.started, HistoryRow.id))
    return [
        HistoryEntry(r.round, r.kind, tuple(r.members), r.started, r.ended)
        for r in rows
        if person_id in r.members
    ]
