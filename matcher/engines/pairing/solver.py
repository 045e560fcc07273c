"""The optimisers behind a pairing round. OR-Tools objects never leave this module.

Which algorithm runs depends on the structure the rules leave:

* A directed mode (mentor, reverse, buddy, intern-manager) in which nobody can
  both teach and learn is a transportation problem: learners send one unit each
  to teachers with capacities. OR-Tools' min-cost flow solves it exactly. The
  spreading of popular experts is a convex cost per extra learner, which a flow
  carries as parallel arcs of rising cost, so it stays exact.
* When "one role per round" couples the two sides (someone could teach one
  person and learn from another), the structure breaks. The flow without that
  rule gives a proven upper bound (also covering candidates pruned away); plans
  that keep the rule are built from flows, and CP-SAT improves the best of them.
* Exchange mode is a maximum-weight matching in a general graph; the blossom
  algorithm (rustworkx) solves it exactly. A person left over may then join a
  pair as a third.
"""

from __future__ import annotations

import dataclasses
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import rustworkx as rx
from ortools.graph.python import min_cost_flow
from ortools.sat.python import cp_model

from matcher.domain.phrases import counted, phrase
from matcher.engines.pairing.pricing import priced_flow, role_bound, within
from matcher.engines.pairing.problem import SCALE, Candidate, PairingProblem, pair_points
from matcher.engines.pairing.rules import first_broken

#: Above this many candidate pairs CP-SAT does not load and improve the model within a usual
#: time limit on a small machine; the flow-based plans are returned with their proven gap.
CP_SAT_MAX_PAIRS = 150_000
#: Subgradient steps of the one-role bound (each a min-cost flow over the candidates).
ROLE_STEPS = 12

#: Called with (objective, bound, seconds) whenever the search finds a better plan.
Progress = Callable[[float, float, float], None]


@dataclass(frozen=True)
class Outcome:
    chosen: tuple[tuple[str, ...], ...]
    status: str  # "optimal" or "feasible"
    objective: int  # in points (hundredths), load penalties and locks included
    bound: int
    solver: str
    seconds: float
    notes: tuple[str, ...] = ()


def load_penalty(problem: PairingProblem, load: int) -> int:
    """Points a teacher's load costs in all: the k-th learner costs ``spread * (k - 1)``."""
    step = round(SCALE * problem.config.weights.spread)
    return step * load * (load - 1) // 2


def solve(problem: PairingProblem, *, on_progress: Progress | None = None) -> Outcome:
    started = time.perf_counter()
    if problem.mode == "exchange":
        outcome = _solve_exchange(problem)
    else:
        outcome = _solve_directed(problem, on_progress)
    seconds = time.perf_counter() - started
    if on_progress is not None and outcome.solver != "CP-SAT":
        # An exact flow finds its plan at once: the caller hears of it as of any plan CP-SAT finds.
        on_progress(outcome.objective / SCALE, outcome.bound / SCALE, seconds)
    return dataclasses.replace(outcome, seconds=seconds)


# -- directed modes ---------------------------------------------------------------------------------


def locked_loads(problem: PairingProblem) -> dict[str, int]:
    loads: dict[str, int] = defaultdict(int)
    if problem.config.directed:
        for teacher, _ in problem.locks:
            loads[teacher] += 1
    return loads


def _lock_points(problem: PairingProblem, loads: dict[str, int]) -> int:
    points = sum(pair_points(problem, lock) for lock in problem.locks)
    return points - sum(load_penalty(problem, n) for n in loads.values())


def free_capacity(problem: PairingProblem, loads: dict[str, int]) -> dict[str, int]:
    if not problem.config.rules.capacity:
        # Without the capacity rule a teacher may take every learner who wants them: the pairs
        # pruned from the search count too, so the places stay the same when pricing brings some back.
        counts: dict[str, int] = defaultdict(int)
        for teacher, _ in problem.candidates:
            counts[teacher] += 1
        pruned = problem.pruned
        if pruned is not None and pruned.size:
            index = problem.codes().index
            per_index = pruned.per_teacher(len(index))
            for teacher in problem.teachers:
                counts[teacher] += int(per_index[index[teacher]])
        return {t: counts.get(t, 0) for t in problem.teachers}
    return {t: max(0, cap - loads.get(t, 0)) for t, cap in problem.teachers.items()}


