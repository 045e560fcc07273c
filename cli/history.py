"""Going back on the command line: undo an import (or an edit) by its number."""

from __future__ import annotations

import json

import click

from cli import common
from matcher.domain.history import Plan
from matcher.domain.phrases import phrase, term
from matcher.services import history


def _value(value: object) -> str:
    if value is None or value == "":
        return term("not set")
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def _show(plan: Plan) -> None:
    for person in plan.people:
        for change in person.back:
            common.echo(
                phrase(
                    "{person}, {field}: {old} -> {new}",
                    person=person.person_id,
                    field=change.field,
                    old=_value(change.old),
                    new=_value(change.new),
                )
            )
        for kept in person.kept:
            common.echo(
                phrase(
                    "{person}, {field}: stays {value}: {reason}",
                    person=person.person_id,
                    field=kept.field,
                    value=_value(kept.value),
                    reason=kept.reason,
                )
            )


@click.command("undo-import")
@click.argument("run", type=int)
@click.option("--keep-later", is_flag=True, help="Keep the fields a later change touched; undo the rest.")
@click.option("--dry-run", is_flag=True, help="Show what would go back and what would stay; change nothing.")
@click.option("--by", metavar="NAME", help="Who undoes it, for the record (a login or a name).")
@click.pass_context
def undo_import(ctx: click.Context, run: int, keep_later: bool, dry_run: bool, by: str | None) -> None:
    """Undo change RUN (an import or an edit, numbered as on HR's import page): each person it touched
    goes back to how they were before it, as a new change. A field a later change touched is refused
    with its person and field, or kept with --keep-later."""
    import datetime as dt

    database = common.open_db(ctx)
    plan = history.plan_undo(database, run)
    _show(plan)
    if dry_run:
        common.echo(phrase("preview only: nothing was changed"))
        return
    undo = history.undo_run(database, run, by=by, now=dt.datetime.now(dt.UTC), keep=keep_later)
    if undo is None:
        common.echo(phrase("nothing changed: change {run} left nothing to take back", run=run))
        return
    recorded = history.run_changes(database, undo)
    summary = recorded.run.summary if recorded else ""
    common.echo(
        phrase("change {run} undone, as change {undo}: {summary}", run=run, undo=undo, summary=summary)
    )
