"""Placing requests: a greedy start, an upper bound, CP-SAT in two phases, a fill-in pass, and a
bound on the score.

1. :func:`greedy` places the most constrained requests first (fewest
   candidates), each at the candidate that still fits with the most points
   less its host's fairness cost. It is the hint CP-SAT starts from and the
   plan returned should CP-SAT find nothing.
2. :func:`~matcher.engines.shadowing.bounds.upper_bound`: a maximum flow from guests through their
   requests (1 each) and (host, capacity period) nodes, with an arc wherever
   the request has any valid start with that host in that period, to the sink
   (the host's capacity). A guest passes on, and a host takes in a period, no
   more than the most of their requests that fit apart on their time
   (:mod:`~matcher.engines.shadowing.disjoint`); other time conflicts are
   ignored and every start counts, pruned or not, so no plan can place more. A
   request without any valid start has no arc at all. When the candidates are
   every valid start (not pruned), the bound CP-SAT proves in phase one holds
   for the whole problem too, and the smaller of the two is reported.
3. CP-SAT, one Boolean per candidate: at most one per request; host capacity
   per period; and nobody in two places at once. Each candidate takes a span
   of the guest's time (travel included) and of the host's, from
   :func:`~matcher.engines.shadowing.rules.occupied`; for everyone with candidates from
   two requests or more these spans may not overlap: by default as one
   at-most-one constraint per largest set of their spans that share a moment
   (exact, since the spans are fixed), or with ``no_overlap="intervals"`` as
   optional fixed intervals under CP-SAT's no-overlap constraint. The
   objective is lexicographic, which is what a dominant weight on the count
   means: phase one places as many requests as it can; phase two keeps that
   many and maximises the score, i.e. the candidates' points (level, wish,
   same site, earliness) less the fairness costs: a host's k-th guest costs
   ``host_spread * (k - 1)`` and a guest's k-th placed request
   ``guest_repeat * (k - 1)``. Phase one is skipped when the greedy plan
   already reaches the bound, ends as soon as it does, and gets at most
   60% of the time left. Above ``model_candidates`` candidates one model
   would take gigabytes: CP-SAT then improves the greedy plan one part at a
   time, the rest of the plan fixed (:mod:`~matcher.engines.shadowing.neighbourhoods`),
   and then places open requests the bound's flow places by moving one or two
   placed requests elsewhere (:mod:`~matcher.engines.shadowing.chains`).
4. :func:`fill` then tries every start of every request still unplaced, pruned
   or not, against the plan: whatever fits is added. So an unplaced request
   has no valid start left that is free of clashes and within capacity.
5. :func:`~matcher.engines.shadowing.bounds.score_bound`: the most score a plan
   placing as many can have, from a min-cost flow that drops only "nobody in
   two places at once"; reported with CP-SAT's own bound when that is lower
   and its model held every valid start.

With one worker and a fixed seed CP-SAT searches deterministically; a run that
ends on the clock rather than on ``work_limit`` or a proof may differ between
runs. With more workers it is not deterministic.
"""

from __future__ import annotations

import math
import random
import time
from dataclasses import dataclass, field

from matcher.domain.phrases import counted, phrase
from matcher.engines.shadowing.bounds import bound_flow, earliest_starts, score_bound, upper_bound
from matcher.engines.shadowing.chains import place_by_chains
from matcher.engines.shadowing.config import SCALE
from matcher.engines.shadowing.model import Model
from matcher.engines.shadowing.neighbourhoods import improve_score, place_more
from matcher.engines.shadowing.placing import Choice, Ledger, fill, greedy, score
from matcher.engines.shadowing.problem import ShadowProblem

__all__ = ["Choice", "Ledger", "Outcome", "fill", "greedy", "score", "solve", "upper_bound"]

#: The part of the time limit kept back for the fill-in pass and the explanations after CP-SAT.
EXPLAIN_SHARE = 0.03
#: On large rounds, the part of the time for placing more requests; the rest improves the score.
PLACING_SHARE = 0.4
#: On large rounds, the most of the time for placing requests by chains of moves, after the parts.
CHAIN_SHARE = 0.25
#: On large rounds, the part of the time limit for CP-SAT's parts.
LARGE_SHARE = 0.8


@dataclass
class Outcome:
    chosen: list[Choice]
    status: str
    bound: int
    score: int
    seconds: float
    notes: list[str] = field(default_factory=list)
    stats: dict[str, int] = field(default_factory=dict)
    #: The most score any plan placing as many can have (SCALE units), when one is known.
    score_bound: int | None = None


