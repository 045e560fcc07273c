"""Pairing and group rounds in the database: rows to and from :mod:`matcher.plans.rounds`.

A group round is stored like a pairing round: its ``mode`` is the group kind
and each group is one ``round_pair`` row with all its members.

Every function runs inside the caller's transaction and only flushes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from matcher.domain.phrases import Message, phrase
from matcher.engines.groups import GroupConfig, GroupProposal
from matcher.engines.pairing import LeftOut, PairingConfig, Proposal, ProposedPair
from matcher.plans.kinds import kind
from matcher.plans.rounds import PROPOSED, PUBLISHED, RoundEvent, RoundSummary, StoredRound
from matcher.storage import (
    HistoryRow,
    RoundEventRow,
    RoundLeftOutRow,
    RoundPairRow,
    RoundRow,
    bump_data_version,
)
from matcher.storage.base import utc


def _row(session: Session, name: str, *, for_update: bool = False) -> RoundRow | None:
    query = select(RoundRow).where(RoundRow.name == name)
    if for_update:
        query = query.with_for_update()
    return session.scalars(query).one_or_none()


def _stored(session: Session, row: RoundRow) -> StoredRound:
    pairs = session.scalars(
        select(RoundPairRow).where(RoundPairRow.round_id == row.id).order_by(RoundPairRow.position)
    ).all()
    left_out = session.scalars(
        select(RoundLeftOutRow).where(RoundLeftOutRow.round_id == row.id).order_by(RoundLeftOutRow.position)
    )
    events = session.scalars(
        select(RoundEventRow).where(RoundEventRow.round_id == row.id).order_by(RoundEventRow.id)
    )
    return StoredRound(
        name=row.name,
        mode=row.mode,
        status=row.status,
        config=_config(row),
        objective=row.objective,
        bound=row.bound,
        gap=row.gap,
        solver_status=row.solver_status,
        solver=row.solver,
        pairs=tuple(ProposedPair(tuple(p.members), p.score, tuple(p.reasons), p.locked) for p in pairs),
        unmatched=tuple(LeftOut(u.person_id, Message(u.role, u.role), u.reason) for u in left_out),
        conflicts=tuple(row.conflicts),
        notes=tuple(row.notes),
        created=utc(row.created),
        updated=utc(row.updated),
        published=utc(row.published) if row.published else None,
        events=tuple(RoundEvent(utc(e.at), e.action, e.detail) for e in events),
        positions=tuple(p.position for p in pairs),
    )


def _config(row: RoundRow) -> PairingConfig | GroupConfig:
    return kind(row.mode).config_from(row.config, source=phrase("stored round '{name}'", name=row.name))


def load_round(session: Session, name: str, *, for_update: bool = False) -> StoredRound | None:
    """The round with its pairs and events; ``for_update`` holds it until the transaction ends."""
    row = _row(session, name, for_update=for_update)
    return _stored(session, row) if row is not None else None


def previous_round(session: Session, mode: str, *, other_than: str) -> StoredRound | None:
    """The most recently created published round of this mode or kind, other than the named one."""
    row = session.scalars(
        select(RoundRow)
        .where(RoundRow.mode == mode, RoundRow.status == PUBLISHED, RoundRow.name != other_than)
        .order_by(RoundRow.created.desc(), RoundRow.id.desc())
        .limit(1)
    ).one_or_none()
    return _stored(session, row) if row is not None else None


def left_out_by_round(session: Session, mode: str) -> dict[str, list[str]]:
    """Who each published round of this mode or kind left out, by round name (for fairness)."""
    rows = session.execute(
        select(RoundRow.name, RoundLeftOutRow.person_id)
        .join(RoundLeftOutRow, RoundLeftOutRow.round_id == RoundRow.id)
        .where(RoundRow.mode == mode, RoundRow.status == PUBLISHED)
        .order_by(RoundRow.id, RoundLeftOutRow.position)
    )
    found: dict[str, list[str]] = {}
    for name, person in rows:
        found.setdefault(name, []).append(person)
    return found


def round_summaries(session: Session) -> list[RoundSummary]:
    """Every round, newest first, with how many pairs and people left out it holds."""
    pairs = select(RoundPairRow.round_id, func.count().label("n")).group_by(RoundPairRow.round_id).subquery()
    left_out = (
        select(RoundLeftOutRow.round_id, func.count().label("n"))
        .group_by(RoundLeftOutRow.round_id)
        .subquery()
    )
    rows = session.execute(
        select(RoundRow, func.coalesce(pairs.c.n, 0), func.coalesce(left_out.c.n, 0))
        .outerjoin(pairs, pairs.c.round_id == RoundRow.id)
        .outerjoin(left_out, left_out.c.round_id == RoundRow.id)
        .order_by(RoundRow.created.desc(), RoundRow.id.desc())
    )
    return [
        RoundSummary(
            r.name,
            r.mode,
            r.status,
            n_pairs,
            n_left_out,
            r.objective,
            utc(r.created),
            utc(r.published) if r.published else None,
        )
        for r, n_pairs, n_left_out in rows
    ]


def write_proposal(
    session: Session,
    proposal: Proposal | GroupProposal,
    config: PairingConfig | GroupConfig,
    *,
    now: dt.datetime,
    action: str,
    detail: str,
) -> None:
    """Store the proposal as the round of its name, replacing what the round held before."""
    units = proposal.groups if isinstance(proposal, GroupProposal) else proposal.pairs
    row = _row(session, proposal.round)
    if row is None:
        row = RoundRow(name=proposal.round, created=now)
        session.add(row)
    values = {
        "mode": proposal.mode,
        "status": PROPOSED,
        "config": config.as_dict(),
        "objective": proposal.objective,
        "bound": proposal.bound,
        "gap": proposal.gap,
        "solver_status": proposal.status,
        "solver": proposal.solver,
        "conflicts": list(proposal.conflicts),
        "notes": list(proposal.notes),
        "updated": now,
    }
    for key, value in values.items():
        setattr(row, key, value)
    session.flush()
    session.execute(delete(RoundPairRow).where(RoundPairRow.round_id == row.id))
    session.execute(delete(RoundLeftOutRow).where(RoundLeftOutRow.round_id == row.id))
    pairs = [{"round_id": row.id, "position": i, **unit.as_dict()} for i, unit in enumerate(units, 1)]
    left_out = [
        {"round_id": row.id, "position": i, **u.as_dict()} for i, u in enumerate(proposal.unmatched, 1)
    ]
    if pairs:
        session.execute(insert(RoundPairRow.__table__), pairs)  # type: ignore[arg-type]  # __table__ is a Table here
    if left_out:
        session.execute(insert(RoundLeftOutRow.__table__), left_out)  # type: ignore[arg-type]  # __table__ is a Table here
    _event(session, row, now, action, detail)


def set_pair_locked(
    session: Session,
    name: str,
    position: int,
    locked: bool,
    config: PairingConfig | GroupConfig,
    *,
    now: dt.datetime,
    detail: str,
) -> None:
    """Lock or unlock the pair or group at ``position`` (1 is the first), with the config that now says so."""
    row = _row(session, name)
    assert row is not None, name
    pair = session.get(RoundPairRow, (row.id, position))
    assert pair is not None, position
    pair.locked = locked
    row.config = config.as_dict()
    row.updated = now
    _event(session, row, now, "locked" if locked else "unlocked", detail)


def mark_published(session: Session, name: str, *, started: dt.date, now: dt.datetime, detail: str) -> None:
    """Publish the round: its pairs or groups join the history (where the cooldown reads them)."""
    row = _row(session, name)
    assert row is not None, name
    row.status = PUBLISHED
    row.published = row.updated = now
    members = session.scalars(
        select(RoundPairRow.members).where(RoundPairRow.round_id == row.id).order_by(RoundPairRow.position)
    ).all()
    history = [
        {"round": name, "kind": row.mode, "members": list(m), "started": started, "ended": None}
        for m in members
    ]
    if history:
        session.execute(insert(HistoryRow.__table__), history)  # type: ignore[arg-type]  # __table__ is a Table here
    _event(session, row, now, "published", detail)
    # The history changed: talent maps built before now are out of date.
    bump_data_version(session)


def change_units(
    session: Session,
    name: str,
    changes: Mapping[int, tuple[str, ...] | None],
    *,
    today: dt.date,
    now: dt.datetime,
    action: str,
    detail: str,
    config: PairingConfig | GroupConfig | None = None,
) -> None:
    """New members for the pairs or groups at these positions (None removes one; the others keep
    their positions), and the round's config when it changes with them (the locks of the changed
    units). In a published round the history says it too: the old entry ends today, the new one
    starts today."""
    row = _row(session, name)
    assert row is not None, name
    if config is not None:
        row.config = config.as_dict()
    current = session.scalars(select(HistoryRow).where(HistoryRow.round == name, HistoryRow.ended.is_(None)))
    running = {tuple(entry.members): entry for entry in current}
    for position, members in changes.items():
        unit = session.get(RoundPairRow, (row.id, position))
        assert unit is not None, position
        before = tuple(unit.members)
        if members is None:
            session.delete(unit)
        else:
            unit.members = list(members)
            unit.locked = False
        if row.status != PUBLISHED:
            continue
        if before in running:
            running[before].ended = today
        if members is not None:
            session.add(
                HistoryRow(round=name, kind=row.mode, members=list(members), started=today, ended=None)
            )
    row.updated = now
    _event(session, row, now, action, detail)
    bump_data_version(session)


def _event(session: Session, row: RoundRow, at: dt.datetime, action: str, detail: str) -> None:
    session.add(RoundEventRow(round_id=row.id, at=at, action=action, detail=detail))
    session.flush()
