"""The talent map (talentenkaart): who knows what, who wants to learn what, who connects whom.

:class:`TalentMap` builds a networkx graph from an :class:`~matcher.domain.model.Organisation`
once, with the indexes its questions need, and answers three questions:
who can I ask about X (:meth:`TalentMap.ask`), which knowledge is at risk
(:meth:`TalentMap.risks`) and who are the bridge figures (:meth:`TalentMap.bridges`).
A holding at level 0 ("none") means no knowledge and is left out of the map.

Who to ask
----------
Only people who opted in to "ask me about" are ever listed, and the asker never
is. With the weights ``w`` of :class:`AskWeights` a person's score for a skill is::

    score = w.level * level
          + w.mentor  if open to mentoring with a free place
          + w.host    if open to being shadowed
          - w.load * min(1, active / capacity)
          + w.language                           if asker and person share a language
          + w.site                               if they work at the same site
          + w.overlap * min(1, shared / asker_week)

``active`` counts the pairings and groups the person takes part in today;
``capacity`` is their mentor capacity, or ``w.usual_load`` when they do not
mentor. ``shared`` is the weekly working time the two have in common in UTC
and ``asker_week`` the asker's own weekly working time; the fit terms count
only when an asker is given. The default weights of everything but level add up
to less than ``w.level``, so a higher level always ranks first and the rest
orders people of one level. When no one can be asked about X itself, holders
of related skills are offered, scored ``score * strength``. Leaving dates play
no part here: they are not the asker's business.

Ties go to the name, then the id, so the same map always gives the same answer.

>>> from matcher.domain.model import Holding, Organisation, Person, Skill
>>> org = Organisation(
...     people=(Person("ann", "Ann", "ann@example.org"), Person("bo", "Bo", "bo@example.org")),
...     skills=(Skill("py", "Python", aliases=("python3",)),),
...     holdings=(Holding("ann", "py", 4), Holding("bo", "py", 2)),
... )
>>> [a.name for a in TalentMap(org, today=dt.date(2024, 3, 1)).ask("pyhton").answers]
['Ann', 'Bo']
"""

from __future__ import annotations

import datetime as dt
import heapq
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from itertools import combinations

import networkx as nx
from rapidfuzz import fuzz, process

from matcher.domain.model import Level, Organisation, Person, Skill
from matcher.domain.overlap import overlap_minutes, utc_week
from matcher.domain.phrases import counted, phrase, term

# fuzz.ratio of a query and a skill name: "pyhton" scores 83 against "python".
SPELLING_CUTOFF = 75.0
SUGGEST_CUTOFF = 70.0
KEY_LEVEL = Level.PROFICIENT
# Exact betweenness is quadratic-ish; past this size a fixed sample of sources keeps it to seconds.
EXACT_BETWEENNESS_UP_TO = 2000
BETWEENNESS_SAMPLE = 64

LANGUAGE_NAMES = {
    "nl": term("Dutch"), "en": term("English"), "fr": term("French"), "de": term("German"),
    "es": term("Spanish"), "it": term("Italian"), "pt": term("Portuguese"), "pl": term("Polish"),
    "tr": term("Turkish"), "ar": term("Arabic"), "zh": term("Chinese"), "fy": term("Frisian"),
    "pap": term("Papiamento"), "uk": term("Ukrainian"), "ru": term("Russian"), "ro": term("Romanian"),
}  # fmt: skip
#: The first reason of an answer, by the level held: a sentence about the skill named.
LEVEL_PHRASES: dict[Level, Callable[[str], str]] = {
    Level.EXPERT: lambda skill: phrase("expert in {skill} (level 4)", skill=skill),
    Level.PROFICIENT: lambda skill: phrase("proficient in {skill} (level 3)", skill=skill),
    Level.WORKING: lambda skill: phrase("works with {skill} day to day (level 2)", skill=skill),
    Level.AWARE: lambda skill: phrase("knows the basics of {skill} (level 1)", skill=skill),
}


