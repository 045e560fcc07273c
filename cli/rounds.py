"""Commands for pairing rounds and stored rounds of any kind: pair, rounds, round, publish, lock."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from cli import common
from matcher.domain.phrases import counted, phrase, term
from matcher.engines.pairing import MODES, PairingConfig
from matcher.plans.kinds import word
from matcher.plans.rounds import StoredRound
from matcher.services import organisation
from matcher.services import rounds as round_service


def _pairing_config(config_file: Path | None, mode: str | None, time_limit: float | None) -> PairingConfig:
    """The config file's settings, then the options: an option given wins."""
    data = common.read_config(config_file) if config_file else {}
    if mode is None and "mode" not in data:
        raise click.UsageError(
            common.said(
                phrase(
                    "choose the kind of round with --mode ({modes}) or a config file's 'mode'",
                    modes=", ".join(MODES),
                )
            )
        )
    config = PairingConfig.from_mapping(data, source=config_file.name if config_file else "config")
    if mode is not None:
        config = config.replace(mode=mode)
    if time_limit is not None:
        config = config.replace(time_limit=time_limit)
    return config


@click.command()
@click.option(
    "--mode", type=click.Choice(list(MODES)), help="The kind of round; overrides the config file's mode."
)
@common.round_options("2026-Q4 mentor", "rules, weights, select, locked, forbidden")
@click.pass_context
def pair(
    ctx: click.Context,
    mode: str | None,
    round_name: str,
    config_file: Path | None,
    time_limit: float | None,
    as_json: bool,
    save: bool,
) -> None:
    """Propose the pairs of a round: mentor, reverse, exchange, buddy or intern-manager.

    A round proposed (and saved) before keeps the pairs locked in it; a published round is final.
    """
    config = _pairing_config(config_file, mode, time_limit)
    show = common.on_terminal() and not as_json
    common.progress(show)(
        phrase(
            "proposing {mode} round '{round}' (search up to {seconds} s)",
            mode=word(config.mode),
            round=round_name,
            seconds=f"{config.time_limit:g}",
        )
    )
    database = common.open_db(ctx)
    proposal = round_service.propose_round(
        database,
        round_name=round_name,
        config=config,
        today=dt.date.today(),
        now=dt.datetime.now(dt.UTC),
        save=save,
        on_progress=common.solver_progress(show),
    )
    common.show_proposal(database, proposal, proposal.pairs, "pair", as_json=as_json, saved=save)


@click.command()
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def rounds(ctx: click.Context, as_json: bool) -> None:
    """The pairing and group rounds, newest first."""
    found = round_service.list_rounds(common.open_db(ctx))
    if as_json:
        common.emit_json([r.as_dict() for r in found])
        return
    if not found:
        common.echo(phrase("No rounds yet; 'meeloop pair --save' or 'meeloop groups --save' stores one."))
        return
    head = [term("round"), term("kind"), term("status"), term("units"), term("objective"), term("created")]
    round_, kind_, status_, units_, objective_, created_ = (common.said(h) for h in head)
    kinds = {r.name: common.said(word(r.mode)) for r in found}
    width = max(len(round_), *(len(r.name) for r in found))
    kind_width = max(len(kind_), *(len(k) for k in kinds.values()))
    click.echo(
        f"{round_:<{width}}  {kind_:<{kind_width}}  {status_:<12}  {units_:>8}  {objective_:>9}  {created_}"
    )
    for r in found:
        status = common.said(ROUND_STATUS.get(r.status, r.status))
        columns = (
            f"{r.name:<{width}}  {kinds[r.name]:<{kind_width}}  {status:<12}  {r.pairs:>8}  {r.objective:>9g}"
        )
        click.echo(f"{columns}  {common.stamp(r.created)}")


#: A round's status as a word.
ROUND_STATUS = {"proposed": term("proposed"), "published": term("published")}


def _show_round(stored: StoredRound, names: dict[str, str]) -> None:
    sizes = (
        counted(len(stored.pairs), "{n} pair", "{n} pairs")
        if stored.unit == "pair"
        else counted(len(stored.pairs), "{n} group", "{n} groups")
    )
    common.echo(
        phrase(
            "Round '{round}', {mode}, {status}: {units}, {left} left out",
            round=stored.name,
            mode=word(stored.mode),
            status=ROUND_STATUS.get(stored.status, stored.status),
            units=sizes,
            left=len(stored.unmatched),
        )
    )
    common.show_units(stored.mode, stored.pairs, stored.unmatched, stored.conflicts, names)
    common.echo(
        common.summary_line(stored.solver_status, stored.objective, stored.bound, stored.gap, stored.solver)
    )
    common.echo(phrase("Events:"))
    for event in stored.events:
        click.echo(f"  {common.stamp(event.at)}  {common.said(event.what)}: {common.said(event.detail)}")


@click.command("round")
@click.argument("name")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def round_(ctx: click.Context, name: str, as_json: bool) -> None:
    """Show a stored round: its pairs or groups, who was left out, and what happened to it."""
    database = common.open_db(ctx)
    stored = round_service.load_round(database, name)
    if as_json:
        common.emit_json(stored.as_dict())
        return
    _show_round(stored, organisation.person_names(database))


@click.command()
@click.argument("name")
@click.pass_context
def publish(ctx: click.Context, name: str) -> None:
    """Publish a proposed round after checking it against every rule; its pairs or groups join the history."""
    stored = round_service.publish_round(
        common.open_db(ctx), name, today=dt.date.today(), now=dt.datetime.now(dt.UTC)
    )
    common.echo(phrase("published round '{round}': {detail}", round=name, detail=stored.events[-1].detail))


@click.command()
@click.argument("name")
@click.argument("members", nargs=-1, required=True)
@click.option("--unlock", is_flag=True, help="Unlock the pair or group instead.")
@click.pass_context
def lock(ctx: click.Context, name: str, members: tuple[str, ...], unlock: bool) -> None:
    """Lock a proposed pair or group of round NAME (person ids, any order): proposing again keeps it."""
    change = round_service.unlock_pair if unlock else round_service.lock_pair
    stored = change(common.open_db(ctx), name, members, now=dt.datetime.now(dt.UTC))
    common.echo(phrase("round '{round}': {detail}", round=name, detail=stored.events[-1].detail))
