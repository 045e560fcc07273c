"""Knowledge transfer plans in the database: the plan as HR reviewed it, and the successors' levels.

Every function runs inside the caller's transaction and only flushes.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session as DbSession

from matcher.domain.transfer import Candidate, Proposal, TransferItem
from matcher.plans.transfer import (
    PROPOSED,
    PUBLISHED,
    LevelRecord,
    Session,
    SessionPlan,
    StoredTransferPlan,
    TransferConfig,
    Unserved,
)
from matcher.storage.base import utc
from matcher.storage.notices import HELD, MOVED, NOT_HELD
from matcher.storage.rows.notices import CheckInRow
from matcher.storage.rows.schedule import ScheduledEventRow
from matcher.storage.rows.transfer import TransferLevelRow, TransferPlanRow

#: The key in a plan's settings of the day its windows count from.
FIRST_DAY = "first_day"


def _candidate(c: Candidate) -> dict[str, Any]:
    return {
        "person_id": c.person_id,
        "name": c.name,
        "level": c.level,
        "wish": c.wish,
        "reasons": list(c.reasons),
    }


def _proposal_data(p: Proposal) -> dict[str, Any]:
    return {
        "leaver_id": p.leaver_id,
        "leaver_name": p.leaver_name,
        "leaving_date": p.leaving_date,
        "skill_id": p.skill_id,
        "holders": list(p.holders),
        "items": [
            {
                "skill_id": i.skill_id,
                "skill_name": i.skill_name,
                "level": i.level,
                "why": list(i.why),
                "chosen": [_candidate(c) for c in i.chosen],
                "options": [_candidate(c) for c in i.options],
            }
            for i in p.items
        ],
    }


def _from_candidate(d: dict[str, Any]) -> Candidate:
    return Candidate(d["person_id"], d["name"], d["level"], d["wish"], tuple(d["reasons"]))


def _proposal(d: dict[str, Any]) -> Proposal:
    items = tuple(
        TransferItem(
            i["skill_id"],
            i["skill_name"],
            i["level"],
            tuple(i["why"]),
            tuple(_from_candidate(c) for c in i["chosen"]),
            tuple(_from_candidate(c) for c in i["options"]),
        )
        for i in d["items"]
    )
    leaving = d["leaving_date"]
    if isinstance(leaving, str):
        leaving = dt.date.fromisoformat(leaving)
    return Proposal(
        d["leaver_id"],
        d["leaver_name"],
        leaving,
        items,
        skill_id=d.get("skill_id"),
        holders=tuple(d.get("holders", ())),
    )


def _session_data(s: Session) -> dict[str, Any]:
    return {
        "key": s.key,
        "skill_id": s.skill_id,
        "successor_id": s.successor_id,
        "leaver_id": s.leaver_id,
        "start": s.start.astimezone(dt.UTC).isoformat(),
        "end": s.end.astimezone(dt.UTC).isoformat(),
        "timezone": s.timezone,
    }


def _session(d: dict[str, Any]) -> Session:
    return Session(
        d["key"],
        d["skill_id"],
        d["successor_id"],
        d["leaver_id"],
        dt.datetime.fromisoformat(d["start"]),
        dt.datetime.fromisoformat(d["end"]),
        d["timezone"],
    )


def _level(row: TransferLevelRow) -> LevelRecord:
    return LevelRecord(
        row.skill_id,
        row.successor_id,
        row.own_level,
        utc(row.own_set) if row.own_set else None,
        row.confirmed_level,
        utc(row.confirmed) if row.confirmed else None,
    )


def _plan(session: DbSession, row: TransferPlanRow) -> StoredTransferPlan:
    levels = session.scalars(
        select(TransferLevelRow).where(TransferLevelRow.plan_id == row.id).order_by(TransferLevelRow.id)
    )
    unserved = tuple(
        Unserved(u["skill_id"], u["successor_id"], u["missing"], u["reason"]) for u in row.unserved
    )
    # The day the windows count from rides along with the settings; plans stored before it did
    # counted from the day they were made.
    first_day = row.settings.get(FIRST_DAY)
    return StoredTransferPlan(
        row.id,
        row.status,
        TransferConfig.from_mapping(row.settings),
        _proposal(row.proposal),
        SessionPlan(
            tuple(_session(s) for s in row.sessions),
            unserved,
            (),
            row.wanted,
            dt.date.fromisoformat(first_day) if first_day else utc(row.created).date(),
        ),
        utc(row.created),
        utc(row.published) if row.published else None,
        tuple(_level(r) for r in levels),
    )


def add_plan(
    session: DbSession, config: TransferConfig, proposal: Proposal, plan: SessionPlan, *, now: dt.datetime
) -> int:
    row = TransferPlanRow(
        leaver_id=proposal.leaver_id,
        status=PROPOSED,
        settings=config.as_dict() | ({FIRST_DAY: plan.first_day.isoformat()} if plan.first_day else {}),
        proposal=_proposal_data(proposal),
        sessions=[_session_data(s) for s in plan.sessions],
        unserved=[
            {"skill_id": u.skill_id, "successor_id": u.successor_id, "missing": u.missing, "reason": u.reason}
            for u in plan.unserved
        ],
        wanted=plan.wanted,
        created=now,
        published=None,
    )
    session.add(row)
    session.flush()
    return row.id


def load_plan(session: DbSession, plan_id: int) -> StoredTransferPlan | None:
    row = session.get(TransferPlanRow, plan_id)
    return _plan(session, row) if row is not None else None


def plans(session: DbSession, *, leaver_id: str | None = None) -> list[StoredTransferPlan]:
    """Every plan (of one leaver), newest first."""
    query = select(TransferPlanRow).order_by(TransferPlanRow.created.desc(), TransferPlanRow.id.desc())
    if leaver_id is not None:
        query = query.where(TransferPlanRow.leaver_id == leaver_id)
    return [_plan(session, row) for row in session.scalars(query)]


def mark_published(session: DbSession, plan_id: int, now: dt.datetime) -> None:
    row = session.get(TransferPlanRow, plan_id)
    assert row is not None
    row.status, row.published = PUBLISHED, now
    session.flush()


def mark_status(session: DbSession, plan_id: int, status: str) -> None:
    row = session.get(TransferPlanRow, plan_id)
    assert row is not None
    row.status = status
    session.flush()


def set_level(
    session: DbSession,
    plan_id: int,
    skill_id: str,
    successor_id: str,
    *,
    own: int | None = None,
    confirmed: int | None = None,
    now: dt.datetime,
) -> None:
    """Record the successor's own level or the leaver's confirmation (whichever is given)."""
    row = session.scalars(
        select(TransferLevelRow).where(
            TransferLevelRow.plan_id == plan_id,
            TransferLevelRow.skill_id == skill_id,
            TransferLevelRow.successor_id == successor_id,
        )
    ).one_or_none()
    if row is None:
        row = TransferLevelRow(plan_id=plan_id, skill_id=skill_id, successor_id=successor_id)
        session.add(row)
    if own is not None:
        row.own_level, row.own_set = own, now
    if confirmed is not None:
        row.confirmed_level, row.confirmed = confirmed, now
    session.flush()


def copy_levels(session: DbSession, from_plan: int, to_plan: int) -> None:
    """Give ``to_plan`` the levels recorded on ``from_plan`` for every successor and skill it has
    none for yet: what a successor said and had confirmed outlives a new plan of the same start."""
    have = {
        (r.skill_id, r.successor_id)
        for r in session.scalars(select(TransferLevelRow).where(TransferLevelRow.plan_id == to_plan))
    }
    for r in session.scalars(select(TransferLevelRow).where(TransferLevelRow.plan_id == from_plan)):
        if (r.skill_id, r.successor_id) in have:
            continue
        session.add(
            TransferLevelRow(
                plan_id=to_plan,
                skill_id=r.skill_id,
                successor_id=r.successor_id,
                own_level=r.own_level,
                own_set=r.own_set,
                confirmed_level=r.confirmed_level,
                confirmed=r.confirmed,
            )
        )
    session.flush()


def held(session: DbSession, source: str) -> dict[str, str | None]:
    """Each planned session's key (by its event) to what came of it, as the participants answered
    the check-in: held when someone said it took place; else moved when someone said it was moved;
    else not held when someone said so; None without an answer."""
    events = session.execute(
        select(ScheduledEventRow.id, ScheduledEventRow.key).where(
            ScheduledEventRow.source == source, ScheduledEventRow.status == "planned"
        )
    ).all()
    keys = {event_id: key for event_id, key in events}
    answers: dict[str, str | None] = dict.fromkeys(keys.values())
    if not keys:
        return answers
    rank = {HELD: 3, MOVED: 2, NOT_HELD: 1}
    for event_id, answer in session.execute(
        select(CheckInRow.event_id, CheckInRow.answer).where(CheckInRow.event_id.in_(keys))
    ):
        key = keys[event_id]
        if answer is not None and rank.get(answer, 0) > rank.get(answers[key] or "", 0):
            answers[key] = answer
    return answers