def _solve_directed(problem: PairingProblem, on_progress: Progress | None) -> Outcome:
    loads = locked_loads(problem)
    free = free_capacity(problem, loads)
    constant = _lock_points(problem, loads)
    # The bound: the same round without one-role coupling, over all pairs. Pairs pruned away are
    # priced against the flow's duals; any that could improve the flow join the candidates.
    pruned = problem.pruned_count
    if pruned:
        flow_pairs, flow_value, bound = priced_flow(problem, free, loads, constant)
    else:
        flow_pairs, flow_value = assign_by_flow(problem, None, free, loads)
        bound = flow_value
    arcs = problem.arcs()
    notes = []
    if problem.pruned_count:
        notes.append(
            counted(
                problem.pruned_count,
                "{n} weaker candidate pair was left out of the search; the bound still counts it, "
                "so the gap shows what that may cost",
                "{n} weaker candidate pairs were left out of the search; the bound still counts them, "
                "so the gap shows what that may cost",
            )
        )
    teachers_learn = np.isin(arcs.second, arcs.first)  # pairs whose learner could also teach
    if not (problem.config.rules.one_role and teachers_learn.any()):
        return Outcome(
            chosen=(*problem.locks, *flow_pairs),
            status="optimal" if flow_value >= bound else "feasible",
            objective=constant + flow_value,
            bound=constant + bound,
            solver="min-cost flow",
            seconds=0.0,
            notes=tuple(notes),
        )
    # Plans that obey one role per person: everyone who can teach teaches (an exact flow of its
    # own), roles chosen one by one from the relaxed plan, and what is still possible of the
    # last round's pairs. The best one stands, or is the hint from which CP-SAT starts.
    plans = [assign_by_flow(problem, ~teachers_learn, free, loads)]
    small = arcs.size <= CP_SAT_MAX_PAIRS
    if small:
        plans.append(_fix_roles(problem, free, loads, flow_pairs))
    earlier = _still_possible(problem, free)
    if earlier:
        plans.append((earlier, _value(problem, earlier, loads)))
    best_pairs, best_value = max(plans, key=lambda plan: plan[1])
    if best_value < bound:
        # Often proves the best plan optimal, or nearly, without CP-SAT (see :mod:`.pricing`).
        bound = role_bound(problem, free, loads, (flow_pairs, bound), best_value, ROLE_STEPS, constant)
    if best_value >= bound or not small or within(problem, bound, best_value, constant):
        if not small:
            notes.append(
                phrase(
                    "{n} candidate pairs are more than CP-SAT improves on within the time limit; the plan "
                    "is the best of two exact flows, and the gap says how far from optimal it can be",
                    n=arcs.size,
                )
            )
        return Outcome(
            chosen=(*problem.locks, *best_pairs),
            status="optimal" if best_value >= bound else "feasible",
            objective=constant + best_value,
            bound=constant + bound,
            solver="min-cost flow",
            seconds=0.0,
            notes=(*notes, phrase("one role per round: each person either teaches or learns")),
        )
    every = list(problem.candidates.values())
    pairs, value, cp_bound, optimal = _cp_sat(problem, every, free, loads, best_pairs, constant, on_progress)
    if not problem.pruned_count:
        bound = min(bound, cp_bound)
    if value < best_value:  # the search ran out of time before it beat its own hint
        pairs, value = best_pairs, best_value
    notes.append(phrase("one role per round couples teachers and learners; CP-SAT kept it"))
    return Outcome(
        chosen=(*problem.locks, *pairs),
        status="optimal" if value >= bound or (optimal and not problem.pruned_count) else "feasible",
        objective=constant + value,
        bound=constant + max(bound, value),
        solver="CP-SAT",
        seconds=0.0,
        notes=tuple(notes),
    )


def assign_by_flow(
    problem: PairingProblem,
    use: np.ndarray | None,
    free: dict[str, int],
    loads: dict[str, int],
    prefer: np.ndarray | None = None,
) -> tuple[list[tuple[str, str]], int]:
    """Maximum-score assignment of learners to teachers with capacities, ignoring one-role coupling.

    ``use`` masks the candidates to consider (all when None). ``prefer`` marks candidates to
    prefer among plans that score the same (a plan to change as little as possible): the score
    stays the best there is.
    """
    found = _flow(problem, use, free, loads, prefer)
    return found.pairs, found.value


