"""Upper bounds: on how many requests any plan places, and on the score of any plan placing a number."""

from __future__ import annotations

from ortools.graph.python import max_flow, min_cost_flow

from matcher.engines.shadowing.config import SCALE
from matcher.engines.shadowing.disjoint import NEVER, Choices, most_apart, never_together
from matcher.engines.shadowing.problem import ShadowProblem
from matcher.engines.shadowing.rules import capacity_key

Earliest = dict[tuple[str, tuple[str, tuple[int, int]]], int]
#: The most requests of one host in one period tried in pairs for groups that never fit apart.
MOST_PINNED = 64


def upper_bound(problem: ShadowProblem, earliest: Earliest | None = None, *, apart: bool = True) -> int:
    """:func:`bound_flow`'s bound alone."""
    return bound_flow(problem, earliest, apart=apart)[0]


def bound_flow(
    problem: ShadowProblem, earliest: Earliest | None = None, *, apart: bool = True
) -> tuple[int, set[str]]:
    """The most requests any plan can place: a maximum flow from each guest (as many units as
    their requests) through their requests (1 each) and (host, capacity period) nodes, with an arc
    wherever the request has any valid start with that host in that period, to the sink (the
    host's capacity). Every valid start counts, pruned or not. With ``apart``, a guest passes on
    no more units, and a (host, period) node no more than its capacity, than the most of its
    requests whose slots fit apart on that person's time (:mod:`~matcher.engines.shadowing.disjoint`),
    and a guest's requests of which no two fit apart share one unit, as do a host's in a period.
    Without ``apart``, time conflicts are ignored altogether. Either way no plan can place more.
    ``earliest`` is :func:`earliest_starts`, when already worked out.

    Also the requests the flow places: where a plan placing fewer might find room for more."""
    arcs = earliest_starts(problem) if earliest is None else earliest
    if not arcs:
        return 0, set()
    requests = {r: i for i, r in enumerate(sorted({r for r, _ in arcs}))}
    periods = {key: i for i, key in enumerate(sorted({key for _, key in arcs}))}
    guests: dict[str, list[str]] = {}
    for request_id in requests:
        guests.setdefault(problem.requests[request_id].guest_id, []).append(request_id)
    guest_nodes = {g: i for i, g in enumerate(sorted(guests))}
    source, sink, first_guest = 0, 1, 2
    first_request = first_guest + len(guest_nodes)
    first_period = first_request + len(requests)
    flow = max_flow.SimpleMaxFlow()
    # The node each request's unit comes from: its guest's, or a group of the guest's requests
    # that never fit together (one unit between them), numbered after the periods.
    feeds = {r: first_guest + guest_nodes[problem.requests[r].guest_id] for r in requests}
    group_node = first_period + len(periods)
    for guest_id, index in guest_nodes.items():
        units = len(guests[guest_id])
        if apart and units > 1:
            choices = _guest_choices(problem, guests[guest_id])
            units = most_apart(choices, units, problem.config.grid_minutes)
            for group in never_together(choices, problem.config.grid_minutes) if units > 1 else ():
                flow.add_arc_with_capacity(first_guest + index, group_node, 1)
                feeds.update(dict.fromkeys(group, group_node))
                group_node += 1
        flow.add_arc_with_capacity(source, first_guest + index, units)
    into: dict[int, str] = {}  # the arc into each request
    for request_id, index in requests.items():
        arc = flow.add_arc_with_capacity(feeds[request_id], first_request + index, 1)
        into[arc] = request_id
    reaching: dict[tuple[str, tuple[int, int]], list[str]] = {}
    for request_id, key in sorted(arcs):
        reaching.setdefault(key, []).append(request_id)
    for key, period in periods.items():
        room = problem.capacity(key[0])
        # The node each request's arc enters: the period's, or that of a group of its requests no
        # two of which fit apart on the host's time (one unit between them).
        lands = dict.fromkeys(reaching[key], first_period + period)
        if apart and room > 1 and len(reaching[key]) > 1:
            choices = _host_choices(problem, key, reaching[key])
            room = most_apart(choices, room, problem.config.grid_minutes)
            pinned = _pinned(choices) if room > 1 else {}
            for group in never_together(pinned, problem.config.grid_minutes, MOST_PINNED):
                flow.add_arc_with_capacity(group_node, first_period + period, 1)
                lands.update(dict.fromkeys(group, group_node))
                group_node += 1
        for request_id in reaching[key]:
            flow.add_arc_with_capacity(first_request + requests[request_id], lands[request_id], 1)
        flow.add_arc_with_capacity(first_period + period, sink, room)
    if flow.solve(source, sink) != flow.OPTIMAL:
        raise RuntimeError("the maximum flow for the bound did not solve")
    return flow.optimal_flow(), {request_id for arc, request_id in into.items() if flow.flow(arc)}


def _guest_choices(problem: ShadowProblem, request_ids: list[str]) -> dict[str, list[Choices]]:
    """A guest's requests, each with its starts with every host, travel before and after."""
    found: dict[str, list[Choices]] = {}
    for request_id in request_ids:
        request = problem.requests[request_id]
        found[request_id] = [
            Choices(ranges, request.minutes, travel, travel)
            for host_id in problem.hosts[request_id]
            if (ranges := problem.options.get((request_id, host_id)))
            for travel in (problem.travel(request, host_id),)
        ]
    return found


