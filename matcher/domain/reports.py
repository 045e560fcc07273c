"""Reports for HR and managers: plain data in, plain data out.

Knowledge at risk within a group of people, skill coverage per department, how
rounds went (participation and diversity), what reflections say per value level,
and a picture of the talent map with its layout. Nothing here reads a database
or knows the web; the web layer turns these numbers into pages and pictures.

Experience is tenure: years since a person's start date, never age.

>>> from matcher.domain.model import Holding, Organisation, Person, Skill
>>> ann = Person("ann", "Ann", "a@x.org", department="ICT")
>>> org = Organisation(
...     people=(ann, Person("bo", "Bo", "b@x.org", department="HR")),
...     skills=(Skill("py", "Python", "Digital"),),
...     holdings=(Holding("ann", "py", 4), Holding("bo", "py", 2)),
... )
>>> [row.values for row in coverage_heatmap(org, by="skill").rows]
[(0, 1)]
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from itertools import combinations

import networkx as nx

from matcher.domain.model import Level, Organisation, Person
from matcher.domain.talentmap import KEY_LEVEL, Risk, TalentMap
from matcher.plans.rounds import StoredRound

# -- knowledge at risk --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Holder:
    """Someone who holds a skill at level 3 or higher."""

    person_id: str
    name: str
    department: str
    level: int
    leaving: dt.date | None


@dataclass(frozen=True)
class Taker:
    """Someone who could take a skill over: holds it lower, wants to learn it, or holds a related skill."""

    person_id: str
    name: str
    level: int
    wish: int | None
    related: bool = False


@dataclass(frozen=True)
class RiskLine:
    skill_id: str
    skill_name: str
    category: str
    #: Everyone in scope at level 3 or higher; those leaving within the horizon carry their date.
    holders: tuple[Holder, ...]
    #: How many stay at level 3 or higher once the leavers within the horizon have gone.
    remaining: int
    #: How many people in scope want to learn it.
    demand: int
    #: How many hold it at level 3 or higher in the whole organisation.
    in_organisation: int
    takers: tuple[Taker, ...]

    @property
    def leaving(self) -> tuple[Holder, ...]:
        return tuple(h for h in self.holders if h.leaving is not None)

    @property
    def kind(self) -> str:
        """nobody: no one at level 3 or higher; leaving: people go; few: one or two only."""
        if not self.holders:
            return "nobody"
        return "leaving" if self.leaving else "few"


def knowledge_at_risk(
    tmap: TalentMap,
    *,
    people: Collection[str] | None = None,
    min_holders: int = 3,
    horizon_days: int = 180,
    takers: int = 3,
) -> list[RiskLine]:
    """Skills with fewer than ``min_holders`` people at level 3 or higher once the leavers within
    the horizon have gone, among ``people`` (everyone when None).

    The whole organisation is :meth:`TalentMap.risks`, which also lists the skills someone holds
    lower or wants but nobody holds at level 3 (gaps). A group of people (a department, a team)
    follows the same rule for the knowledge it has: the skills someone in it holds at level 3 or
    higher; holders, wishes and takers come from the group. Most severe first: fewest remaining,
    then the most wanted, then by name.
    """
    if people is None:
        risks = tmap.risks(min_holders=min_holders, horizon_days=horizon_days, successors=takers)
        return [_from_talent_map(tmap, risk, horizon_days) for risk in risks]
    scope = set(people)
    horizon = tmap.today + dt.timedelta(days=horizon_days)
    demand: Counter[str] = Counter(s for pid in scope for s in tmap.wished_by(pid))
    skills = {s for pid in scope for s, level in tmap.levels_of(pid).items() if level >= KEY_LEVEL}
    found = []
    for skill_id in skills:
        skill = tmap.skill(skill_id)
        assert skill is not None
        holders = [_holder(p, lv, horizon) for p, lv in tmap.holders_of(skill_id) if p.id in scope]
        strong = [h for h in holders if h.level >= KEY_LEVEL]
        remaining = sum(1 for h in strong if h.leaving is None)
        if remaining >= min_holders:
            continue
        found.append(
            RiskLine(
                skill.id,
                skill.name,
                skill.category,
                tuple(sorted(strong, key=lambda h: (h.leaving is None, h.leaving or dt.date.min))),
                remaining,
                demand[skill_id],
                _in_organisation(tmap, skill_id),
                tuple(_scoped_takers(tmap, skill_id, scope, holders)[:takers]),
            )
        )
    return sorted(found, key=lambda r: (r.remaining, -r.demand, r.skill_name.casefold(), r.skill_id))


def _holder(person: Person, level: int, horizon: dt.date) -> Holder:
    leaving = person.leaving_date if person.leaving_date and person.leaving_date <= horizon else None
    return Holder(person.id, person.name, person.department, int(level), leaving)


def _in_organisation(tmap: TalentMap, skill_id: str) -> int:
    return sum(1 for level in tmap.levels_in(skill_id).values() if level >= KEY_LEVEL)


def _from_talent_map(tmap: TalentMap, risk: Risk, horizon_days: int) -> RiskLine:
    horizon = tmap.today + dt.timedelta(days=horizon_days)
    levels = tmap.levels_in(risk.skill_id)
    holders = []
    for pid in risk.holders:
        person = tmap.person(pid)
        assert person is not None
        holders.append(_holder(person, levels[pid], horizon))
    skill = tmap.skill(risk.skill_id)
    takers = tuple(
        Taker(s.person_id, s.name, s.level, s.wish_priority, related=s.level == 0 and s.wish_priority is None)
        for s in risk.successors
    )
    return RiskLine(
        risk.skill_id,
        risk.skill_name,
        skill.category if skill else "",
        tuple(sorted(holders, key=lambda h: (h.leaving is None, h.leaving or dt.date.min))),
        risk.remaining,
        risk.demand,
        _in_organisation(tmap, risk.skill_id),
        takers,
    )


def _scoped_takers(tmap: TalentMap, skill_id: str, scope: set[str], holders: list[Holder]) -> list[Taker]:
    """In scope and not leaving: level 2 before 1, a wish first within a level, then wishes alone."""
    levels = {h.person_id: h.level for h in holders if h.level < KEY_LEVEL}
    wishes = {pid: tmap.wished_by(pid)[skill_id] for pid in scope if skill_id in tmap.wished_by(pid)}
    found = []
    for pid in set(levels) | set(wishes):
        person = tmap.person(pid)
        if person is None or person.leaving_date is not None or pid not in scope:
            continue
        found.append(Taker(pid, person.name, levels.get(pid, 0), wishes.get(pid)))
    return sorted(found, key=lambda t: (-t.level, -(t.wish or 0), t.name.casefold(), t.person_id))


# -- skill coverage per department --------------------------------------------------------------------


@dataclass(frozen=True)
class HeatRow:
    #: A skill id, or a category name when the rows are categories.
    key: str
    label: str
    #: People at the level or higher, one value per department column.
    values: tuple[int, ...]

    @property
    def total(self) -> int:
        return sum(self.values)


@dataclass(frozen=True)
class Heatmap:
    #: "skill" or "category"
    by: str
    departments: tuple[str, ...]
    #: People per department, in the same order.
    headcounts: tuple[int, ...]
    rows: tuple[HeatRow, ...]
    min_level: int

    @property
    def highest(self) -> int:
        return max((v for row in self.rows for v in row.values), default=0)

    def value(self, key: str, department: str) -> int:
        row = next(r for r in self.rows if r.key == key)
        return row.values[self.departments.index(department)]


def coverage_heatmap(
    org: Organisation, *, by: str = "category", category: str | None = None, min_level: int = KEY_LEVEL
) -> Heatmap:
    """How many people per department hold each skill (or any skill of a category) at ``min_level``
    or higher. A ``category`` narrows the rows to the skills in it (and makes them skills)."""
    if by not in ("skill", "category"):
        raise ValueError(f"rows are 'skill' or 'category', not '{by}'")
    if category is not None:
        by = "skill"
    skills = {s.id: s for s in org.skills if category is None or s.category == category}
    people = {p.id: p for p in org.people}
    departments = sorted({p.department for p in org.people}, key=lambda d: (d == "", d.casefold()))
    column = {d: i for i, d in enumerate(departments)}
    headcounts = Counter(p.department for p in org.people)
    holders: dict[str, set[str]] = defaultdict(set)
    for h in org.holdings:
        if h.level >= min_level and h.skill_id in skills and h.person_id in people:
            key = h.skill_id if by == "skill" else skills[h.skill_id].category
            holders[key].add(h.person_id)
    if by == "skill":
        labels = {s.id: s.name for s in skills.values()}
    else:
        labels = {s.category: s.category for s in skills.values()}
    rows = []
    for key, label in sorted(labels.items(), key=lambda item: (item[1].casefold(), item[0])):
        values = [0] * len(departments)
        for pid in holders.get(key, ()):
            values[column[people[pid].department]] += 1
        rows.append(HeatRow(key, label, tuple(values)))
    return Heatmap(by, tuple(departments), tuple(headcounts[d] for d in departments), tuple(rows), min_level)


# -- rounds: participation and diversity ----------------------------------------------------------------

#: Why someone was left out, in a few kinds (the stored reasons are sentences with names in them).
REASON_KINDS = ("locked", "group-size", "taken", "rules", "experience", "no-match", "other")
#: Tenure bands in years since the start date: [low, high).
TENURE_BANDS: tuple[tuple[str, float, float], ...] = (
    ("under-1", 0.0, 1.0),
    ("1-5", 1.0, 5.0),
    ("5-15", 5.0, 15.0),
    ("15-plus", 15.0, float("inf")),
)
UNKNOWN_TENURE = "unknown"


@dataclass(frozen=True)
class RoundFacts:
    """What a report needs of a round: its pairs or groups and who was left out, with why."""

    name: str
    kind: str
    #: proposed, published, or history (known only from the imported history: nobody left out is known)
    status: str
    day: dt.date
    units: tuple[tuple[str, ...], ...]
    left_out: tuple[tuple[str, str], ...] = ()

    @property
    def known_eligible(self) -> bool:
        return self.status != "history"


@dataclass(frozen=True)
class RoundStats:
    name: str
    kind: str
    status: str
    day: dt.date
    units: int
    took_part: int
    #: Took part plus left out; None when only the history is known.
    eligible: int | None
    left_out: int
    #: (reason kind, people), most first.
    reasons: tuple[tuple[str, int], ...]
    cross_department: int
    cross_site: int
    mixed_tenure: int
    #: (tenure band, people taking part), in band order.
    tenure: tuple[tuple[str, int], ...]
    #: Pairs or groups in which two members were together in an earlier round.
    repeats: int

    def share(self, count: int) -> float:
        """A count of pairs or groups as a share of all of them."""
        return count / self.units if self.units else 0.0

    @property
    def participation(self) -> float | None:
        return self.took_part / self.eligible if self.eligible else None


@dataclass(frozen=True)
class DepartmentShare:
    department: str
    headcount: int
    took_part: int
    left_out: int

    @property
    def eligible(self) -> int:
        return self.took_part + self.left_out

    @property
    def share(self) -> float:
        return self.took_part / self.headcount if self.headcount else 0.0


def reason_kind(reason: str) -> str:
    """The kind of a left-out reason as the pairing and group engines word them."""
    text = reason.casefold()
    checks = (
        ("locked", ("hr locked",)),
        ("group-size", ("do not divide into groups",)),
        ("taken", ("score higher", "better fits")),
        ("rules", ("ruled out", "struck out")),
        ("experience", ("experienced than them",)),
        ("no-match", ("nobody", "no ")),
    )
    for kind, needles in checks:
        if any(needle in text for needle in needles):
            return kind
    return "other"


def tenure_band(person: Person | None, day: dt.date) -> str:
    if person is None or person.start_date is None:
        return UNKNOWN_TENURE
    years = person.tenure_years(day)
    return next(name for name, low, high in TENURE_BANDS if low <= years < high)


def rounds_from_storage(stored: Iterable[StoredRound]) -> list[RoundFacts]:
    return [
        RoundFacts(
            s.name,
            s.mode,
            s.status,
            (s.published or s.created).date(),
            tuple(p.members for p in s.pairs),
            tuple((u.person_id, u.reason) for u in s.unmatched),
        )
        for s in stored
    ]


def rounds_from_history(org: Organisation, *, besides: Collection[str] = ()) -> list[RoundFacts]:
    """Rounds known only from the history (imported, or from before rounds were stored)."""
    by_round: dict[str, list] = defaultdict(list)
    for entry in org.history:
        if entry.round not in besides:
            by_round[entry.round].append(entry)
    return [
        RoundFacts(
            name,
            entries[0].kind,
            "history",
            min(e.started for e in entries),
            tuple(e.members for e in entries),
        )
        for name, entries in by_round.items()
    ]


def round_stats(facts: RoundFacts, org: Organisation) -> RoundStats:
    people = {p.id: p for p in org.people}
    members = list(dict.fromkeys(m for unit in facts.units for m in unit))
    in_units = set(members)
    left_out = list(dict.fromkeys(pid for pid, _ in facts.left_out if pid not in in_units))
    why = {pid: reason for pid, reason in facts.left_out}
    reasons = Counter(reason_kind(why[pid]) for pid in left_out)
    tenure = Counter(tenure_band(people.get(m), facts.day) for m in members)
    bands = [name for name, _, _ in TENURE_BANDS] + [UNKNOWN_TENURE]
    earlier = _earlier_pairs(org, facts)

    def mixes(unit: tuple[str, ...], attribute: str) -> bool:
        values = {getattr(people[m], attribute) for m in unit if m in people}
        return len(values - {""}) > 1

    def mixed_tenure(unit: tuple[str, ...]) -> bool:
        known = {tenure_band(people.get(m), facts.day) for m in unit} - {UNKNOWN_TENURE}
        return len(known) > 1

    return RoundStats(
        facts.name,
        facts.kind,
        facts.status,
        facts.day,
        units=len(facts.units),
        took_part=len(members),
        eligible=len(members) + len(left_out) if facts.known_eligible else None,
        left_out=len(left_out),
        reasons=tuple(sorted(reasons.items(), key=lambda item: (-item[1], REASON_KINDS.index(item[0])))),
        cross_department=sum(1 for u in facts.units if mixes(u, "department")),
        cross_site=sum(1 for u in facts.units if mixes(u, "site")),
        mixed_tenure=sum(1 for u in facts.units if mixed_tenure(u)),
        tenure=tuple((band, tenure[band]) for band in bands if tenure[band]),
        repeats=sum(1 for u in facts.units if any(frozenset(p) in earlier for p in combinations(u, 2))),
    )


def _earlier_pairs(org: Organisation, facts: RoundFacts) -> set[frozenset[str]]:
    """Who was together in another round that started on or before this round's day."""
    return {
        frozenset(pair)
        for entry in org.history
        if entry.round != facts.name and entry.started <= facts.day
        for pair in combinations(dict.fromkeys(entry.members), 2)
    }


