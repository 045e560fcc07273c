"""``meeloop bench-pairing``: the pairing engine beside the usual ways of pairing people.

Every method gets the same scored candidate pairs, taken from
:func:`matcher.engines.pairing.build_problem`, and every plan is valued the same way:
the points of its pairs minus the load penalty (a teacher's k-th learner costs
``spread * (k - 1)``), recomputed here from the plan itself, and re-checked
with :func:`matcher.engines.pairing.validate`. The baselines:

- greedy, a spreadsheet's way: pairs by points, best first, taken while the
  learner is free and the teacher has room; and the same keeping "one role per
  round" (nobody both teaches and learns), where the round asks for it;
- teachers-only min-cost flow, where the round asks for one role per round: the
  roles chosen first (everyone who can teach teaches), then one exact flow;
- networkx ``max_weight_matching`` (what Yelp's "beans" uses). In directed modes
  each teacher is expanded into ``capacity`` copies, copy j weighing the pair's
  points minus ``spread * j``, which makes the matching exact for capacities;
- stable matching (Gale–Shapley): learners propose in order of points, teachers
  keep their best by points up to capacity;
- rustworkx ``max_weight_matching`` called directly on the same edges (the
  library the engine's exchange rounds call: the limit of their solve);
- exact polynomial solvers for the directed modes: scipy ``linear_sum_assignment``
  on the dense capacity-expanded matrix (when it fits), scipy
  ``min_weight_full_bipartite_matching`` on the sparse one (a dummy column per
  learner lets anyone stay unpaired), and OR-Tools' ``SimpleMinCostFlow`` built
  from numpy arrays, timed on the solve alone and on build plus solve.

Apart from the two that keep it, none of the baselines knows the rule "one role
per round", so where it is on their plans may break it; the report counts what
:func:`validate` finds. The exact baselines then solve the round without that
rule: an upper bound for any plan over the same candidates.

Scenarios, for each ``--people`` size: "every rule on" (the default config;
from 20,000 people with ``candidates_per_learner=20``), "pure capacity"
(spread 0, one role off: a transportation problem the engine solves exactly),
and exchange (up to 5,000 people, the odd one out reported rather than added
as a third, so the round is a plain matching). Besides, the reference instance
of 2,000 learners × 500 teachers of capacity 4 with random points on every
pair; it has no organisation, so the engine's ``solve()`` runs on a stand-in.

Every method runs in a child process forked from the benchmark, so it starts
from the same memory and its figures are its own. Time is wall time inside the
child. Memory is the growth of the child's resident set over the method: the
kernel's high-water mark (``VmHWM``) is reset through ``/proc/self/clear_refs``
before the method and read after it. "Process peak" is the child's whole
high-water mark, i.e. the problem held in memory plus the method.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

import click

from bench.measuring import MethodFailed, measured
from bench.pairing.instances import TODAY
from bench.pairing.reporting import report
from bench.pairing.scenarios import bench_people, bench_reference

__all__ = ["TODAY", "MethodFailed", "command", "measured", "report"]


@click.command("bench-pairing")
@click.option(
    "--people", default=None, help="Sizes, comma separated.  [default: 200,2000,20000; --quick: 200]"
)
@click.option("--seed", default=1, show_default=True)
@click.option(
    "--time-limit",
    type=click.FloatRange(min=0.1),
    help="Seconds for the engine's search with every rule on.  [default: 10, from 20,000 people 60]",
)
@click.option("--out", type=click.Path(path_type=Path), help="Also write the figures as JSON.")
@click.option("--plans", is_flag=True, help="Put every method's pairs in the JSON too.")
@click.option("--quick", is_flag=True, help="Small and fast, for tests: 200 people, a 100 × 25 reference.")
def command(
    people: str | None, seed: int, time_limit: float | None, out: Path | None, plans: bool, quick: bool
) -> None:
    """Compare the pairing engine with greedy, stable matching, networkx, rustworkx and exact solvers."""
    try:
        sizes = [int(n) for n in (people or ("200" if quick else "200,2000,20000")).split(",")]
    except ValueError:
        raise click.BadParameter("expected sizes like 200,2000", param_hint="--people") from None
    results: dict[str, Any] = {
        "seed": seed,
        "python": sys.version.split()[0],
        "cpus": os.cpu_count(),
        "memory": "resident-set growth during each method in a forked child (VmHWM reset via clear_refs)",
        "instances": [],
    }
    reference = (100, 25, 4) if quick else (2_000, 500, 4)
    results["instances"].append(bench_reference(*reference, seed=seed))
    for size in sizes:
        results["instances"] += bench_people(size, seed, time_limit or (2.0 if quick else None))
    click.echo(report(results))
    if out:
        if not plans:
            for result in results["instances"]:
                for row in result["rows"]:
                    row.pop("pairs")
        out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
