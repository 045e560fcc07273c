"""``meeloop bench-fairness``: quarterly rounds with and without memory of the earlier ones.

A synthetic organisation runs ``--rounds`` quarterly rounds of each mode (mentor, buddy and exchange by
default), each round's pairs fed back into the history. Once with fairness over rounds (the
defaults of :class:`matcher.engines.pairing.Fairness`, fresh partners on in exchange rounds), once
with the same engine without that memory. Per mode, side by side:

- the longest run of rounds in a row someone was left out while a place existed for them (they
  opted in and had at least one possible partner under the rules), and how many people had a run
  of 4 or more;
- the Gini coefficient of participation (per person, the share of their rounds with a place in
  which they were placed) and of mentor load (learners per mentor over all rounds; directed modes);
- the share of pairs after the first round whose members met before;
- the guarantee as meant: the longest run of rounds left out while a place the person could have taken
  went to someone who had waited fewer rounds in a row (or stayed free), and how many people had such a
  run of more than K (2) rounds;
- the longest run of rounds left out while a place was free (a possible partner still had room);
- the pairs' score per round without the parts fairness adds: what fairness costs in learning and mix.

One group kind (``--group-kind``, intervision by default) runs the same way, with
``fresh_groupmates`` and ``left_out_first`` on in one arm and off in the other: the share of groups
with two members who met before, and the runs left out.
"""

from __future__ import annotations

import dataclasses
import json
import os
import sys
from pathlib import Path
from typing import Any

import click

from bench.fairness.groups import simulate_groups
from bench.fairness.reporting import report
from bench.fairness.simulation import QUARTER, RoundLog, measures, simulate
from bench.pairing.instances import TODAY
from bench.synthetic import generate_organisation
from matcher.engines.groups.config import KINDS as GROUP_KINDS
from matcher.engines.pairing import DIRECTED, MODES

__all__ = ["QUARTER", "command", "run"]


def run(
    people: int,
    rounds: int,
    seed: int,
    modes: tuple[str, ...],
    time_limit: float,
    group_kind: str | None = None,
) -> dict[str, Any]:
    """Both arms on the same organisation, with their measures per mode."""
    org = generate_organisation(people, seed=seed, today=TODAY)
    # The simulation writes its own history; the synthetic one would only blur the comparison.
    org = dataclasses.replace(org, history=())

    def progress(arm: str, mode: str, number: int, log: RoundLog) -> None:
        click.echo(
            f"… {arm}, {mode} round {number}: {len(log.placed):,} of {len(log.opted_in):,} placed "
            f"in {log.seconds:.1f} s",
            err=True,
        )

    results: dict[str, Any] = {
        "people": people,
        "rounds": rounds,
        "seed": seed,
        "time_limit": time_limit,
        "python": sys.version.split()[0],
        "cpus": os.cpu_count(),
        "modes": {},
    }
    arms = {
        name: simulate(
            org,
            modes=modes,
            rounds=rounds,
            start=TODAY,
            memory=name == "memory",
            time_limit=time_limit,
            seed=seed,
            on_round=progress,
        )
        for name in ("memory", "no memory")
    }
    for mode in modes:
        results["modes"][mode] = {
            name: measures(arm.logs[mode], directed=mode in DIRECTED) for name, arm in arms.items()
        }
    if group_kind:
        results["modes"][group_kind] = {
            name: measures(
                simulate_groups(
                    org,
                    kind=group_kind,
                    rounds=rounds,
                    start=TODAY,
                    memory=name == "memory",
                    time_limit=time_limit,
                    seed=seed,
                    on_round=progress,
                ),
                directed=False,
            )
            for name in ("memory", "no memory")
        }
    return results


@click.command("bench-fairness")
@click.option("--people", default=2000, show_default=True, help="Size of the synthetic organisation.")
@click.option("--rounds", default=8, show_default=True, type=click.IntRange(min=1), help="Quarterly rounds.")
@click.option("--seed", default=1, show_default=True)
@click.option(
    "--modes", default="mentor,buddy,exchange", show_default=True, help="Pairing modes, comma separated."
)
@click.option(
    "--time-limit",
    default=5.0,
    show_default=True,
    type=click.FloatRange(min=0.1),
    help="Seconds for each round's search.",
)
@click.option(
    "--group-kind",
    default="intervision",
    show_default=True,
    help="A group kind to run as well (fresh groupmates on and off); empty for none.",
)
@click.option("--out", type=click.Path(path_type=Path), help="Also write the figures as JSON.")
def command(
    people: int, rounds: int, seed: int, modes: str, time_limit: float, group_kind: str, out: Path | None
) -> None:
    """Quarterly rounds with fairness over rounds, against the same engine without memory."""
    chosen = tuple(m.strip() for m in modes.split(",") if m.strip())
    unknown = [m for m in chosen if m not in MODES]
    if unknown or not chosen:
        raise click.BadParameter("expected modes like mentor,exchange", param_hint="--modes")
    if group_kind and group_kind not in GROUP_KINDS:
        raise click.BadParameter(
            "expected a group kind: " + ", ".join(GROUP_KINDS), param_hint="--group-kind"
        )
    results = run(people, rounds, seed, chosen, time_limit, group_kind or None)
    click.echo(report(results))
    if out:
        out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