def flow_with_prices(
    problem: PairingProblem,
    free: dict[str, int],
    loads: dict[str, int],
    toll: np.ndarray | None = None,
    use: np.ndarray | None = None,
) -> tuple[list[tuple[str, str]], int, np.ndarray]:
    """The relaxed assignment over every candidate (or those ``use`` marks), and each teacher's
    price in the optimal dual (points, per person index; 0 for people who teach nobody here): what
    a further learner would have to bring to be worth a place. See :mod:`.pricing`."""
    found = _flow(problem, use, free, loads, None, toll, network=True)
    prices = np.zeros(len(problem.codes().index), dtype=np.int64)
    if found.network is not None:
        tails, heads, costs, caps, flows, teacher_ids, first_teacher = found.network
        distance = _potentials(tails, heads, costs, caps, flows)
        # v_t = d(sink) - d(t): the marginal value of a place with teacher t.
        prices[teacher_ids] = np.maximum(
            0, distance[1] - distance[first_teacher : first_teacher + len(teacher_ids)]
        )
    return found.pairs, found.value, prices


def assign_with_toll(
    problem: PairingProblem, free: dict[str, int], loads: dict[str, int], toll: np.ndarray
) -> tuple[list[tuple[str, str]], int]:
    """The relaxed assignment with one-role tolls (see :func:`.pricing.role_bound`); the value
    includes the tolls paid."""
    found = _flow(problem, None, free, loads, None, toll)
    return found.pairs, found.value


@dataclass(frozen=True)
class _Flow:
    pairs: list[tuple[str, str]]
    value: int
    network: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, int] | None


def _flow(
    problem: PairingProblem,
    use: np.ndarray | None,
    free: dict[str, int],
    loads: dict[str, int],
    prefer: np.ndarray | None,
    toll: np.ndarray | None = None,
    network: bool = False,
) -> _Flow:
    """``toll`` (points per person index): each place of that teacher costs that much more, and
    learning costs that much times the person's places (the one-role multipliers of :mod:`.pricing`)."""
    arcs = problem.arcs()
    names = arcs.names
    index = problem.codes().index
    capacity = np.zeros(len(names), dtype=np.int64)
    base = np.zeros(len(names), dtype=np.int64)
    for teacher, n in free.items():
        capacity[index[teacher]] = n
    for teacher, n in loads.items():
        base[index[teacher]] = n
    mask = capacity[arcs.first] > 0
    if use is not None:
        mask &= use
    chosen_arcs = np.flatnonzero(mask)
    all_t, all_l = arcs.first[chosen_arcs], arcs.second[chosen_arcs]
    all_points = arcs.points[chosen_arcs]
    if toll is not None:
        all_points = all_points - toll[all_l] * capacity[all_l]
    if not len(all_t):
        return _Flow([], 0, None)
    # Nodes: 0 source, 1 sink, then learners, then teachers (each person once per side).
    learner_ids, learner_node = _renumber(all_l, len(names))
    teacher_ids, teacher_node = _renumber(all_t, len(names))
    n_learners = len(learner_ids)
    learner_node = learner_node + 2
    teacher_node = teacher_node + 2 + n_learners
    # The k-th learner of a teacher costs spread * (locked + k - 1): one arc per place.
    step = round(SCALE * problem.config.weights.spread)
    degree = np.bincount(teacher_node - 2 - n_learners, minlength=len(teacher_ids))
    places = np.minimum(capacity[teacher_ids], degree)
    slot_teacher = np.repeat(np.arange(len(teacher_ids)), places)
    slot_rank = np.arange(len(slot_teacher)) - np.repeat(np.cumsum(places) - places, places)
    slot_cost = step * (base[teacher_ids][slot_teacher] + slot_rank)
    if toll is not None:
        slot_cost = slot_cost + toll[teacher_ids][slot_teacher]
    tails = np.concatenate(
        [np.zeros(n_learners + 1, dtype=np.int64), learner_node, slot_teacher + 2 + n_learners]
    )
    heads = np.concatenate(
        [np.arange(2, n_learners + 2), [1], teacher_node, np.ones(len(slot_teacher), dtype=np.int64)]
    )
    caps = np.concatenate(
        [
            np.ones(n_learners, dtype=np.int64),
            [n_learners],
            np.ones(len(all_t) + len(slot_teacher), dtype=np.int64),
        ]
    )
    costs = np.concatenate([np.zeros(n_learners + 1, dtype=np.int64), -all_points, slot_cost])
    # Ties broken towards ``prefer``: every cost times more than the learners, less 1 for a preferred pair.
    scale = n_learners + 1 if prefer is not None else 1
    if prefer is not None:
        preferred = np.zeros(len(costs), dtype=np.int64)
        preferred[n_learners + 1 : n_learners + 1 + len(chosen_arcs)] = prefer[chosen_arcs]
        costs = costs * scale - preferred
    flow = min_cost_flow.SimpleMinCostFlow()
    flow.add_arcs_with_capacity_and_unit_cost(
        tails.astype(np.int32), heads.astype(np.int32), caps.astype(np.int64), costs.astype(np.int64)
    )
    flow.set_nodes_supplies(np.asarray([0, 1], dtype=np.int32), np.asarray([n_learners, -n_learners]))
    status = flow.solve()
    if status != flow.OPTIMAL:  # cannot happen: the arc from source to sink carries what is left
        raise RuntimeError(f"min-cost flow ended with status {status}")
    first = n_learners + 1
    used = flow.flows(np.arange(first, first + len(chosen_arcs)))
    pairs = [arcs.members[i] for i in chosen_arcs[np.flatnonzero(used)]]
    total = flow.optimal_cost()
    if prefer is not None:
        total = (total + int(prefer[chosen_arcs[np.flatnonzero(used)]].sum())) // scale
    if not network:
        return _Flow(sorted(pairs), -total, None)
    flows = flow.flows(np.arange(len(tails)))
    return _Flow(sorted(pairs), -total, (tails, heads, costs, caps, flows, teacher_ids, 2 + n_learners))