def department_participation(rounds: Iterable[RoundFacts], org: Organisation) -> list[DepartmentShare]:
    """Per department: how many took part in at least one of the rounds, and how many were
    only ever left out."""
    took_part: set[str] = set()
    left_out: set[str] = set()
    for facts in rounds:
        took_part.update(m for unit in facts.units for m in unit)
        left_out.update(pid for pid, _ in facts.left_out)
    left_out -= took_part
    headcount: Counter[str] = Counter()
    part: Counter[str] = Counter()
    out: Counter[str] = Counter()
    for p in org.people:
        headcount[p.department] += 1
        part[p.department] += p.id in took_part
        out[p.department] += p.id in left_out
    return [
        DepartmentShare(d, headcount[d], part[d], out[d])
        for d in sorted(headcount, key=lambda d: (d == "", d.casefold()))
    ]


# -- reflections per value level ----------------------------------------------------------------------

#: Wenger-Trayner's five value levels, in order.
VALUE_LEVELS = ("immediate", "potential", "applied", "realised", "reframing")


@dataclass(frozen=True)
class ReflectionFact:
    """One reflection without its person or story text: which levels, whether a story was told, when."""

    levels: tuple[str, ...]
    has_story: bool
    day: dt.date


@dataclass(frozen=True)
class ValueCounts:
    key: str
    reflections: int = 0
    stories: int = 0
    #: Reflections that reached each value level, in the order of :data:`VALUE_LEVELS`.
    levels: tuple[int, ...] = (0,) * len(VALUE_LEVELS)


