"""Bridge figures: people whose manager lines and earlier pairings reach into other departments."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

import networkx as nx

from matcher.domain.phrases import counted, phrase
from matcher.domain.talentmap.build import MapIndex

# Exact betweenness is quadratic-ish; past this size a fixed sample of sources keeps it to seconds.
EXACT_BETWEENNESS_UP_TO = 2000
BETWEENNESS_SAMPLE = 64


@dataclass(frozen=True)
class Bridge:
    person_id: str
    name: str
    department: str
    score: float
    departments: tuple[str, ...]
    reasons: tuple[str, ...]

    def as_dict(self) -> dict:
        return {
            "person_id": self.person_id, "name": self.name, "department": self.department,
            "score": round(self.score, 2), "departments": list(self.departments),
            "reasons": list(self.reasons),
        }  # fmt: skip


class BridgeQuestions(MapIndex):
    """Who the bridge figures are, on the indexes of :class:`MapIndex`."""

    def bridges(self, *, limit: int = 20, seed: int = 7) -> list[Bridge]:
        """People whose manager lines and earlier pairings reach into other departments.

        ``score = (betweenness / highest betweenness + other departments / most other departments) / 2``
        over the people who qualify: those with a neighbour in another department.
        """
        centrality = self._betweenness(seed)
        reach = {pid: self._other_departments(pid) for pid in self.collaboration}
        reach = {pid: counts for pid, counts in reach.items() if counts}
        if not reach:
            return []
        top_between = max(centrality[pid] for pid in reach) or 1.0
        top_reach = max(len(counts) for counts in reach.values())
        scores = {pid: (centrality[pid] / top_between + len(reach[pid]) / top_reach) / 2 for pid in reach}
        ranked = sorted(scores, key=lambda pid: (-scores[pid], self._order[pid]))[: max(0, limit)]
        return [self._bridge(pid, scores[pid], reach[pid], centrality[pid]) for pid in ranked]

    def bridges_among(self, person_ids: Iterable[str]) -> list[Bridge]:
        """The bridge figures among these people by reach alone: how many other departments their
        manager lines and earlier pairings touch, most first. Cheap for a team on a large
        organisation, where betweenness over the whole map takes seconds."""
        reach = {pid: self._other_departments(pid) for pid in person_ids if pid in self.collaboration}
        reach = {pid: counts for pid, counts in reach.items() if counts}
        if not reach:
            return []
        top = max(len(counts) for counts in reach.values())
        ranked = sorted(reach, key=lambda pid: (-len(reach[pid]), self._order[pid]))
        return [self._bridge(pid, len(reach[pid]) / top, reach[pid], 0.0) for pid in ranked]

    def _betweenness(self, seed: int) -> dict[str, float]:
        if seed not in self._centrality:
            graph = self.collaboration
            sample = BETWEENNESS_SAMPLE if len(graph) > EXACT_BETWEENNESS_UP_TO else None
            self._centrality[seed] = nx.betweenness_centrality(graph, k=sample, seed=seed)
        return self._centrality[seed]

    def _other_departments(self, pid: str) -> Counter[str]:
        own = self._people[pid].department
        return Counter(
            d for d in (self._people[n].department for n in self.collaboration[pid]) if d and d != own
        )

    def _bridge(self, pid: str, score: float, counts: Counter[str], betweenness: float) -> Bridge:
        person = self._people[pid]
        departments = tuple(sorted(counts, key=lambda d: (-counts[d], d)))
        home = person.department or phrase("no department")
        named = [
            counted(counts[d], "{n} person in {department}", "{n} people in {department}", department=d)
            for d in departments[:3]
        ]
        if len(departments) > 3:
            named.append(counted(len(departments) - 3, "{n} more department", "{n} more departments"))
        reasons = [
            phrase("connects {home} with {departments:list}", home=home, departments=departments),
            phrase("knows {people:list} through manager lines and earlier pairings or groups", people=named),
        ]
        if betweenness > 0:
            reasons.append(
                phrase(
                    "sits on the shortest paths between many colleagues (betweenness {betweenness})",
                    betweenness=round(betweenness, 3),
                )
            )
        return Bridge(pid, person.name, person.department, score, departments, tuple(reasons))
