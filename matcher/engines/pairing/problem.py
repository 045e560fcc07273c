"""A pairing round as a problem: who takes part, which pairs may form, what each is worth.

Building the problem is where the talent map meets HR's config. Each mode
says who teaches, who learns and which pairs are eligible; the hard pair
rules in :mod:`matcher.engines.pairing.rules` strike out what may never form; what is
left are the candidates, each scored in named parts with the wishes it serves.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from matcher.domain.model import HistoryEntry, Level, Person
from matcher.domain.overlap import overlap_minutes, utc_week
from matcher.domain.talentmap import TalentMap, base_language
from matcher.engines.pairing import feedback
from matcher.engines.pairing.config import PairingConfig
from matcher.engines.pairing.fairness import Recall, fairness_parts
from matcher.engines.pairing.pruned import Pruned

SCALE = 100  # scores are whole hundredths inside the solvers


@dataclass(frozen=True)
class Served:
    """One wish a pair serves: the teacher knows the skill (or a related one) better."""

    skill_id: str
    teacher_level: int
    learner_level: int
    priority: int
    credit: float
    via: str | None = None  # the related skill the teacher holds, when not the wished one


@dataclass(frozen=True)
class Candidate:
    """A pair that may form. ``members`` puts the teacher first in directed modes;
    in exchange mode the ids are in sorted order. The wishes it serves are worked
    out again when it is explained (see :func:`served_wishes`).

    Candidates built as arrays carry no named parts: ``parts`` works them out from the
    learning credit (``gain``) when the pair is explained, so only pairs shown pay for them. A
    pair brought back from the pruned ones carries no credit either (``None``): it is worked out
    again then."""

    members: tuple[str, str]
    points: int
    given: tuple[tuple[str, float], ...] | None = None
    gain: float | None = 0.0
    problem: PairingProblem | None = field(default=None, compare=False, repr=False)

    @cached_property
    def parts(self) -> tuple[tuple[str, float], ...]:
        if self.given is not None or self.problem is None:
            return self.given or ()
        teacher, learner = self.members
        gain = self.gain if self.gain is not None else gain_of(self.problem, teacher, learner)
        return tuple(score_parts(self.problem, teacher, learner, gain))


@dataclass
class PairingProblem:
    config: PairingConfig
    tmap: TalentMap
    today: dt.date
    #: Person id to capacity for everyone who may teach (in exchange mode: everyone, 1).
    teachers: dict[str, int]
    learners: tuple[str, ...]
    candidates: dict[tuple[str, str], Candidate] = field(default_factory=dict)
    #: Person id to how many would-be partners each hard rule struck out, for the explanations.
    ruled_out: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    #: Rule name to how many candidate pairs it struck out in all.
    rule_counts: Counter[str] = field(default_factory=Counter)
    #: Locks that hold, and the conflicts that made others drop.
    locks: tuple[tuple[str, ...], ...] = ()
    conflicts: list[str] = field(default_factory=list)
    #: Pair (as a frozenset) to how many rounds of the same kind ago it last met (1 = the last round).
    rounds_ago: dict[frozenset[str], int] = field(default_factory=dict)
    previous_unmatched: frozenset[str] = frozenset()
    previous_pairs: tuple[tuple[str, ...], ...] = ()
    #: What earlier rounds of the programme left behind: runs of rounds left out, teachers' load.
    recall: Recall = field(default_factory=Recall)
    #: Pairs left out by ``candidates_per_learner``. The bound still counts them: the solver
    #: prices them against the flow's duals (see :mod:`matcher.engines.pairing.pricing`).
    pruned: Pruned | None = None
    pruned_count: int = 0

    def __post_init__(self) -> None:
        self.people = {p.id: p for p in self.tmap.organisation.people}
        self.learner_set = frozenset(self.learners)
        self.forbidden = {frozenset(p) for p in self.config.forbidden}
        self._ancestors: dict[str, frozenset[str]] = {}
        weeks: dict[tuple, int] = {}
        self._week_of = {
            p.id: weeks.setdefault(utc_week(p.working_hours, p.timezone), len(weeks))
            for p in self.tmap.organisation.people
        }
        self._weeks = list(weeks)
        self._overlaps: dict[tuple[int, int], int] = {}
        self._teaching: dict[str, list[tuple[str, Level]]] = {}
        self._codes: PersonCodes | None = None
        self._arcs: Arcs | None = None
        self._experience = {p.id: p.experience_years(self.today) for p in self.tmap.organisation.people}
        self._languages = {
            p.id: frozenset(base_language(c) for c in p.languages) for p in self.tmap.organisation.people
        }

    @property
    def mode(self) -> str:
        return self.config.mode

    def name(self, person_id: str) -> str:
        person = self.people.get(person_id)
        return person.name if person else person_id

    def skill_name(self, skill_id: str) -> str:
        skill = self.tmap.skill(skill_id)
        return skill.name if skill else skill_id

    def experience(self, person_id: str) -> float:
        """Years in the field, or tenure when that is longer. Never age."""
        return self._experience[person_id]

    def ancestors(self, person_id: str) -> frozenset[str]:
        """Everyone above the person in their reporting line."""
        if person_id not in self._ancestors:
            chain: list[str] = []
            current = self.people.get(person_id)
            while current and current.manager_id and current.manager_id not in chain:
                chain.append(current.manager_id)
                current = self.people.get(current.manager_id)
            self._ancestors[person_id] = frozenset(chain)
        return self._ancestors[person_id]

    def overlap(self, a: str, b: str) -> int:
        key = (self._week_of[a], self._week_of[b])
        if key not in self._overlaps:
            self._overlaps[key] = overlap_minutes(self._weeks[key[0]], self._weeks[key[1]])
        return self._overlaps[key]

    def shares_language(self, a: str, b: str) -> bool:
        return bool(self._languages[a] & self._languages[b])

    def teaching_levels(self, skill_id: str) -> list[tuple[str, Level]]:
        """The teachers taking part who hold the skill, with their level."""
        found = self._teaching.get(skill_id)
        if found is None:
            teachers = self.teachers
            found = [(p, level) for p, level in self.tmap.levels_in(skill_id).items() if p in teachers]
            self._teaching[skill_id] = found
        return found

    def add_candidates(self, found: list[Candidate], first: np.ndarray, second: np.ndarray) -> None:
        """Add candidates (new pairs, teacher and learner as person indices), keeping the arcs."""
        arcs = self.arcs()
        for candidate in found:
            self.candidates[candidate.members] = candidate
        points = np.asarray([c.points for c in found], dtype=np.int64)
        self._arcs = arcs.extended([c.members for c in found], first, second, points)

    def arcs(self) -> Arcs:
        """The candidates as arrays, in the order of ``candidates``; built once."""
        if self._arcs is None or self._arcs.size != len(self.candidates):
            self._arcs = Arcs.of(self)
        return self._arcs

    def codes(self) -> PersonCodes:
        if self._codes is None:
            self._codes = person_codes(self)
        return self._codes

    def capacity(self, person_id: str) -> int:
        return self.teachers.get(person_id, 0)


# -- who takes part ---------------------------------------------------------------------------------


def is_newcomer(person: Person, config: PairingConfig, today: dt.date) -> bool:
    if person.newcomer:
        return True
    return person.start_date is not None and 0 <= (today - person.start_date).days <= config.newcomer_days


def participants(tmap: TalentMap, config: PairingConfig, today: dt.date) -> tuple[dict[str, int], list[str]]:
    """Teachers with their capacity, and learners, for the mode and HR's selection.

    Capacity is a person's stated mentor capacity, or ``default_capacity`` where they
    stated none. Mentors and buddies are people who opted in as mentors, or whom HR
    named in the selection; reverse mentors are juniors (``junior_years``) who opted in
    to be asked, and they teach seniors.
    """
    org = tmap.organisation
    chosen = [
        p
        for p in org.people
        if config.select.admits(p.id, p.department, p.site)
        and (p.leaving_date is None or p.leaving_date > today)
    ]

    def capacity(p: Person) -> int:
        return p.mentor_capacity if p.mentor_capacity > 0 else config.default_capacity

    mode = config.mode
    if mode == "mentor":
        teachers = {p.id: p.mentor_capacity for p in chosen if p.mentor_capacity > 0 and tmap.levels_of(p.id)}
        learners = [p.id for p in chosen if tmap.wished_by(p.id)]
    elif mode == "reverse":

        def junior(p: Person) -> bool:
            return p.experience_years(today) <= config.junior_years

        teachers = {p.id: capacity(p) for p in chosen if p.ask_me and junior(p) and tmap.levels_of(p.id)}
        learners = [p.id for p in chosen if not junior(p) and tmap.wished_by(p.id)]
    elif mode == "exchange":
        both = [p.id for p in chosen if tmap.wished_by(p.id) and tmap.levels_of(p.id)]
        teachers = dict.fromkeys(both, 1)
        learners = both
    elif mode == "buddy":
        learners = [p.id for p in chosen if is_newcomer(p, config, today) and not p.intern]
        # Buddies volunteer (the mentor opt-in) or are named by HR.
        teachers = {
            p.id: capacity(p)
            for p in chosen
            if (p.mentor_capacity > 0 or p.id in config.select.people)
            and not is_newcomer(p, config, today)
            and not p.intern
            and p.tenure_years(today) >= config.buddy_min_tenure_years
        }
    else:  # intern-manager
        managers = {p.manager_id for p in org.people if p.manager_id}
        learners = [p.id for p in chosen if p.intern]
        teachers = {p.id: capacity(p) for p in chosen if p.id in managers and not p.intern}
    return feedback.capacities(config, teachers), learners


def rounds_ago(history: tuple[HistoryEntry, ...], kind: str) -> dict[frozenset[str], int]:
    """For every pair that met in an earlier round of this kind: how many rounds ago (1 = the last)."""
    starts: dict[str, dt.date] = {}
    for entry in history:
        if entry.kind == kind:
            starts[entry.round] = min(entry.started, starts.get(entry.round, entry.started))
    order = sorted(starts, key=lambda r: (starts[r], r), reverse=True)
    age = {name: i + 1 for i, name in enumerate(order)}
    result: dict[frozenset[str], int] = {}
    for entry in history:
        if entry.kind != kind:
            continue
        members = list(dict.fromkeys(entry.members))
        for i, a in enumerate(members):
            for b in members[i + 1 :]:
                key = frozenset((a, b))
                result[key] = min(age[entry.round], result.get(key, age[entry.round]))
    return result


# -- what a pair is worth ---------------------------------------------------------------------------


def served_wishes(problem: PairingProblem, teacher: str, learner: str) -> tuple[Served, ...]:
    """The learner's wishes that the teacher can serve, each with its credit (priority x level gap)."""
    tmap, config = problem.tmap, problem.config
    held = tmap.levels_of(teacher)
    learner_levels = tmap.levels_of(learner)
    minimum = config.min_teacher_level
    related_credit = config.weights.related_credit
    served = []
    for skill_id, priority in tmap.wished_by(learner).items():
        own = learner_levels.get(skill_id, Level.NONE)
        level = held.get(skill_id, Level.NONE)
        factor = feedback.skill_factor(config, skill_id)  # 1 unless earlier sessions valued the skill
        best: Served | None = None
        if level > own and level >= minimum:
            best = Served(skill_id, int(level), int(own), priority, float(priority * (level - own) * factor))
        if related_credit > 0:
            for other, strength in tmap.related_to(skill_id).items():
                level = held.get(other, Level.NONE)
                if level > own and level >= minimum:
                    credit = priority * (level - own) * strength * related_credit * factor
                    if best is None or credit > best.credit:
                        best = Served(skill_id, int(level), int(own), priority, credit, via=other)
        if best is not None:
            served.append(best)
    return tuple(served)