def solve(problem: ShadowProblem) -> Outcome:
    """The plan with the most requests placed, then the best score; see the module docstring."""
    started = time.perf_counter()
    config = problem.config
    hint = greedy(problem)
    earliest = earliest_starts(problem)
    bound, routed = bound_flow(problem, earliest)
    stats = {
        "candidates": len(problem.candidates),
        "greedy": len(hint),
        "flow_bound": bound,
        "flow_bound_time_ignored": upper_bound(problem, earliest, apart=False),
    }
    notes: list[str] = []
    deadline = started + (1 - EXPLAIN_SHARE) * config.time_limit
    best_score: float | None = None
    if len(problem.candidates) > config.model_candidates:
        # Filling in, the score bound and the explanations take longer on a large round.
        until = started + LARGE_SHARE * config.time_limit
        chosen, parts = _in_parts(problem, hint, (bound, routed), started, until)
        stats.update(parts)
        notes.append(
            counted(
                parts["parts"],
                "large round: CP-SAT improved the greedy plan in {n} part, the rest fixed",
                "large round: CP-SAT improved the greedy plan in {n} parts, the rest fixed",
            )
        )
    elif problem.candidates:
        model = Model(problem)
        rng = random.Random(config.seed)
        # Phase one's plan, its score raised a part at a time first: a far better start for phase
        # two, which on its own hardly moves from it (on the benchmark: -519 against -1180 points).
        chosen, proven = model.solve(
            hint, bound, deadline, lambda plan, until: improve_score(problem, plan, until, rng)[0]
        )
        if not problem.pruned:  # the model holds every valid start: its bounds are the problem's
            bound = min(bound, proven)
            best_score = model.best_score
        stats.update(model.stats)
        notes.extend(model.notes)
    else:
        chosen = hint
    filled = fill(problem, chosen)
    before = stats.get("phase_one", len(chosen)) if "parts" in stats else len(chosen)
    if len(filled) > before:
        best_score = None  # CP-SAT's bound was for plans placing fewer
        notes.append(
            counted(
                len(filled) - before,
                "{n} request added afterwards at a start the model left out",
                "{n} requests added afterwards at starts the model left out",
            )
        )
    plan_score = score(problem, filled)
    flow_score = score_bound(problem, len(filled), bound, earliest)
    most = min(x for x in (flow_score, best_score, math.inf) if x is not None)
    stats["score_flow_bound"] = flow_score if flow_score is not None else 0
    if math.isfinite(most):
        stats["score_bound"] = math.floor(most + 1e-6)
        notes.append(
            phrase(
                "score {score} of at most {most} points for {n} placed",
                score=round(plan_score / SCALE, 2),
                most=round(math.floor(most + 1e-6) / SCALE, 2),
                n=len(filled),
            )
        )
    return Outcome(
        chosen=filled,
        status="optimal" if len(filled) >= bound else "feasible",
        bound=bound,
        score=plan_score,
        seconds=time.perf_counter() - started,
        notes=notes,
        stats=stats,
        score_bound=stats.get("score_bound"),
    )


def _in_parts(
    problem: ShadowProblem,
    hint: list[Choice],
    flow: tuple[int, set[str]],
    started: float,
    deadline: float,
) -> tuple[list[Choice], dict[str, int]]:
    """A large round: the greedy plan improved by CP-SAT a part at a time (see
    :mod:`~matcher.engines.shadowing.neighbourhoods`): first placing more, the requests the
    bound's ``flow`` places first, then the score."""
    rng = random.Random(problem.config.seed)
    chosen, placing = hint, 0
    bound, routed = flow
    if len(hint) < bound:
        placing_until = started + PLACING_SHARE * (deadline - started)
        chosen, placing = place_more(problem, hint, bound, placing_until, rng, routed)
    if len(chosen) < bound:
        # After the parts: a chain of moves reaches requests no part frees (see chains).
        placed_ids = {request_id for request_id, _, _ in chosen}
        waiting = [r for r in sorted(routed) if r not in placed_ids]
        chains_until = time.perf_counter() + CHAIN_SHARE * (deadline - started)
        chosen = place_by_chains(problem, chosen, waiting, chains_until)
    placed = len(chosen)
    # Filled in before the score is improved, so that the parts can move the slots it adds.
    chosen = fill(problem, chosen)
    chosen, scoring = improve_score(problem, chosen, deadline, rng)
    stats = {"parts": placing + scoring, "parts_placing": placing, "phase_one": placed, "filled": len(chosen)}
    return chosen, stats
