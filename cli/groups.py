"""``meeloop groups``: think tanks, intervision groups and communities of practice."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from cli import common
from matcher.domain.phrases import phrase
from matcher.engines.groups import KINDS, GroupConfig
from matcher.plans.kinds import word
from matcher.services import rounds


def _sizes(text: str | None) -> tuple[int, int] | None:
    if text is None:
        return None
    low, _, high = text.partition("-")
    try:
        sizes = int(low), int(high or low)
    except ValueError:
        raise click.BadParameter(
            common.said(phrase("expected MIN-MAX such as 5-7, got '{text}'", text=text)), param_hint="--size"
        ) from None
    if sizes[0] < 2 or sizes[1] < sizes[0]:
        raise click.BadParameter(
            common.said(phrase("sizes must be at least 2, and MIN at most MAX")), param_hint="--size"
        )
    return sizes


def group_config(
    config_file: Path | None, kind: str | None, sizes: tuple[int, int] | None, time_limit: float | None
) -> GroupConfig:
    """The config file's settings over the kind's defaults, then the options: an option given wins."""
    data = common.read_config(config_file) if config_file else {}
    if kind is not None:
        if "kind" in data and data["kind"] != kind:
            # The file's criteria were written for its own kind; the option's kind keeps its defaults.
            data = {k: v for k, v in data.items() if k != "kind"}
        data = {**data, "kind": kind}
    elif "kind" not in data:
        raise click.UsageError(
            common.said(
                phrase(
                    "choose the kind of group with --kind ({kinds}) or a config 'kind'",
                    kinds=", ".join(KINDS),
                )
            )
        )
    config = GroupConfig.from_mapping(data, source=config_file.name if config_file else "config")
    if sizes is not None:
        config = config.replace(size_min=sizes[0], size_max=sizes[1])
    if time_limit is not None:
        config = config.replace(time_limit=time_limit)
    return config


@click.command()
@click.option("--kind", type=click.Choice(list(KINDS)), help="The kind of group; overrides the config file.")
@click.option("--size", metavar="MIN-MAX", help="Group sizes, e.g. 5-7; overrides the config file.")
@common.round_options("2027 denktank", "criteria, topic_skills, no_isolated, select, locked")
@click.pass_context
def groups(
    ctx: click.Context,
    kind: str | None,
    round_name: str,
    size: str | None,
    config_file: Path | None,
    time_limit: float | None,
    as_json: bool,
    save: bool,
) -> None:
    """Propose the groups of a round: think-tank, intervision or community.

    For each attribute the config says whether groups should be diverse or similar, with a
    weight. A round proposed (and saved) before keeps the groups locked in it.
    """
    config = group_config(config_file, kind, _sizes(size), time_limit)
    show = common.on_terminal() and not as_json
    common.progress(show)(
        phrase(
            "proposing {kind} round '{round}' in groups of {low}-{high} (search up to {seconds} s)",
            kind=word(config.kind),
            round=round_name,
            low=config.size_min,
            high=config.size_max,
            seconds=f"{config.time_limit:g}",
        )
    )
    database = common.open_db(ctx)
    proposal = rounds.propose_group_round(
        database,
        round_name=round_name,
        config=config,
        today=dt.date.today(),
        now=dt.datetime.now(dt.UTC),
        save=save,
    )
    common.show_proposal(database, proposal, proposal.groups, "group", as_json=as_json, saved=save)
