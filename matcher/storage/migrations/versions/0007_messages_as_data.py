"""messages as data: the engine's sentences are stored as a template and its parameters

Reasons, left-out reasons, round events, solve job messages, shadow request notes and import
summaries were stored as finished English text. From here on they are JSON: a message is
``{"msg": ..., "params": {...}}`` (see :func:`matcher.domain.phrases.to_data`), rendered in the
reader's language when shown. Upgrading turns the text columns into JSON and keeps every text
written before as a JSON string: it is shown as it was written, in English. Downgrading writes
every message back as its English text.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 21:00:00.000000
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

from matcher.domain.phrases import from_data

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: (table, its key columns, the text column that becomes JSON)
TEXT_COLUMNS = (
    ("round_left_out", ("round_id", "position"), "reason"),
    ("round_event", ("id",), "detail"),
    ("solve_job", ("id",), "message"),
    ("shadow_request", ("id",), "note"),
    ("import_run", ("id",), "summary"),
    ("time_plan_left_out", ("plan_id", "position"), "reason"),
)
#: (table, its key columns, a JSON column that may hold messages)
JSON_COLUMNS = (
    ("pairing_round", ("id",), "conflicts"),
    ("pairing_round", ("id",), "notes"),
    ("round_pair", ("round_id", "position"), "reasons"),
    ("scheduled_event", ("id",), "details"),
    ("time_plan", ("id",), "notes"),
    ("time_plan_item", ("plan_id", "position"), "reasons"),
)


def upgrade() -> None:
    for table, keys, column in TEXT_COLUMNS:
        rows = _read(table, keys, column, sa.Text())
        with op.batch_alter_table(table) as batch:
            batch.alter_column(
                column,
                type_=sa.JSON(),
                existing_type=sa.Text(),
                existing_nullable=False,
                postgresql_using=f"to_json({column})",
            )
        _write(table, keys, column, sa.JSON(), rows)


def downgrade() -> None:
    for table, keys, column in JSON_COLUMNS:
        rows = _read(table, keys, column, sa.JSON())
        _write(table, keys, column, sa.JSON(), [(key, _english(value)) for key, value in rows])
    for table, keys, column in TEXT_COLUMNS:
        rows = _read(table, keys, column, sa.JSON())
        with op.batch_alter_table(table) as batch:
            batch.alter_column(
                column,
                type_=sa.Text(),
                existing_type=sa.JSON(),
                existing_nullable=False,
                postgresql_using=f"{column}::text",
            )
        _write(table, keys, column, sa.Text(), [(key, _text(value)) for key, value in rows])


def _table(table: str, keys: tuple[str, ...], column: str, kind: sa.types.TypeEngine[Any]) -> sa.TableClause:
    return sa.table(table, *(sa.column(k, sa.Integer()) for k in keys), sa.column(column, kind))


def _read(
    table: str, keys: tuple[str, ...], column: str, kind: sa.types.TypeEngine[Any]
) -> list[tuple[tuple[Any, ...], Any]]:
    found = _table(table, keys, column, kind)
    rows = op.get_bind().execute(sa.select(found)).all()
    return [(tuple(getattr(row, k) for k in keys), getattr(row, column)) for row in rows]


def _write(
    table: str,
    keys: tuple[str, ...],
    column: str,
    kind: sa.types.TypeEngine[Any],
    rows: list[tuple[tuple[Any, ...], Any]],
) -> None:
    target = _table(table, keys, column, kind)
    for key, value in rows:
        where = sa.and_(*(target.c[k] == v for k, v in zip(keys, key, strict=True)))
        op.get_bind().execute(target.update().where(where).values({column: value}))


def _english(data: Any) -> Any:
    """Every message in ``data`` as its English text."""
    if isinstance(data, dict):
        if "msg" in data and "params" in data:
            return str(from_data(data))
        return {k: _english(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_english(v) for v in data]
    return data


def _text(data: Any) -> str:
    english = _english(data)
    return english if isinstance(english, str) else ("" if english is None else str(english))