def able_to_serve(problem: PairingProblem, teachers: list[str], learner: str, skill_id: str) -> list[str]:
    """The teachers who can serve the learner's wish for the skill, as :func:`served_wishes`
    counts it: a higher level (at least the minimum) in the skill or, with related credit, in a
    related skill."""
    tmap, config = problem.tmap, problem.config
    own = tmap.levels_of(learner).get(skill_id, Level.NONE)
    floor = max(own + 1, config.min_teacher_level)
    skills = (skill_id, *(tmap.related_to(skill_id) if config.weights.related_credit > 0 else ()))
    levels_of = tmap.levels_of
    return [t for t in teachers if any(levels_of(t).get(s, Level.NONE) >= floor for s in skills)]


def score_parts(problem: PairingProblem, first: str, second: str, gain: float) -> list[tuple[str, float]]:
    """Named parts of a pair's score besides what the solver adds for load."""
    w = problem.config.weights
    a, b = problem.people[first], problem.people[second]
    parts: list[tuple[str, float]] = []
    if gain:
        parts.append(("learning", w.learning * gain))
    if a.department != b.department and w.department:
        parts.append(("department", w.department))
    if a.function != b.function and w.function:
        parts.append(("function", w.function))
    if problem.mode == "buddy":
        if a.site == b.site and w.buddy_same_site:
            parts.append(("same site", w.buddy_same_site))
        if a.team != b.team and w.buddy_other_team:
            parts.append(("other team", w.buddy_other_team))
    elif a.site != b.site and w.site:
        parts.append(("site", w.site))
    if (
        abs(problem.experience(first) - problem.experience(second)) >= w.experience_gap_years
        and w.experience_gap
    ):
        parts.append(("experience gap", w.experience_gap))
    if a.team and a.team == b.team:
        if w.same_team:
            parts.append(("same team", w.same_team))
    elif w.cross_team:
        parts.append(("cross team", w.cross_team))
    if w.unmatched_last_round and (
        (first in problem.previous_unmatched and (not problem.config.directed or problem.mode == "exchange"))
        or second in problem.previous_unmatched
    ):
        parts.append(("left out last round", w.unmatched_last_round))
    ago = problem.rounds_ago.get(frozenset((first, second)))
    cooldown = problem.config.rules.cooldown_rounds
    if ago is not None and ago > cooldown and w.repeat:
        parts.append(("repeat", -w.repeat * w.repeat_fade ** (ago - cooldown - 1)))
    parts += fairness_parts(
        problem.config.fairness, problem.recall, first, second, directed=problem.config.directed
    )
    return parts


