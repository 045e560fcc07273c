"""Bridge figures (brugfiguren): the few people through whom departments are linked.

The ties are those of :mod:`matcher.domain.talentmap.ties`: a manager line or a pairing counts 1, a
group of k (a team, a think tank) 1/(k-1) per tie. For two departments A and B, the link between
them is the strength of all ties between their people. A person in A carries a share of it: their
own ties into B over all ties between A and B (1 when every tie between A and B runs through them).
Their score adds, over the other departments, strength times share::

    score(p) = sum over departments B of tie(p, B) * tie(p, B) / link(A, B)

so the person who is the only link between two departments through three pairings scores 3 there,
and one of twelve people who each met someone of B in one large think tank scores almost nothing.
A bridge figure has, into at least one other department, ties as strong as one pairing or manager
line (groups may add up to that). A large group round thus spreads a little weight over everyone
and leaves the ranking of the real links as it was. People without a department take no part.

>>> import datetime as dt
>>> from matcher.domain.model import HistoryEntry, Organisation, Person
>>> from matcher.domain.talentmap import TalentMap
>>> people = [Person(i, i.upper(), f"{i}@x", department=d) for i, d in
...           (("ann", "Finance"), ("bo", "Finance"), ("cas", "ICT"), ("dirk", "ICT"))]
>>> pair = HistoryEntry("r1", "exchange", ("bo", "cas"), dt.date(2024, 1, 1))
>>> tmap = TalentMap(Organisation(people=tuple(people), history=(pair,)), today=dt.date(2024, 3, 1))
>>> for bridge in tmap.bridges():
...     print(bridge.person_id, bridge.reasons[1])
bo the only link between Finance and ICT, through 1 pairing
cas the only link between ICT and Finance, through 1 pairing
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from matcher.domain.phrases import counted, phrase
from matcher.domain.talentmap.ties import Tie, TieIndex, Ties

#: A bridge figure's ties into another department are at least this strong: one pairing or
#: manager line, or groups that add up to as much.
BRIDGE_STRENGTH = 1.0
#: How many departments a bridge figure's reasons name one by one.
NAMED = 3
#: A share this close to 1 is the whole link.
WHOLE = 0.999


@dataclass(frozen=True)
class BridgeLink:
    """A bridge figure's link into one other department."""

    department: str
    #: What links them: manager lines, pairings, shared groups and team mates in that department.
    tie: Tie
    #: Their part of all ties between the two departments, 0 to 1.
    share: float

    def as_dict(self) -> dict:
        return {
            "department": self.department, "strength": round(self.tie.strength, 2),
            "share": round(self.share, 2), "manager_lines": self.tie.manager_lines,
            "pairings": self.tie.pairings, "groups": self.tie.groups, "team_mates": self.tie.team_mates,
        }  # fmt: skip


@dataclass(frozen=True)
class Bridge:
    person_id: str
    name: str
    department: str
    score: float
    #: The departments they are linked to as strongly as by a pairing, most of the link first.
    departments: tuple[str, ...]
    reasons: tuple[str, ...]
    links: tuple[BridgeLink, ...] = ()

    def as_dict(self) -> dict:
        return {
            "person_id": self.person_id, "name": self.name, "department": self.department,
            "score": round(self.score, 2), "departments": list(self.departments),
            "reasons": list(self.reasons), "links": [link.as_dict() for link in self.links],
        }  # fmt: skip


