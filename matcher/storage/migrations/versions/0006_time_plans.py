"""time plans: lunch & learn and shadowing proposals in tables of their own

Until now such a proposal lived inside its solve job's result (``solve_job.best["plan"]``, with
``best["published"]`` once published). The latest finished job of each plan name moves into
``time_plan`` with its sessions or slots and what it left out; downgrading writes them back.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 20:00:00.000000
"""

import datetime as dt
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The tables as this revision knows them, for the data step (never the application's models).
_job = sa.table(
    "solve_job",
    sa.column("id", sa.Integer()),
    sa.column("round_name", sa.String()),
    sa.column("kind", sa.String()),
    sa.column("status", sa.String()),
    sa.column("settings", sa.JSON()),
    sa.column("best", sa.JSON()),
    sa.column("created", sa.DateTime(timezone=True)),
    sa.column("finished", sa.DateTime(timezone=True)),
)


def upgrade() -> None:
    plan = op.create_table(
        "time_plan",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("settings", sa.JSON(), nullable=False),
        sa.Column("solver_status", sa.String(length=16), nullable=False),
        sa.Column("objective", sa.Float(), nullable=False),
        sa.Column("bound", sa.Float(), nullable=False),
        sa.Column("gap", sa.Float(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("seconds", sa.Float(), nullable=False),
        sa.Column("notes", sa.JSON(), nullable=False),
        sa.Column("job_id", sa.Integer(), nullable=True),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_time_plan")),
        sa.UniqueConstraint("name", name=op.f("uq_time_plan_name")),
    )
    item = op.create_table(
        "time_plan_item",
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("skill_id", sa.String(length=120), nullable=True),
        sa.Column("people", sa.JSON(), nullable=False),
        sa.Column("start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("end", sa.DateTime(timezone=True), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("request_id", sa.String(length=32), nullable=True),
        sa.Column("host_timezone", sa.String(length=64), nullable=True),
        sa.Column("demand", sa.Integer(), nullable=True),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["time_plan.id"],
            name=op.f("fk_time_plan_item_plan_id_time_plan"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("plan_id", "position", name=op.f("pk_time_plan_item")),
    )
    left_out = op.create_table(
        "time_plan_left_out",
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("subject", sa.String(length=120), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["time_plan.id"],
            name=op.f("fk_time_plan_left_out_plan_id_time_plan"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("plan_id", "position", name=op.f("pk_time_plan_left_out")),
    )
    _move_plans_out_of_jobs(plan, item, left_out)


def downgrade() -> None:
    _write_plans_back_into_jobs()
    op.drop_table("time_plan_left_out")
    op.drop_table("time_plan_item")
    op.drop_table("time_plan")


def _move_plans_out_of_jobs(plan: sa.Table, item: sa.Table, left_out: sa.Table) -> None:
    bind = op.get_bind()
    jobs = bind.execute(
        sa.select(_job)
        .where(_job.c.kind.in_(("lunch", "shadowing")), _job.c.status == "done")
        .order_by(_job.c.id)
    ).all()
    latest = {job.round_name: job for job in jobs if "plan" in (job.best or {})}
    for job in latest.values():
        data: dict[str, Any] = job.best["plan"]
        slots = job.kind == "shadowing"
        units = data["slots"] if slots else data["sessions"]
        published = job.best.get("published")
        bound = int(data.get("bound", len(units) + len(data["unplaced"])))
        plan_id = bind.execute(
            plan.insert().values(
                name=job.round_name,
                kind=job.kind,
                status="published" if published else "proposed",
                settings=job.settings or {},
                solver_status=data.get("status") or ("optimal" if bound == len(units) else "feasible"),
                objective=float(len(units)),
                bound=float(bound),
                gap=float(data.get("gap", (bound - len(units)) / bound if bound else 0.0)),
                score=float(data.get("score", 0.0)),
                seconds=float(data.get("seconds", 0.0)),
                notes=list(data.get("notes", [])),
                job_id=job.id,
                created=job.finished or job.created,
                published=dt.datetime.fromisoformat(published) if published else None,
            )
        ).inserted_primary_key[0]
        for n, unit in enumerate(units):
            bind.execute(item.insert().values(plan_id=plan_id, position=n, **_item(unit, slots=slots)))
        for n, missing in enumerate(data["unplaced"]):
            subject = missing["request_id"] if slots else missing["skill_id"]
            bind.execute(
                left_out.insert().values(
                    plan_id=plan_id, position=n, subject=str(subject), reason=missing["reason"]
                )
            )


def _item(unit: dict[str, Any], *, slots: bool) -> dict[str, Any]:
    common = {
        "skill_id": unit["skill_id"],
        "start": dt.datetime.fromisoformat(unit["start"]),
        "end": dt.datetime.fromisoformat(unit["end"]),
        "timezone": unit["timezone"],
        "reasons": list(unit["reasons"]),
    }
    if slots:
        return common | {
            "people": [unit["guest_id"], unit["host_id"]],
            "request_id": str(unit["request_id"]),
            "host_timezone": unit["host_timezone"],
            "demand": None,
        }
    return common | {
        "people": [unit["presenter_id"], *unit["audience"]],
        "request_id": None,
        "host_timezone": None,
        "demand": int(unit["demand"]),
    }


def _write_plans_back_into_jobs() -> None:
    bind = op.get_bind()
    plan = sa.table(
        "time_plan",
        *(sa.column(c) for c in ("id", "name", "kind", "job_id", "solver_status", "bound", "gap")),
        sa.column("published", sa.DateTime(timezone=True)),
        sa.column("score", sa.Float()),
        sa.column("seconds", sa.Float()),
        sa.column("notes", sa.JSON()),
        sa.column("objective", sa.Float()),
    )
    item = sa.table(
        "time_plan_item",
        *(sa.column(c) for c in ("plan_id", "position", "skill_id", "timezone")),
        sa.column("people", sa.JSON()),
        sa.column("reasons", sa.JSON()),
        sa.column("start", sa.DateTime(timezone=True)),
        sa.column("end", sa.DateTime(timezone=True)),
        sa.column("request_id"),
        sa.column("host_timezone"),
        sa.column("demand"),
    )
    left_out = sa.table(
        "time_plan_left_out", *(sa.column(c) for c in ("plan_id", "position", "subject", "reason"))
    )
    for row in bind.execute(sa.select(plan).where(plan.c.job_id.is_not(None))).all():
        slots = row.kind == "shadowing"
        units = [
            _unit(i, slots=slots)
            for i in bind.execute(sa.select(item).where(item.c.plan_id == row.id).order_by(item.c.position))
        ]
        key = "request_id" if slots else "skill_id"
        unplaced = [
            {key: u.subject, "reason": u.reason}
            for u in bind.execute(
                sa.select(left_out).where(left_out.c.plan_id == row.id).order_by(left_out.c.position)
            )
        ]
        data: dict[str, Any] = {"slots" if slots else "sessions": units, "unplaced": unplaced}
        data |= {"status": row.solver_status, "objective": int(row.objective), "bound": int(row.bound)}
        data |= {"gap": row.gap, "score": row.score, "seconds": row.seconds, "notes": list(row.notes)}
        best = bind.execute(sa.select(_job.c.best).where(_job.c.id == row.job_id)).scalar_one_or_none()
        if best is None:
            continue
        best = dict(best) | {"plan": data}
        if row.published is not None:
            best["published"] = _utc(row.published).isoformat()
        bind.execute(_job.update().where(_job.c.id == row.job_id).values(best=best))


def _unit(row: Any, *, slots: bool) -> dict[str, Any]:
    common = {
        "skill_id": row.skill_id,
        "start": _utc(row.start).isoformat(),
        "end": _utc(row.end).isoformat(),
        "timezone": row.timezone,
        "reasons": list(row.reasons),
    }
    if slots:
        guest, host = row.people
        return common | {
            "request_id": row.request_id,
            "guest_id": guest,
            "host_id": host,
            "host_timezone": row.host_timezone,
        }
    presenter, *audience = row.people
    return common | {"presenter_id": presenter, "audience": audience, "demand": row.demand}


def _utc(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