def link_candidate(problem: PairingProblem, a: str, b: str) -> Candidate | None:
    """The scored pair of two members of a plan: a candidate, or scored anew (a lock, a trio link)."""
    first, second = (a, b) if problem.config.directed else tuple(sorted((a, b)))
    return problem.candidates.get((first, second)) or make_candidate(
        problem, first, second, require_gain=False
    )


def pair_points(problem: PairingProblem, members: tuple[str, ...]) -> int:
    """A pair's own points, before load: the sum over its links (a trio has three)."""
    links = (link_candidate(problem, a, b) for i, a in enumerate(members) for b in members[i + 1 :])
    return sum(c.points for c in links if c is not None)


def gains_from(problem: PairingProblem, learner: str) -> dict[str, float]:
    """Every teacher taking part who can serve at least one of the learner's wishes, with the
    learning credit they bring: the same sum as :func:`served_wishes`, computed for all
    teachers at once by walking the holders of each wished (and related) skill."""
    tmap, config = problem.tmap, problem.config
    own_levels = tmap.levels_of(learner)
    minimum = config.min_teacher_level
    related_credit = config.weights.related_credit
    total: dict[str, float] = defaultdict(float)
    for skill_id, wish_priority in tmap.wished_by(learner).items():
        own = own_levels.get(skill_id, Level.NONE)
        priority = wish_priority * feedback.skill_factor(config, skill_id)  # as in served_wishes
        best: dict[str, float] = {}
        for teacher, level in problem.teaching_levels(skill_id):
            if level > own and level >= minimum:
                best[teacher] = priority * (level - own)
        if related_credit > 0:
            for other, strength in tmap.related_to(skill_id).items():
                factor = priority * strength * related_credit
                for teacher, level in problem.teaching_levels(other):
                    if level > own and level >= minimum:
                        credit = factor * (level - own)
                        if credit > best.get(teacher, 0.0):
                            best[teacher] = credit
        for teacher, credit in best.items():
            total[teacher] += credit
    total.pop(learner, None)
    return total


