"""Lunch & learn and shadowing plans in the database: rows to and from
:class:`matcher.plans.time_plans.StoredTimePlan`.

Every function runs inside the caller's transaction and only flushes.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from matcher.domain.phrases import phrase
from matcher.engines.lunch import LunchPlan, LunchSession
from matcher.engines.shadowing import ShadowPlan, ShadowSlot
from matcher.plans.kinds import Family, kind
from matcher.plans.time_plans import PROPOSED, PUBLISHED, StoredTimePlan, TimePlan
from matcher.storage.base import utc
from matcher.storage.rows.time_plans import TimePlanItemRow, TimePlanLeftOutRow, TimePlanRow


def _row(session: Session, name: str, *, for_update: bool = False) -> TimePlanRow | None:
    query = select(TimePlanRow).where(TimePlanRow.name == name)
    if for_update:
        query = query.with_for_update()
    return session.scalars(query).one_or_none()


def load_plan(session: Session, name: str, *, for_update: bool = False) -> StoredTimePlan | None:
    """The plan of this name with its sessions or slots; ``for_update`` holds it until the end."""
    row = _row(session, name, for_update=for_update)
    return _stored(session, row) if row is not None else None


def all_plans(session: Session) -> list[StoredTimePlan]:
    """Every stored plan, newest first."""
    rows = session.scalars(select(TimePlanRow).order_by(TimePlanRow.id.desc())).all()
    return [_stored(session, row) for row in rows]


def plan_names(session: Session) -> set[str]:
    return set(session.scalars(select(TimePlanRow.name)))


def save_proposal(
    session: Session,
    *,
    name: str,
    kind: str,
    settings: dict[str, Any],
    plan: TimePlan,
    job_id: int | None,
    now: dt.datetime,
) -> StoredTimePlan:
    """Store a new proposal under this name, over the earlier proposal of the name if there is one.

    Raises ValueError when a plan of this name is already published: that one stays as it went out.
    """
    row = _row(session, name, for_update=True)
    if row is not None and row.status == PUBLISHED:
        raise ValueError(phrase("plan '{name}' is already published", name=name))
    if row is None:
        row = TimePlanRow(name=name, created=now, published=None)
        session.add(row)
    else:
        session.execute(delete(TimePlanItemRow).where(TimePlanItemRow.plan_id == row.id))
        session.execute(delete(TimePlanLeftOutRow).where(TimePlanLeftOutRow.plan_id == row.id))
        row.created = now
    row.kind, row.status, row.settings, row.job_id = kind, PROPOSED, dict(settings), job_id
    row.solver_status, row.objective, row.bound, row.gap = plan.status, plan.objective, plan.bound, plan.gap
    if isinstance(plan, ShadowPlan):
        row.score, row.seconds, row.notes = plan.score, plan.seconds, list(plan.notes)
    else:
        row.score, row.seconds, row.notes = 0.0, 0.0, []
    session.flush()
    session.add_all(_items(row.id, plan))
    session.add_all(
        TimePlanLeftOutRow(plan_id=row.id, position=n, subject=str(subject), reason=reason)
        for n, (subject, reason) in enumerate(plan.unplaced)
    )
    session.flush()
    return _stored(session, row)


def mark_published(session: Session, name: str, now: dt.datetime) -> None:
    row = _row(session, name, for_update=True)
    assert row is not None, "a plan is loaded before it is published"
    row.status, row.published = PUBLISHED, now
    session.flush()


def _items(plan_id: int, plan: TimePlan) -> list[TimePlanItemRow]:
    if isinstance(plan, ShadowPlan):
        return [
            TimePlanItemRow(
                plan_id=plan_id,
                position=n,
                skill_id=s.skill_id,
                people=[s.guest_id, s.host_id],
                start=s.start,
                end=s.end,
                timezone=s.timezone,
                request_id=s.request_id,
                host_timezone=s.host_timezone,
                demand=None,
                reasons=list(s.reasons),
            )
            for n, s in enumerate(plan.slots)
        ]
    return [
        TimePlanItemRow(
            plan_id=plan_id,
            position=n,
            skill_id=s.skill_id,
            people=[s.presenter_id, *s.audience],
            start=s.start,
            end=s.end,
            timezone=s.timezone,
            request_id=None,
            host_timezone=None,
            demand=s.demand,
            reasons=list(s.reasons),
        )
        for n, s in enumerate(plan.sessions)
    ]


def _stored(session: Session, row: TimePlanRow) -> StoredTimePlan:
    items = session.scalars(
        select(TimePlanItemRow).where(TimePlanItemRow.plan_id == row.id).order_by(TimePlanItemRow.position)
    ).all()
    left_out = tuple(
        (u.subject, u.reason)
        for u in session.scalars(
            select(TimePlanLeftOutRow)
            .where(TimePlanLeftOutRow.plan_id == row.id)
            .order_by(TimePlanLeftOutRow.position)
        )
    )
    plan: TimePlan
    if kind(row.kind).family is Family.SLOTS:
        plan = ShadowPlan(
            slots=tuple(_slot(item) for item in items),
            unplaced=left_out,
            status=row.solver_status,
            objective=int(row.objective),
            bound=int(row.bound),
            gap=row.gap,
            score=row.score,
            seconds=row.seconds,
            notes=tuple(row.notes),
        )
    else:
        plan = LunchPlan(
            sessions=tuple(_session(item) for item in items),
            unplaced=left_out,
            status=row.solver_status,
            bound=int(row.bound),
        )
    return StoredTimePlan(
        name=row.name,
        kind=row.kind,
        settings=dict(row.settings),
        status=row.status,
        plan=plan,
        created=utc(row.created),
        published=utc(row.published) if row.published else None,
        job_id=row.job_id,
    )


def _slot(item: TimePlanItemRow) -> ShadowSlot:
    guest, host = item.people
    assert item.request_id is not None and item.host_timezone is not None, "a slot answers a request"
    return ShadowSlot(
        request_id=item.request_id,
        guest_id=guest,
        host_id=host,
        skill_id=item.skill_id,
        start=utc(item.start),
        end=utc(item.end),
        timezone=item.timezone,
        host_timezone=item.host_timezone,
        reasons=tuple(item.reasons),
    )


def _session(item: TimePlanItemRow) -> LunchSession:
    presenter, *audience = item.people
    assert item.skill_id is not None and item.demand is not None, "a session has a topic and its demand"
    return LunchSession(
        skill_id=item.skill_id,
        presenter_id=presenter,
        start=utc(item.start),
        end=utc(item.end),
        timezone=item.timezone,
        audience=tuple(audience),
        demand=item.demand,
        reasons=tuple(item.reasons),
    )