class UnknownSkill(LookupError):
    """No skill matches a query, not even by a near spelling."""

    def __init__(self, query: str, suggestions: tuple[str, ...] = ()) -> None:
        self.query = query
        self.suggestions = suggestions
        message = f"no skill matches '{query}'"
        if suggestions:
            message += f"; did you mean: {', '.join(suggestions)}?"
        super().__init__(message)

    def __str__(self) -> str:
        return str(self.args[0])


@dataclass(frozen=True)
class AskWeights:
    """Weights of "who can I ask"; see the module docstring for the formula."""

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


@dataclass(frozen=True)
class Answer:
    person_id: str
    name: str
    level: int
    score: float
    reasons: tuple[str, ...]
    related_skill: str | None
    email: str
    department: str
    function: str
    site: str

    def as_dict(self) -> dict:
        return {
            "person_id": self.person_id, "name": self.name, "level": self.level,
            "level_label": Level(self.level).label, "score": round(self.score, 2),
            "reasons": list(self.reasons), "related_skill": self.related_skill, "email": self.email,
            "department": self.department, "function": self.function, "site": self.site,
        }  # fmt: skip


@dataclass(frozen=True)
class AskResult:
    query: str
    skill_id: str
    skill_name: str
    matched_by: str
    answers: tuple[Answer, ...]

    def as_dict(self) -> dict:
        return {
            "query": self.query, "skill_id": self.skill_id, "skill_name": self.skill_name,
            "matched_by": self.matched_by, "answers": [a.as_dict() for a in self.answers],
        }  # fmt: skip


@dataclass(frozen=True)
class Successor:
    person_id: str
    name: str
    level: int
    wish_priority: int | None
    reason: str

    def as_dict(self) -> dict:
        return {
            "person_id": self.person_id, "name": self.name, "level": self.level,
            "wish_priority": self.wish_priority, "reason": self.reason,
        }  # fmt: skip


@dataclass(frozen=True)
class Risk:
    skill_id: str
    skill_name: str
    holders: tuple[str, ...]
    leaving: tuple[tuple[str, dt.date], ...]
    remaining: int
    demand: int
    reasons: tuple[str, ...]
    successors: tuple[Successor, ...]

    def as_dict(self) -> dict:
        return {
            "skill_id": self.skill_id, "skill_name": self.skill_name, "holders": list(self.holders),
            "leaving": [{"person_id": p, "date": d.isoformat()} for p, d in self.leaving],
            "remaining": self.remaining, "demand": self.demand, "reasons": list(self.reasons),
            "successors": [s.as_dict() for s in self.successors],
        }  # fmt: skip


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