def gain_of(problem: PairingProblem, teacher: str, learner: str) -> float:
    """One pair's learning credit, added up as :func:`gains_from` adds it for every teacher."""
    tmap, config = problem.tmap, problem.config
    held = tmap.levels_of(teacher)
    own_levels = tmap.levels_of(learner)
    minimum = config.min_teacher_level
    related_credit = config.weights.related_credit
    total = 0.0
    for skill_id, wish_priority in tmap.wished_by(learner).items():
        own = own_levels.get(skill_id, Level.NONE)
        priority = wish_priority * feedback.skill_factor(config, skill_id)
        best: float | None = None
        level = held.get(skill_id, Level.NONE)
        if level > own and level >= minimum:
            best = priority * (level - own)
        if related_credit > 0:
            for other, strength in tmap.related_to(skill_id).items():
                factor = priority * strength * related_credit
                level = held.get(other, Level.NONE)
                if level > own and level >= minimum:
                    credit = factor * (level - own)
                    if credit > (0.0 if best is None else best):
                        best = credit
        if best is not None:
            total += best
    return total


@dataclass(frozen=True)
class PersonCodes:
    """People's attributes as integer arrays, for scoring many pairs at once."""

    index: dict[str, int]
    department: np.ndarray
    function: np.ndarray
    site: np.ndarray
    team: np.ndarray
    has_team: np.ndarray
    experience: np.ndarray