class BridgeQuestions(TieIndex):
    """Who the bridge figures are, on the ties of :class:`~matcher.domain.talentmap.ties.TieIndex`."""

    _bridges_found: tuple[object, dict[str, Bridge]] | None = None

    def bridges(self, *, limit: int = 20, seed: int = 7) -> list[Bridge]:
        """The bridge figures of the organisation, highest score first (see the module).

        ``seed`` is kept for callers of the earlier, sampled measure; the score is exact now.
        """
        found = self._all_bridges()
        return sorted(found.values(), key=self._rank)[: max(0, limit)]

    def bridges_among(self, person_ids: Iterable[str]) -> list[Bridge]:
        """The bridge figures among these people (a team), highest score first: scored on the
        whole organisation, so a team's bridge figures are the organisation's."""
        found = self._all_bridges()
        return sorted((found[pid] for pid in dict.fromkeys(person_ids) if pid in found), key=self._rank)

    def bridge(self, person_id: str) -> Bridge | None:
        """The person as a bridge figure, or None when they are none."""
        return self._all_bridges().get(person_id)

    def _rank(self, bridge: Bridge) -> tuple[float, int]:
        return -bridge.score, self._order[bridge.person_id]

    def _all_bridges(self) -> dict[str, Bridge]:
        ties = self.ties()
        found = self._bridges_found
        if found is not None and found[0] is ties:
            return found[1]
        department_of = {pid: p.department for pid, p in self._people.items() if p.department}
        links = ties.between_departments(department_of)
        bridges: dict[str, Bridge] = {}
        for pid in self._crossing(ties, department_of):
            home = department_of[pid]
            reach = ties.into_departments(pid, department_of)
            mine = [
                BridgeLink(d, tie, min(1.0, tie.strength / links[frozenset((home, d))]))
                for d, tie in reach.items()
                if d and d != home and frozenset((home, d)) in links
            ]
            strong = [link for link in mine if link.tie.strength >= BRIDGE_STRENGTH - 1e-9]
            if not strong:
                continue
            score = sum(link.tie.strength * link.share for link in mine)
            strong.sort(key=lambda link: (-link.tie.strength * link.share, link.department))
            bridges[pid] = Bridge(
                pid,
                self._people[pid].name,
                home,
                score,
                tuple(link.department for link in strong),
                _reasons(home, strong),
                tuple(strong),
            )
        self._bridges_found = (ties, bridges)
        return bridges

    def _crossing(self, ties: Ties, department_of: dict[str, str]) -> list[str]:
        """The people with a tie into another department, the only ones who can be bridge figures."""
        found: set[str] = set()
        for a, others in ties.direct.items():
            if a in department_of and any(
                department_of.get(b, department_of[a]) != department_of[a] for b in others
            ):
                found.add(a)
        for members in [*ties.groups, *ties.teams.values()]:
            if len({department_of[m] for m in members if m in department_of}) > 1:
                found.update(m for m in members if m in department_of)
        return sorted(found, key=self._order.__getitem__)


def _ties_in_words(tie: Tie) -> list[str]:
    words = []
    if tie.manager_lines:
        words.append(counted(tie.manager_lines, "{n} manager line", "{n} manager lines"))
    if tie.pairings:
        words.append(counted(tie.pairings, "{n} pairing", "{n} pairings"))
    if tie.groups:
        words.append(counted(tie.groups, "{n} shared group", "{n} shared groups"))
    if tie.team_mates:
        words.append(counted(tie.team_mates, "{n} team mate", "{n} team mates"))
    return words


def _reasons(home: str, links: list[BridgeLink]) -> tuple[str, ...]:
    reasons = [
        phrase(
            "connects {home} with {departments:list}", home=home, departments=[x.department for x in links]
        )
    ]
    for link in links[:NAMED]:
        ties = _ties_in_words(link.tie)
        if link.share >= WHOLE:
            reasons.append(
                phrase(
                    "the only link between {home} and {department}, through {ties:list}",
                    home=home,
                    department=link.department,
                    ties=ties,
                )
            )
        else:
            share = f"{round(100 * link.share)}%"
            reasons.append(
                phrase(
                    "links {home} and {department} through {ties:list}: {share} of the ties between them",
                    home=home,
                    department=link.department,
                    ties=ties,
                    share=share,
                )
            )
    if len(links) > NAMED:
        reasons.append(
            counted(len(links) - NAMED, "and links {n} more department", "and links {n} more departments")
        )
    return tuple(reasons)