class TalentMap:
    """The talent map of one organisation on one day; build once, ask often."""

    def __init__(
        self, org: Organisation, *, today: dt.date, weights: AskWeights = DEFAULT_ASK_WEIGHTS
    ) -> None:
        self.organisation = org
        self.today = today
        self.weights = weights
        self._people = {p.id: p for p in org.people}
        self._skills = {s.id: s for s in org.skills}
        ordered = sorted(org.people, key=lambda p: (p.name.casefold(), p.id))
        self._order = {p.id: i for i, p in enumerate(ordered)}
        self._index_holdings_and_wishes()
        self._index_skill_texts()
        self._index_related()
        self._index_people()
        self.graph = talent_graph(org)
        self.collaboration = collaboration_graph(org)
        self._centrality: dict[int, dict[str, float]] = {}

    # -- building ---------------------------------------------------------------------------------

    def _index_holdings_and_wishes(self) -> None:
        self._levels: dict[str, dict[str, Level]] = defaultdict(dict)  # skill -> person -> level
        self._held: dict[str, dict[str, Level]] = defaultdict(dict)  # person -> skill -> level
        for h in self.organisation.holdings:
            if h.level < Level.AWARE or h.person_id not in self._people or h.skill_id not in self._skills:
                continue
            level = max(Level(h.level), self._held[h.person_id].get(h.skill_id, Level.NONE))
            self._levels[h.skill_id][h.person_id] = level
            self._held[h.person_id][h.skill_id] = level
        self._wanted: dict[str, dict[str, int]] = defaultdict(dict)  # skill -> person -> priority
        self._wishes: dict[str, dict[str, int]] = defaultdict(dict)  # person -> skill -> priority
        for w in self.organisation.wishes:
            if w.person_id not in self._people or w.skill_id not in self._skills:
                continue
            priority = max(w.priority, self._wishes[w.person_id].get(w.skill_id, 0))
            self._wanted[w.skill_id][w.person_id] = priority
            self._wishes[w.person_id][w.skill_id] = priority

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
        bonus = {p.id: self._willingness(p) for p in self.organisation.people}
        w = self.weights
        # Best first without fit; fit is bounded, so a question can stop scanning early.
        self._ranked = {
            skill_id: sorted(
                (
                    (w.level * level + bonus[pid], pid, level)
                    for pid, level in holders.items()
                    if self._people[pid].ask_me
                ),
                key=lambda item: (-item[0], self._order[item[1]]),
            )
            for skill_id, holders in self._levels.items()
        }
        self._max_fit = w.language + w.site + w.overlap
        self._languages = {
            p.id: frozenset(base_language(c) for c in p.languages) for p in self._people.values()
        }
        # Many people share hours and a zone; a small integer key lets overlaps be cached per query.
        weeks: dict[tuple, int] = {}
        self._week_key = {
            p.id: weeks.setdefault(utc_week(p.working_hours, p.timezone), len(weeks))
            for p in self.organisation.people
        }
        self._weeks = list(weeks)

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
            ((self._skills[s], lv) for s, lv in held.items()), key=lambda x: (-x[1], *_skill_key(x[0]))
        )

    def wishes_of(self, person_id: str) -> list[tuple[Skill, int]]:
        wished = self._wishes.get(person_id, {})
        return sorted(
            ((self._skills[s], p) for s, p in wished.items()), key=lambda x: (-x[1], *_skill_key(x[0]))
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
        return sorted(related.items(), key=lambda item: (-item[1], _skill_key(self._skills[item[0]])))

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
            return sorted(self._skills.values(), key=_skill_key)[:limit]
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
        ranked = sorted(best, key=lambda sid: (best[sid], *_skill_key(self._skills[sid])))
        return [self._skills[sid] for sid in ranked[:limit]]

    # -- who can I ask about X --------------------------------------------------------------------

    def ask(self, query: str, *, asker_id: str | None = None, limit: int = 10) -> AskResult:
        """Who to ask about a skill, best first, each with the reasons they are listed.

        An ``asker_id`` that is not on the map still keeps that id off the list,
        but without a person to compare with, fit adds nothing.
        """
        skill, matched_by = self.resolve_skill(query)
        asker = self._people.get(asker_id) if asker_id else None
        ctx = self._asker_context(asker)
        scored = {
            pid: (score, level, None) for score, pid, level in self._top(skill.id, asker_id, ctx, limit)
        }
        if not scored and limit > 0:
            scored = self._related_scores(skill.id, asker_id, ctx, limit)
        top = sorted(scored, key=lambda pid: (-scored[pid][0], self._order[pid]))[: max(0, limit)]
        answers = tuple(self._answer(skill, pid, *scored[pid], ctx) for pid in top)
        return AskResult(query, skill.id, skill.name, matched_by, answers)

    def _top(
        self,
        skill_id: str,
        asker_id: str | None,
        ctx: _AskerContext | None,
        limit: int,
        strength: float = 1.0,
    ) -> list[tuple[float, str, Level]]:
        """The best ``limit`` askable holders of one skill, scanning only while fit could still lift
        someone into the top: holders come best first without fit, and fit is at most ``_max_fit``."""
        if limit <= 0:
            return []
        ceiling = self._max_fit if ctx is not None else 0.0
        worst_first: list[tuple[float, int, str, Level]] = []
        for base, pid, level in self._ranked.get(skill_id, ()):
            if len(worst_first) == limit and (base + ceiling) * strength < worst_first[0][0]:
                break
            if pid == asker_id:
                continue
            item = ((base + self._fit(pid, ctx)) * strength, -self._order[pid], pid, level)
            if len(worst_first) < limit:
                heapq.heappush(worst_first, item)
            else:
                heapq.heappushpop(worst_first, item)
        return [(score, pid, level) for score, _, pid, level in worst_first]

    def _related_scores(
        self, skill_id: str, asker_id: str | None, ctx: _AskerContext | None, limit: int
    ) -> dict[str, tuple[float, Level, str | None]]:
        """Best score per person over the related skills; the best ``limit`` of each skill suffice,
        since whoever is in the overall top is also in the top of the skill that gave their best."""
        scored: dict[str, tuple[float, Level, str | None]] = {}
        for other, strength in sorted(self._related.get(skill_id, {}).items()):
            for score, pid, level in self._top(other, asker_id, ctx, limit, strength):
                if pid not in scored or score > scored[pid][0]:
                    scored[pid] = (score, level, other)
        return scored

    def _asker_context(self, asker: Person | None) -> _AskerContext | None:
        if asker is None:
            return None
        week = self._week_key[asker.id]
        minutes = sum(end - start for start, end in self._weeks[week])
        return _AskerContext(asker, self._languages[asker.id], week, minutes)

    def _fit(self, pid: str, ctx: _AskerContext | None) -> float:
        if ctx is None:
            return 0.0
        fit = ctx.fits.get(pid)
        if fit is None:
            w = self.weights
            fit = w.language if ctx.languages & self._languages[pid] else 0.0
            if ctx.person.site and self._people[pid].site == ctx.person.site:
                fit += w.site
            if ctx.week_minutes:
                fit += w.overlap * min(1.0, self._overlap(ctx, pid) / ctx.week_minutes)
            ctx.fits[pid] = fit
        return fit

    def _overlap(self, ctx: _AskerContext, pid: str) -> int:
        key = self._week_key[pid]
        if key not in ctx.overlaps:
            ctx.overlaps[key] = overlap_minutes(self._weeks[ctx.week], self._weeks[key])
        return ctx.overlaps[key]

    def _answer(
        self, skill: Skill, pid: str, score: float, level: Level, via: str | None, ctx: _AskerContext | None
    ) -> Answer:
        person = self._people[pid]
        if via is None:
            first = LEVEL_PHRASES[level](skill.name)
        else:
            first = phrase(
                "nobody you can ask holds {skill}; holds the related skill {related} (level {level})",
                skill=skill.name,
                related=self._skills[via].name,
                level=int(level),
            )
        reasons = [first, *self._willingness_reasons(person)]
        if ctx is not None:
            reasons.extend(self._fit_reasons(ctx, person))
        return Answer(pid, person.name, int(level), score, tuple(reasons), via,
                      person.email, person.department, person.function, person.site)  # fmt: skip

    def _willingness_reasons(self, person: Person) -> list[str]:
        reasons = []
        active = self._active[person.id]
        if person.is_mentor:
            free = person.mentor_capacity - active
            if free > 0:
                places = counted(free, "{n} place", "{n} places")
                reasons.append(phrase("open to mentoring ({places})", places=places))
            else:
                reasons.append(phrase("open to mentoring, but has no place free at the moment"))
        if person.is_host:
            reasons.append(phrase("open to being shadowed"))
        if active:
            reasons.append(
                counted(
                    active,
                    "already takes part in {n} pairing or group now",
                    "already takes part in {n} pairings or groups now",
                )
            )
        return reasons

    def _fit_reasons(self, ctx: _AskerContext, person: Person) -> list[str]:
        reasons = []
        shared = [c for c in dict.fromkeys(map(base_language, person.languages)) if c in ctx.languages]
        if shared:
            names = [LANGUAGE_NAMES.get(c, c) for c in shared]
            reasons.append(phrase("speaks {languages:list} like you", languages=names))
        elif ctx.languages and person.languages:
            reasons.append(phrase("has no language in common with you"))
        if ctx.person.site and person.site == ctx.person.site:
            reasons.append(phrase("works at {site} like you", site=person.site))
        if ctx.week_minutes:
            reasons.append(_shared_time_phrase(self._overlap(ctx, person.id)))
        return reasons

    # -- knowledge at risk ------------------------------------------------------------------------

    def risks(self, *, min_holders: int = 2, horizon_days: int = 180, successors: int = 3) -> list[Risk]:
        """Skills with too few people at level 3 or higher, now or once leavers within the horizon have gone.

        Only skills someone holds at some level or wants to learn are looked at.
        Most severe first: nobody left, then the most wanted, then by name.
        """
        horizon = self.today + dt.timedelta(days=horizon_days)
        found = []
        for skill in self.organisation.skills:
            if skill.id not in self._levels and skill.id not in self._wanted:
                continue
            risk = self._risk(skill, min_holders, horizon, successors)
            if risk is not None:
                found.append(risk)
        return sorted(found, key=lambda r: (r.remaining, -r.demand, *_skill_key(self._skills[r.skill_id])))

    def _risk(self, skill: Skill, min_holders: int, horizon: dt.date, successors: int) -> Risk | None:
        holders = [p for p, level in self.holders_of(skill.id) if level >= KEY_LEVEL]
        leaving = [p for p in holders if p.leaving_date is not None and p.leaving_date <= horizon]
        remaining = len(holders) - len(leaving)
        if remaining >= min_holders:
            return None
        demand = len(self._wanted.get(skill.id, {}))
        leaving.sort(key=lambda p: (p.leaving_date, self._order[p.id]))
        reasons = self._risk_reasons(skill, holders, leaving, remaining, min_holders, demand)
        return Risk(
            skill.id,
            skill.name,
            holders=tuple(p.id for p in holders),
            leaving=tuple((p.id, p.leaving_date) for p in leaving if p.leaving_date is not None),
            remaining=remaining,
            demand=demand,
            reasons=tuple(reasons),
            successors=tuple(self._successors(skill, successors)),
        )

    def _risk_reasons(
        self,
        skill: Skill,
        holders: list[Person],
        leaving: list[Person],
        remaining: int,
        min_holders: int,
        demand: int,
    ) -> list[str]:
        reasons = []
        if not holders:
            reasons.append(phrase("nobody holds {skill} at level 3 or higher", skill=skill.name))
        elif len(holders) <= 3 and len(holders) < min_holders:
            reasons.append(
                counted(
                    len(holders),
                    "only {names:list} holds {skill} at level 3 or higher",
                    "only {names:list} hold {skill} at level 3 or higher",
                    names=[p.name for p in holders],
                    skill=skill.name,
                )
            )
        elif len(holders) < min_holders:
            reasons.append(
                phrase("only {n} people hold {skill} at level 3 or higher", n=len(holders), skill=skill.name)
            )
        reasons.extend(_leaving_phrase(person, self.today) for person in leaving)
        if leaving and remaining == 0:
            reasons.append(phrase("after that nobody at level 3 or higher would remain"))
        elif leaving:
            reasons.append(
                counted(
                    remaining,
                    "after that only {n} person at level 3 or higher would remain",
                    "after that only {n} people at level 3 or higher would remain",
                )
            )
        if demand:
            reasons.append(counted(demand, "{n} person wants to learn it", "{n} people want to learn it"))
        return reasons

    def _successors(self, skill: Skill, limit: int) -> list[Successor]:
        """Who could take a skill over: level 2 before 1, a wish to learn it first within a level,
        then people who only wish it, then holders of related skills. Leavers never."""
        levels = self._levels.get(skill.id, {})
        wanted = self._wanted.get(skill.id, {})
        direct = [
            pid
            for pid in set(levels) | set(wanted)
            if self._people[pid].leaving_date is None and levels.get(pid, 0) < KEY_LEVEL
        ]
        direct.sort(key=lambda pid: (-levels.get(pid, 0), -wanted.get(pid, 0), self._order[pid]))
        found = [
            self._direct_successor(skill, pid, levels.get(pid, Level.NONE), wanted.get(pid)) for pid in direct
        ]
        if len(found) < limit:
            found.extend(self._related_successors(skill, set(direct)))
        return found[:limit]

    def _direct_successor(self, skill: Skill, pid: str, level: Level, wish: int | None) -> Successor:
        if level and wish:
            reason = phrase(
                "holds {skill} at level {level} and wants to learn more (priority {priority})",
                skill=skill.name,
                level=int(level),
                priority=wish,
            )
        elif level:
            reason = phrase("holds {skill} at level {level}", skill=skill.name, level=int(level))
        else:
            reason = phrase("wants to learn {skill} (priority {priority})", skill=skill.name, priority=wish)
        return Successor(pid, self._people[pid].name, int(level), wish, reason)

    def _related_successors(self, skill: Skill, taken: set[str]) -> list[Successor]:
        own = self._levels.get(skill.id, {})
        best: dict[str, tuple[float, str, Level]] = {}
        for other, strength in sorted(self._related.get(skill.id, {}).items()):
            for pid, level in self._levels.get(other, {}).items():
                if pid in taken or pid in own or self._people[pid].leaving_date is not None:
                    continue
                if pid not in best or level * strength > best[pid][0]:
                    best[pid] = (level * strength, other, level)
        ranked = sorted(best, key=lambda pid: (-best[pid][0], self._order[pid]))
        return [
            Successor(pid, self._people[pid].name, 0, None,
                      phrase("holds the related skill {skill} (level {level})",
                             skill=self._skills[best[pid][1]].name, level=int(best[pid][2])))
            for pid in ranked
        ]  # fmt: skip

    # -- bridge figures ---------------------------------------------------------------------------

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
                    betweenness=f"{betweenness:.3f}",
                )
            )
        return Bridge(pid, person.name, person.department, score, departments, tuple(reasons))


