"""Building the talent map: the graph of people and skills, and the indexes its questions read.

:class:`MapIndex` reads an :class:`~matcher.domain.model.Organisation` once into
dictionaries keyed by person and skill, plus two networkx graphs
(:func:`talent_graph`, :func:`collaboration_graph`); the questions in
:mod:`~matcher.domain.talentmap.ask`, :mod:`~matcher.domain.talentmap.risks` and
:mod:`~matcher.domain.talentmap.bridges` only look things up in them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from itertools import chain, combinations

import networkx as nx
from rapidfuzz import fuzz, process

from matcher.domain.model import Holding, Level, Organisation, Person, Skill, Wish
from matcher.domain.overlap import utc_week
from matcher.domain.phrases import phrase

# fuzz.ratio of a query and a skill name: "pyhton" scores 83 against "python".
SPELLING_CUTOFF = 75.0
SUGGEST_CUTOFF = 70.0


class UnknownSkill(LookupError):
    """No skill matches a query, not even by a near spelling."""

    def __init__(self, query: str, suggestions: tuple[str, ...] = ()) -> None:
        self.query = query
        self.suggestions = suggestions
        if suggestions:
            message = phrase(
                "no skill matches '{query}'; did you mean: {suggestions}?",
                query=query,
                suggestions=", ".join(suggestions),
            )
        else:
            message = phrase("no skill matches '{query}'", query=query)
        super().__init__(message)

    def __str__(self) -> str:
        message: str = self.args[0]
        return message


@dataclass(frozen=True)
class AskWeights:
    """Weights of "who can I ask"; :mod:`matcher.domain.talentmap.ask` gives the formula."""

    level: float = 1.0
    mentor: float = 0.25
    host: float = 0.1
    load: float = 0.15
    language: float = 0.15
    site: float = 0.1
    overlap: float = 0.2
    usual_load: int = 2
    # Parent and child skills in the taxonomy count as related, more loosely than an explicit link.
    taxonomy: float = 0.3


DEFAULT_ASK_WEIGHTS = AskWeights()


def normalise(text: str) -> str:
    """Lower case, accents dropped, single spaces: "  Ré-integratie " -> "re-integratie"."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.casefold().split())


def talent_graph(org: Organisation) -> nx.MultiDiGraph:
    """People and skills as one graph.

    Nodes are ``("person", id)`` and ``("skill", id)``. Edges carry a ``kind``:
    holds (level), wants (priority), related (strength), parent (child to
    parent skill), manages (manager to report) and paired (round, round_kind;
    from the member who guides, for kinds with a direction).
    """
    graph = nx.MultiDiGraph(name=org.name)
    people = {p.id for p in org.people}
    skills = {s.id for s in org.skills}
    for p in org.people:
        graph.add_node(("person", p.id), kind="person", name=p.name, department=p.department,
                       function=p.function, site=p.site, team=p.team, ask_me=p.ask_me)  # fmt: skip
    for s in org.skills:
        graph.add_node(("skill", s.id), kind="skill", name=s.name, category=s.category)
    for s in org.skills:
        graph.add_edges_from(
            (("skill", s.id), ("skill", r.skill_id), {"kind": "related", "strength": r.strength})
            for r in s.related
            if r.skill_id in skills
        )
        if s.parent_id in skills:
            graph.add_edge(("skill", s.id), ("skill", s.parent_id), kind="parent")
    graph.add_edges_from(
        (("person", h.person_id), ("skill", h.skill_id), {"kind": "holds", "level": int(h.level)})
        for h in org.holdings
        if h.level >= Level.AWARE and h.person_id in people and h.skill_id in skills
    )
    graph.add_edges_from(
        (("person", w.person_id), ("skill", w.skill_id), {"kind": "wants", "priority": w.priority})
        for w in org.wishes
        if w.person_id in people and w.skill_id in skills
    )
    graph.add_edges_from(
        (("person", p.manager_id), ("person", p.id), {"kind": "manages"})
        for p in org.people
        if p.manager_id in people and p.manager_id != p.id
    )
    for entry in org.history:
        members = [m for m in dict.fromkeys(entry.members) if m in people]
        graph.add_edges_from(
            (("person", a), ("person", b), {"kind": "paired", "round": entry.round, "round_kind": entry.kind})
            for a, b in combinations(members, 2)
        )
    return graph


