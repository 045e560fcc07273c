"""event titles as messages: a scheduled event's title is said in the reader's language

A scheduled event's title was stored as finished English text ("Shadowing Anna: SQL"). From here
on it is JSON like every message (see :func:`matcher.domain.phrases.to_data`), rendered in the
reader's language on the pages, in the invites and in their calendar files; the title an event
had before a change, kept in its history, is a message too. An import run's sources hold file
names as before, and a message for an edit on HR's pages ("profile of anna"), in the JSON column
they were in. Upgrading keeps every title written before as a JSON string: it is shown as it was
written, in English. Downgrading writes every message back as its English text.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03 10:00:00.000000
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

from matcher.domain.phrases import from_data

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: The title's length as a text column.
TITLE_LENGTH = 300


def upgrade() -> None:
    rows = _read("scheduled_event", "title", sa.String(TITLE_LENGTH))
    with op.batch_alter_table("scheduled_event") as batch:
        batch.alter_column(
            "title",
            type_=sa.JSON(),
            existing_type=sa.String(TITLE_LENGTH),
            existing_nullable=False,
            postgresql_using="to_json(title)",
        )
    _write("scheduled_event", "title", sa.JSON(), rows)


def downgrade() -> None:
    for table, column in (("import_run", "sources"), ("scheduled_event", "history")):
        rows = _read(table, column, sa.JSON())
        _write(table, column, sa.JSON(), [(key, _english(value)) for key, value in rows])
    rows = _read("scheduled_event", "title", sa.JSON())
    with op.batch_alter_table("scheduled_event") as batch:
        batch.alter_column(
            "title",
            type_=sa.String(TITLE_LENGTH),
            existing_type=sa.JSON(),
            existing_nullable=False,
            postgresql_using=f"left(title::text, {TITLE_LENGTH})",
        )
    _write("scheduled_event", "title", sa.String(TITLE_LENGTH), [(key, _text(value)) for key, value in rows])


def _table(table: str, column: str, kind: sa.types.TypeEngine[Any]) -> sa.TableClause:
    return sa.table(table, sa.column("id", sa.Integer()), sa.column(column, kind))


def _read(table: str, column: str, kind: sa.types.TypeEngine[Any]) -> list[tuple[int, Any]]:
    found = _table(table, column, kind)
    return [(row.id, getattr(row, column)) for row in op.get_bind().execute(sa.select(found)).all()]


def _write(table: str, column: str, kind: sa.types.TypeEngine[Any], rows: list[tuple[int, Any]]) -> None:
    target = _table(table, column, kind)
    for key, value in rows:
        op.get_bind().execute(target.update().where(target.c.id == key).values({column: value}))


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
    text = english if isinstance(english, str) else ("" if english is None else str(english))
    return text[:TITLE_LENGTH]
