"""Helpers the ``meeloop`` commands share: the database, output, progress and round listings."""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from matcher.domain.phrases import counted, phrase, say
from matcher.domain.problems import InvalidInput, Location, Problem
from matcher.engines.groups import GroupProposal
from matcher.engines.pairing import LeftOut, Proposal, ProposedPair
from matcher.engines.results import solver_word, status_word
from matcher.io import catalogs, orgjson
from matcher.plans.kinds import kind, word
from matcher.services import organisation, rounds

F = TypeVar("F", bound=Callable[..., Any])
TOP_REASONS = 3


def language() -> str:
    """The language of this command's output: ``--lang``, else the environment's locale."""
    ctx = click.get_current_context(silent=True)
    root = ctx.find_root() if ctx is not None else None
    chosen = (root.obj or {}).get("lang") if root is not None and isinstance(root.obj, dict) else None
    return catalogs.language_of(chosen)


def translator() -> catalogs.CatalogTranslator:
    return catalogs.translator(language())


def said(value: object) -> str:
    """A message (or plain text) in the output's language."""
    return say(value, translator())


def echo(value: object, *, indent: str = "", err: bool = False) -> None:
    """A message on its own line in the output's language, indented by ``indent``."""
    click.echo(indent + said(value), err=err)


def round_options(example: str, settings: str) -> Callable[[F], F]:
    """The options every round proposal takes: --round, --config, --time-limit, --json and --save."""
    options = (
        click.option(
            "--round",
            "round_name",
            required=True,
            metavar="NAME",
            help=f"The round's name, e.g. '{example}'.",
        ),
        click.option(
            "--config",
            "config_file",
            type=click.Path(path_type=Path),
            help=f"JSON file with the round's settings: {settings} ...",
        ),
        click.option(
            "--time-limit",
            type=click.FloatRange(min=0, min_open=True),
            metavar="SECONDS",
            help="How long the optimiser may search; overrides the config file.",
        ),
        click.option("--json", "as_json", is_flag=True, help="Print the proposal as JSON for scripts."),
        click.option(
            "--save", is_flag=True, help="Store the proposal as the round's, replacing an earlier one."
        ),
    )

    def decorate(command: F) -> F:
        for option in reversed(options):
            command = option(command)
        return command

    return decorate


def progress(enabled: bool) -> organisation.Progress:
    def show(message: str) -> None:
        click.echo(f"… {said(message)}", err=True)

    return show if enabled else organisation.quiet


def on_terminal() -> bool:
    return sys.stderr.isatty()


def open_db(ctx: click.Context) -> organisation.Database:
    database = ctx.obj.get("db")
    if database is None:
        database = ctx.obj["db"] = organisation.Database(ctx.obj["db_url"])
        ctx.call_on_close(database.dispose)
    return database


def emit_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


def read_config(path: Path) -> dict[str, Any]:
    if not path.is_file():
        raise InvalidInput([Problem(Location(path.name), phrase("the file does not exist"))])
    data = orgjson.load_json(path)
    if not isinstance(data, dict):
        raise InvalidInput([Problem(Location(path.name), phrase("expected an object with settings"))])
    return data


def solver_progress(enabled: bool) -> rounds.SolverProgress | None:
    def show(objective: float, bound: float, seconds: float) -> None:
        best = phrase(
            "{seconds} s: best plan so far scores {objective} (bound {bound})",
            seconds=f"{seconds:6.1f}",
            objective=f"{objective:g}",
            bound=f"{bound:g}",
        )
        click.echo(f"… {said(best)}", err=True)

    return show if enabled else None


def stamp(moment: dt.datetime | None) -> str:
    return f"{moment.astimezone(dt.UTC):%Y-%m-%d %H:%M} UTC" if moment else "-"


def show_units(
    mode: str,
    units: tuple[ProposedPair, ...],
    unmatched: tuple[LeftOut, ...],
    conflicts: tuple[str, ...],
    names: dict[str, str],
) -> None:
    """The pairs or groups of a round, best first, with their top reasons; then who is left out."""
    round_kind = kind(mode)
    joint = round_kind.joint if round_kind.joint == ", " else f" {round_kind.joint} "
    if not units:
        echo(phrase("No pairs.") if round_kind.unit == "pair" else phrase("No groups."), indent="  ")
    for rank, proposed in enumerate(units, 1):
        who = joint.join(names.get(m, m) for m in proposed.members)
        line = phrase("{rank}. {who}  score {score}", rank=rank, who=who, score=f"{proposed.score:g}")
        echo(
            phrase("{line}  [locked]", line=line) if proposed.locked else line,
            indent=" " * (3 - len(str(rank))),
        )
        for reason in proposed.reasons[:TOP_REASONS]:
            click.echo(f"       - {said(reason)}")
    if unmatched:
        echo(phrase("Left out:"))
    for person in unmatched:
        name = names.get(person.person_id, person.person_id)
        click.echo(f"  - {name} ({person.person_id}), {said(person.role)}: {said(person.reason)}")
    if conflicts:
        echo(phrase("Conflicts:"))
    for conflict in conflicts:
        click.echo(f"  - {said(conflict)}")


def show_proposal(
    database: organisation.Database,
    proposal: Proposal | GroupProposal,
    units: tuple[ProposedPair, ...],
    unit: str,
    *,
    as_json: bool,
    saved: bool,
) -> None:
    """A proposed pairing or group round: as JSON, or its units, who is left out and the solver's figures."""
    if as_json:
        emit_json(proposal.as_dict())
        return
    sizes = (
        counted(len(units), "{n} pair", "{n} pairs")
        if unit == "pair"
        else counted(len(units), "{n} group", "{n} groups")
    )
    echo(
        phrase(
            "Round '{round}', {mode}: {units}, {left} left out",
            round=proposal.round,
            mode=word(proposal.mode),
            units=sizes,
            left=len(proposal.unmatched),
        )
    )
    show_units(
        proposal.mode, units, proposal.unmatched, proposal.conflicts, organisation.person_names(database)
    )
    for violation in proposal.violations:
        echo(phrase("! breaks a rule: {message}", message=violation.message), indent="  ")
    summary = summary_line(proposal.status, proposal.objective, proposal.bound, proposal.gap, proposal.solver)
    echo(phrase("{summary}, {seconds} s", summary=summary, seconds=f"{proposal.seconds:.2f}"))
    if saved:
        echo(phrase("saved as the proposal of round '{round}'", round=proposal.round))


def summary_line(status: str, objective: float, bound: float, gap: float, solver: str) -> str:
    return phrase(
        "{status}: objective {objective}, bound {bound}, gap {gap}, solver {solver}",
        status=status_word(status),
        objective=f"{objective:g}",
        bound=f"{bound:g}",
        gap=f"{gap:.1%}",
        solver=solver_word(solver),
    )
