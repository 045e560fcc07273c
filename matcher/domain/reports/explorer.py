"""The talent map in clusters, for the explorer: departments and skill categories first, opened on demand.

The people side nests department > team > person, the skill side category > skill. A view names the
clusters that are open; everything else is drawn as its closest closed cluster, and the holdings
between two drawn nodes are summed into one edge. So the overview of a 2,000-person organisation is a
few dozen nodes, and opening a department adds its teams, not its people.

Node ids say what they stand for: ``d:<department>``, ``t:<department>|<team>``, ``p:<person id>``,
``c:<category>`` and ``s:<skill id>`` (an empty name is the people without a department or team,
the skills without a category).

>>> import datetime as dt
>>> from matcher.domain.model import Holding, Organisation, Person, Skill
>>> from matcher.domain.talentmap import TalentMap
>>> org = Organisation(
...     people=(Person("ann", "Ann", "a@x.org", department="ICT", team="Data"),
...             Person("bo", "Bo", "b@x.org", department="HR")),
...     skills=(Skill("py", "Python", "Digital"), Skill("sql", "SQL", "Digital")),
...     holdings=(Holding("ann", "py", 4), Holding("ann", "sql", 3), Holding("bo", "py", 3)),
... )
>>> view = explorer_view(TalentMap(org, today=dt.date(2026, 1, 1)))
>>> [n.id for n in view.nodes], [(e.source, e.target, e.weight) for e in view.edges]
(['d:HR', 'd:ICT', 'c:Digital'], [('d:HR', 'c:Digital', 1), ('d:ICT', 'c:Digital', 2)])
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field

from matcher.domain.model import Person, Skill
from matcher.domain.talentmap import KEY_LEVEL, TalentMap, normalise

PEOPLE_KINDS = ("department", "team", "person")
SKILL_KINDS = ("category", "skill")
#: An edge is drawn when it is among the strongest few of one of its two ends.
EDGES_PER_NODE = 4


@dataclass(frozen=True)
class Scope:
    """Who and what counts: people of one department and site (None: all), holdings at a level.

    ``people`` are the people the reader may see at all and ``wishers`` those whose learning wishes
    they may see (None: everyone, as for HR); what is outside them is neither drawn nor counted.
    """

    department: str | None = None
    site: str | None = None
    min_level: int = int(KEY_LEVEL)
    people: frozenset[str] | None = None
    wishers: frozenset[str] | None = None

    def has(self, person: Person) -> bool:
        return (
            (self.department is None or person.department == self.department)
            and (self.site is None or person.site == self.site)
            and (self.people is None or person.id in self.people)
        )

    def sees_wishes(self, person: Person) -> bool:
        return self.wishers is None or person.id in self.wishers


def listed(tmap: TalentMap) -> frozenset[str]:
    """The people any colleague may see: those who are open to questions ("ask me about") and have
    not left, as the person and skill pages show them."""
    today = tmap.today
    return frozenset(
        p.id
        for p in tmap.organisation.people
        if p.ask_me and (p.leaving_date is None or p.leaving_date > today)
    )


def sight(tmap: TalentMap, *, reader: str | None, line: Collection[str] = ()) -> Scope:
    """What one reader who is not HR may see: the listed people and themselves, with their own
    wishes; a manager also everyone in their reporting line ``line``, with their wishes."""
    own = {reader} if reader else set()
    return Scope(people=listed(tmap) | own | set(line), wishers=frozenset(own | set(line)))


@dataclass(frozen=True)
class ExplorerNode:
    id: str
    #: department, team, person, category or skill
    kind: str
    label: str
    #: The open cluster it is drawn in.
    parent: str | None
    #: People in a department, team (1 for a person); skills in a category (1 for a skill).
    size: int
    #: Holdings at the scope's level between this node and the other side.
    holdings: int
    #: Learning wishes between this node and the other side.
    wishes: int
    #: Skills at risk in it (a skill: 1 when it is), bridge figures in it (a person: 1 when they are).
    at_risk: int = 0
    bridges: int = 0
    is_open: bool = False
    #: A person who switched off "ask me about".
    unlisted: bool = False

    @property
    def is_cluster(self) -> bool:
        return self.kind not in ("person", "skill")


@dataclass(frozen=True)
class ExplorerEdge:
    source: str
    target: str
    #: Holdings summed over the people and skills the two ends stand for.
    weight: int


@dataclass(frozen=True)
class ExplorerView:
    nodes: tuple[ExplorerNode, ...]
    edges: tuple[ExplorerEdge, ...]
    open: tuple[str, ...]
    people: int
    skills: int
    #: Edges between drawn nodes before the weakest were left out.
    edges_found: int
    scope: Scope = field(default_factory=Scope)


def department_id(department: str) -> str:
    return f"d:{department}"


def team_id(department: str, team: str) -> str:
    return f"t:{department}|{team}"


def category_id(category: str) -> str:
    return f"c:{category}"


def person_path(person: Person) -> tuple[str, str, str]:
    """The ids from the outermost cluster to the person."""
    return department_id(person.department), team_id(person.department, person.team), f"p:{person.id}"


def skill_path(skill: Skill) -> tuple[str, str]:
    return category_id(skill.category), f"s:{skill.id}"


def _drawn(path: Iterable[str], open_ids: Collection[str]) -> str:
    """The node a person or skill is drawn as: the first cluster on its path that is closed."""
    for node in path:
        if node not in open_ids:
            return node
    raise AssertionError("a person or skill is never open")


class _Sides:
    """The people in scope and all skills, each with the node it is drawn as."""

    def __init__(self, tmap: TalentMap, scope: Scope, open_ids: Collection[str]) -> None:
        self.tmap = tmap
        self.scope = scope
        self.people = [p for p in tmap.organisation.people if scope.has(p)]
        self.skills = list(tmap.organisation.skills)
        self.person_node = {p.id: _drawn(person_path(p), open_ids) for p in self.people}
        self.skill_node = {s.id: _drawn(skill_path(s), open_ids) for s in self.skills}

    def holdings(self) -> Iterable[tuple[str, str]]:
        for person in self.people:
            for skill_id, level in self.tmap.levels_of(person.id).items():
                if level >= self.scope.min_level:
                    yield person.id, skill_id

    def wishes(self) -> Iterable[tuple[str, str]]:
        for person in self.people:
            if not self.scope.sees_wishes(person):
                continue
            for skill_id in self.tmap.wished_by(person.id):
                yield person.id, skill_id


def normalised_open(tmap: TalentMap, open_ids: Iterable[str], scope: Scope) -> tuple[str, ...]:
    """The open clusters that exist, each with the clusters around it (a team opens its department);
    with a department chosen, that department is open."""
    people = [p for p in tmap.organisation.people if scope.has(p)]
    known = {department_id(p.department) for p in people} | {team_id(p.department, p.team) for p in people}
    known |= {category_id(s.category) for s in tmap.organisation.skills}
    wanted = {i for i in open_ids if i in known}
    if scope.department is not None:
        wanted.add(department_id(scope.department))
    for node in list(wanted):
        if node.startswith("t:"):
            wanted.add(department_id(node[2:].split("|", 1)[0]))
    return tuple(sorted(wanted & known))


def path_to(tmap: TalentMap, node_id: str, scope: Scope | None = None) -> tuple[str, ...]:
    """The clusters to open to see a person (in scope) or skill (none for anything else)."""
    scope = scope or Scope()
    kind, _, key = node_id.partition(":")
    if kind == "p" and (person := tmap.person(key)) is not None and scope.has(person):
        return person_path(person)[:-1]
    if kind == "s" and (skill := tmap.skill(key)) is not None:
        return skill_path(skill)[:-1]
    return ()


def closed(open_ids: Iterable[str], node_id: str) -> list[str]:
    """The open clusters once ``node_id`` closes: the clusters inside it close with it."""
    inside = f"t:{node_id[2:]}|" if node_id.startswith("d:") else None
    return [i for i in open_ids if i != node_id and not (inside and i.startswith(inside))]


def explorer_view(
    tmap: TalentMap,
    *,
    open_ids: Iterable[str] = (),
    scope: Scope | None = None,
    at_risk: Collection[str] = (),
    bridges: Collection[str] = (),
    edges_per_node: int = EDGES_PER_NODE,
) -> ExplorerView:
    """The nodes and edges drawn with these clusters open. ``at_risk`` are skill ids, ``bridges``
    person ids: each node counts those it stands for."""
    scope = scope or Scope()
    opened = normalised_open(tmap, open_ids, scope)
    sides = _Sides(tmap, scope, opened)
    held = Counter((sides.person_node[p], sides.skill_node[s]) for p, s in sides.holdings())
    wished = Counter((sides.person_node[p], sides.skill_node[s]) for p, s in sides.wishes())
    held_by_node: Counter[str] = Counter()
    wished_by_node: Counter[str] = Counter()
    for (a, b), n in held.items():
        held_by_node.update({a: n, b: n})
    for (a, b), n in wished.items():
        wished_by_node.update({a: n, b: n})
    nodes = _people_nodes(sides, opened, held_by_node, wished_by_node, set(bridges))
    nodes += _skill_nodes(sides, opened, held_by_node, wished_by_node, set(at_risk))
    drawn = {n.id for n in nodes}
    edges = [ExplorerEdge(a, b, n) for (a, b), n in held.items() if a in drawn and b in drawn]
    kept = _strongest(edges, edges_per_node)
    return ExplorerView(
        tuple(nodes), tuple(kept), opened, len(sides.people), len(sides.skills), len(edges), scope
    )


def _strongest(edges: list[ExplorerEdge], per_node: int) -> list[ExplorerEdge]:
    ends: dict[str, list[ExplorerEdge]] = defaultdict(list)
    for edge in edges:
        ends[edge.source].append(edge)
        ends[edge.target].append(edge)
    kept: set[tuple[str, str]] = set()
    for touching in ends.values():
        touching.sort(key=lambda e: (-e.weight, e.source, e.target))
        kept.update((e.source, e.target) for e in touching[:per_node])
    return sorted((e for e in edges if (e.source, e.target) in kept), key=lambda e: (e.source, e.target))


def _people_nodes(
    sides: _Sides, opened: Collection[str], held: Counter[str], wished: Counter[str], bridges: set[str]
) -> list[ExplorerNode]:
    members: dict[str, list[Person]] = defaultdict(list)
    for person in sides.people:
        for node in person_path(person):
            members[node].append(person)
    nodes: list[ExplorerNode] = []
    departments = sorted({p.department for p in sides.people}, key=lambda d: (d == "", d.casefold()))
    for department in departments:
        d_id = department_id(department)
        nodes.append(
            _cluster(d_id, "department", department, None, members[d_id], opened, held, wished, bridges)
        )
        if d_id not in opened:
            continue
        teams = sorted({p.team for p in members[d_id]}, key=lambda t: (t == "", t.casefold()))
        for team in teams:
            t_id = team_id(department, team)
            nodes.append(_cluster(t_id, "team", team, d_id, members[t_id], opened, held, wished, bridges))
            if t_id not in opened:
                continue
            for person in sorted(members[t_id], key=lambda p: (p.name.casefold(), p.id)):
                p_id = f"p:{person.id}"
                nodes.append(
                    ExplorerNode(
                        p_id, "person", person.name, t_id, 1, held[p_id], wished[p_id],
                        bridges=int(person.id in bridges), unlisted=not person.ask_me,
                    )
                )  # fmt: skip
    return nodes


def _cluster(
    node_id: str,
    kind: str,
    label: str,
    parent: str | None,
    people: list[Person],
    opened: Collection[str],
    held: Counter[str],
    wished: Counter[str],
    bridges: set[str],
) -> ExplorerNode:
    return ExplorerNode(
        node_id, kind, label, parent, len(people), held[node_id], wished[node_id],
        bridges=sum(p.id in bridges for p in people), is_open=node_id in opened,
    )  # fmt: skip


def _skill_nodes(
    sides: _Sides, opened: Collection[str], held: Counter[str], wished: Counter[str], at_risk: set[str]
) -> list[ExplorerNode]:
    by_category: dict[str, list[Skill]] = defaultdict(list)
    for skill in sides.skills:
        by_category[skill.category].append(skill)
    nodes: list[ExplorerNode] = []
    for category in sorted(by_category, key=lambda c: (c == "", c.casefold())):
        c_id = category_id(category)
        skills = sorted(by_category[category], key=lambda s: (s.name.casefold(), s.id))
        risky = sum(s.id in at_risk for s in skills)
        is_open = c_id in opened
        nodes.append(
            ExplorerNode(
                c_id, "category", category, None, len(skills), held[c_id], wished[c_id], risky, 0, is_open
            )
        )
        if is_open:
            nodes.extend(
                ExplorerNode(
                    f"s:{s.id}", "skill", s.name, c_id, 1, held[f"s:{s.id}"], wished[f"s:{s.id}"],
                    int(s.id in at_risk),
                )
                for s in skills
            )  # fmt: skip
    return nodes


# -- one person or skill, and finding them ----------------------------------------------------------


@dataclass(frozen=True)
class Tie:
    """One person holding or wanting one skill; ``value`` is the level or the wish's priority."""

    person: Person
    skill: Skill
    value: int