def quarter(day: dt.date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def value_counts(key: str, facts: Iterable[ReflectionFact]) -> ValueCounts:
    """How many reflections, how many with a story, and how many reached each value level."""
    facts = list(facts)
    reached = Counter(level for f in facts for level in set(f.levels))
    return ValueCounts(
        key,
        reflections=len(facts),
        stories=sum(1 for f in facts if f.has_story),
        levels=tuple(reached[level] for level in VALUE_LEVELS),
    )


def reflections_per_quarter(facts: Iterable[ReflectionFact]) -> list[ValueCounts]:
    """The value check the guide suggests each quarter: counts per quarter of the session day,
    the latest quarter first."""
    by_quarter: dict[str, list[ReflectionFact]] = defaultdict(list)
    for f in facts:
        by_quarter[quarter(f.day)].append(f)
    return [value_counts(key, by_quarter[key]) for key in sorted(by_quarter, reverse=True)]


# -- a picture of the talent map -----------------------------------------------------------------------


@dataclass(frozen=True)
class MapNode:
    #: "person" or "skill"
    kind: str
    id: str
    label: str
    #: The department of a person, the category of a skill.
    group: str
    #: Position in the unit square.
    x: float
    y: float
    #: Edges drawn to it.
    degree: int


@dataclass(frozen=True)
class MapPicture:
    nodes: tuple[MapNode, ...]
    #: (person id, skill id, level)
    edges: tuple[tuple[str, str, int], ...]
    #: People who fit the filter, and how many are drawn.
    people_found: int
    people_shown: int
    skills_found: int
    skills_shown: int
    groups: tuple[str, ...] = field(default=())

    @property
    def cut(self) -> bool:
        return self.people_shown < self.people_found or self.skills_shown < self.skills_found


def map_picture(
    tmap: TalentMap,
    *,
    department: str | None = None,
    skill_id: str | None = None,
    people: int = 60,
    skills: int = 40,
    min_level: int = KEY_LEVEL,
    seed: int = 7,
) -> MapPicture:
    """People and the skills they hold at ``min_level`` or higher, laid out by a spring layout with a
    fixed seed. Only the first ``people`` people are drawn: with a skill, the best holders of it; else
    those holding most skills at the level. Of their skills, the ``skills`` held by most of them."""
    org = tmap.organisation
    in_scope = [p for p in org.people if department is None or p.department == department]

    def strong(pid: str) -> dict[str, Level]:
        return {s: lv for s, lv in tmap.levels_of(pid).items() if lv >= min_level}

    held = {p.id: strong(p.id) for p in in_scope}
    found = [p for p in in_scope if held[p.id] and (skill_id is None or skill_id in held[p.id])]
    found.sort(
        key=lambda p: (
            -(held[p.id].get(skill_id, 0) if skill_id else 0),
            -len(held[p.id]),
            p.name.casefold(),
            p.id,
        )
    )
    chosen = found[: max(0, people)]
    coverage = Counter(s for p in chosen for s in held[p.id])
    ranked = sorted(coverage, key=lambda s: (s != skill_id, -coverage[s], tmap.skill(s).name.casefold(), s))
    kept = ranked[: max(0, skills)]
    kept_set = set(kept)
    edges = tuple((p.id, s, int(held[p.id][s])) for p in chosen for s in sorted(held[p.id]) if s in kept_set)
    positions = _layout(tuple(p.id for p in chosen), tuple(kept), edges, seed)
    degree = Counter(e[0] for e in edges) + Counter(e[1] for e in edges)
    nodes = [
        MapNode("person", p.id, p.name, p.department, *positions[("person", p.id)], degree[p.id])
        for p in chosen
    ] + [
        MapNode("skill", s, tmap.skill(s).name, tmap.skill(s).category, *positions[("skill", s)], degree[s])
        for s in kept
    ]
    groups = tuple(sorted({p.department for p in chosen}, key=lambda d: (d == "", d.casefold())))
    return MapPicture(tuple(nodes), edges, len(found), len(chosen), len(coverage), len(kept), groups)


def _layout(
    people: tuple[str, ...], skills: tuple[str, ...], edges: tuple[tuple[str, str, int], ...], seed: int
) -> dict[tuple[str, str], tuple[float, float]]:
    """Each connected part laid out on its own (a spring layout pushes separate parts to the edges
    and squeezes the rest), in a box sized to its nodes; boxes fill rows, the largest first."""
    graph = nx.Graph()
    graph.add_nodes_from(("person", p) for p in people)
    graph.add_nodes_from(("skill", s) for s in skills)
    graph.add_edges_from((("person", p), ("skill", s), {"weight": level}) for p, s, level in edges)
    parts = sorted(nx.connected_components(graph), key=lambda part: (-len(part), min(part)))
    sides = [math.sqrt(len(part)) for part in parts]
    row_width = max([*sides, 1.3 * math.sqrt(sum(side * side for side in sides))])
    placed: dict[tuple[str, str], tuple[float, float]] = {}
    x = y = row_height = 0.0
    for part, side in zip(parts, sides, strict=True):
        if x > 0 and x + side > row_width:
            x, y, row_height = 0.0, y + row_height, 0.0
        for node, (u, v) in _unit_layout(graph.subgraph(part), seed).items():
            placed[node] = (x + side * (0.1 + 0.8 * u), y + side * (0.1 + 0.8 * v))
        x += side
        row_height = max(row_height, side)
    return _unit_square(placed)


def _unit_layout(graph: nx.Graph, seed: int) -> dict[tuple[str, str], tuple[float, float]]:
    if len(graph) == 1:
        return {node: (0.5, 0.5) for node in graph}
    raw = nx.spring_layout(graph, k=2.2 / math.sqrt(len(graph)), seed=seed, weight="weight", iterations=100)
    return _unit_square({node: (float(x), float(y)) for node, (x, y) in raw.items()})


def _unit_square(
    points: dict[tuple[str, str], tuple[float, float]],
) -> dict[tuple[str, str], tuple[float, float]]:
    if not points:
        return {}
    xs = [x for x, _ in points.values()]
    ys = [y for _, y in points.values()]

    def scaled(value: float, low: float, high: float) -> float:
        return (value - low) / (high - low) if high > low else 0.5

    low_x, high_x, low_y, high_y = min(xs), max(xs), min(ys), max(ys)
    return {node: (scaled(x, low_x, high_x), scaled(y, low_y, high_y)) for node, (x, y) in points.items()}
