"""The hard rules of a group round, one function each, shared by the search, :func:`validate`, the
check before solving and the bound.

Each rule that the search can break has a *measure*: how many times a group (for isolation: a value
across the plan) breaks it, computed from tallies of the group: its size, the forbidden pairs and
pairs of recent groupmates inside it, its topic holders and its value counts. The search state
(:mod:`matcher.engines.groups.state`) keeps those tallies up to date move by move and sums the
measures; the plan checks in :data:`GROUP_RULES` count the same tallies afresh from the members
and give a :class:`Violation` counted as many times as the measure counts (said once: a group three
people over a count range is one line that counts three times). So the search's "rules broken"
and :func:`~matcher.engines.results.times_broken` of ``validate(...)`` are the same number, and a
plan the search calls clean passes :func:`validate`.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence

import networkx as nx

from matcher.domain.phrases import counted, phrase, term
from matcher.engines.groups.config import GroupConfig
from matcher.engines.groups.criteria import Balance, CountRange, SharedTime
from matcher.engines.groups.explain import alone, average, holding, kind_of, shared_short
from matcher.engines.groups.problem import GroupProblem, hours_of, pairs_among, range_off, range_tally
from matcher.engines.results import Violation

TAKING_PART = term("taking part")
ONE_GROUP = term("one group each")
SIZE = term("size")
LOCKED = term("locked")
FORBIDDEN = term("forbidden")
COOLDOWN = term("cooldown")
TOPIC = term("topic")
ISOLATED = term("isolated")
RANGE = term("count per group")
BALANCE = term("balance")
SHARED = term("shared working time")

#: The setting a rule found unkeepable before solving is refused in, where it is not the rule's name.
SETTING_OF = {RANGE: "counts"}

#: A group holding this many of a value could give one up to join someone who is the only one
#: of that value elsewhere: their isolation counts as avoidable.
CROWDED = 3

Groups = Sequence[tuple[str, ...]]
PlanRule = Callable[[GroupProblem, Groups], list[Violation]]


# -- measures ---------------------------------------------------------------------------------------


def size_broken(config: GroupConfig, size: int) -> int:
    return 0 if config.size_min <= size <= config.size_max else 1


def forbidden_broken(clashes: int) -> int:
    """Every forbidden pair inside a group counts."""
    return clashes


def cooldown_broken(config: GroupConfig, repeats: int) -> int:
    """A group with more than ``max_repeats`` pairs of recent groupmates counts once (each such
    pair also costs the group's score :data:`~matcher.engines.groups.problem.REPEAT_PENALTY`)."""
    return 1 if repeats > config.max_repeats else 0


def topic_broken(holders_inside: int) -> int:
    return 1 if holders_inside == 0 else 0


def isolation_broken(lone: int, crowded: int) -> int:
    """For one value of a ``no_isolated`` attribute across the plan: the members who are the only
    one of it in their group (``lone`` groups hold exactly one) count when some group holds
    :data:`CROWDED` or more of it (``crowded`` groups), since one of those could join them."""
    return lone if crowded else 0


def range_broken(rule: CountRange, held: int) -> int:
    """A hard count range counts once for each person a group is short or over, or, holding for
    each value, once for each person over the maximum in any value (``held`` as
    :func:`~matcher.engines.groups.problem.range_tally` gives it), so that every step towards the
    range lowers the count."""
    return range_off(rule, held) if rule.hard else 0


def balance_broken(rule: Balance, total: int, size: int, whole: int, people: int) -> int:
    """A group whose average is further off the round's than the tolerance counts once (all in
    tenths, so that the search, validate() and CP-SAT agree to the last digit)."""
    if rule.tolerance is None or not size or not people:
        return 0
    return 1 if abs(people * total - whole * size) > round(rule.tolerance * 10) * people * size else 0


def shared_broken(rule: SharedTime | None, slots: int) -> int:
    """A group sharing fewer hours of working time a week than a hard shared time wants counts
    once (``slots`` half hours, as :meth:`~matcher.engines.groups.problem.GroupProblem.shared_slots`
    gives them)."""
    return 1 if rule is not None and rule.hard and hours_of(slots) < rule.hours else 0


def range_shortfall(problem: GroupProblem, r: int) -> tuple[int, list[str]]:
    """People no plan can keep within count range ``r``, and the values they are of (the range's
    kind: ``[""]``): groups x min less the people of the kind, and people of the kind beyond groups
    x max that cannot all be left out."""
    rule, kind, g = problem.config.counts[r], problem.kinds[r], problem.groups
    if not g:
        return 0, []
    if kind is not None:
        most = g * rule.max if rule.max is not None else len(kind)
        short = max(0, g * rule.min - len(kind)) + max(0, len(kind) - problem.left_over - most)
        return short, [""] if short else []
    assert rule.max is not None
    over = {v: n - g * rule.max for v, n in Counter(problem.values[rule.attribute].values()).items()}
    over = {v: n for v, n in over.items() if n > 0}
    short = max(0, sum(over.values()) - problem.left_over)
    return short, sorted(over) if short else []


def counted_topics(problem: GroupProblem, groups: int) -> list[tuple[str, frozenset[str]]]:
    """The topic skills every one of ``groups`` groups must hold: those with enough holders (the
    others are a conflict :func:`~matcher.engines.groups.build.build_problem` reports)."""
    return [(skill, holders) for skill, holders in problem.topic_holders.items() if len(holders) >= groups]


def spread(problem: GroupProblem, groups: Groups, attribute: str) -> dict[str, tuple[int, int]]:
    """Per value of ``attribute``: how many groups hold exactly one of it, and how many
    :data:`CROWDED` or more."""
    found: dict[str, tuple[int, int]] = {}
    for g in groups:
        for value, n in Counter(problem.values[attribute][m] for m in g).items():
            lone, crowded = found.get(value, (0, 0))
            found[value] = (lone + (n == 1), crowded + (n >= CROWDED))
    return found


# -- the rules over a whole plan --------------------------------------------------------------------


def taking_part(problem: GroupProblem, groups: Groups) -> list[Violation]:
    people = set(problem.people)
    unknown = sorted({m for g in groups for m in g} - people)
    return [
        Violation(TAKING_PART, (m,), phrase("{id} does not take part in this round", id=m)) for m in unknown
    ]


def one_group_each(problem: GroupProblem, groups: Groups) -> list[Violation]:
    seen = Counter(m for g in groups for m in g)
    return [
        Violation(ONE_GROUP, (m,), phrase("{name} is in {n} groups", name=problem.name(m), n=n))
        for m, n in sorted(seen.items())
        if n > 1
    ]


def sizes_kept(problem: GroupProblem, groups: Groups) -> list[Violation]:
    config = problem.config
    return [
        Violation(
            SIZE,
            g,
            counted(
                len(g),
                "{n} member, not {low}-{high}",
                "{n} members, not {low}-{high}",
                low=config.size_min,
                high=config.size_max,
            ),
        )
        for g in groups
        if size_broken(config, len(g))
    ]


def locks_kept(problem: GroupProblem, groups: Groups) -> list[Violation]:
    group_of = {m: i for i, g in enumerate(groups) for m in g}
    found = []
    for lock in problem.locks:
        places = {group_of.get(m) for m in lock}
        if len(places) != 1 or None in places:
            names = [problem.name(m) for m in lock]
            message = phrase("HR put {names:list} together, but they are not in one group", names=names)
            found.append(Violation(LOCKED, tuple(lock), message))
    return found


def forbidden_apart(problem: GroupProblem, groups: Groups) -> list[Violation]:
    found = []
    for g in groups:
        pairs = pairs_among(problem.forbidden, g)
        for pair in pairs[: forbidden_broken(len(pairs))]:
            names = problem.names(sorted(pair))
            found.append(Violation(FORBIDDEN, g, phrase("HR ruled out {names} in one group", names=names)))
    return found


def cooldown_kept(problem: GroupProblem, groups: Groups) -> list[Violation]:
    found = []
    for g in groups:
        repeats = len(pairs_among(problem.recent, g))
        if cooldown_broken(problem.config, repeats):
            found.append(Violation(COOLDOWN, g, recent_groupmates(repeats)))
    return found


def recent_groupmates(repeats: int) -> str:
    return counted(repeats, "{n} pair of recent groupmates", "{n} pairs of recent groupmates")


def topics_covered(problem: GroupProblem, groups: Groups) -> list[Violation]:
    found = []
    for skill, holders in counted_topics(problem, len(groups)):
        known = problem.tmap.skill(skill)
        for g in groups:
            if topic_broken(len(holders.intersection(g))):
                message = phrase(
                    "nobody at level {level} or more in {skill}",
                    level=problem.config.topic_level,
                    skill=known.name if known else skill,
                )
                found.append(Violation(TOPIC, g, message))
    return found


def nobody_isolated(problem: GroupProblem, groups: Groups) -> list[Violation]:
    """Nobody is the only one of their value of a ``no_isolated`` attribute in their group while
    another group holds :data:`CROWDED` or more of it."""
    found = []
    # Members not taking part have no values; :func:`taking_part` reports them.
    people = set(problem.people)
    known = [tuple(m for m in g if m in people) for g in groups]
    for attribute in problem.config.no_isolated:
        values = problem.values[attribute]
        counts = spread(problem, known, attribute)
        for g, members in zip(groups, known, strict=True):
            here = Counter(values[m] for m in members)
            for m in members:
                lone, crowded = counts[values[m]]
                if here[values[m]] == 1 and isolation_broken(lone, crowded):
                    found.append(Violation(ISOLATED, g, alone(problem, m, attribute, in_reason=False)))
    return found


def counts_kept(problem: GroupProblem, groups: Groups) -> list[Violation]:
    """Every group within each hard count range; a range for each value, for each value. A group
    breaks it once for each person it is short or over (:func:`range_broken`)."""
    found = []
    people = set(problem.people)
    for r, rule in enumerate(problem.config.counts):
        if not rule.hard:
            continue
        for g in groups:
            members = [m for m in g if m in people]
            held = range_tally(problem, r, members)
            off = range_broken(rule, held)
            if not off:
                continue
            if not rule.each_value:
                found.append(Violation(RANGE, g, holding(problem, rule, held), count=off))
                continue
            assert rule.max is not None
            counts = Counter(problem.values[rule.attribute][m] for m in members)
            for value, n in sorted(counts.items()):
                if n > rule.max:
                    found.append(Violation(RANGE, g, holding(problem, rule, n, value), count=n - rule.max))
    return found


def balances_kept(problem: GroupProblem, groups: Groups) -> list[Violation]:
    """Every group's average within each balance's tolerance of the round's."""
    found = []
    people = set(problem.people)
    for b, rule in enumerate(problem.config.balance):
        whole = problem.whole(b)
        for g in groups:
            members = [m for m in g if m in people]
            total = sum(problem.numbers[b][m] for m in members)
            if balance_broken(rule, total, len(members), whole, len(people)):
                assert rule.tolerance is not None
                message = phrase(
                    "{average}: more than {tolerance} off",
                    average=average(problem, b, members),
                    tolerance=rule.tolerance,
                )
                found.append(Violation(BALANCE, g, message))
    return found


def shared_time_kept(problem: GroupProblem, groups: Groups) -> list[Violation]:
    """Every group shares at least the hard shared time's hours of working time a week."""
    rule = problem.config.shared_time
    if rule is None or not rule.hard:
        return []
    found = []
    people = set(problem.people)
    for g in groups:
        slots = problem.shared_slots(m for m in g if m in people)
        if shared_broken(rule, slots):
            found.append(Violation(SHARED, g, shared_short(hours_of(slots), rule.hours)))
    return found


#: The rules in the order their violations are listed.
GROUP_RULES: dict[str, PlanRule] = {
    TAKING_PART: taking_part,
    ONE_GROUP: one_group_each,
    SIZE: sizes_kept,
    LOCKED: locks_kept,
    FORBIDDEN: forbidden_apart,
    COOLDOWN: cooldown_kept,
    TOPIC: topics_covered,
    ISOLATED: nobody_isolated,
    RANGE: counts_kept,
    BALANCE: balances_kept,
    SHARED: shared_time_kept,
}


def validate(problem: GroupProblem, groups: Iterable[Iterable[str]]) -> list[Violation]:
    """Every hard rule a set of groups breaks; an empty list means it may be published.

    Checks, one function each (:data:`GROUP_RULES`): members are people taking part, nobody in two
    groups, sizes, the locks HR made that can be kept, forbidden pairs apart, at most
    ``max_repeats`` earlier groupmates per group, the topic covered in every group (where there are
    enough holders), nobody isolated where it is avoidable (:func:`nobody_isolated`), and every
    group within each hard count range (:func:`counts_kept`) and each balance's tolerance
    (:func:`balances_kept`), sharing the hours of a hard shared time (:func:`shared_time_kept`).
    """
    plan = [tuple(g) for g in groups]
    return [v for rule in GROUP_RULES.values() for v in rule(problem, plan)]


def broken_by_rule(problem: GroupProblem, groups: Iterable[Iterable[str]]) -> Counter[str]:
    """How many times a plan breaks each rule: the search's measures, counted afresh."""
    found: Counter[str] = Counter()
    for v in validate(problem, groups):
        found[v.rule] += v.count
    return found


# -- before solving ---------------------------------------------------------------------------------


def lock_breaks(problem: GroupProblem, lock: tuple[str, ...]) -> tuple[str, str] | None:
    """The first rule that keeping these people together breaks, as (rule, reason), or None."""
    for pair in pairs_among(problem.forbidden, lock):
        names = problem.names(sorted(pair))
        return FORBIDDEN, phrase("HR ruled out {names} in one group", names=names)
    repeats = len(pairs_among(problem.recent, lock))
    if cooldown_broken(problem.config, repeats):
        return COOLDOWN, recent_groupmates(repeats)
    return None


def unkeepable(problem: GroupProblem) -> list[tuple[str, tuple[str, ...], str]]:
    """Why no plan can keep HR's forbidden pairs or hard count ranges, as (rule, people, reason);
    empty when this quick check finds nothing (a plan may still be impossible for reasons it does
    not look for)."""
    return _forbidden_unkeepable(problem) + _ranges_unkeepable(problem)


def _ranges_unkeepable(problem: GroupProblem) -> list[tuple[str, tuple[str, ...], str]]:
    """Too few people of a kind for each group's minimum, or too many for the groups' maximum
    (:func:`range_shortfall`)."""
    found = []
    groups = counted(problem.groups, "{n} group", "{n} groups")
    for r, rule in enumerate(problem.config.counts):
        _, values = range_shortfall(problem, r) if rule.hard else (0, [])
        for value in values:
            kind = problem.kinds[r]
            if kind is None:
                kind = frozenset(p for p in problem.people if problem.values[rule.attribute][p] == value)
            who = tuple(sorted(kind))
            have = counted(len(who), "{n} takes part", "{n} take part")
            if rule.min * problem.groups > len(who):
                reason = phrase(
                    "{groups} need at least {needed} people {kind}, and {have}",
                    groups=groups,
                    needed=rule.min * problem.groups,
                    kind=kind_of(problem, rule, value),
                    have=have,
                )
            else:
                assert rule.max is not None
                reason = phrase(
                    "{groups} hold at most {most} people {kind}, and {have}",
                    groups=groups,
                    most=rule.max * problem.groups,
                    kind=kind_of(problem, rule, value),
                    have=have,
                )
            found.append((RANGE, who, reason))
    return found


def _forbidden_unkeepable(problem: GroupProblem) -> list[tuple[str, tuple[str, ...], str]]:
    """Two things make HR's forbidden pairs impossible to keep: more people who must all be apart
    than the round has groups (and places left out), or more people than may be left out who are
    forbidden with so many that too few remain to fill a group with."""
    if not problem.forbidden or not problem.groups:
        return []
    taking_part = set(problem.people)
    apart: dict[str, set[str]] = defaultdict(set)
    for pair in problem.forbidden:
        a, b = sorted(pair)
        if a in taking_part and b in taking_part and a != b:
            apart[a].add(b)
            apart[b].add(a)
    found = []
    most = problem.groups + problem.left_over
    clique = _largest_clique(apart)
    if len(clique) > most:
        reason = phrase(
            "HR ruled out any two of {names:list} in one group, but at most {most} of them can be kept apart",
            names=[problem.name(p) for p in clique],
            most=most,
        )
        found.append((FORBIDDEN, tuple(clique), reason))
    others = len(problem.people) - 1
    needed = problem.config.size_min - 1
    stuck = sorted(p for p, them in apart.items() if others - len(them) < needed)
    if len(stuck) > problem.left_over:
        for p in stuck:
            reason = phrase(
                "HR ruled out {name} with all but {n} of the others, too few for a group of {size}",
                name=problem.name(p),
                n=others - len(apart[p]),
                size=problem.config.size_min,
            )
            found.append((FORBIDDEN, (p, *sorted(apart[p])), reason))
    return found


def _largest_clique(neighbours: dict[str, set[str]]) -> list[str]:
    """The largest set of people who are all forbidden with one another (networkx's exact search
    over maximal cliques; forbidden pairs are few, entered by HR)."""
    if not neighbours:
        return []
    graph = nx.Graph()
    graph.add_edges_from((a, b) for a, them in neighbours.items() for b in them)
    best = max(nx.find_cliques(graph), key=lambda c: (len(c), sorted(c)))
    return sorted(best)