@dataclass(frozen=True)
class Focus:
    """What one person or skill touches: holdings and wishes, each with the node it is drawn as."""

    id: str
    holds: tuple[Tie, ...]
    wants: tuple[Tie, ...]
    #: Drawn node id to the highest level held there / the count of wishes there.
    holds_at: dict[str, int]
    wants_at: dict[str, int]


def focus(
    tmap: TalentMap, node_id: str, *, open_ids: Iterable[str] = (), scope: Scope | None = None
) -> Focus | None:
    """Who holds and who wants a skill (people in scope), or what a person holds and wants; None for
    an id that is not a person in scope or a skill."""
    scope = scope or Scope()
    opened = normalised_open(tmap, open_ids, scope)
    kind, _, key = node_id.partition(":")
    if kind == "s" and (skill := tmap.skill(key)) is not None:
        holds = [
            Tie(p, skill, int(lv)) for p, lv in tmap.holders_of(key) if lv >= scope.min_level and scope.has(p)
        ]
        wants = [
            Tie(p, skill, prio)
            for p in tmap.organisation.people
            if scope.has(p) and scope.sees_wishes(p) and (prio := tmap.wished_by(p.id).get(key)) is not None
        ]
        wants.sort(key=lambda t: (-t.value, t.person.name.casefold(), t.person.id))

        def drawn(tie: Tie) -> str:
            return _drawn(person_path(tie.person), opened)
    elif kind == "p" and (person := tmap.person(key)) is not None and scope.has(person):
        holds = [Tie(person, s, int(lv)) for s, lv in tmap.holdings_of(key) if lv >= scope.min_level]
        wants = [Tie(person, s, prio) for s, prio in tmap.wishes_of(key)] if scope.sees_wishes(person) else []

        def drawn(tie: Tie) -> str:
            return _drawn(skill_path(tie.skill), opened)
    else:
        return None
    holds_at: dict[str, int] = {}
    for tie in holds:
        holds_at[drawn(tie)] = max(holds_at.get(drawn(tie), 0), tie.value)
    wants_at = dict(Counter(drawn(tie) for tie in wants))
    return Focus(node_id, tuple(holds), tuple(wants), holds_at, wants_at)