@dataclass
class _AskerContext:
    """The asker's side of fit, with caches that live for one question."""

    person: Person
    languages: frozenset[str]
    week: int
    week_minutes: int
    overlaps: dict[int, int] = field(default_factory=dict)
    fits: dict[str, float] = field(default_factory=dict)


def _skill_key(skill: Skill) -> tuple[str, str]:
    return skill.name.casefold(), skill.id


def base_language(code: str) -> str:
    """The language of a code: "nl-BE" and "nl" are one language for who can talk to whom."""
    return code.lower().split("-")[0]


def _shared_time_phrase(minutes: int) -> str:
    if minutes == 0:
        return phrase("no shared working time in a usual week")
    if minutes < 60:
        return phrase("less than an hour a week of shared working time")
    return counted(
        round(minutes / 60),
        "about {n} hour a week of shared working time",
        "about {n} hours a week of shared working time",
    )


def _leaving_phrase(person: Person, today: dt.date) -> str:
    assert person.leaving_date is not None
    days = (person.leaving_date - today).days
    date = person.leaving_date.isoformat()
    if days < 0:
        return phrase("{name} left on {date}", name=person.name, date=date)
    return counted(
        days,
        "{name} leaves on {date}, in {n} day",
        "{name} leaves on {date}, in {n} days",
        name=person.name,
        date=date,
    )