def _potentials(
    tails: np.ndarray, heads: np.ndarray, costs: np.ndarray, caps: np.ndarray, flows: np.ndarray
) -> np.ndarray:
    """Shortest distances in the residual network of an optimal flow (Bellman-Ford from every node
    at once, vectorised): node potentials that prove the flow optimal, i.e. the optimal dual."""
    forward = flows < caps
    backward = flows > 0
    rt = np.concatenate([tails[forward], heads[backward]])
    rh = np.concatenate([heads[forward], tails[backward]])
    rc = np.concatenate([costs[forward], -costs[backward]])
    distance = np.zeros(int(max(tails.max(), heads.max())) + 1, dtype=np.int64)
    for _ in range(len(distance)):
        relaxed = distance.copy()
        np.minimum.at(relaxed, rh, distance[rt] + rc)
        if np.array_equal(relaxed, distance):
            break
        distance = relaxed
    return distance


def _renumber(people: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    """The distinct people in order, and each entry's position among them (no sorting needed)."""
    present = np.zeros(size, dtype=bool)
    present[people] = True
    position = np.cumsum(present) - 1
    return np.flatnonzero(present), position[people]


def _fix_roles(
    problem: PairingProblem,
    free: dict[str, int],
    loads: dict[str, int],
    pairs: list[tuple[str, str]],
    rounds: int = 12,
) -> tuple[list[tuple[str, str]], int]:
    """A plan that obeys one role per person, from the relaxed plan.

    Whoever has two roles keeps the one worth more to the plan, and the rest is solved again.
    Someone whose kept role then brings nothing is set free to take either role again. The best
    plan without double roles is returned.
    """
    points = problem.candidates
    arcs = problem.arcs()
    index = problem.codes().index
    teaches: set[str] = set()
    learns: set[str] = set()
    best: tuple[list[tuple[str, str]], int] | None = None
    for _ in range(rounds):
        teaching: dict[str, list[tuple[str, str]]] = defaultdict(list)
        learning = {p[1]: p for p in pairs}
        for pair in pairs:
            teaching[pair[0]].append(pair)
        double = sorted(set(teaching) & set(learning))
        if double:
            for person in double:
                as_teacher = sum(points[p].points for p in teaching[person])
                (teaches if as_teacher >= points[learning[person]].points else learns).add(person)
        else:
            value = _value(problem, pairs, loads)
            if best is None or value > best[1]:
                best = (pairs, value)
            idle = {p for p in teaches if p not in teaching} | {p for p in learns if p not in learning}
            if not idle:
                break
            teaches -= idle
            learns -= idle
        usable = ~np.isin(arcs.first, [index[p] for p in learns]) & ~np.isin(
            arcs.second, [index[p] for p in teaches]
        )
        pairs, _ = assign_by_flow(problem, usable, free, loads)
    if best is None:
        # Still doubled after every round: drop the learning side, which always obeys the rule.
        teaching_now = {p[0] for p in pairs}
        pairs = [p for p in pairs if p[1] not in teaching_now]
        best = (pairs, _value(problem, pairs, loads))
    return best


def _still_possible(problem: PairingProblem, free: dict[str, int]) -> list[tuple[str, str]]:
    """The pairs of the last round that are candidates now, as far as capacity and roles allow."""
    taken: dict[str, int] = defaultdict(int)
    teaching: set[str] = set()
    learning: set[str] = set()
    plan = []
    for pair in problem.previous_pairs:
        if len(pair) != 2 or tuple(pair) not in problem.candidates:
            continue
        teacher, learner = pair
        if learner in learning or learner in teaching or teacher in learning:
            continue
        if taken[teacher] >= free.get(teacher, 0):
            continue
        taken[teacher] += 1
        teaching.add(teacher)
        learning.add(learner)
        plan.append((teacher, learner))
    return sorted(plan)


class _Progress(cp_model.CpSolverSolutionCallback):
    def __init__(self, report: Progress, constant: int) -> None:
        super().__init__()
        self.report = report
        self.constant = constant

    def on_solution_callback(self) -> None:
        self.report(
            (self.objective_value + self.constant) / SCALE,
            (self.best_objective_bound + self.constant) / SCALE,
            self.wall_time,
        )


def _cp_sat(
    problem: PairingProblem,
    arcs: list[Candidate],
    free: dict[str, int],
    loads: dict[str, int],
    hint: list[tuple[str, str]],
    constant: int,
    on_progress: Progress | None,
) -> tuple[list[tuple[str, str]], int, int, bool]:
    model = cp_model.CpModel()
    arcs = [c for c in arcs if free.get(c.members[0], 0) > 0]
    x = [model.new_bool_var(f"x{i}") for i in range(len(arcs))]
    by_teacher: dict[str, list[int]] = defaultdict(list)
    by_learner: dict[str, list[int]] = defaultdict(list)
    for i, c in enumerate(arcs):
        by_teacher[c.members[0]].append(i)
        by_learner[c.members[1]].append(i)
    for indices in by_learner.values():
        model.add_at_most_one(x[i] for i in indices)
    step = round(SCALE * problem.config.weights.spread)
    penalty_vars, penalty_costs = [], []
    teacher_loads = {}
    for teacher, indices in sorted(by_teacher.items()):
        slots = min(free[teacher], len(indices))
        load = cp_model.LinearExpr.sum([x[i] for i in indices])
        teacher_loads[teacher] = load
        if step and slots > 1:
            # Slot j is filled only after slot j-1 (this also breaks the symmetry between slots).
            z = [model.new_bool_var(f"z{teacher}_{j}") for j in range(slots)]
            for j in range(slots - 1):
                model.add_implication(z[j + 1], z[j])
            model.add(load == cp_model.LinearExpr.sum(z))
            base = loads.get(teacher, 0)
            for j, var in enumerate(z):
                if base + j:
                    penalty_vars.append(var)
                    penalty_costs.append(step * (base + j))
        else:
            model.add(load <= slots)
            if step and loads.get(teacher, 0) and slots == 1:
                penalty_vars.append(model.new_bool_var(f"z{teacher}"))
                model.add(load == penalty_vars[-1])
                penalty_costs.append(step * loads[teacher])
    for person in sorted(set(by_teacher) & set(by_learner)):
        # One arc at a time against the role, rather than the load against capacity times the
        # role: the same integer solutions, a much tighter linear relaxation.
        teaches = model.new_bool_var(f"role{person}")
        for i in by_teacher[person]:
            model.add_implication(x[i], teaches)
        model.add(cp_model.LinearExpr.sum([x[i] for i in by_learner[person]]) <= 1 - teaches)
    model.maximize(
        cp_model.LinearExpr.weighted_sum(x, [c.points for c in arcs])
        - cp_model.LinearExpr.weighted_sum(penalty_vars, penalty_costs)
    )
    chosen_hint = set(hint)
    for var, c in zip(x, arcs, strict=True):
        model.add_hint(var, c.members in chosen_hint)
    solver = cp_model.CpSolver()
    params = solver.parameters
    params.random_seed = problem.config.seed
    # One worker with the full linear relaxation (linearization level 2): with fewer than
    # four workers CP-SAT's portfolio has no LP worker, and on a small machine one thread that
    # proves bounds beats several that only search. Probing costs seconds on large models
    # and buys little here. One worker also searches deterministically.
    params.num_workers = 1
    params.linearization_level = 2
    params.cp_model_probing_level = 0
    params.max_time_in_seconds = problem.config.time_limit
    if problem.config.work_limit:
        params.max_deterministic_time = problem.config.work_limit
    callback = _Progress(on_progress, constant) if on_progress else None
    status = solver.solve(model, callback)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return sorted(hint), _value(problem, hint, loads), 0, False
    chosen = sorted(c.members for var, c in zip(x, arcs, strict=True) if solver.boolean_value(var))
    value = round(solver.objective_value)
    return chosen, value, round(solver.best_objective_bound), status == cp_model.OPTIMAL


def _value(problem: PairingProblem, pairs: list[tuple[str, str]], loads: dict[str, int]) -> int:
    """A plan's points less what its load adds on top of the locked pairs' load."""
    counts: dict[str, int] = defaultdict(int)
    for teacher, _ in pairs:
        counts[teacher] += 1
    extra_load = sum(
        load_penalty(problem, loads.get(t, 0) + n) - load_penalty(problem, loads.get(t, 0))
        for t, n in counts.items()
    )
    return sum(problem.candidates[p].points for p in pairs) - extra_load


# -- exchange ---------------------------------------------------------------------------------------


def _solve_exchange(problem: PairingProblem) -> Outcome:
    edges = list(problem.candidates.values())
    people = sorted({m for c in edges for m in c.members})
    index = {p: i for i, p in enumerate(people)}
    graph = rx.PyGraph()
    graph.add_nodes_from(people)
    graph.add_edges_from([(index[c.members[0]], index[c.members[1]], c.points) for c in edges])
    matching = rx.max_weight_matching(graph, weight_fn=lambda points: points)
    pairs = sorted((min(people[a], people[b]), max(people[a], people[b])) for a, b in matching)
    value = sum(problem.candidates[p].points for p in pairs)
    constant = _lock_points(problem, {})
    if problem.config.odd_one_out != "trio":
        return Outcome(
            (*problem.locks, *pairs), "optimal", constant + value, constant + value, "blossom", 0.0
        )
    groups, extra, bound_extra = _trios(problem, pairs, set(people))
    notes: tuple[str, ...] = ()
    if extra:
        notes = (
            phrase("people left over joined a pair as a third; the pairs themselves are a maximum matching"),
        )
    status = "optimal" if bound_extra == extra else "feasible"
    return Outcome(
        (*problem.locks, *groups),
        status,
        constant + value + extra,
        constant + value + bound_extra,
        "blossom",
        0.0,
        notes,
    )


def _trios(
    problem: PairingProblem, pairs: Sequence[tuple[str, ...]], people: set[str]
) -> tuple[list[tuple[str, ...]], int, int]:
    """Let each person left over join the pair they add most to, one third per pair."""
    matched = {m for p in pairs for m in p}
    neighbours: dict[str, dict[str, int]] = defaultdict(dict)
    for (a, b), c in problem.candidates.items():
        neighbours[a][b] = neighbours[b][a] = c.points
    leftover = sorted(people - matched, key=lambda p: (-max(neighbours[p].values()), p))
    groups = {p: p for p in pairs}
    pair_of = {m: p for p in pairs for m in p}
    extra = bound = 0
    fresh = problem.config.fairness.fresh_partners
    for person in leftover:
        bound += sum(sorted(neighbours[person].values(), reverse=True)[:2])
        best: tuple[bool, int, tuple[str, ...]] | None = None
        for pair in sorted({pair_of[n] for n in neighbours[person] if n in pair_of}):
            if len(groups[pair]) == 3:
                continue
            gain = sum(neighbours[person].get(m, 0) for m in pair)
            if gain <= 0 or any(
                neighbours[person].get(m) is None and first_broken(problem, person, m) for m in pair
            ):
                continue
            # Fresh partners: a pair holding someone met before is taken only when no pair
            # without one is open, whatever it adds.
            new = not (fresh and any(frozenset((person, m)) in problem.rounds_ago for m in pair))
            if best is None or (new, gain) > best[:2]:
                best = (new, gain, pair)
        if best:
            gain = best[1]
            groups[best[2]] = (*best[2], person)
            extra += gain
    return sorted(groups.values()), extra, bound