def _host_choices(
    problem: ShadowProblem, key: tuple[str, tuple[int, int]], request_ids: list[str]
) -> dict[str, list[Choices]]:
    """The requests reaching a host in a capacity period, each with its starts in that period."""
    host_id, period = key
    begins, keys = problem.period_table(host_id)
    index = keys.index(period) if period in keys else -1
    # A start before the horizon's first period has its own key (see ShadowProblem.period); the
    # bound then takes every start of the request with the host, which is never too few.
    first = begins[index] if index > 0 else -NEVER
    last = begins[index + 1] if 0 <= index < len(begins) - 1 else NEVER
    return {
        r: [Choices(problem.options[r, host_id], problem.requests[r].minutes, first=first, last=last)]
        for r in request_ids
    }


def _pinned(choices: dict[str, list[Choices]]) -> dict[str, list[Choices]]:
    """The requests whose starts in a period lie closer together than their length: each takes
    the host's time from its latest start to its earliest end whatever the start, so two such
    stretches that overlap never fit apart. Only these are tried in pairs: a host-month may have
    a hundred requests, and trying all pairs would take long for the few groups found."""
    found: dict[str, list[Choices]] = {}
    for request_id, (c,) in choices.items():
        spans = [(max(a, c.first), min(b, c.last)) for a, b in c.ranges]
        spans = [(a, b) for a, b in spans if a < b]
        if spans and spans[-1][1] - spans[0][0] <= c.minutes:
            found[request_id] = [c]
    return found


def earliest_starts(problem: ShadowProblem) -> Earliest:
    """(request, (host, period)) to the earliest valid start of the request with that host in
    that capacity period: the one with the most points, since only earliness varies with the start."""
    grid = problem.config.grid_minutes
    found: Earliest = {}
    for (request_id, host_id), ranges in problem.options.items():
        for a, b in ranges:
            key = capacity_key(problem, host_id, a)
            found.setdefault((request_id, key), a)
            if capacity_key(problem, host_id, b - grid) == key:
                continue
            # Rare: the range runs into the next period (a night shift over a period's end).
            begins, _ = problem.period_table(host_id)
            for minute in begins:
                if a < minute < b:
                    start = -(-minute // grid) * grid
                    if start < b:
                        found.setdefault((request_id, capacity_key(problem, host_id, start)), start)
    return found


def score_bound(
    problem: ShadowProblem, placed: int, most: int, earliest: Earliest | None = None
) -> int | None:
    """The most score (SCALE units) a plan placing at least ``placed`` requests can have; None when
    no plan places that many.

    A min-cost flow relaxes only "nobody in two places at once": one unit per placed request
    from the source through its guest, the request, a (host, capacity period) it has a valid start
    in, and that host, to the sink. The guest's k-th unit costs ``guest_repeat * (k - 1)`` and the
    host's ``host_spread * (k - 1)`` (arcs of rising cost, taken cheapest first, so a flow pays
    exactly the plan's fairness costs); the request's arc gains the points of its earliest start
    there, the most any of its starts there has. Units beyond ``placed`` may bypass the network.
    Every plan is such a flow with at least its score, so the flow's best bounds every plan.
    ``most`` is :func:`upper_bound`, ``earliest`` :func:`earliest_starts`.
    """
    if placed > most:
        return None
    earliest = earliest_starts(problem) if earliest is None else earliest
    if not earliest:
        return 0
    w, scale = problem.config.weights, SCALE
    guest_step, host_step = round(scale * w.guest_repeat), round(scale * w.host_spread)
    nodes: dict[object, int] = {"source": 0, "sink": 1}

    def node(key: object) -> int:
        return nodes.setdefault(key, len(nodes))

    flow = min_cost_flow.SimpleMinCostFlow()
    requests = sorted({r for r, _ in earliest})
    guests: dict[str, int] = {}
    hosts: dict[str, int] = {}
    for request_id in requests:
        guest = problem.requests[request_id].guest_id
        flow.add_arc_with_capacity_and_unit_cost(node(("g", guest)), node(("r", request_id)), 1, 0)
        guests[guest] = guests.get(guest, 0) + 1
    periods: dict[tuple[str, tuple[int, int]], set[str]] = {}
    for (request_id, key), start in sorted(earliest.items()):
        request, host_id = problem.requests[request_id], key[0]
        gain = problem.points(request, host_id, start)
        flow.add_arc_with_capacity_and_unit_cost(node(("r", request_id)), node(("p", key)), 1, -gain)
        periods.setdefault(key, set()).add(request_id)
    for key, reaching in sorted(periods.items()):
        host_id = key[0]
        flow.add_arc_with_capacity_and_unit_cost(
            node(("p", key)), node(("h", host_id)), min(len(reaching), problem.capacity(host_id)), 0
        )
        hosts[host_id] = hosts.get(host_id, 0) + min(len(reaching), problem.capacity(host_id))
    for guest, units in sorted(guests.items()):
        for k in range(units):
            flow.add_arc_with_capacity_and_unit_cost(0, node(("g", guest)), 1, guest_step * k)
    for host_id, units in sorted(hosts.items()):
        for k in range(units):
            flow.add_arc_with_capacity_and_unit_cost(node(("h", host_id)), 1, 1, host_step * k)
    if most > placed:
        flow.add_arc_with_capacity_and_unit_cost(0, 1, most - max(0, placed), 0)
    flow.set_node_supply(0, most)
    flow.set_node_supply(1, -most)
    if flow.solve() != flow.OPTIMAL:
        raise RuntimeError("the minimum-cost flow for the score bound did not solve")
    return -flow.optimal_cost()