def collaboration_graph(org: Organisation) -> nx.Graph:
    """People linked by manager lines and earlier pairings or groups; skills play no part."""
    graph = nx.Graph()
    graph.add_nodes_from(p.id for p in org.people)
    people = {p.id for p in org.people}
    graph.add_edges_from(
        (p.manager_id, p.id) for p in org.people if p.manager_id in people and p.manager_id != p.id
    )
    for entry in org.history:
        members = [m for m in dict.fromkeys(entry.members) if m in people]
        graph.add_edges_from(combinations(members, 2))
    return graph


def host_order(person: Person) -> tuple[str, str]:
    """The order of :attr:`MapIndex.hosts`: by name, then id."""
    return person.name.casefold(), person.id


class MapIndex:
    """The indexes of one organisation on one day that every question of the talent map reads."""

    #: The holdings and wishes per person, kept by a map changed person by person
    #: (:mod:`matcher.domain.talentmap.update`); None on a map built from an organisation.
    _holdings_by_person: Mapping[str, tuple[Holding, ...]] | None = None
    _wishes_by_person: Mapping[str, tuple[Wish, ...]] | None = None

    #: The organisation of a map changed person by person, made when first asked for
    #: (:meth:`organisation`): most questions read the indexes, and a map changes with every save.
    _organisation: Organisation | None = None
    #: What makes it: an organisation with the map's skills and history, and the people's holdings
    #: and wishes grouped per person.
    _organisation_base: Organisation | None = None

    def __init__(
        self, org: Organisation, *, today: dt.date, weights: AskWeights = DEFAULT_ASK_WEIGHTS
    ) -> None:
        self.organisation = org
        self.today = today
        self.weights = weights
        #: The per-person indexes are Mappings: a changed map layers its changes over the old ones.
        self._people: Mapping[str, Person] = {p.id: p for p in org.people}
        self._skills = {s.id: s for s in org.skills}
        ordered = sorted(org.people, key=lambda p: (p.name.casefold(), p.id))
        self._order = {p.id: i for i, p in enumerate(ordered)}
        self._index_holdings_and_wishes()
        self._index_skill_texts()
        self._index_related()
        self._index_people()
        self.collaboration = collaboration_graph(org)
        self._centrality: dict[int, dict[str, float]] = {}

    @property
    def organisation(self) -> Organisation:
        """The organisation this map is of. Two requests that make it at once make the same one."""
        org = self._organisation
        if org is None:
            base = self._organisation_base
            assert (
                base is not None
                and self._holdings_by_person is not None
                and self._wishes_by_person is not None
            )
            org = dataclasses.replace(
                base,
                people=tuple(self._people.values()),
                holdings=tuple(chain.from_iterable(self._holdings_by_person.values())),
                wishes=tuple(chain.from_iterable(self._wishes_by_person.values())),
            )
            self._organisation = org
        return org

    @organisation.setter
    def organisation(self, org: Organisation) -> None:
        self._organisation = org

    @property
    def organisation_base(self) -> Organisation:
        """An organisation with this map's skills, history and settings (its people may be older)."""
        return self._organisation if self._organisation is not None else self._organisation_base  # type: ignore[return-value]

    @property
    def skills(self) -> tuple[Skill, ...]:
        """The organisation's skills, without making the organisation of a changed map."""
        return self.organisation_base.skills

    @cached_property
    def skills_by_name(self) -> tuple[Skill, ...]:
        """The skills by name, for the lists of the pages. Made once per map."""
        return tuple(sorted(self.skills, key=lambda s: s.name.casefold()))

    @cached_property
    def graph(self) -> nx.MultiDiGraph:
        """The whole organisation as one graph (:func:`talent_graph`), built when first asked for:
        the questions read the indexes, not the graph."""
        return talent_graph(self.organisation)

    @cached_property
    def hosts(self) -> tuple[Person, ...]:
        """The people open to hosting a shadow day, by name: what the shadow request form offers.
        Made once per map, not per request; a map changed person by person changes it likewise."""
        return tuple(sorted((p for p in self._people.values() if p.is_host), key=host_order))

    @cached_property
    def skill_names(self) -> tuple[str, ...]:
        """Every skill name, by name: the suggestion list of the forms. Made once per map."""
        return tuple(sorted((s.name for s in self.skills), key=str.casefold))

    # -- building ---------------------------------------------------------------------------------

    def _index_holdings_and_wishes(self) -> None:
        self._levels: dict[str, dict[str, Level]] = defaultdict(dict)  # skill -> person -> level
        held: dict[str, dict[str, Level]] = defaultdict(dict)  # person -> skill -> level
        for h in self.organisation.holdings:
            if h.level < Level.AWARE or h.person_id not in self._people or h.skill_id not in self._skills:
                continue
            level = h.level if type(h.level) is Level else Level(h.level)
            level = max(level, held[h.person_id].get(h.skill_id, Level.NONE))
            self._levels[h.skill_id][h.person_id] = level
            held[h.person_id][h.skill_id] = level
        self._wanted: dict[str, dict[str, int]] = defaultdict(dict)  # skill -> person -> priority
        wishes: dict[str, dict[str, int]] = defaultdict(dict)  # person -> skill -> priority
        for w in self.organisation.wishes:
            if w.person_id not in self._people or w.skill_id not in self._skills:
                continue
            priority = max(w.priority, wishes[w.person_id].get(w.skill_id, 0))
            self._wanted[w.skill_id][w.person_id] = priority
            wishes[w.person_id][w.skill_id] = priority
        self._held: Mapping[str, dict[str, Level]] = held
        self._wishes: Mapping[str, dict[str, int]] = wishes

    def _index_skill_texts(self) -> None:
        self._by_id = {normalise(s.id): s for s in reversed(self.organisation.skills)}
        self._by_name = {normalise(s.name): s for s in reversed(self.organisation.skills)}
        self._by_alias = {normalise(a): s for s in reversed(self.organisation.skills) for a in s.aliases}
        texts = [(normalise(text), s) for s in self.organisation.skills for text in (s.name, *s.aliases)]
        self._texts = [text for text, _ in texts]
        self._text_skills = [s for _, s in texts]

    def _index_related(self) -> None:
        self._related: dict[str, dict[str, float]] = defaultdict(dict)

        def link(a: str, b: str, strength: float) -> None:
            if a != b and a in self._skills and b in self._skills:
                for x, y in ((a, b), (b, a)):
                    self._related[x][y] = max(strength, self._related[x].get(y, 0.0))

        for s in self.organisation.skills:
            for r in s.related:
                link(s.id, r.skill_id, r.strength)
            if s.parent_id:
                link(s.id, s.parent_id, self.weights.taxonomy)

    def _index_people(self) -> None:
        self._active = Counter(
            member
            for entry in self.organisation.history
            if entry.active_on(self.today)
            for member in dict.fromkeys(entry.members)
        )
        w = self.weights
        # Only people who opted in are ever asked; their bonus is the same for every skill.
        bonus = {p.id: self._willingness(p) for p in self.organisation.people if p.ask_me}
        order = self._order
        # Best first without fit; fit is bounded, so a question can stop scanning early.
        self._ranked: dict[str, list[tuple[float, str, Level]]] = {}
        for skill_id, holders in self._levels.items():
            ranked = [
                (w.level * level + bonus[pid], pid, level) for pid, level in holders.items() if pid in bonus
            ]
            ranked.sort(key=lambda item: (-item[0], order[item[1]]))
            self._ranked[skill_id] = ranked
        self._max_fit = w.language + w.site + w.overlap
        self._languages: Mapping[str, frozenset[str]] = {
            p.id: frozenset(base_language(c) for c in p.languages) for p in self._people.values()
        }
        # Many people share hours and a zone; a small integer key lets overlaps be cached per query.
        weeks: dict[tuple, int] = {}
        self._week_key: Mapping[str, int] = {
            p.id: weeks.setdefault(utc_week(p.working_hours, p.timezone), len(weeks))
            for p in self.organisation.people
        }
        self._weeks = list(weeks)
        self._week_keys = weeks

    def _willingness(self, person: Person) -> float:
        w = self.weights
        active = self._active[person.id]
        capacity = person.mentor_capacity if person.is_mentor else w.usual_load
        bonus = w.mentor if person.mentor_capacity > active else 0.0
        bonus += w.host if person.is_host else 0.0
        return bonus - w.load * min(1.0, active / max(1, capacity))

    # -- look-ups ---------------------------------------------------------------------------------

    def person(self, person_id: str) -> Person | None:
        return self._people.get(person_id)

    def skill(self, skill_id: str) -> Skill | None:
        return self._skills.get(skill_id)

    def holdings_of(self, person_id: str) -> list[tuple[Skill, Level]]:
        held = self._held.get(person_id, {})
        return sorted(
            ((self._skills[s], lv) for s, lv in held.items()), key=lambda x: (-x[1], *skill_key(x[0]))
        )

    def wishes_of(self, person_id: str) -> list[tuple[Skill, int]]:
        wished = self._wishes.get(person_id, {})
        return sorted(
            ((self._skills[s], p) for s, p in wished.items()), key=lambda x: (-x[1], *skill_key(x[0]))
        )

    def holders_of(self, skill_id: str) -> list[tuple[Person, Level]]:
        """Everyone holding the skill, opted in to "ask me" or not: this is the manager's view."""
        holders = self._levels.get(skill_id, {})
        return sorted(
            ((self._people[p], lv) for p, lv in holders.items()), key=lambda x: (-x[1], self._order[x[0].id])
        )

    def related_skills(self, skill_id: str) -> list[tuple[str, float]]:
        """Skills related to this one (links in either direction, parent and children), strongest first."""
        related = self._related.get(skill_id, {})
        return sorted(related.items(), key=lambda item: (-item[1], skill_key(self._skills[item[0]])))

    def levels_of(self, person_id: str) -> Mapping[str, Level]:
        """Skill id to level for one person: the raw index the optimisers read."""
        return self._held.get(person_id, {})

    def wished_by(self, person_id: str) -> Mapping[str, int]:
        """Skill id to priority for what one person wants to learn."""
        return self._wishes.get(person_id, {})

    def levels_in(self, skill_id: str) -> Mapping[str, Level]:
        """Person id to level for everyone holding one skill."""
        return self._levels.get(skill_id, {})

    def related_to(self, skill_id: str) -> Mapping[str, float]:
        """Related skill id to strength, in either direction, parent and children included."""
        return self._related.get(skill_id, {})

    def wish_count(self, skill_id: str) -> int:
        """How many people want to learn the skill."""
        return len(self._wanted.get(skill_id, {}))

    def resolve_skill(self, query: str) -> tuple[Skill, str]:
        """The skill a person means: by id, name, alias, then a near spelling."""
        key = normalise(query)
        if query.strip() in self._skills:
            return self._skills[query.strip()], "id"
        for index, matched_by in ((self._by_id, "id"), (self._by_name, "name"), (self._by_alias, "alias")):
            if key in index:
                return index[key], matched_by
        if key:
            match = process.extractOne(key, self._texts, scorer=fuzz.ratio, score_cutoff=SPELLING_CUTOFF)
            if match is not None:
                return self._text_skills[match[2]], "spelling"
        raise UnknownSkill(query, tuple(s.name for s in self.suggest_skills(query, limit=5)))

    def suggest_skills(self, text: str, limit: int = 8) -> list[Skill]:
        """Skills for autocomplete: names or aliases that start with the text, contain it, or look like it."""
        key = normalise(text)
        if not key:
            return sorted(self._skills.values(), key=skill_key)[:limit]
        best: dict[str, tuple[int, float]] = {}

        def offer(skill: Skill, rank: tuple[int, float]) -> None:
            if skill.id not in best or rank < best[skill.id]:
                best[skill.id] = rank

        for i, candidate in enumerate(self._texts):
            if candidate.startswith(key):
                offer(self._text_skills[i], (0, 0.0))
            elif key in candidate:
                offer(self._text_skills[i], (1, 0.0))
        for _, score, i in process.extract(
            key, self._texts, scorer=fuzz.WRatio, score_cutoff=SUGGEST_CUTOFF, limit=3 * limit
        ):
            offer(self._text_skills[i], (2, -score))
        ranked = sorted(best, key=lambda sid: (best[sid], *skill_key(self._skills[sid])))
        return [self._skills[sid] for sid in ranked[:limit]]


def skill_key(skill: Skill) -> tuple[str, str]:
    return skill.name.casefold(), skill.id


def base_language(code: str) -> str:
    """The language of a code: "nl-BE" and "nl" are one language for who can talk to whom."""
    return code.lower().split("-")[0]