@dataclass(frozen=True)
class Found:
    id: str
    kind: str
    label: str
    #: A department or category, to say where it is.
    where: str
    #: The clusters to open to see it.
    opens: tuple[str, ...]


def find(tmap: TalentMap, query: str, *, scope: Scope | None = None, limit: int = 10) -> list[Found]:
    """People in scope and skills whose name (or a skill's alias) holds the query, accents and case
    aside; names that start with it first."""
    scope = scope or Scope()
    wanted = normalise(query)
    if not wanted:
        return []
    ranked: list[tuple[tuple[int, str], Found]] = []
    for skill in tmap.organisation.skills:
        names = [normalise(n) for n in (skill.name, *skill.aliases)]
        if any(wanted in n for n in names):
            start = 0 if any(n.startswith(wanted) for n in names) else 1
            found = Found(f"s:{skill.id}", "skill", skill.name, skill.category, skill_path(skill)[:-1])
            ranked.append(((start, normalise(skill.name)), found))
    for person in tmap.organisation.people:
        name = normalise(person.name)
        if scope.has(person) and wanted in name:
            start = 0 if any(part.startswith(wanted) for part in name.split()) else 1
            found = Found(
                f"p:{person.id}", "person", person.name, person.department, person_path(person)[:-1]
            )
            ranked.append(((start, name), found))
    ranked.sort(key=lambda item: (item[0], item[1].kind, item[1].id))
    return [match for _, match in ranked[: max(0, limit)]]
