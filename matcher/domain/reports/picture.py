"""A picture of the talent map: people and the skills they hold, with a fixed layout."""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field

import networkx as nx

from matcher.domain.model import Level, Skill
from matcher.domain.talentmap import KEY_LEVEL, TalentMap


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

    def known(skill: str) -> Skill:
        known_skill = tmap.skill(skill)
        assert known_skill is not None, "the talent map keeps only holdings of known skills"
        return known_skill

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
    ranked = sorted(coverage, key=lambda s: (s != skill_id, -coverage[s], known(s).name.casefold(), s))
    kept = ranked[: max(0, skills)]
    kept_set = set(kept)
    edges = tuple((p.id, s, int(held[p.id][s])) for p in chosen for s in sorted(held[p.id]) if s in kept_set)
    positions = _layout(tuple(p.id for p in chosen), tuple(kept), edges, seed)
    degree = Counter(e[0] for e in edges) + Counter(e[1] for e in edges)
    nodes = [
        MapNode("person", p.id, p.name, p.department, *positions[("person", p.id)], degree[p.id])
        for p in chosen
    ] + [
        MapNode("skill", s, known(s).name, known(s).category, *positions[("skill", s)], degree[s])
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