@dataclass(frozen=True)
class Arcs:
    """Candidate pairs as arrays: first and second member (as indices into ``names``) and points."""

    members: list[tuple[str, str]]
    names: list[str]
    first: np.ndarray
    second: np.ndarray
    points: np.ndarray

    @property
    def size(self) -> int:
        return len(self.members)

    def extended(
        self, members: list[tuple[str, str]], first: np.ndarray, second: np.ndarray, points: np.ndarray
    ) -> Arcs:
        """These arcs and more, appended in the order they join ``candidates``."""
        return Arcs(
            members=self.members + members,
            names=self.names,
            first=np.concatenate([self.first, first]),
            second=np.concatenate([self.second, second]),
            points=np.concatenate([self.points, points]),
        )

    @classmethod
    def of(cls, problem: PairingProblem) -> Arcs:
        codes = problem.codes()
        members = list(problem.candidates)
        n = len(members)
        return cls(
            members=members,
            names=list(codes.index),
            first=np.fromiter((codes.index[a] for a, _ in members), np.int64, n),
            second=np.fromiter((codes.index[b] for _, b in members), np.int64, n),
            points=np.fromiter((c.points for c in problem.candidates.values()), np.int64, n),
        )


def person_codes(problem: PairingProblem) -> PersonCodes:
    people = list(problem.people.values())

    def code(values: list[str]) -> np.ndarray:
        seen: dict[str, int] = {}
        return np.asarray([seen.setdefault(v, len(seen)) for v in values], dtype=np.int64)

    return PersonCodes(
        index={p.id: i for i, p in enumerate(people)},
        department=code([p.department for p in people]),
        function=code([p.function for p in people]),
        site=code([p.site for p in people]),
        team=code([p.team for p in people]),
        has_team=np.asarray([bool(p.team) for p in people]),
        experience=np.asarray([problem.experience(p.id) for p in people], dtype=np.float64),
    )


def scored(problem: PairingProblem, first: str, second: str, gain: float) -> Candidate:
    parts = score_parts(problem, first, second, gain)
    return Candidate((first, second), round(SCALE * sum(value for _, value in parts)), tuple(parts))


def make_candidate(
    problem: PairingProblem, first: str, second: str, *, require_gain: bool = True
) -> Candidate | None:
    """Score one pair, or None when the mode does not make it a pair at all (nothing to teach)."""
    mode = problem.mode
    gain = sum(s.credit for s in served_wishes(problem, first, second))
    if mode == "exchange":
        back = sum(s.credit for s in served_wishes(problem, second, first))
        if require_gain and not (gain and back):
            return None
        gain += back
    elif mode in ("mentor", "reverse") and require_gain and not gain:
        return None
    return scored(problem, first, second, gain)
